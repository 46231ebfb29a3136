"""Shared test setup.

Snapshot baselines live in the top-level `snapshots/<test module>/` (`snapshots/` holds the
SVG baselines), through a subclass of pytest-textual-snapshot's SVG extension that `snap_compare`
looks up at call time (pinned plugin 1.1.0 with syrupy 4.8.0).

The TUI runs deterministically under test: a fixed theme (the app sets it), no animations, no cursor
blink, no environment that changes colours, only base names of files on screen.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

for _name in ("TEXTUAL_THEME", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_FPS", "ACCESSIBLE"):
    os.environ.pop(_name, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
# The tests read English messages whatever the developer's locale (the CLI picks Korean from LANG=ko_KR...);
# the Korean tests set the language themselves.
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

import pytest_textual_snapshot as _pts   # the test extra (pinned): without it the suite fails, never skips

from helpers.pilot import FIXTURES   # noqa: E402  (after the environment above is set)

ROOT = Path(__file__).resolve().parent.parent
SNAP_ROOT = ROOT / "snapshots"


class TopLevelSVG(_pts.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAP_ROOT / test_location.basename)


_pts.SVGImageExtension = TopLevelSVG


# --- each test's kind, as a marker (registered in pyproject.toml) --------------------------------------

# Modules whose tests drive a text front-end (a command's main(), plain mode) even where a test's own
# body calls a helper of the module rather than main() itself.
CLI_MODULES = {"test_cli", "test_bundle", "test_topology", "test_completion", "test_plain", "test_generate_seed",
               "test_migrate_cases", "test_migrate_prompts", "test_status_cli", "test_conventions", "test_notty", "test_apply_cli"}
# Fixtures that start the real kubectl against a loopback stand-in API server.
PROCESS_FIXTURES = {"kube", "two_clusters", "cluster"}
PROCESS_WORDS = ("subprocess", "sys.executable", "run_probe(", "run_in_pty(", "kubectl_path(", "Popen")


def _kinds(item) -> set[str]:
    import inspect
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        source = ""
    fixtures = set(getattr(item, "fixturenames", ()))
    kinds = set()
    if inspect.iscoroutinefunction(function) or "snap_compare" in fixtures:
        kinds.add("tui")
    if fixtures & PROCESS_FIXTURES or any(word in source for word in PROCESS_WORDS):
        kinds.add("subprocess")
    if item.module.__name__ in CLI_MODULES or "main([" in source or "run_plain(" in source or "drive(" in source:
        kinds.add("cli")
    return kinds or {"core"}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test core, cli, tui and/or subprocess by what it drives, so a run can pick a kind."""
    for item in items:
        for kind in sorted(_kinds(item)):
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture
def red_mesh(tmp_path) -> Path:
    """A copy of the docs' red-mesh example SMCP (seed section 1.18.9), as red-mesh.yaml."""
    path = tmp_path / "red-mesh.yaml"
    shutil.copyfile(FIXTURES / "red-mesh.yaml", path)
    return path


@pytest.fixture
def new_file(tmp_path) -> Path:
    """A path where no file exists yet."""
    return tmp_path / "red-mesh.yaml"


@pytest.fixture
def client_on_path(monkeypatch):
    """PATH for pictures that name the cluster client: the test kubectl's directory (no `oc`) and the
    system's, whatever else the machine has, so the commands shown say `kubectl` everywhere."""
    from kube_fixtures import kubectl_path
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(kubectl_path()), "/usr/bin", "/bin"]))
