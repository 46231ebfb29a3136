"""Pictures for a reader who has not run the wizard yet: the README's screenshot (an SVG the app itself
draws, so it shows the wizard as it is: the test fails when the screen changes until the picture is
looked at and updated with `pytest tests/test_readme_screenshot.py --snapshot-update`), and the same
kind of screen with NO_COLOR, which must read without colour."""
from __future__ import annotations

import pytest

from helpers.pilot import choose, go_to, make_app, until

pytestmark = pytest.mark.usefixtures("client_on_path")


def test_readme_screenshot(snap_compare, red_mesh):
    """red-mesh.yaml being edited: green-mesh's ingress switched to NodePort with node ports picked; the
    step list with its counts, the form, and the preview with the changed lines marked."""
    async def run_before(pilot):
        await go_to(pilot, "exposure")
        await choose(pilot, "exposure", "service", "NodePort")
        app = pilot.app
        app.screen.query_one("#pick-ports").press()
        await until(pilot, lambda: app.session.mesh.peer("green-mesh").exposure.tls_node_port, "ports picked")
        app.clear_notifications()
        app.screen.query_one("#field-exposure-service-editor").focus()
        await pilot.pause()
    assert snap_compare(make_app(red_mesh), terminal_size=(120, 36), run_before=run_before)


def test_monochrome_exposure(snap_compare, red_mesh, monkeypatch):
    """NO_COLOR: the focused field (▸), the chosen values ([NodePort]) and the peer shown (▸) still read."""
    monkeypatch.setenv("NO_COLOR", "1")   # Textual reads it when the app is made

    async def run_before(pilot):
        await go_to(pilot, "exposure")
        await choose(pilot, "exposure", "service", "NodePort")
    assert snap_compare(make_app(red_mesh), terminal_size=(120, 36), run_before=run_before)
