"""The AST walk behind the catalog tests (tests/test_i18n_catalog.py), also a maintainer's tool.

Two questions about the UI, CLI and core modules (`smfed_tui/*.py`, `screens/*.py`):
- `message_ids`: every message id the code hands to the catalog: the literal first argument of
  `_()` and `N_()`, the two literal arguments of `ngettext()`. The Korean .po must hold exactly these.
- `bypasses`: string literals that look like text for a user but are not inside `_()`/`N_()`/
  `ngettext()`: they contain a letter and a space, or they are handed straight to something that
  shows text (print, help=, description=, an error's message or hint, a widget label, a
  notification...). Strings that are not words for a user are left out by where they stand
  (docstrings, regexes, comparisons, dict keys, CSS, style names, widget ids, argparse metavars) or
  by the small explicit allow-list in the test.

    python tests/i18n_scan.py            # list the bypasses
    python tests/i18n_scan.py --update   # rewrite the Korean .po: add new ids (empty), drop stale ones
"""
from __future__ import annotations

import ast
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "smfed_tui" / "locale" / "ko" / "LC_MESSAGES" / "smfed.po"
CATALOG_CALLS = {"_": (0,), "N_": (0,), "ngettext": (0, 1)}


def scanned_files() -> list[Path]:
    """Every module whose strings a user may read (the catalog machinery itself excepted)."""
    # rglob: the core has subpackages (checks/, status/, migrate/, schemas/) whose strings users read too
    files = sorted((ROOT / "smfed_tui").rglob("*.py")) + sorted((ROOT / "screens").glob("*.py"))
    return [p for p in files if p.name not in ("i18n.py", "__main__.py")]


def rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:   # a module outside the project (the scan's own test)
        return path.name


def _func_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return ""


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


# --- message ids -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Use:
    file: str
    line: int


def message_ids(files: list[Path] | None = None) -> dict[str, list[Use]]:
    """msgid -> where it is used; plural ids are keyed by the singular (the plural is `plural_ids`)."""
    out: dict[str, list[Use]] = {}
    for path in files or scanned_files():
        for call in _catalog_calls(ast.parse(path.read_text(encoding="utf-8"))):
            for index in CATALOG_CALLS[_func_name(call)]:
                arg = call.args[index] if index < len(call.args) else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.setdefault(arg.value, []).append(Use(rel(path), call.lineno))
    return out


def plural_ids(files: list[Path] | None = None) -> dict[str, str]:
    """singular -> plural, for every ngettext call."""
    out = {}
    for path in files or scanned_files():
        for call in _catalog_calls(ast.parse(path.read_text(encoding="utf-8"))):
            if _func_name(call) == "ngettext" and len(call.args) >= 2 and all(
                    isinstance(a, ast.Constant) for a in call.args[:2]):
                out[call.args[0].value] = call.args[1].value
    return out


def _catalog_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CATALOG_CALLS:
            yield node


def dynamic_catalog_calls(files: list[Path] | None = None) -> list[tuple[str, int, str]]:
    """`_()` calls whose message is an f-string, a concatenation or a `%`/format expression: the
    catalog would never hold it. (A plain variable is fine: it holds an id marked with N_ elsewhere.)"""
    found = []
    for path in files or scanned_files():
        for call in _catalog_calls(ast.parse(path.read_text(encoding="utf-8"))):
            for index in CATALOG_CALLS[_func_name(call)]:
                arg = call.args[index] if index < len(call.args) else None
                if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                        isinstance(arg, ast.Call) and _func_name(arg) == "format"):
                    found.append((rel(path), call.lineno, ast.unparse(arg)[:80]))
    return found


