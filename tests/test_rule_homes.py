"""A validator rule lives in one place: its row (`SMF040 = Rule("SMF040", ...)`: code, severity, title,
fix) is declared in the check module that reports it, beside its check, and the check reports with that
row, never with a code string (a typo is then a NameError pyflakes sees, not a KeyError at run time). A
rule two modules report is declared in one of them and imported by the other. The rule table
(`checks.rulebook.RULES`) is collected from the check modules. Read from the source (ast), so a row
kept anywhere else, or a report by a code string, is found without running a check.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from smfed_tui.checks import rulebook

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "smfed_tui" / "checks"
# the validator's codes; SMF2xx are status's table (status/codes.py), SMF3xx migrate's
CODE = re.compile(r"SMF[01]\d\d")
RULE_ARGUMENT = {"report": 0, "report_in": 1}   # where a Checker method takes the rule


def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def product_files() -> list[Path]:
    return sorted((ROOT / "smfed_tui").rglob("*.py")) + sorted((ROOT / "screens").glob("*.py"))


def rule_rows(tree: ast.Module) -> list[ast.Call]:
    """Every `Rule("SMF0xx"|"SMF1xx", ...)` call, wherever it stands."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "Rule" and node.args and isinstance(node.args[0], ast.Constant)
            and CODE.fullmatch(str(node.args[0].value))]


def declared(tree: ast.Module) -> dict[str, str]:
    """The module's own rows, `NAME = Rule("CODE", ...)` at its top level: NAME -> CODE."""
    return {node.targets[0].id: node.value.args[0].value for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.value in rule_rows(tree)}


def imported(tree: ast.Module) -> dict[str, str]:
    """Rows taken from a sibling module (`from .smcp_ports import SMF045`): NAME -> module name."""
    return {alias.asname or alias.name: node.module for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
            for alias in node.names if CODE.fullmatch(alias.asname or alias.name)}


def reports(tree: ast.Module) -> list[tuple[int, ast.expr]]:
    """(line, the rule argument) of every `x.report(...)` and `x.report_in(...)` call."""
    return [(node.lineno, node.args[RULE_ARGUMENT[node.func.attr]]) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in RULE_ARGUMENT and len(node.args) > RULE_ARGUMENT[node.func.attr]]


def check_modules() -> dict[str, ast.Module]:
    """The modules of checks/ that report findings or hold rows, by module name (not the Checker's own,
    checker.py, whose `report` hands the rule it is given on to `report_in`)."""
    trees = {path.stem: tree_of(path) for path in sorted(CHECKS.glob("*.py")) if path.name != "checker.py"}
    return {name: tree for name, tree in trees.items() if reports(tree) or rule_rows(tree)}


def homes() -> dict[str, str]:
    """Each row's name -> the module that declares it."""
    found: dict[str, list[str]] = {}
    for name, tree in check_modules().items():
        for row in declared(tree):
            found.setdefault(row, []).append(name)
    twice = {row: where for row, where in found.items() if len(where) > 1}
    assert not twice, f"rows declared in more than one module: {twice}"
    return {row: where[0] for row, where in found.items()}


def test_rows_are_declared_only_as_top_level_constants_of_check_modules():
    """No rule table beside the checks (a catalogue module had one): a row anywhere but at the top level of a
    check module, or not named by its own code, is a second place to look for a rule."""
    misplaced = []
    modules = check_modules()
    for path in product_files():
        tree = tree_of(path)
        rows = rule_rows(tree)
        if not rows:
            continue
        own = declared(tree) if path.parent == CHECKS and path.stem in modules else {}
        misplaced += [f"{path.relative_to(ROOT)}:{row.lineno} {row.args[0].value}" for row in rows
                      if (row.args[0].value, row.args[0].value) not in own.items()]
    assert misplaced == [], "declare each row as `CODE = Rule(\"CODE\", ...)` beside the check that reports it"


def test_checks_report_with_a_row_declared_or_imported_from_its_one_home():
    where = homes()
    wrong = []
    for name, tree in check_modules().items():
        own, taken = declared(tree), imported(tree)
        for line, rule in reports(tree):
            row = rule.id if isinstance(rule, ast.Name) else None
            if row is None or not CODE.fullmatch(row):
                wrong.append(f"{name}.py:{line} reports {ast.unparse(rule)}, not a row")
            elif row not in own and taken.get(row) != where.get(row):
                wrong.append(f"{name}.py:{line} reports {row}, declared in {where.get(row)}, not imported from there")
    assert wrong == []


def test_each_row_is_declared_in_a_module_that_reports_it():
    """A row stands beside its check: the module that declares it reports it (a rule two modules report
    is declared in either); a row moved to a module that only imports it, or reports nothing, fails."""
    away = []
    for name, tree in check_modules().items():
        reported = {rule.id for _line, rule in reports(tree) if isinstance(rule, ast.Name)}
        away += [f"{row} in {name}.py" for row in declared(tree) if row not in reported]
    assert away == []


def test_the_rule_table_is_every_check_modules_rows():
    """`rulebook` imports every module that declares rows, and its table is exactly their rows."""
    listed = {module.__name__.rpartition(".")[2] for module in rulebook.CHECK_MODULES}
    assert listed == set(check_modules())
    where = homes()
    assert list(rulebook.RULES) == sorted(where)
    modules = {module.__name__.rpartition(".")[2]: module for module in rulebook.CHECK_MODULES}
    for row, home in where.items():
        assert rulebook.RULES[row] is getattr(modules[home], row) and rulebook.RULES[row].code == row
