"""The Status view: every federation peer, connected or not, read live and refreshed in the background.

A table of peers (one row per ServiceMeshPeer and side), the highlighted peer's findings and fixes
below it (enter moves there), and what could not be checked. Reading the clusters is the core's job
(`load`, e.g. smfed_tui.status.live.read_status); it runs in a thread worker every few seconds, so the
UI never waits for kubectl. Text from the clusters reaches the screen as Content, never as markup.
Used by `smfed-wizard status --tui` (status_app.py) and as the wizard's Status step.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Static

from smfed_tui.errors import SmfedError, format_error
from smfed_tui.findings import ERROR, WARNING
from smfed_tui.i18n import N_, _
from smfed_tui.status.changes import changes
from smfed_tui.status.model import PeerStatus, StatusReport
from smfed_tui.status.report import (Line, age_text, detail_lines, gap_lines, parse_time, summary_text,
                                     unread_cluster_lines)

REFRESH_SECONDS = 5.0
COLUMNS = (N_("State"), N_("Peer"), N_("Context"), N_("Remotes"), N_("Full sync"), N_("Exp/Imp"), N_("Problems"))


# the core's report styles (rich names, as the CLI prints them) in the theme's colours
THEME_STYLES = {"bold red": "bold $text-error", "red": "$text-error", "green": "$text-success",
                "yellow": "$text-warning", "bold yellow": "bold $text-warning", "dim": "dim",
                "cyan": "$text-accent", "bold": "bold"}


def as_content(lines: list[Line]) -> Content:
    """Lines of (text, style) segments, as one Content (the text is never read as markup)."""
    return Content("\n").join(
        Content.assemble(*[(text, THEME_STYLES.get(style, style)) if style else text for text, style in line])
        for line in lines)


def _problems_cell(peer: PeerStatus, colours: dict[str, str]) -> Text:
    errors = sum(1 for p in peer.problems if p.severity == ERROR)
    warnings = sum(1 for p in peer.problems if p.severity == WARNING)
    text = Text()
    if errors:
        text.append(f"✗{errors} ", style=f"bold {colours['text-error']}")
    if warnings:
        text.append(f"⚠{warnings}", style=colours["text-warning"])
    return text if text else Text("—")


def _count(items: tuple[str, ...], read: bool) -> str:
    return str(len(items)) if read else "?"


def _row(peer: PeerStatus, now: datetime, colours: dict[str, str]) -> list[Text]:
    """A DataTable row: rich Text (a str cell would be read as markup), coloured from the theme. Short:
    the namespace and the why in full are in the details below the table."""
    if peer.connected:
        state = Text("● " + _("connected"), style=colours["text-success"])
    else:
        why = peer.last_disconnect_status.split()[0] if peer.last_disconnect_status else _("not connected")
        state = Text("✗ " + why, style=f"bold {colours['text-error']}")
    sync = age_text(parse_time(peer.last_full_sync), now) if peer.connected else "—"
    return [state, Text(peer.name), Text(peer.context or _("(current context)")), Text(str(peer.remotes_connected)),
            Text(sync), Text(f"{_count(peer.exported, peer.exports_read)}/{_count(peer.imported, peer.imports_read)}"),
            _problems_cell(peer, colours)]


class StatusView(Widget):
    """The peers table, the chosen peer's findings, and the gaps; `load()` is called in a thread."""

    DEFAULT_CSS = """
    StatusView { height: 1fr; layout: vertical; }
    StatusView #status-title { height: auto; padding: 0 1; }
    StatusView #status-peers { height: auto; max-height: 45%; }
    StatusView #status-detail-scroll { height: 1fr; border-top: hkey $border-blurred; padding: 0 1; }
    StatusView #status-detail-scroll:focus { border-top: hkey $border; }
    StatusView #status-detail { height: auto; }
    """
    BINDINGS = [Binding("r", "refresh_now", N_("Read again"))]

    def __init__(self, load: Callable[[], StatusReport], *, every: float | None = REFRESH_SECONDS,
                 clock: Callable[[], datetime] | None = None, shown: Callable[[], bool] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.load = load
        self.shown = shown or (lambda: True)   # the timer reads only while this holds (a wizard step in view)
        self.every = every
        self.clock = clock or (lambda: datetime.now().astimezone())   # local time, aware
        self.report: StatusReport | None = None
        self.changed: list[str] = []
        self.read_at: datetime | None = None
        self._keys: list[tuple[str, str, str]] = []
        self._reading = False

    def compose(self) -> ComposeResult:
        yield Static(Content(_("Reading the clusters…")), id="status-title")
        table = DataTable(id="status-peers", cursor_type="row", zebra_stripes=False)
        table.add_columns(*[_(c) for c in COLUMNS])
        yield table
        with VerticalScroll(id="status-detail-scroll"):
            yield Static(Content(""), id="status-detail")

    def on_mount(self) -> None:
        self.read_now()
        if self.every:
            self.set_interval(self.every, self._read_if_shown)

    def _read_if_shown(self) -> None:
        if self.shown():
            self.read_now()

    def action_refresh_now(self) -> None:
        self.read_now()

    def read_now(self) -> None:
        """Start a read unless one is still out. A daemon thread, not a Textual thread worker: quitting
        must not wait for a kubectl that hangs (its own timeout can be minutes)."""
        if self._reading:
            return
        self._reading = True
        threading.Thread(target=self._read, args=(self.app,), name="status-read", daemon=True).start()

    def _read(self, app) -> None:
        try:
            report, shown = self.load(), self.show
        except SmfedError as err:      # e.g. the client vanished: said in the title, the last report stays
            report, shown = format_error(err), self.show_error
        finally:
            self._reading = False
        if not app.is_running:   # quit meanwhile: asking its closed loop would leave a coroutine never run
            return
        try:
            app.call_from_thread(shown, report)
        except RuntimeError:   # the app quit between the check and the call: nobody to show it to
            pass

    def show_error(self, message: str) -> None:
        self.query_one("#status-title", Static).update(Content.styled(message, "bold red"))

    # -- showing --------------------------------------------------------------------------------------------
    def show(self, report: StatusReport) -> None:
        """Put a new report on the screen, keeping the highlighted peer where it was."""
        self.changed = changes(self.report, report)
        self.report, self.read_at = report, self.clock()
        table = self.query_one("#status-peers", DataTable)
        highlighted = self._keys[table.cursor_row] if self._keys and table.cursor_row < len(self._keys) else None
        now = self.read_at
        table.clear()
        self._keys = [peer.key for peer in report.peers]
        colours = self.app.theme_variables
        for peer in report.peers:
            table.add_row(*_row(peer, now, colours), key="/".join(peer.key))
        if highlighted in self._keys:
            table.move_cursor(row=self._keys.index(highlighted))
        self._show_title()
        self._show_detail()

    def _show_title(self) -> None:
        report = self.report
        assert report is not None
        when: Line = []
        if self.read_at is not None:
            when.append((_("read at {time}").format(time=self.read_at.strftime("%H:%M:%S")), "dim"))
        if self.changed:
            when.append(("  " + _("{n} changed since the last read").format(n=len(self.changed)), "yellow"))
        lines = [[(summary_text(report), "bold")], when] + unread_cluster_lines(report)
        self.query_one("#status-title", Static).update(as_content(lines))

    def selected_peer(self) -> PeerStatus | None:
        if self.report is None or not self.report.peers:
            return None
        row = self.query_one("#status-peers", DataTable).cursor_row
        return self.report.peers[row] if 0 <= row < len(self.report.peers) else None

    def _show_detail(self) -> None:
        if self.report is None:
            return
        peer = self.selected_peer()
        lines = detail_lines(peer, self.read_at or self.clock()) if peer else []
        if self.changed:
            lines += [[], [(_("Changed since the last read:"), "bold")]] + [[("  " + c, "")] for c in self.changed]
        gaps = gap_lines(self.report)
        lines += ([[]] + gaps) if gaps and lines else gaps
        self.query_one("#status-detail", Static).update(as_content(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter on a peer: its findings and fixes, with the focus there to scroll them."""
        event.stop()
        self._show_detail()
        self.query_one("#status-detail-scroll").focus()