def shadowed_underscore(files: list[Path] | None = None) -> list[tuple[str, int, str]]:
    """Functions that call `_()` and also bind the name `_` (`for _ in`, `a, _ = ...`): Python makes
    `_` local to the whole function, and the call fails with UnboundLocalError."""
    found = []
    for path in files or scanned_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            calls = binds = False
            for node in _own_nodes(func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                    calls = True
                if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                    binds = True
            if calls and binds:
                found.append((rel(path), func.lineno, func.name))
    return found


def _own_nodes(func: ast.AST):
    """The nodes of a function body, not those of nested functions, lambdas or comprehensions (own scopes)."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
                             ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        stack.extend(ast.iter_child_nodes(node))


# --- bypasses --------------------------------------------------------------------------------------

# Calls that show their text arguments to a user (a string passed to them directly is flagged even
# without a space: `print("aborted")`, `Binding("f1", "help", "Help")`).
SHOWING_CALLS = {
    "print", "write", "notify", "Label", "Static", "Button", "Option", "Content", "styled", "Choice", "Binding",
    "report", "error", "update", "add_argument_group", "confirm", "text", "select", "ask_text",
    "ConfirmModal", "NoticeModal", "Finding",
}
# Which positional arguments of a showing call are text (default: all of them).
SHOWN_POSITIONS = {"Binding": {2}, "report": {3, 4}, "Finding": {5, 6}, "notify": {0}}
# Not words for a user, where they stand: (file, scope, text or None for all of the scope, why). The scope is
# the enclosing function, or the module-level name assigned. Every entry must still match something.
ALLOWED = (
    ("screens/app.py", "TITLE", "smfed-wizard", "the program's name"),
    ("screens/status_app.py", "TITLE", "smfed-wizard", "the program's name"),
    ("screens/migrate_view.py", "TITLE", "smfed-wizard", "the program's name"),
    ("screens/help.py", "KEYS", None, "key names (the descriptions beside them are N_ ids)"),
    ("screens/modals.py", "buttons", None, "the key after a translated button label"),
    ("screens/next_steps.py", "compose_extra", "  ctrl+s", "the key after a translated button label"),
    ("screens/write_step.py", "build", "  ctrl+s", "the key after a translated button label"),
    ("screens/write_step.py", "build", "  ctrl+r", "the key after a translated button label"),
    ("smfed_tui/apply.py", "_LOGIN", None, "kubectl's own output, matched to classify a failure"),
    ("smfed_tui/apply.py", "_CRD", None, "kubectl's own output, matched to classify a failure"),
    ("smfed_tui/apply.py", "_UNREACHABLE", None, "kubectl's own output, matched (the reasons are N_ ids)"),
    ("smfed_tui/apply.py", "build_argv", None, "a programming error (an unknown action), never shown"),
    ("smfed_tui/apply.py", "classify_failure", "oc auth can-i {} {}", "a command line, shown as is"),
    ("smfed_tui/apply.py", "classify_failure", " -n {}", "a command line, shown as is"),
    ("smfed_tui/status/reader.py", "_gap_for", "oc auth can-i list {}", "a command line, shown as is"),
    ("smfed_tui/status/reader.py", "_gap_for", " -n {}", "a command line, shown as is"),
    ("smfed_tui/bundle.py", "PLACEHOLDER_MARK", None, "a marker in the generated YAML, which stays English"),
    ("smfed_tui/bundle.py", "placeholder_certificate", None, "a value in the generated YAML, which stays English"),
    ("smfed_tui/bundle.py", "normalize_certificates", None, "PEM armour"),
    ("smfed_tui/cli.py", "run_wizard", "smfed-wizard {}", "the program's name and version"),
    ("smfed_tui/cli.py", "build_parser", "smfed-wizard [--plain] [--context CTX] [--kubectl PATH] [--smcp NAME] "
     "[--lang {en,ko}] [FILE]\n       smfed-wizard [--lang {en,ko}] COMMAND ...", "the usage synopsis: the command line, shown as is"),
    ("smfed_tui/completion.py", "completion_script", None, "a programming error (the parser limits the shells)"),
    ("smfed_tui/completion.py", "_bash_body", None, "bash code"),
    ("smfed_tui/completion.py", "bash_script", None, "bash code"),
    ("smfed_tui/completion.py", "_zsh_arguments", None, "zsh code"),
    ("smfed_tui/completion.py", "_zsh_positional", None, "zsh code"),
    ("smfed_tui/completion.py", "_zsh_option", None, "zsh code"),
    ("smfed_tui/completion.py", "zsh_script", None, "zsh code"),
    ("smfed_tui/checks/inventory.py", "remote_of", "trust domain", "an internal tag (RemoteView.matched_by)"),
    ("smfed_tui/plain.py", "step_write", "smfed-wizard --plain", "a command line, shown as is"),
    ("smfed_tui/migrate/artifacts.py", "address_placeholder", None,
     "a value in the generated YAML, which stays English (the API server must refuse it until it is replaced)"),
    ("smfed_tui/migrate/plan.py", "VERSION_AND_READY", None, "a kubectl jsonpath expression, shown as is"),
    ("smfed_tui/migrate/plan.py", "PEERS_CONNECTED", None, "a kubectl jsonpath expression, shown as is"),
    ("smfed_tui/migrate/write.py", "GENERATOR", "smfed-wizard migrate", "a marker in plan.json, read by the next run"),
    ("smfed_tui/migrate/write.py", "write_output", None, "a programming error (a path outside the output), never shown"),
    ("smfed_tui/plain_apply.py", "print_next_steps", None, "a command line, shown as is"),
    ("smfed_tui/source.py", "parse", "{}: U+{}", "PyYAML's reason and a code point, inside a translated message"),
    ("smfed_tui/splice.py", "result", None, "a programming error (overlapping edits), never shown"),
)
_CODE = re.compile(r"^SMF\d{3}$")
SHOWING_KEYWORDS = {"help", "description", "epilog", "hint", "title", "instruction", "message", "placeholder",
                    "tooltip", "yes", "no", "label", "border_title", "disabled"}
# Calls and keywords whose string arguments are never words for a user.
NON_TEXT_CALLS = {
    "compile", "search", "match", "fullmatch", "sub", "finditer", "findall", "split", "startswith", "endswith",
    "find", "rfind", "index", "partition", "rpartition", "replace", "strip", "lstrip", "rstrip", "count",
    "encode", "decode", "get", "pop", "setdefault", "query", "query_one", "set_class", "add_class",
    "remove_class", "has_class", "toggle_class", "getattr", "hasattr", "setattr", "get_value", "scalar_at",
    "get_close_matches", "run", "Popen", "which", "join", "rsplit", "ljust", "rjust", "center", "format_map",
    "strftime", "environ", "getenv", "dumps", "loads", "bool_value", "int_value", "isinstance", "Item",
    "add_argument", "set_defaults", "add_subparsers", "add_mutually_exclusive_group", "Reactive", "reactive",
    "on", "work", "import_module", "__import__", "fromlist", "mkstemp", "open", "Path", "with_name",
}
NON_TEXT_KEYWORDS = {"id", "classes", "variant", "severity", "group", "metavar", "dest", "prog", "action",
                     "choices", "default", "nargs", "markup", "style", "name", "prefix", "suffix", "encoding",
                     "errors", "mode", "fromfile", "tofile", "lineterm", "parser_class", "formatter_class",
                     "version", "key", "key_display", "type", "version_action", "exclusive", "sep", "end",
                     "file", "kind", "scope"}
_STYLE_WORD = re.compile(r"^(\$[\w-]+|bold|italic|underline|dim|reverse|strike|not|on|none|b|i|u|"
                         r"[0-9]+%|#[0-9a-fA-F]{3,8}|ansi_\w+|bright_\w+|red|green|yellow|blue|magenta|cyan|white|"
                         r"black|default)$")
_LETTER = re.compile(r"[^\W\d_]")


def looks_like_style(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_STYLE_WORD.match(w) for w in words)


def looks_like_words(text: str) -> bool:
    """A letter and a space between words (what text for people has and identifiers do not)."""
    return bool(_LETTER.search(text)) and " " in text.strip()


@dataclass(frozen=True)
class Bypass:
    file: str
    line: int
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.why}: {self.text!r}"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def _text_of(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return node.value
    parts = []
    for value in node.values:
        parts.append(value.value if isinstance(value, ast.Constant) else "{}")
    return "".join(parts)


def _enclosing_function(node, parents) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
    return ""


def _scope(node, parents) -> str:
    """The enclosing function's name, else the module-level name the string is assigned to."""
    function = _enclosing_function(node, parents)
    if function:
        return function
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Assign):
            return next((t.id for t in node.targets if isinstance(t, ast.Name)), "")
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            return node.target.id
    return ""


