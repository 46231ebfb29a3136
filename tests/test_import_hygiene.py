"""The headless paths never load a UI library: `validate` and `generate` (and importing the core)
import neither Textual, questionary nor prompt_toolkit.

Each check runs in a fresh interpreter, so what pytest or other tests imported cannot hide a leak.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).parent / "fixtures" / "seed" / "seed-1.18.9-red-mesh-smcp.yaml"
TWIN = Path(__file__).parent / "fixtures" / "edit" / "two-space-compact.yaml"  # also red-mesh.local
UI_LIBRARIES = ("textual", "questionary", "prompt_toolkit")

PROBE = """
import contextlib, io, json, sys
from smfed_tui.cli import main
sink = lambda: io.TextIOWrapper(io.BytesIO())  # has .buffer, like the real stdout
with contextlib.redirect_stdout(sink()), contextlib.redirect_stderr(sink()):
    code = main(json.loads(sys.argv[1]))
loaded = sorted(m for m in sys.modules if m.split('.')[0] in %r)
print(json.dumps({"code": code, "loaded": loaded}))
""" % (UI_LIBRARIES,)


def run_probe(argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_ui_libraries_are_installed():
    """Guard: the checks below prove something only if the libraries could be imported at all."""
    for name in UI_LIBRARIES:
        proc = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, timeout=60)
        assert proc.returncode == 0, f"{name} is not installed; the hygiene tests would pass vacuously"


@pytest.mark.parametrize("argv, code", [
    (["validate", str(SEED)], 0),
    (["validate", "--format", "json", str(SEED), str(TWIN)], 1),  # the same trust domain twice: SMF012
    (["generate", "--name", "red-mesh", "--peer", "green-mesh", "--peer",
      "blue-mesh:service=NodePort,tls-node-port=30510,discovery-node-port=32359"], 0),
    (["edit", str(SEED), "--peer", "pink-mesh", "--stdout"], 0),
], ids=["validate", "validate-json-two-files", "generate", "edit-stdout"])
def test_headless_commands_load_no_ui_library(argv, code):
    result = run_probe(argv)
    assert result["code"] == code
    assert result["loaded"] == []


def test_importing_the_core_loads_no_ui_library():
    modules = ["smfed_tui." + p.stem for p in (Path(__file__).parent.parent / "smfed_tui").glob("*.py")
               if p.stem not in ("__main__", "plain")]  # plain.py is the questionary front end, by design
    code = "import importlib, json, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in sorted(modules)) + \
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI_LIBRARIES!r})))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_probe_would_notice_a_ui_import():
    """The probe is not blind: a command path that did import Textual shows up."""
    proc = subprocess.run([sys.executable, "-c", "import textual\n" + PROBE, json.dumps(["validate", str(SEED)])],
                          capture_output=True, text=True, timeout=60)
    assert "textual" in json.loads(proc.stdout.strip().splitlines()[-1])["loaded"]


# --- no import cycle, not even through an import inside a function -----------------------------------

ROOT = Path(__file__).parent.parent
PACKAGE_DIRS = {"smfed_tui": ROOT / "smfed_tui", "smfed_tui.screens": ROOT / "screens"}


def module_files() -> dict[str, Path]:
    """Every module of the product by its dotted name (screens/ is the package smfed_tui.screens)."""
    out = {}
    for package, directory in PACKAGE_DIRS.items():
        for path in directory.rglob("*.py"):
            parts = path.relative_to(directory).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join((package,) + parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules `name` imports anywhere in its file (top level, in functions, under
    TYPE_CHECKING: a cycle hidden in a function is still a cycle)."""
    import ast
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # `import a.b.c` / `from a.b import c`: the deepest product module named
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def product_import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    graph = {name: imports_of(name, path, known) for name, path in files.items()}
    # a package's modules import the package (its __init__) first: not an edge of their own design
    return {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph.items()}


def test_no_import_cycle_anywhere_in_the_product():
    cycles = import_cycles(product_import_graph())
    assert cycles == [], "import cycles (an import inside a function counts too):\n" + "\n".join(
        " <-> ".join(group) for group in cycles)


def test_the_cycle_finder_sees_a_cycle_hidden_in_a_function(tmp_path):
    """The walk is not blind to function-level imports: two modules that import each other, one of
    them only inside a function, are reported."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import helper\n")
    (package / "b.py").write_text("def helper():\n    from .a import something\n    return something\n")
    files = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    graph = {name: imports_of(name, path, set(files)) for name, path in files.items()}
    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_test_module_imports_another_or_conftest():
    """Shared test code lives in tests/helpers/ (or a helper module beside the tests), never in a test
    module or conftest.py: a test module that imports another runs that module's setup and breaks when
    the other is rewritten."""
    import ast
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top.startswith("test_") or top == "conftest":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []


def test_exit_codes_are_defined_in_one_module():
    """Every EXIT_* constant is smfed_tui/exit_codes.py's; other modules import it."""
    import ast
    defined = []
    for path in sorted(module_files().values()):
        if path.name == "exit_codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            defined += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names if name.startswith("EXIT_")]
    assert defined == []
