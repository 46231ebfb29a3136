"""Shell completion scripts for bash and zsh, generated from the argparse parser.

`smfed-wizard completion bash|zsh` prints one. Nothing is hand-listed here: the subcommands, their
options, the values an option takes (`--version v2.1 ... v2.6`, `--format text json`) and which
arguments are files all come from the parser, so a new flag (e.g. one generated from `fields`) is
completed as soon as it exists. The wizard's own options (`--plain`, `FILE`) come from the same
`cli.wizard_parser`.

    source <(smfed-wizard completion bash)      # or save it under ~/.local/share/bash-completion/completions/
    source <(smfed-wizard completion zsh)       # after compinit; or save it as _smfed-wizard on $fpath
"""
from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass, field

PROG = "smfed-wizard"
FUNC = "_smfed_wizard"


@dataclass
class Option:
    strings: list[str]
    help: str
    takes_value: bool
    choices: list[str]
    path: str | None
    repeat: bool
    metavar: str


@dataclass
class Positional:
    name: str
    many: bool
    choices: list[str]
    path: str | None


@dataclass
class Command:
    name: str
    help: str
    options: list[Option] = field(default_factory=list)
    positionals: list[Positional] = field(default_factory=list)
    subcommands: list["Command"] = field(default_factory=list)


def _help_text(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    try:
        text = parser._get_formatter()._expand_help(action)
    except (KeyError, TypeError, ValueError):
        text = action.help
    return " ".join(text.split())


def _path_kind(action: argparse.Action) -> str | None:
    """"file", "dir" or None, from the argument's metavar (FILE, SMCP_FILE, TOPOLOGY.yaml, DIR, PATH)."""
    if action.choices:
        return None
    name = str(action.metavar or action.dest.upper())
    if "=" in name or ":" in name:
        return None  # a structured value such as PEER=PEM_FILE
    if re.search(r"\bDIR(ECTORY)?\b", name, re.I):
        return "dir"
    if re.search(r"FILE|PATH|\.ya?ml$", name, re.I) or action.dest in ("file", "files", "output"):
        return "file"
    return None


def _choices(action: argparse.Action) -> list[str]:
    """The parser's choices; for the MESH flags (generated from `fields`, whose argparse actions
    carry no choices so that the field's own parse gives the message) the field's choices."""
    if action.choices:
        return [str(c) for c in action.choices]
    if action.dest.startswith("mesh_"):
        from .fields import MESH_FIELDS
        for fld in MESH_FIELDS:
            if f"mesh_{fld.attr}" == action.dest:
                return [str(c) for c in fld.choices]
    return []


def describe(parser: argparse.ArgumentParser, name: str = PROG, help_text: str = "") -> Command:
    """What completion needs to know about `parser`, recursively through its subcommands."""
    cmd = Command(name, help_text)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: (a.help or "") for a in action._choices_actions}
            for sub_name, sub_parser in action.choices.items():
                cmd.subcommands.append(describe(sub_parser, sub_name, helps.get(sub_name, "")))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            cmd.options.append(Option(
                strings=list(action.option_strings), help=_help_text(parser, action),
                takes_value=action.nargs != 0, choices=_choices(action),
                path=_path_kind(action), repeat=isinstance(action, argparse._AppendAction),
                metavar=str(action.metavar or action.dest.upper())))
        else:
            cmd.positionals.append(Positional(
                name=str(action.metavar or action.dest), many=action.nargs in ("+", "*", argparse.REMAINDER),
                choices=_choices(action), path=_path_kind(action)))
    return cmd


def _with_wizard(cmd: Command, wizard_parser: argparse.ArgumentParser) -> Command:
    """Add the wizard's own options and FILE (`smfed-wizard [--plain] [FILE]`) to the top level."""
    wizard = describe(wizard_parser)
    known = {s for o in cmd.options for s in o.strings}
    for opt in wizard.options:
        if not known.intersection(opt.strings):
            cmd.options.append(opt)
    if not cmd.positionals:
        cmd.positionals = [Positional("FILE", False, [], "file")]
    return cmd