def allowed(file: str, scope: str, text: str) -> tuple | None:
    return next((a for a in ALLOWED if a[0] == file and a[1] == scope and a[2] in (None, text)), None)


def _context(node: ast.AST, parents: dict) -> tuple[str, str | None]:
    """("skip", reason) when the string is not for a user by where it stands; ("show", how) when it is
    handed to something that shows it; ("plain", None) otherwise."""
    child = node
    direct = True   # the string itself (or a concatenation or choice of strings) is the argument
    while child in parents:
        parent = parents[child]
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            direct = False
        if isinstance(parent, ast.keyword):
            call = parents.get(parent)
            if _func_name(call) in CATALOG_CALLS and isinstance(call.func, ast.Name):
                return "skip", "catalog"
            if parent.arg in NON_TEXT_KEYWORDS:
                return "skip", f"{parent.arg}="
            if parent.arg in SHOWING_KEYWORDS and direct:
                return "show", f"{parent.arg}="
            return "plain", None
        if isinstance(parent, ast.Call):
            name = _func_name(parent)
            if name in CATALOG_CALLS and isinstance(parent.func, ast.Name):
                return "skip", "catalog"
            if child is not parent.func:
                if name in NON_TEXT_CALLS:
                    return "skip", f"{name}()"
                position = next((i for i, a in enumerate(parent.args) if a is child), None)
                shown = SHOWN_POSITIONS.get(name)
                if direct and (shown is None or position in shown) and (name in SHOWING_CALLS or name.endswith((
                        "Error", "Exception", "Conflict", "NotFound", "Forbidden", "Unreachable", "Missing",
                        "Rejected"))):
                    return "show", f"{name}()"
            return "plain", None
        if isinstance(parent, ast.Compare):
            return "skip", "comparison"
        if isinstance(parent, ast.Dict) and any(k is child for k in parent.keys):
            return "skip", "dict key"
        if isinstance(parent, ast.Subscript) and parent.slice is child:
            return "skip", "subscript"
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names = [t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
                     for t in targets]
            if any("CSS" in n or n in ("COMPONENT_CLASSES", "SCOPED_CSS") for n in names):
                return "skip", "CSS"
            if any(n in ("border_title", "border_subtitle", "title", "sub_title", "TITLE", "SUB_TITLE") for n in names):
                return "show", "title"
            return "plain", None
        if isinstance(parent, (ast.Return, ast.Yield, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                               ast.Module, ast.Expr)):
            return "plain", None
        child = parent
    return "plain", None


