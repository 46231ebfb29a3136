"""The `smfed-wizard` command: picks the wizard (Textual or plain prompts) or a non-interactive
subcommand. Importing this module loads neither Textual nor questionary; each front end is imported
only when it runs.
"""
from __future__ import annotations

import argparse
import gettext
import json
import os
import sys
from dataclasses import dataclass

from . import __version__
from .errors import SmfedError, UsageError, fix_line, format_error
from .exit_codes import EXIT_ABORTED, EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from .findings import ERROR, Finding, count, counts_text, sort_key
from .i18n import (LANGUAGES, N_, _, cell_width, choose_language, gettext_fallback, language, ngettext,
                   set_language, wrap_cells)

SUBCOMMANDS = ("generate", "edit", "validate", "apply", "bundle", "topology", "status", "migrate", "completion")


def _wide(text: str) -> bool:
    return cell_width(text) != len(text)


class _CellsFormatter(argparse.RawDescriptionHelpFormatter):
    """Option help wrapped by terminal cells when it holds wide characters (Hangul takes two cells;
    argparse counts characters); other text is wrapped exactly as argparse does."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(text, width) if _wide(text) else super()._split_lines(text, width)


class _CellsFillFormatter(_CellsFormatter):
    """The same, with descriptions filled to the width too (argparse's default formatter)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not _wide(text):
            return argparse.HelpFormatter._fill_text(self, text, width, indent)
        return "\n".join(indent + line for line in wrap_cells(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; route its message through our format."""

    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter, argparse.RawDescriptionHelpFormatter):
            raw = kwargs.get("formatter_class") is argparse.RawDescriptionHelpFormatter
            kwargs["formatter_class"] = _CellsFormatter if raw else _CellsFillFormatter
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(message, hint=_("see `{prog} --help`").format(prog=self.prog))


# argparse's own words (usage, headings, its error messages) go through the standard library's gettext;
# these are the ones a user of this command can see, in the catalog with the rest (`_localize_argparse`).
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"), N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"), N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"), N_("one of the arguments %s is required"),
    N_("expected one argument"), N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
)


def _localize_argparse() -> None:
    """Let argparse's own messages come from our catalog (the rest still from the standard gettext)."""
    if not getattr(argparse._, "smfed", False):
        translate = gettext_fallback(gettext.gettext)
        translate.smfed = True
        argparse._ = translate


def _add_lang_flag(parser: argparse.ArgumentParser) -> None:
    """`--lang` is read by `main` before any parsing (it may stand anywhere); declared here for help and completion."""
    parser.add_argument("--lang", choices=LANGUAGES, help=_(
        "the language of messages: en or ko (default: from LC_ALL, LC_MESSAGES or LANG, else en)"))


def _add_wizard_options(target) -> None:
    """The interactive wizard's own options (`smfed-wizard [options] [FILE]`), for its parser and for
    the help and completion of the top level."""
    target.add_argument("--plain", action="store_true",
                        help=_("line-by-line prompts instead of the full-screen wizard"))
    # for the Apply step (the same meaning as in `smfed-wizard apply`)
    target.add_argument("--context", metavar="CTX", help=_("kubeconfig context (default: the current one)"))
    target.add_argument("--kubectl", metavar="PATH", help=_("the oc or kubectl to run (default: oc, else kubectl)"))
    _add_smcp_flag(target)


def _add_smcp_flag(target) -> None:
    target.add_argument("--smcp", metavar="NAME", help=_(
        "which ServiceMeshControlPlane to edit when FILE holds several: NAME or NAMESPACE/NAME"))


def build_parser() -> argparse.ArgumentParser:
    from .flags import add_mesh_flags, add_peer_flags

    _localize_argparse()
    parser = _Parser(prog="smfed-wizard", usage=(
        "smfed-wizard [--plain] [--context CTX] [--kubectl PATH] [--smcp NAME] [--lang {en,ko}] [FILE]\n"
        "       smfed-wizard [--lang {en,ko}] COMMAND ..."), description=_(
        "Configure OpenShift Service Mesh 2.x federation: the ServiceMeshControlPlane gateways for each peer "
        "mesh, validated as you go, written in place without disturbing the rest of the file."),
        epilog=_("Run `smfed-wizard FILE` for the interactive wizard, or a subcommand for scripts.\n\n"
                 "Examples:\n"
                 "  smfed-wizard red-mesh.yaml                     the wizard (new file or edit in place)\n"
                 "  smfed-wizard --plain red-mesh.yaml             the same, line by line\n"
                 "  smfed-wizard --context prod red-mesh.yaml      its Apply step uses that kubeconfig context\n"
                 "  smfed-wizard generate --name red-mesh --peer green-mesh -o red-mesh.yaml\n"
                 "  smfed-wizard validate red-mesh.yaml\n\n"
                 "Exit codes: 0 fine (warnings allowed), 1 validation errors or conflicts, 2 unusable input "
                 "or usage, 130 aborted."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"smfed-wizard {__version__}",
                        help=_("show program's version number and exit"))
    _add_lang_flag(parser)
    _add_wizard_options(parser.add_argument_group(_("the interactive wizard (smfed-wizard [options] [FILE])")))
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="smfed-wizard")   # not the usage above

    gen = sub.add_parser("generate", help=_("write a new SMCP from flags"), description=_(
        "Write a new federation-ready ServiceMeshControlPlane.\n\nExample:\n  smfed-wizard generate --name red-mesh "
        "--peer green-mesh --peer blue-mesh:service=NodePort,tls-node-port=30510,discovery-node-port=32359"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_mesh_flags(gen)
    add_peer_flags(gen)
    gen.add_argument("-o", "--output", metavar="FILE", help=_("write FILE (atomically) instead of stdout"))
    gen.add_argument("--allow-errors", action="store_true", help=_("write even when the result has errors"))

    ed = sub.add_parser("edit", help=_("change an existing SMCP in place"), description=_(
        "Change an existing SMCP file in place: only the lines you change are touched.\n\nExamples:\n"
        "  smfed-wizard edit smcp.yaml --peer blue-mesh\n"
        "  smfed-wizard edit smcp.yaml --peer green-mesh:service=NodePort,tls-node-port=30510,"
        "discovery-node-port=32359 --diff\n  smfed-wizard edit smcp.yaml --remove-peer blue-mesh"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ed.add_argument("file")
    _add_smcp_flag(ed)
    add_mesh_flags(ed)
    add_peer_flags(ed)
    ed.add_argument("--remove-peer", action="append", default=[], metavar="NAME", help=_("remove a peer's gateways"))
    out = ed.add_mutually_exclusive_group()
    out.add_argument("--stdout", action="store_true", help=_("print the edited file instead of writing it"))
    out.add_argument("--diff", action="store_true", help=_("print a unified diff instead of writing"))
    ed.add_argument("--backup", action="store_true", help=_("keep the previous version as FILE~"))
    ed.add_argument("--allow-errors", action="store_true", help=_("write even when the edit introduces errors"))

    val = sub.add_parser("validate", help=_("check SMCP files"), description=_(
        "Check one or more SMCP files for federation mistakes.\n\nExamples:\n  smfed-wizard validate smcp.yaml\n"
        "  smfed-wizard validate red/*.yaml green/*.yaml --format json"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument("--format", choices=("text", "json"), default="text", help=_(
        "text for people; json for machines (English messages unless --lang is given)"))
    val.add_argument("--node-port-range", metavar="LO-HI", help=_("the cluster's node port range (default 30000-32767)"))
    val.add_argument("--same-cluster", action="store_true", help=_(
        "the meshes of these files share one cluster, so their node ports must differ (without it, only meshes "
        "whose SMCPs name the same spec.cluster.name are taken to share one)"))

    _add_optional_subcommands(sub)
    comp = sub.add_parser("completion", help=_("print a shell completion script"),
                          description=_("Example: source <(smfed-wizard completion bash)"))
    comp.add_argument("shell", choices=("bash", "zsh"))
    for subparser in sub.choices.values():
        _add_lang_flag(subparser)
    return parser


def _add_optional_subcommands(sub) -> None:
    """Subcommands whose modules register themselves (apply, bundle, topology)."""
    for module_name in ("cli_apply", "cli_bundle", "cli_status", "cli_migrate"):
        try:
            module = __import__(f"smfed_tui.{module_name}", fromlist=["add_parser"])
        except ImportError:
            continue
        module.add_parser(sub)


# Subcommands that run often (`status --watch`, scripts polling it) get a parser of their own, so they do
# not import every other subcommand's module first (about 100 ms of a `status` that should cost little
# more than its kubectl calls: benchmarks/status_bench.py).
FAST_SUBCOMMANDS = ("status",)


def one_subcommand_parser(name: str) -> argparse.ArgumentParser:
    """The parser of `smfed-wizard NAME ...` alone (the same options and help as in build_parser)."""
    _localize_argparse()
    parser = _Parser(prog="smfed-wizard")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="smfed-wizard")
    _add_lang_flag(__import__(f"smfed_tui.cli_{name}", fromlist=["add_parser"]).add_parser(sub))
    return parser


def wizard_parser() -> argparse.ArgumentParser:
    _localize_argparse()
    parser = _Parser(prog="smfed-wizard", add_help=False)
    parser.add_argument("file", nargs="?")
    _add_wizard_options(parser)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--version", action="store_true")
    return parser


# --- entry point ------------------------------------------------------------------------------------

def take_lang(argv: list[str]) -> tuple[str | None, list[str]]:
    """`--lang en|ko` (or `--lang=ko`) from anywhere before `--`, and the arguments without it.
    The last one given wins; UsageError for a missing or unknown value."""
    lang, rest, index = None, [], 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            rest += argv[index:]
            break
        if arg == "--lang" or arg.startswith("--lang="):
            if arg == "--lang":
                if index + 1 >= len(argv):
                    raise UsageError(_("--lang needs a value, one of {choices}").format(choices=", ".join(LANGUAGES)),
                                     hint=_("e.g. --lang ko"))
                value, index = argv[index + 1], index + 2
            else:
                value, index = arg.partition("=")[2], index + 1
            try:
                lang = choose_language(value)
            except ValueError:
                raise UsageError(_("--lang {value!r} is not one of {choices}").format(
                    value=value, choices=", ".join(LANGUAGES)), hint=_("e.g. --lang ko")) from None
            continue
        rest.append(arg)
        index += 1
    return lang, rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Messages are in the environment's language until --lang is read; the language in force before
    # this call is restored afterwards (a test or a program may call main more than once).
    with language(choose_language()):
        try:
            lang, argv = take_lang(argv)
            if lang is not None:
                set_language(lang)
            if argv and argv[0] in SUBCOMMANDS:
                parser = one_subcommand_parser(argv[0]) if argv[0] in FAST_SUBCOMMANDS else build_parser()
                args = parser.parse_args(argv)
                args.lang = lang   # None unless given explicitly (validate's JSON stays English then)
                return args.run(args) if hasattr(args, "run") else COMMANDS[args.command](args)
            return run_wizard(argv)
        except SmfedError as err:
            print(format_error(err), file=sys.stderr)
            return err.exit_code
        except KeyboardInterrupt:
            print(_("aborted; nothing written"), file=sys.stderr)
            return EXIT_ABORTED
        except BrokenPipeError:
            return EXIT_OK


def run_wizard(argv: list[str]) -> int:
    args = wizard_parser().parse_args(argv)
    if args.help:
        build_parser().print_help()
        return EXIT_OK
    if args.version:
        print(f"smfed-wizard {__version__}")
        return EXIT_OK
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(_("the wizard needs a terminal (stdin and stdout are not both TTYs)"),
                         hint=_("for scripts use a subcommand, e.g. `smfed-wizard generate --name red-mesh "
                                "--peer green-mesh -o smcp.yaml` or `smfed-wizard edit smcp.yaml --peer green-mesh`"))
    plain = args.plain or bool(os.environ.get("ACCESSIBLE")) or os.environ.get("TERM", "") in ("dumb", "")
    if plain:
        from .plain import run_plain
        return run_plain(args.file, kubectl=args.kubectl, context=args.context, smcp=args.smcp)
    from .screens.app import run_app
    return run_app(args.file, kubectl=args.kubectl, context=args.context, smcp=args.smcp)


# --- generate / edit ---------------------------------------------------------------------------------

def cmd_generate(args) -> int:
    from .edit import generate_text
    from .flags import apply_mesh_flags, apply_peer_spec
    from .model import Mesh

    if not args.mesh_name:
        raise UsageError(_("generate needs --name"),
                         hint=_("e.g. smfed-wizard generate --name red-mesh --peer green-mesh"))
    # Mesh.new derives the namespace and trust domain from the name; the other flags then override.
    mesh = apply_mesh_flags(Mesh.new(args.mesh_name.strip()), args)
    for spec in args.peer:
        mesh = apply_peer_spec(mesh, spec)
    text = generate_text(mesh)
    findings = _check_bytes(text.encode("utf-8"), args.output or "<generated>")
    _print_findings(findings, sys.stderr)
    if count(findings, ERROR) and not args.allow_errors:
        print(_("not written: fix the errors above (or pass --allow-errors)"), file=sys.stderr)
        return EXIT_FINDINGS
    if args.output:
        from .safe_files import write_file
        write_file(args.output, text.encode("utf-8"), expected=_existing_or_none(args.output))
        print(_("wrote {file}").format(file=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _existing_or_none(path: str):
    from .safe_files import read_file
    if not os.path.lexists(path):
        return None
    return read_file(path)


def cmd_edit(args) -> int:
    from .edit import edit_text
    from .flags import apply_mesh_flags, apply_peer_spec, convention_assumptions, remove_peer
    from .line_diff import changed_line_numbers, file_labels, unified_diff
    from .model import new_peer_conventions
    from .reader import read_mesh
    from .checks.across import check_edit
    from .checks.left_behind import check_left_behind
    from .checks.schema import with_schema
    from .checks.smcp import check_source
    from .source import parse
    from .write_plan import BLOCKED, UNCHANGED, carry_out, plan_write

    loaded = _read(args.file)
    src = parse(loaded.data, args.file, smcp=args.smcp)
    before = read_mesh(src)
    mesh = apply_mesh_flags(before, args)
    for name in args.remove_peer:
        mesh = remove_peer(mesh, name)
    # the file's own, also when --remove-peer takes away every peer first; the ingress type too (said below)
    style = new_peer_conventions(before)
    for spec in args.peer:
        mesh = apply_peer_spec(mesh, spec, style)
    for spec in args.peer:   # what a new peer took from the file's other peers is said, never guessed silently
        for note in convention_assumptions(before, mesh, spec):
            print(note, file=sys.stderr)
    text = edit_text(src, mesh, before)
    new_bytes = src.encode(text)
    old_findings = with_schema(src, check_source(src))   # what edit writes meets the CRD schema too
    new_src = parse(new_bytes, args.file, smcp=src.smcp_index)
    # check_edit: findings about the change itself (a label edit recreates the gateway, SMF098)
    new_findings = sorted(with_schema(new_src, check_source(new_src)) + check_edit(before, mesh, new_src)
                          + check_left_behind(src, new_src), key=sort_key)
    # what blocks the write: the one rule every front-end follows (write_plan)
    plan = plan_write(args.file, new_bytes, loaded, old_text=src.text, new_text=text, before=old_findings,
                      after=new_findings, changed_lines=changed_line_numbers(src.text.split("\n"), text))
    _print_findings(new_findings, sys.stderr)
    blocked = plan.blocked and not args.allow_errors
    left = _removal_notes(src, before, mesh, args.remove_peer)
    if args.stdout or args.diff:
        if args.stdout:
            sys.stdout.buffer.write(new_bytes)
            sys.stdout.flush()
        else:
            from .colour import write_diff
            write_diff(sys.stdout, unified_diff(src.text, text, *file_labels(args.file)))
        for line in left:   # what the removed peers left in other files and on the cluster
            print(line, file=sys.stderr)
        return EXIT_FINDINGS if blocked else EXIT_OK
    outcome, _real = carry_out(plan, lambda shown: True, backup=args.backup, allow_errors=args.allow_errors)
    if outcome == BLOCKED:
        print(_("{reason} (or pass --allow-errors)").format(reason=plan.why_blocked()), file=sys.stderr)
        return EXIT_FINDINGS
    if outcome == UNCHANGED:
        print(_("{file}: nothing to change").format(file=args.file), file=sys.stderr)
        return EXIT_OK
    if plan.kept_note():
        print(plan.kept_note(), file=sys.stderr)
    changed = plan.added + plan.removed
    print(ngettext("wrote {file} ({count} line changed)", "wrote {file} ({count} lines changed)", changed).format(
        file=args.file, count=changed), file=sys.stderr)
    for line in left:
        print(line, file=sys.stderr)
    return EXIT_OK


def _removal_notes(src, before, after, removed: list[str]) -> list[str]:
    """`peer_removal.removal_notes` for each peer the edit removed (not one --peer added back), unless the
    file holds its ServiceMeshPeer: SMF089 names what is left in the file then."""
    from .apply import client_name
    from .peer_removal import holds_peer, removal_notes
    gone = [n for n in dict.fromkeys(removed) if after.peer(n) is None and not holds_peer(src.objects, n)]
    return [line for name in gone for line in removal_notes(before, name, client_name())]


def _read(path: str):
    """`safe_files.read_file`, with a position on refusals about the file's content (the size cap), so
    every refusal reads `file:line:col: error: ...` like the parser's own."""
    from .errors import InputError
    from .safe_files import read_file
    try:
        return read_file(path)
    except InputError as err:
        if err.line is None and os.path.isfile(path):
            err.line, err.column = 1, 1
        raise


def _check_bytes(data: bytes, name: str) -> list[Finding]:
    from .checks.schema import with_schema
    from .checks.smcp import check_source
    from .source import parse
    src = parse(data, name)
    return with_schema(src, check_source(src))   # what generate writes meets the CRD schema too


# --- validate -------------------------------------------------------------------------------------

@dataclass
class _Unusable:
    file: str
    error: SmfedError


def cmd_validate(args) -> int:
    from .checks.across import check_across
    from .checks.checker import Options
    from .checks.smcp import check_source
    from .source import parse, require_smcp_v2
    from .checks.federation import check_federation
    from .checks.inventory import holds_federation_resources
    from .checks.schema import check_schema

    if args.format == "json" and getattr(args, "lang", None) is None:
        set_language("en")   # machines read the JSON: English messages (and the codes) unless --lang asks
    options = Options(node_port_range=_parse_range(args.node_port_range)) if args.node_port_range else Options()
    findings: list[Finding] = []
    sources, smcps = [], []
    unusable: list[_Unusable] = []
    skipped: list[str] = []   # kustomize's own files among the files (topology writes one per mesh)
    # a file named twice (`a.yaml ./a.yaml`, or a shell glob overlapping) is one file: checking it
    # twice would report its findings twice and its trust domain as "also used by" itself
    files, seen = [], set()
    for path in args.files:
        if os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            files.append(path)
    for path in files:
        try:
            src = parse(_read(path).data, path)
            if not src.smcps and not holds_federation_resources(src):  # nothing to check is not a pass
                note = _skip_note(src, path)   # ... but a build list is no object to check: said, no failure
                if note is not None:
                    print(note, file=sys.stderr if args.format == "json" else sys.stdout)
                    skipped.append(path)
                    continue
                require_smcp_v2(src)
        except SmfedError as err:
            unusable.append(_Unusable(path, err))
            continue
        sources.append(src)
        for one in src.per_smcp():   # every SMCP of the file (a List or a policy may hold several)
            findings.extend(check_source(one, options))
            smcps.append(one)
    if skipped and len(skipped) == len(files):
        raise UsageError(_("nothing to validate: every file given is kustomize's or Argo CD's own"),
                         hint=_("give the files its resources: list, e.g. smfed-wizard validate DIR/*/smcp.yaml "
                                "DIR/*/federation.yaml"))
    if len(smcps) > 1:
        findings.extend(check_across(smcps, same_cluster=args.same_cluster))
    findings.extend(check_federation(sources))  # ServiceMeshPeer, CA ConfigMap, ESS/ISS across files
    for src in sources:   # every object of every file against its CRD schema, where no rule spoke yet
        findings.extend(check_schema(src, findings))
    findings.sort(key=sort_key)
    if args.format == "json":
        items = [f.as_json() for f in findings] + [_unusable_json(u) for u in unusable]
        json.dump(items, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for u in unusable:
            print(format_error(u.error))
        _print_findings(findings, sys.stdout)
        _print_summary(findings, len(files) - len(skipped), sys.stdout, unusable=len(unusable))
    if unusable:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if count(findings, ERROR) else EXIT_OK


def _unusable_json(u: _Unusable) -> dict:
    e = u.error
    return {"file": u.file, "code": "SMF000", "severity": "error", "path": "", "line": e.line,
            "column": e.column, "message": e.message, "hint": e.hint or ""}


def _parse_range(text: str) -> tuple[int, int]:
    lo, sep, hi = text.partition("-")
    if not (sep and lo.strip().isdigit() and hi.strip().isdigit()) or int(lo) > int(hi) or int(hi) > 65535:
        raise UsageError(_("--node-port-range {value!r} is not LO-HI").format(value=text),
                         hint=_("e.g. --node-port-range 30000-32767"))
    return int(lo), int(hi)


def _print_findings(findings: list[Finding], stream) -> None:
    from .colour import write_finding
    for f in findings:
        write_finding(stream, f.compiler_line(), f.severity, fix_line(f.hint))


def _skip_note(src, path: str) -> str | None:
    """What to say of a file that only points at others, which validate skips (topology writes both
    kinds): a kustomize Kustomization or Component, an Argo CD ApplicationSet or Application. None for
    any other file."""
    from .kube_objects import ARGOCD_GROUP, KUSTOMIZE_GROUP, argocd_kind, kustomize_kind
    kind = kustomize_kind(src.documents, path)
    if kind is not None:
        return _("{file}: skipped: a {kind} ({group}) lists what kustomize builds; it is no object "
                 "validate checks (validate the files it lists)").format(
                   file=path, kind=kind, group=KUSTOMIZE_GROUP.rstrip("/"))
    kind = argocd_kind(src.documents)
    if kind is not None:
        return _("{file}: skipped: an Argo CD {kind} ({group}) points at folders of a repository; it "
                 "is no object validate checks (validate the files in those folders)").format(
                   file=path, kind=kind, group=ARGOCD_GROUP.rstrip("/"))
    return None


def _print_summary(findings: list[Finding], files: int, stream, *, unusable: int = 0) -> None:
    # a file that cannot be read or is no SMCP is an error too (JSON lists it as SMF000)
    e, w, h = count(findings, "error") + unusable, count(findings, "warning"), count(findings, "hint")
    stream.write(_("{counts} in {files}").format(
        counts=counts_text(e, w, h), files=ngettext("{n} file", "{n} files", files).format(n=files)) + "\n")


def cmd_completion(args) -> int:
    from .completion import completion_script
    sys.stdout.write(completion_script(args.shell, build_parser(), wizard_parser()))
    return EXIT_OK


COMMANDS = {"generate": cmd_generate, "edit": cmd_edit, "validate": cmd_validate, "completion": cmd_completion}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
