"""Every test carries its kind (core, cli, tui, subprocess: tests/conftest.py), so `pytest -m "not tui"`
is the fast loop for core work. Checked by collecting in a child process, as a developer would run it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def collected(marker: str, *paths: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marker, *paths],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr   # 5: nothing collected
    return [line for line in proc.stdout.splitlines() if "::" in line]


def test_pilot_tests_are_tui_and_left_out_of_the_fast_loop():
    fast = collected("not tui", "tests/test_tui_flows.py", "tests/test_tui_session.py")
    slow = collected("tui", "tests/test_tui_flows.py", "tests/test_tui_session.py")
    assert any("test_tui_session.py::" in t for t in fast)          # the session's own tests: the core
    assert not any("test_tui_session.py::" in t for t in slow)
    assert any("test_new_file_equals_generate" in t for t in slow)   # a Pilot test
    assert not any("test_new_file_equals_generate" in t for t in fast)


def test_every_test_has_exactly_the_kinds_it_drives():
    """A CLI test is cli, a test against the stand-in API server is subprocess, a pure core test is
    core and nothing else; every collected test has at least one kind."""
    every = set(collected("core or cli or tui or subprocess", "tests/test_cli.py", "tests/test_apply.py",
                          "tests/test_rules.py"))
    assert every == set(collected("", "tests/test_cli.py", "tests/test_apply.py", "tests/test_rules.py"))
    assert all("test_rules.py::" in t for t in collected("core", "tests/test_rules.py", "tests/test_cli.py"))
    assert collected("cli and not core", "tests/test_cli.py")
    assert collected("subprocess", "tests/test_apply.py")