def bypasses(files: list[Path] | None = None) -> list[Bypass]:
    found = []
    for path in files or scanned_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = _parents(tree)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if isinstance(parents.get(node), ast.JoinedStr) or id(node) in docs:
                    continue
            elif not isinstance(node, ast.JoinedStr):
                continue
            if isinstance(parents.get(node), ast.FormattedValue):  # a format spec: f"{x:>{width}}"
                continue
            text = _text_of(node)
            if not _LETTER.search(text) or looks_like_style(text) or _CODE.match(text):
                continue
            kind, why = _context(node, parents)
            if kind == "skip":
                continue
            if kind == "show" or looks_like_words(text):
                scope = _scope(node, parents)
                if allowed(rel(path), scope, text) is None:
                    found.append(Bypass(rel(path), node.lineno, text, (why or "words") + (f" in {scope}" if scope else "")))
    return found


def allowed_unused(files: list[Path] | None = None) -> list[tuple]:
    """Allow-list entries that match no string any more (stale: remove them)."""
    used = set()
    for path in files or scanned_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                                                   and not isinstance(parents.get(node), ast.JoinedStr)):
                entry = allowed(rel(path), _scope(node, parents), _text_of(node))
                if entry is not None:
                    used.add(entry)
    return [a for a in ALLOWED if a not in used]


# --- the .po file ------------------------------------------------------------------------------------

def po_quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in body or body.endswith("\n") and body.count("\n") == 1:
        return '"' + body.replace("\n", "\\n") + '"'
    lines = body.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def write_po(path: Path, header: str, entries: list[tuple[list[Use], str, str | None, list[str]]]) -> None:
    """`entries`: (uses, msgid, msgid_plural or None, msgstrs) in order."""
    out = [header.rstrip("\n"), ""]
    for uses, msgid, plural, strings in entries:
        refs = sorted({f"{u.file}:{u.line}" for u in uses})
        out.append("#: " + " ".join(refs[:4]) + (" ..." if len(refs) > 4 else ""))
        if _python_format(msgid):
            out.append("#, python-brace-format")
        out.append("msgid " + po_quote(msgid))
        if plural is not None:
            out.append("msgid_plural " + po_quote(plural))
            for index, text in enumerate(strings or [""]):
                out.append(f"msgstr[{index}] " + po_quote(text))
        else:
            out.append("msgstr " + po_quote(strings[0] if strings else ""))
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


def _python_format(text: str) -> bool:
    try:
        return any(field for _lit, field, _spec, _conv in string.Formatter().parse(text))
    except ValueError:
        return False


def po_header(text: str) -> str:
    """The header comment and entry of a .po file (everything before the first real msgid)."""
    lines, out = text.splitlines(), []
    seen_header = False
    for line in lines:
        if line.startswith("msgid ") and seen_header:
            break
        if line.startswith('msgid ""'):
            seen_header = True
        if seen_header and not line.strip():
            break
        out.append(line)
    return "\n".join(out) + "\n"


def update_po(path: Path = PO) -> tuple[int, int]:
    """Rewrite the .po in code order: new ids get an empty translation, stale ids are dropped, existing
    translations are kept. Returns (added, dropped)."""
    sys.path.insert(0, str(ROOT))
    from smfed_tui.i18n import parse_po
    text = path.read_text(encoding="utf-8")
    old = {e["msgid"]: e for e in parse_po(text) if e["msgid"]}
    ids, plurals = message_ids(), plural_ids()
    entries = []
    for msgid, uses in ids.items():
        if msgid in plurals.values():
            continue  # a plural form: written with its singular
        previous = old.get(msgid)
        entries.append((uses, msgid, plurals.get(msgid), previous["msgstr"] if previous else []))
    write_po(path, po_header(text), entries)
    return len(set(ids) - set(old) - set(plurals.values())), len(set(old) - set(ids))


if __name__ == "__main__":
    if "--update" in sys.argv:
        added, dropped = update_po()
        print(f"{PO.relative_to(ROOT)}: {added} new message ids (empty), {dropped} stale ones dropped")
    else:
        for b in bypasses():
            print(b)
