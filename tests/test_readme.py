"""The README is a contract: its rules table and its test command must match the code and CI."""
import re
from pathlib import Path

from smfed_tui.checks.rulebook import RULES

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


def test_readme_cites_only_what_is_in_the_repo():
    """No document the repo does not hold (a design note, numbered sections of one, an issue), and every
    module or folder the README names exists (a module is named by its path, or by its name in the core
    or the UI package)."""
    assert "§" not in README and "DESIGN.md" not in README
    assert not re.search(r"\bissue \d+", README)
    bases = [ROOT, ROOT / "smfed_tui", ROOT / "smfed_tui" / "checks", ROOT / "screens", ROOT / "tests"]
    named = set(re.findall(r"`([\w./]+\.py)`", README)) | set(re.findall(r"`([\w/]+/)`", README))
    assert len(named) > 20   # the README names its modules: this check reads something
    missing = [name for name in sorted(named) if not any((base / name).exists() for base in bases)]
    assert missing == []
