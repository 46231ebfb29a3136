"""`smfed-wizard status --tui`: the Status view on its own screen, with a key bar.

Exit codes: 0 when every peer was connected with no error at the last read, 1 otherwise, 2 when no
cluster could be read (the same as the report's), 130 when quit before the first read came back.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from smfed_tui.exit_codes import EXIT_ABORTED
from smfed_tui.i18n import N_, _
from smfed_tui.status.model import StatusReport

from .footer import KeyBar
from .status_view import REFRESH_SECONDS, StatusView


class StatusScreen(Screen):
    DEFAULT_CSS = """
    StatusScreen { layout: vertical; }
    StatusScreen #status-heading { height: 1; padding: 0 1; background: $panel; }
    """
    BINDINGS = [Binding("escape", "app.quit", N_("Quit"), show=False)]

    def __init__(self, load: Callable[[], StatusReport], *, every: float | None, clock=None) -> None:
        super().__init__()
        self.load, self.every, self.clock = load, every, clock

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(_("smfed-wizard · federation status (read-only)"), "bold"), id="status-heading")
        yield StatusView(self.load, every=self.every, clock=self.clock, id="status-view")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#status-peers").focus()


class StatusApp(App):
    TITLE = "smfed-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True), Binding("q", "quit", N_("Quit"))]

    def __init__(self, load: Callable[[], StatusReport], *, every: float | None = REFRESH_SECONDS,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.load, self.every, self.clock = load, every, clock
        self.theme = "textual-dark"

    def get_default_screen(self) -> StatusScreen:
        return StatusScreen(self.load, every=self.every, clock=self.clock)

    def last_report(self) -> StatusReport | None:
        views = self.screen.query(StatusView)
        return views.first().report if views else None

    async def action_quit(self) -> None:
        report = self.last_report()
        self.exit(return_code=EXIT_ABORTED if report is None else report.exit_code)


def run_status_app(load: Callable[[], StatusReport]) -> int:
    """Show the view until the user quits; `load` reads the clusters (the core's read_status)."""
    app = StatusApp(load)
    app.run()
    return EXIT_ABORTED if app.return_code is None else app.return_code
