"""The Status view (screens/status_view.py) on its own app (`smfed-wizard status --tui`): pictures of
a healthy pair, a broken pair and a gap at 120x36 and 80x24, and the behaviour behind them: the
clusters are read in a background thread (the UI answers keys while a read hangs), enter on a peer
shows its findings and fixes, quitting returns the report's exit code.

The pictures are of reports read with the real kubectl from the two stand-ins (tests/status_scenario.py)
and analysed at a fixed time, so the ages in them do not move. Baselines in snapshots/test_status_tui/,
each looked at as a PNG before it was accepted.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from textual.app import App

from helpers.pilot import until
from status_scenario import Clusters, broken, healthy, two_clusters  # noqa: F401
from smfed_tui.status.analysis import analyse
from smfed_tui.status.reader import read_clusters
from smfed_tui.screens.status_app import EXIT_ABORTED, StatusApp
from smfed_tui.screens.status_view import StatusView

NOW = datetime(2026, 12, 6, 18, 2, 0, tzinfo=timezone.utc)
WIDE, NARROW = (120, 36), (80, 24)


@pytest.fixture(autouse=True)
def in_colour(two_clusters, monkeypatch):
    """The stand-in fixture sets NO_COLOR for the CLI's plain text; Textual honours it too."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def report_of(clusters: Clusters, scenario, forbid: str | None = None):
    clusters.load(*scenario())
    if forbid:
        clusters.green.lists.forbid(forbid)
    return analyse(read_clusters(clusters.kubectl, ["red", "green"], None, "5s"), now=NOW)


def app_for(report) -> StatusApp:
    return StatusApp(lambda: report, every=None, clock=lambda: NOW)


async def shown(pilot) -> None:
    view = pilot.app.screen.query_one(StatusView)
    await until(pilot, lambda: view.report is not None, "the first report on screen")
    await pilot.pause()


class TestStatusView:
    @pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
    def test_healthy(self, snap_compare, two_clusters, size):
        assert snap_compare(app_for(report_of(two_clusters, healthy)), terminal_size=size, run_before=shown)

    @pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
    def test_broken(self, snap_compare, two_clusters, size):
        assert snap_compare(app_for(report_of(two_clusters, broken)), terminal_size=size, run_before=shown)

    @pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
    def test_gap(self, snap_compare, two_clusters, size):
        report = report_of(two_clusters, healthy, forbid="configmaps")
        assert snap_compare(app_for(report), terminal_size=size, run_before=shown)


async def test_enter_on_a_peer_shows_its_findings_and_fixes(two_clusters) -> None:
    app = app_for(report_of(two_clusters, broken))
    async with app.run_test(size=WIDE) as pilot:
        await shown(pilot)
        detail = app.screen.query_one("#status-detail")
        assert "error SMF200" in str(detail.render())            # the first row is highlighted
        await pilot.press("down")
        assert "green/green-mesh-system/red-mesh" in str(detail.render())
        assert "no problem found" in str(detail.render())
        await pilot.press("up", "enter")
        text = str(detail.render())
        assert "error SMF207" in text and "fix: copy green-mesh's root into green-mesh-ca-root-cert" in text
        assert app.focused is app.screen.query_one("#status-detail-scroll")
        await pilot.press("q")
    assert app.return_code == 1


async def test_reading_runs_in_the_background_and_the_ui_answers_meanwhile(two_clusters) -> None:
    """A read that hangs (a slow cluster) does not freeze the screen: keys are handled and the title
    says it is reading; when the read returns, the table fills. Quitting before any read is 130."""
    release = threading.Event()
    report = report_of(two_clusters, healthy)

    def slow_load():
        release.wait(30)
        return report

    app = StatusApp(slow_load, every=None, clock=lambda: NOW)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        view = app.screen.query_one(StatusView)
        assert view.report is None
        assert "Reading the clusters" in str(app.screen.query_one("#status-title").render())
        await pilot.press("r")                  # handled while the first read is still out
        await pilot.pause()
        release.set()
        await until(pilot, lambda: view.report is not None, "the report after the slow read")
        await pilot.pause()
        table = app.screen.query_one("#status-peers")
        assert table.row_count == 2
        await pilot.press("q")
    assert app.return_code == 0

    stuck = StatusApp(lambda: threading.Event().wait(30) or report, every=None, clock=lambda: NOW)
    async with stuck.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("q")
    assert stuck.return_code == EXIT_ABORTED


