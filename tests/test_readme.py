"""The README is a contract: its rules table and its test command must match the code and CI."""
import re
from pathlib import Path

from smfed_tui.checks.catalogue import RULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rules_table_lists_every_rule_as_the_code_defines_it():
    block = README.split("<!-- rules-table")[1].split("<!-- end rules-table")[0]
    rows = re.findall(r"^\| (SMF\d{3}) \| (\w+) \| (.+?) \| (.+) \|$", block, re.MULTILINE)
    documented = {code: (severity, title, fix) for code, severity, title, fix in rows}
    expected = {r.code: (r.severity, r.title, r.fix) for r in RULES.values()}
    assert documented == expected


def test_ci_runs_exactly_the_readme_test_command():
    commands = re.findall(r"```sh\n(.+?)\n```", README, re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command.strip() in ci
