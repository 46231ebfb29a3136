"""Driving the wizard in tests: the app as `smfed-wizard PATH` opens it, and Pilot steps (focus a field
and type, pick a choice, go to a step, wait for what comes after a layout). Imported by the TUI test
modules; tests/conftest.py sets the environment these run in."""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tui"


def make_app(path):
    """The wizard on `path` as `smfed-wizard PATH` opens it, set up for deterministic tests."""
    from smfed_tui.screens.app import WizardApp
    from smfed_tui.session import Session

    app = WizardApp(Session.open(str(path) if path is not None else None), cursor_blink=False)
    app.animation_level = "none"
    return app


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
