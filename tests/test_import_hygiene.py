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
