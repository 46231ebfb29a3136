"""`smfed-wizard completion bash|zsh`: scripts generated from the argparse parser.

The bash script is checked with `bash -n` and then exercised: it is sourced in a real bash, COMP_WORDS
is set as bash sets it on <TAB>, and the candidates are compared. zsh is not installed on the test
machines (`command -v zsh` finds nothing), so the zsh script is run through `zsh -n` only when zsh
exists; otherwise its structure is checked: the #compdef line, one `_arguments` block per
subcommand with every option of that subcommand, the value lists and file actions, balanced quoting.
"""
from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smfed_tui.cli import build_parser, wizard_parser
from smfed_tui.completion import completion_script, describe
from smfed_tui.fields import MESH_FIELDS
from smfed_tui.model import VERSIONS

SCRIPT = Path(sys.executable).with_name("smfed-wizard")


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings if a.help != argparse.SUPPRESS]


@pytest.fixture(scope="module")
def bash_script() -> str:
    out = subprocess.run([str(SCRIPT), "completion", "bash"], capture_output=True, text=True, check=True).stdout
    return out


@pytest.fixture(scope="module")
def zsh_script() -> str:
    return subprocess.run([str(SCRIPT), "completion", "zsh"], capture_output=True, text=True, check=True).stdout


def test_the_console_script_prints_both_scripts(bash_script, zsh_script):
    assert bash_script == completion_script("bash", build_parser(), wizard_parser())
    assert zsh_script == completion_script("zsh", build_parser(), wizard_parser())
    with pytest.raises(ValueError):
        completion_script("fish", build_parser(), wizard_parser())


# --- bash ---------------------------------------------------------------------------------------------

def test_bash_script_is_valid_bash(bash_script, tmp_path):
    path = tmp_path / "smfed-wizard.bash"
    path.write_text(bash_script)
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "complete -F _smfed_wizard smfed-wizard" in bash_script


def complete(script: str, cwd: Path, *words: str) -> list[str]:
    """The candidates bash offers for the command line `words` (the last one is being completed)."""
    path = cwd / "completion.bash"
    path.write_text(script)
    line = " ".join(shlex.quote(w) for w in words)
    program = (f"source {shlex.quote(str(path))}\n"
               f"COMP_WORDS=({line}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
               "_smfed_wizard\n"
               'printf "%s\\n" "${COMPREPLY[@]}"\n')
    out = subprocess.run(["bash", "-c", program], cwd=cwd, capture_output=True, text=True, check=True).stdout
    return sorted(filter(None, out.split("\n")))


def test_bash_completes_subcommands_options_values_and_files(bash_script, tmp_path):
    (tmp_path / "red.yaml").write_text("")
    (tmp_path / "out").mkdir()
    commands = sorted(subparsers(build_parser()))
    assert complete(bash_script, tmp_path, "smfed-wizard", "") == sorted(
        commands + ["completion.bash", "out", "red.yaml"])
    assert complete(bash_script, tmp_path, "smfed-wizard", "ge") == ["generate"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "--pl") == ["--plain"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "--ver") == ["--version"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "generate", "--version", "") == sorted(VERSIONS)
    assert complete(bash_script, tmp_path, "smfed-wizard", "edit", "red.yaml", "--image-pull-policy", "I") == [
        "IfNotPresent"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "validate", "--format", "") == ["json", "text"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "validate", "re") == ["red.yaml"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "edit", "red.yaml", "--name", "") == []
    assert complete(bash_script, tmp_path, "smfed-wizard", "completion", "") == ["bash", "zsh"]
    assert complete(bash_script, tmp_path, "smfed-wizard", "generate", "-o", "r") == ["red.yaml"]


def test_bash_offers_every_option_of_every_subcommand(bash_script, tmp_path):
    for name, sub in subparsers(build_parser()).items():
        offered = complete(bash_script, tmp_path, "smfed-wizard", name, "-")
        assert offered == sorted(option_strings(sub)), name


# --- zsh --------------------------------------------------------------------------------------------------

def _blocks(script: str) -> dict[str, str]:
    """The `_arguments` block of each subcommand in the zsh script."""
    found = {}
    for m in re.finditer(r"^ {8}([a-z-]+)\)\n(.*?)^ {10};;$", script, re.M | re.S):
        found[m.group(1)] = m.group(2)
    return found


def _single_quotes_balanced(line: str) -> bool:
    # outside single quotes only the brace lists {-o,--output} and line continuations appear
    stripped = re.sub(r"'[^']*'", "", line.replace("'\\''", ""))
    return "'" not in stripped


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_script_parses_in_zsh(zsh_script, tmp_path):
    path = tmp_path / "_smfed-wizard"
    path.write_text(zsh_script)
    result = subprocess.run(["zsh", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_zsh_script_structure(zsh_script):
    assert zsh_script.startswith("#compdef smfed-wizard\n")
    assert "compdef _smfed_wizard smfed-wizard" in zsh_script
    assert zsh_script.count("{") == zsh_script.count("}")
    for line in zsh_script.splitlines():
        if not line.lstrip().startswith("#"):
            assert _single_quotes_balanced(line), line
    assert "'--plain[" in zsh_script and "'(- : *)--version[" in zsh_script
    blocks = _blocks(zsh_script)
    parser = build_parser()
    assert sorted(blocks) == sorted(subparsers(parser))
    for name, sub in subparsers(parser).items():
        block = blocks[name]
        assert "_arguments" in block, name
        for option in option_strings(sub):
            assert re.search(rf"['{{,*)]{re.escape(option)}[\[',}}:]", block), (name, option)
        # each `_arguments` spec line continues with a backslash, except the last
        lines = [ln for ln in block.splitlines() if ln.strip()]
        assert all(ln.endswith(" \\") for ln in lines[:-1]) and lines[-1].endswith("&& ret=0"), name


def test_zsh_script_completes_values_and_files(zsh_script):
    blocks = _blocks(zsh_script)
    version = next(f for f in MESH_FIELDS if f.key == "version")
    assert f":VERSION:({' '.join(version.choices)})'" in blocks["generate"]
    assert ":FORMAT:(text json)'" in blocks["validate"]
    assert "'*:FILE:_files'" in blocks["validate"]
    assert "'1:file:_files'" in blocks["edit"]
    assert "'1:shell:(bash zsh)'" in blocks["completion"]
    assert "'*--peer[" in blocks["generate"]        # repeatable
    assert ":FILE:_files'" in blocks["generate"]    # -o FILE


def test_describe_reads_subcommands_from_the_parser():
    cmd = describe(build_parser())
    assert [c.name for c in cmd.subcommands] == list(subparsers(build_parser()))
    generate = next(c for c in cmd.subcommands if c.name == "generate")
    by_flag = {s: o for o in generate.options for s in o.strings}
    assert by_flag["--version"].choices == list(VERSIONS)
    assert by_flag["--output"].path == "file" and by_flag["--peer"].repeat
    assert not by_flag["--allow-errors"].takes_value