def completion_script(shell: str, parser: argparse.ArgumentParser,
                      wizard_parser: argparse.ArgumentParser | None = None) -> str:
    """The script for `parser`; at the top level, with the wizard's own options (`wizard_parser`, given
    by the CLI that builds both: this module does not import it back)."""
    cmd = describe(parser)
    if parser.prog == PROG and wizard_parser is not None:
        cmd = _with_wizard(cmd, wizard_parser)
    if shell == "bash":
        return bash_script(cmd)
    if shell == "zsh":
        return zsh_script(cmd)
    raise ValueError(f"no completion for shell {shell!r} (bash or zsh)")


# --- bash -------------------------------------------------------------------------------------------

def _words(items) -> str:
    return shlex.quote(" ".join(items))


def _bash_body(cmd: Command, indent: str) -> list[str]:
    """The completion of one (sub)command: option values, then options, then positionals."""
    out = []
    valued = [opt for opt in cmd.options if opt.takes_value]
    if valued:
        out.append(f'{indent}case "$prev" in')
    for opt in valued:
        pattern = "|".join(opt.strings)
        if opt.choices:
            out.append(f'{indent}    {pattern}) _smfed_wizard_words {_words(opt.choices)}; return 0 ;;')
        elif opt.path:
            out.append(f"{indent}    {pattern}) _smfed_wizard_files {opt.path}; return 0 ;;")
        else:
            out.append(f"{indent}    {pattern}) return 0 ;;  # a value of your own")
    if valued:
        out.append(f"{indent}esac")
    options = [s for o in cmd.options for s in o.strings]
    out.append(f'{indent}if [[ "$cur" == -* ]]; then')
    out.append(f"{indent}    _smfed_wizard_words {_words(options)}; return 0")
    out.append(f"{indent}fi")
    words = [c.name for c in cmd.subcommands] + [c for p in cmd.positionals for c in p.choices]
    if words:
        out.append(f"{indent}_smfed_wizard_words {_words(words)}")
    for kind in dict.fromkeys(p.path for p in cmd.positionals if p.path):
        out.append(f"{indent}_smfed_wizard_files {kind} add")
    out.append(f"{indent}return 0")
    return out


def bash_script(cmd: Command) -> str:
    names = "|".join(c.name for c in cmd.subcommands)
    lines = [
        f"# bash completion for {PROG}; generated by `{PROG} completion bash`.",
        f"#   load now:  source <({PROG} completion bash)",
        f"#   install:   {PROG} completion bash > ~/.local/share/bash-completion/completions/{PROG}",
        "",
        "_smfed_wizard_words() {",
        '    local word',
        '    while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -W "$1" -- "$cur")',
        "}",
        "",
        "_smfed_wizard_files() {  # file|dir [add]",
        '    local word flag=-f',
        '    [[ "$1" == dir ]] && flag=-d',
        '    [[ "$2" == add ]] || COMPREPLY=()',
        "    compopt -o filenames 2>/dev/null",
        '    while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen "$flag" -- "$cur")',
        "}",
        "",
        f"{FUNC}() {{",
        "    local cur prev cmd i",
        "    COMPREPLY=()",
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev=""',
        '    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    cmd=""',
        "    for (( i=1; i<COMP_CWORD; i++ )); do",
        '        case "${COMP_WORDS[i]}" in',
        f'            {names}) cmd="${{COMP_WORDS[i]}}"; break ;;',
        "        esac",
        "    done",
        '    case "$cmd" in',
    ]
    for sub in cmd.subcommands:
        lines.append(f"        {sub.name})")
        lines += _bash_body(sub, "            ")
        lines.append("            ;;")
    lines.append("    esac")
    lines += _bash_body(cmd, "    ")
    lines += ["}", "", f"complete -F {FUNC} {PROG}", ""]
    return "\n".join(lines)


# --- zsh ------------------------------------------------------------------------------------------

