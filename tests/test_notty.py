"""The console script without a terminal, `--version`, `--help` and the exit codes.

The wizard never prompts when stdin or stdout is not a terminal: it exits 2 naming the subcommands
to use instead (`generate`, `edit`) with an example, and loads neither Textual nor questionary (nor
prompt_toolkit). Each case runs the installed `smfed-wizard` script, the way CI and scripts run it.
"""
from __future__ import annotations

import argparse
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from smfed_tui import __version__
from smfed_tui.cli import build_parser

SCRIPT = Path(sys.executable).with_name("smfed-wizard")
UI_LIBRARIES = ("textual", "questionary", "prompt_toolkit")


def run(argv: list[str], *, cwd: Path, env: dict | None = None, stdin=subprocess.DEVNULL, input_text=None):
    environment = {k: v for k, v in os.environ.items() if k not in ("ACCESSIBLE", "NO_COLOR")}
    environment.update(env or {})
    return subprocess.run([str(SCRIPT), *argv], cwd=cwd, env=environment, stdin=stdin if input_text is None else None,
                          input=input_text, capture_output=True, text=True, timeout=60)


def imported_modules(stderr: str) -> set[str]:
    """Top-level package names from `-X importtime` lines (PYTHONPROFILEIMPORTTIME)."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_the_console_script_is_installed():
    assert SCRIPT.exists(), f"{SCRIPT} is missing: is the package installed in this virtualenv?"


@pytest.mark.parametrize("argv, env", [
    ([], {}),
    (["smcp.yaml"], {}),
    (["--plain"], {}),
    (["--plain", "smcp.yaml"], {}),
    (["smcp.yaml"], {"ACCESSIBLE": "1"}),
    (["smcp.yaml"], {"TERM": "dumb"}),
], ids=["bare", "file", "plain", "plain-file", "ACCESSIBLE", "TERM=dumb"])
def test_without_a_terminal_the_wizard_exits_2_naming_generate_and_edit(tmp_path, argv, env):
    result = run(argv, cwd=tmp_path, env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""
    message = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("import time:"))
    assert "terminal" in message
    assert "generate" in message and "edit" in message
    assert re.search(r"smfed-wizard generate --name \S+", message), message        # an example command
    assert re.search(r"smfed-wizard edit \S+\.yaml", message), message
    modules = imported_modules(result.stderr)
    assert "smfed_tui" in modules                    # the import log is there, so the next check means something
    assert not modules.intersection(UI_LIBRARIES), modules & set(UI_LIBRARIES)
    assert list(tmp_path.iterdir()) == []            # nothing written


def test_an_existing_file_is_not_touched_without_a_terminal(tmp_path):
    path = tmp_path / "smcp.yaml"
    path.write_text("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: red-mesh\n")
    before = path.read_bytes()
    assert run(["--plain", "smcp.yaml"], cwd=tmp_path).returncode == 2
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["smcp.yaml"]


def test_piped_stdin_is_not_a_terminal_either(tmp_path):
    result = run(["--plain", "smcp.yaml"], cwd=tmp_path, input_text="red-mesh\n\n\n")
    assert result.returncode == 2
    assert "generate" in result.stderr


def test_a_terminal_on_stdin_alone_is_not_enough(tmp_path):
    """stdin is a TTY, stdout is a pipe (`smfed-wizard | tee log`): still no prompts."""
    master, slave = pty.openpty()
    try:
        result = run(["--plain", "smcp.yaml"], cwd=tmp_path, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert "generate" in result.stderr and "edit" in result.stderr


# --- --version, --help ------------------------------------------------------------------------------

def test_version(tmp_path):
    result = run(["--version"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"smfed-wizard {__version__}"


def subcommands() -> list[str]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def _has_example(help_text: str, command: str) -> bool:
    body = help_text.split("\n\n", 1)[1] if "\n\n" in help_text else ""   # after the usage block
    wanted = f"smfed-wizard {command}".rstrip()
    return bool(re.search(r"(?i)\bexamples?\b|\be\.g\.", body)) and wanted in body


@pytest.mark.parametrize("command", [""] + subcommands())
def test_help_exits_0_with_examples(tmp_path, command):
    argv = ([command] if command else []) + ["--help"]
    result = run(argv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: smfed-wizard {command}".rstrip())
    if not _has_example(result.stdout, command):
        pytest.fail(f"`smfed-wizard {command} --help` shows no example:\n{result.stdout}")


def test_top_level_help_documents_the_exit_codes(tmp_path):
    out = " ".join(run(["--help"], cwd=tmp_path).stdout.split())
    for code, meaning in (("0", "fine"), ("1", "validation errors"), ("2", "unusable input or usage"),
                          ("130", "aborted")):
        assert re.search(rf"\b{code} {meaning}", out), (code, out)


def test_top_level_help_lists_the_wizard_options(tmp_path):
    out = run(["--help"], cwd=tmp_path).stdout
    assert out.startswith("usage: smfed-wizard [--plain] [--context CTX] [--kubectl PATH]")
    wizard = out.split("the interactive wizard (smfed-wizard [options] [FILE]):", 1)[1]
    for option in ("--plain", "--context CTX", "--kubectl PATH"):
        assert f"  {option}  " in wizard, option


def test_usage_errors_exit_2(tmp_path):
    result = run(["validate"], cwd=tmp_path)
    assert result.returncode == 2
    assert "error" in result.stderr
    assert run(["completion", "fish"], cwd=tmp_path).returncode == 2