async def test_refresh_keeps_the_highlighted_peer_and_counts_the_changes(two_clusters) -> None:
    first = report_of(two_clusters, healthy)
    two_clusters.red.lists = type(two_clusters.red.lists)()
    two_clusters.green.lists = type(two_clusters.green.lists)()
    second = report_of(two_clusters, broken)
    reports = iter([first, second])
    app = StatusApp(lambda: next(reports), every=None, clock=lambda: NOW)
    async with app.run_test(size=WIDE) as pilot:
        await shown(pilot)
        view = app.screen.query_one(StatusView)
        await pilot.press("down")
        await pilot.press("r")
        await until(pilot, lambda: view.report is second, "the second read")
        await pilot.pause()
        assert view.selected_peer().name == "red-mesh"         # still the peer the user was on
        assert "changed since the last read" in str(app.screen.query_one("#status-title").render())
        assert "connected -> not connected: 503 Service Unavailable" in "\n".join(view.changed)


class _Host(App):
    """Stands in for the wizard app: the Apply step's client and context are its attributes."""

    def __init__(self, step, kubectl: str, context: str) -> None:
        super().__init__()
        self.step, self.kubectl, self.context = step, kubectl, context

    def compose(self):
        yield self.step

    async def on_mount(self) -> None:
        await self.step.build()


async def test_status_step_reads_the_apply_steps_context_in_the_smcps_namespace(two_clusters, tmp_path) -> None:
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh
    from smfed_tui.screens.status_step import StatusStep
    from smfed_tui.session import Session

    two_clusters.load(*broken())
    path = tmp_path / "red-mesh.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh")))
    step = StatusStep(Session.open(str(path)))
    app = _Host(step, two_clusters.kubectl, "red")
    async with app.run_test(size=WIDE) as pilot:
        view = app.screen.query_one(StatusView)
        await until(pilot, lambda: view.report is not None, "the step's first read", timeout=30)
        assert [(p.context, p.namespace, p.name, p.connected) for p in view.report.peers] == [
            ("red", "red-mesh-system", "green-mesh", False)]
        note = str(app.screen.query_one("#status-step-note").render())
        assert "red" in note and "red-mesh-system" in note
    lists = [r.path for r in two_clusters.red.requests if "/namespaces/" in r.path]
    assert lists and all("/namespaces/red-mesh-system/" in p for p in lists)
    assert two_clusters.green.requests == [] and two_clusters.methods() == {"GET"}


async def test_the_wizards_status_step_comes_after_next_steps_and_reads_the_cluster(two_clusters, tmp_path) -> None:
    """Step 7: ctrl+n from Federation resources opens it; it reads the Apply step's context in the SMCP's namespace
    in the background and shows the peers; the step list names it."""
    from helpers.pilot import go_to
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh
    from smfed_tui.screens.app import WizardApp
    from smfed_tui.session import Session

    two_clusters.load(*broken())
    path = tmp_path / "red-mesh.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh")))
    app = WizardApp(Session.open(str(path)), cursor_blink=False, kubectl=two_clusters.kubectl, context="red")
    async with app.run_test(size=WIDE) as pilot:
        await go_to(pilot, "federation")
        assert two_clusters.red.requests == []                 # nothing is read before the step is opened
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.screen.step == "status", "the Status step")
        view = app.screen.query_one(StatusView)
        await until(pilot, lambda: view.report is not None, "the Status step's first read", timeout=30)
        assert [(p.name, p.connected) for p in view.report.peers] == [("green-mesh", False)]
        assert app.focused is app.screen.query_one("#status-peers")
        assert "Status" in str(app.screen.query_one("#step-list").render())
        await pilot.press("enter")
        assert "error SMF200" in str(app.screen.query_one("#status-detail").render())
    assert two_clusters.methods() == {"GET"}
