"""Shared test setup.

Snapshot baselines live in the top-level `snapshots/<test module>/` (DESIGN: `snapshots/` holds the
SVG baselines), through a subclass of pytest-textual-snapshot's SVG extension that `snap_compare`
looks up at call time (textual-practice §2.2; pinned plugin 1.1.0 with syrupy 4.8.0).

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

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tui"
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
               "test_migrate_cases", "test_migrate_prompts", "test_status_cli", "test_conventions", "test_notty"}
# Fixtures that start the real kubectl against a loopback stand-in API server.
PROCESS_FIXTURES = {"kube", "two_clusters", "cluster"}
PROCESS_WORDS = ("subprocess", "sys.executable", "run_probe(", "kubectl_path(", "Popen")


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


def make_app(path):
    """The wizard on `path` as `smfed-wizard PATH` opens it, set up for deterministic tests."""
    from smfed_tui.screens.app import WizardApp
    from smfed_tui.session import Session

    app = WizardApp(Session.open(str(path) if path is not None else None), cursor_blink=False)
    app.animation_level = "none"
    return app


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


# --- driving the wizard with keys (Pilot) -------------------------------------------------------------

async def wizard_ready(pilot) -> None:
    """Wait until the wizard's first step is built (snapshot `run_before` runs before that)."""
    for _ in range(200):
        if getattr(pilot.app.screen, "ready", False):
            return
        await pilot.pause(0.01)
    raise AssertionError("the wizard screen never became ready")


def editor(app, scope: str, key: str):
    return app.screen.query_one(f"#field-{scope}-{key}-editor")


async def type_into(pilot, scope: str, key: str, text: str) -> None:
    """Focus a field, clear it with keys (end, ctrl+u) and type `text` key by key."""
    await wizard_ready(pilot)
    editor(pilot.app, scope, key).focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if text:
        await pilot.press(*["space" if ch == " " else ch for ch in text])
    await pilot.pause()


async def choose(pilot, scope: str, key: str, value) -> None:
    """Pick `value` in a choice field with the arrow keys."""
    await wizard_ready(pilot)
    choice = editor(pilot.app, scope, key)
    choice.focus()
    await pilot.pause()
    values = [v for _label, v in choice.options]
    target = next(i for i, v in enumerate(values) if v == value and type(v) is type(value))
    step = "right" if target > choice.index else "left"
    for _ in range(abs(target - choice.index)):
        await pilot.press(step)
    await pilot.pause()
    assert choice.index == target


async def until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds: what comes after a layout or a refresh comes
    sooner or later on a loaded machine, and a fixed pause fails there."""
    import time
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def click_when_shown(pilot, selector: str, timeout: float = 10.0) -> None:
    """Click a widget once it is laid out inside the screen: a widget that has just appeared (the node
    port rows after NodePort) is placed by a later layout pass, sooner or later on a loaded machine."""
    widget = pilot.app.screen.query_one(selector)
    await until(pilot, lambda: widget.region and pilot.app.screen.region.contains_region(widget.region),
                f"{selector} to come into view", timeout)
    await pilot.click(selector)


async def go_to(pilot, step: str) -> None:
    await wizard_ready(pilot)
    await pilot.app.screen.go_to(step)
    await pilot.pause()


async def node_ports(pilot, tls: str, discovery: str | None = None) -> None:
    """On the Exposure step, for the selected peer: NodePort, then the node ports typed in."""
    if pilot.app.screen.step != "exposure":
        await go_to(pilot, "exposure")
    await choose(pilot, "exposure", "service", "NodePort")
    await type_into(pilot, "exposure", "tls-node-port", tls)
    if discovery is not None:
        await type_into(pilot, "exposure", "discovery-node-port", discovery)
