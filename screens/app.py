"""The Textual application and `run_app`, which `smfed-wizard [FILE]` calls.

The file is opened (and refused, with the core's message and exit code 2) before any UI starts.
Exit codes: 0 after a write (or a normal quit after one), 130 when quitting without having written.
"""
from __future__ import annotations

import sys
from pathlib import Path

from textual.binding import Binding

from smfed_tui.errors import SmfedError, format_error
from smfed_tui.exit_codes import EXIT_ABORTED, EXIT_OK, EXIT_UNUSABLE
from smfed_tui.i18n import N_
from smfed_tui.session import Session

from . import startup_done
from .key_order import KeysInOrder
from .quit_question import QUIT_QUESTION
from .wizard import WizardScreen

THEME = "textual-dark"


class WizardApp(KeysInOrder):
    CSS_PATH = Path(__file__).with_name("app.tcss")   # absolute: subclasses live elsewhere
    TITLE = "smfed-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True)]   # descriptions: shown translated by KeyBar

    def __init__(self, session: Session, *, cursor_blink: bool = True, kubectl: str | None = None,
                 context: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.cursor_blink = cursor_blink
        self.kubectl = kubectl     # the client to apply with (None: oc, else kubectl, on PATH)
        self.context = context     # the kubeconfig context (None: the current one)
        self.written = False
        self.theme = THEME

    def get_default_screen(self) -> WizardScreen:
        return WizardScreen(self.session, cursor_blink=self.cursor_blink)

    def on_ready(self) -> None:
        # The first frame is on screen: the collector runs again, and everything alive now (Textual,
        # the widgets, the stylesheet) stays out of its full passes, which would otherwise scan it
        # all in the middle of a keystroke.
        startup_done()
        if isinstance(self.screen, WizardScreen):
            self.screen.after_first_frame()

    def quit_code(self) -> int:
        return EXIT_OK if self.written else EXIT_ABORTED

    async def action_quit(self) -> None:
        """ctrl+q: quits at once when everything is written; else asks first, as esc does (and a
        second ctrl+q on that question quits)."""
        wizard = next((s for s in self.screen_stack if isinstance(s, WizardScreen)), None)
        if (wizard is not None and wizard.has_unwritten_work()
                and not self.screen.has_class(QUIT_QUESTION)):
            wizard.ask_quit()
            return
        self.exit(return_code=self.quit_code())


def run_app(path: str | None, *, kubectl: str | None = None, context: str | None = None,
            headless: bool = False, size: tuple[int, int] | None = None, smcp: str | None = None) -> int:
    """Run the wizard on `path` (None: a new file, named when written); returns the exit code.
    `kubectl` and `context`: the client and kubeconfig context the Apply step uses (None: oc, else
    kubectl, on PATH; the current context). `smcp`: which SMCP of a file that holds several (`--smcp`)."""
    try:
        session = Session.open(path, smcp=smcp)
    except SmfedError as err:
        startup_done()
        print(format_error(err), file=sys.stderr)
        return EXIT_UNUSABLE
    app = WizardApp(session, kubectl=kubectl, context=context)
    try:
        app.run(headless=headless, size=size)
    finally:
        startup_done()   # in case the app ended before its first frame
    return EXIT_ABORTED if app.return_code is None else app.return_code