def _zq(text: str) -> str:
    """Single-quote for zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _zesc(text: str) -> str:
    """Escape what _arguments and _describe give a meaning to inside a description or message."""
    return re.sub(r"([\\\[\]:])", r"\\\1", text)


def _short(text: str, limit: int = 80) -> str:
    text = text.split(". ")[0].rstrip(".")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _zsh_option(opt: Option) -> str:
    spec = f"[{_zesc(_short(opt.help))}]" if opt.help else ""
    if opt.takes_value:
        if opt.choices:
            action = "(" + " ".join(_zesc(c).replace(" ", "\\ ") for c in opt.choices) + ")"
        elif opt.path:
            action = "_files" if opt.path == "file" else "_files -/"
        else:
            action = ""
        spec += f":{_zesc(opt.metavar)}:{action}"
    exclude = "" if opt.repeat else ("(" + " ".join(opt.strings) + ")" if len(opt.strings) > 1 else "")
    star = "*" if opt.repeat else ""
    if not opt.takes_value and set(opt.strings) & {"-h", "--help", "--version"}:
        exclude = "(- : *)"  # help and version end the command line
    if len(opt.strings) == 1:
        return _zq(f"{exclude}{star}{opt.strings[0]}{spec}")
    return _zq(f"{exclude}{star}") + "{" + ",".join(opt.strings) + "}" + _zq(spec)


def _zsh_positional(pos: Positional, index: int) -> str:
    if pos.choices:
        action = "(" + " ".join(_zesc(c) for c in pos.choices) + ")"
    elif pos.path:
        action = "_files" if pos.path == "file" else "_files -/"
    else:
        action = ""
    where = "*" if pos.many else str(index)
    return _zq(f"{where}:{_zesc(pos.name)}:{action}")


def _zsh_arguments(cmd: Command, indent: str, extra: list[str] = ()) -> list[str]:
    specs = [_zsh_option(o) for o in cmd.options]
    specs += [_zsh_positional(p, i) for i, p in enumerate(cmd.positionals, 1)]
    specs += list(extra)
    out = [f"{indent}_arguments -s -S \\"]
    out += [f"{indent}  {spec} \\" for spec in specs[:-1]]
    out.append(f"{indent}  {specs[-1]} && ret=0" if specs else f"{indent}  && ret=0")
    return out


def zsh_script(cmd: Command) -> str:
    top = Command(cmd.name, cmd.help, cmd.options, [])
    lines = [
        f"#compdef {PROG}",
        f"# zsh completion for {PROG}; generated by `{PROG} completion zsh`.",
        f"#   load now (after compinit):  source <({PROG} completion zsh)",
        f"#   install:  {PROG} completion zsh > \"${{fpath[1]}}/_{PROG}\"",
        "",
        f"{FUNC}() {{",
        "  local curcontext=\"$curcontext\" state state_descr line ret=1",
        "  typeset -A opt_args",
        "",
    ]
    args = _zsh_arguments(top, "  ", [_zq("1: :->first"), _zq("*:: :->rest")])
    args[0] = "  _arguments -C -s -S \\"
    lines += args
    lines += [
        "",
        "  case $state in",
        "    first)",
        "      local -a commands",
        "      commands=(",
    ]
    lines += [f"        {_zq(_zesc(c.name) + ':' + _short(c.help))}" for c in cmd.subcommands]
    lines += [
        "      )",
        f"      _describe -t commands {_zq(PROG + ' command')} commands && ret=0",
    ]
    if any(p.path for p in cmd.positionals):
        lines.append("      _files && ret=0")
    lines += [
        "      ;;",
        "    rest)",
        "      curcontext=\"${curcontext%:*:*}:" + PROG + "-$words[1]:\"",
        "      case $words[1] in",
    ]
    for sub in cmd.subcommands:
        lines.append(f"        {sub.name})")
        lines += _zsh_arguments(sub, "          ")
        lines.append("          ;;")
    lines += [
        "      esac",
        "      ;;",
        "  esac",
        "  return ret",
        "}",
        "",
        'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then',
        f'  {FUNC} "$@"',
        "else",
        f"  compdef {FUNC} {PROG}",
        "fi",
        "",
    ]
    return "\n".join(lines)
