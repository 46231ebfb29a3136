"""Dialogs: a yes/no confirmation (optionally with a diff), a notice with a diff, a file name prompt.

Every text shown comes in as `Content` or plain strings rendered with markup off.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from smfed_tui.i18n import N_, _

from .lines import DiffView

SHORT_TERMINAL = 30   # rows: below this, a dialog's diff is shorter

MODAL_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 90%; max-width: 110; height: auto; max-height: 90%; border: thick $primary 80%;
                   background: $surface; padding: 0 1; }}
{cls} .modal-title {{ text-style: bold; padding: 1 0 0 0; }}
{cls} .modal-body {{ padding: 1 0; height: auto; }}
{cls} .modal-body-scroll {{ height: auto; max-height: 50vh; }}
{cls} DiffView {{ height: auto; max-height: 20; border: round $border-blurred; }}
{cls}.-short DiffView {{ max-height: 10; }}
{cls} .modal-buttons {{ height: auto; align: right middle; padding: 0 0 1 0; dock: bottom; }}
{cls} Button {{ margin: 0 0 0 2; }}
{cls} Input {{ margin: 0 0 1 0; }}
"""


class Dialog(ModalScreen):
    """A title, a body, an optional diff and a row of buttons; subclasses say which buttons."""

    focus_button = ""

    def __init__(self, title: str | Content, body: str | Content, *, diff: str | None = None) -> None:
        super().__init__()
        self.title_content = Content(title) if isinstance(title, str) else title
        self.body = Content(body) if isinstance(body, str) else body
        self.diff = diff

    def buttons(self) -> list[Button]:
        return []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_content, classes="modal-title", markup=False)
            # a long body (a removed peer's resources, in Korean, at 80x24) scrolls instead of going under the buttons
            with VerticalScroll(classes="modal-body-scroll"):
                yield Static(self.body, classes="modal-body", markup=False)
            if self.diff is not None:
                yield DiffView(id="modal-diff")
            with Horizontal(classes="modal-buttons"):
                yield from self.buttons()

    def on_mount(self) -> None:
        if self.diff is not None:
            self.query_one(DiffView).set_text(self.diff)
        self.query_one(f"#{self.focus_button}", Button).focus()
        self.on_resize()

    def on_resize(self) -> None:
        # At 80x24 a 20-line diff pushed the buttons out of the dialog: a shorter diff there (it
        # scrolls), and the buttons are docked at the bottom so that nothing can hide them.
        self.set_class(self.app.size.height < SHORT_TERMINAL, "-short")


class ConfirmModal(Dialog):
    """A question with Yes/No (keys y / n, esc for no); dismissed with True or False."""

    DEFAULT_CSS = MODAL_CSS.format(cls="ConfirmModal")
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]
    focus_button = "yes"

    def __init__(self, title: str | Content, body: str | Content, *, diff: str | None = None,
                 yes: str | None = None, no: str | None = None, safe_default: bool = False) -> None:
        super().__init__(title, body, diff=diff)
        self.yes, self.no = yes or _("Yes"), no or _("No")
        if safe_default:  # a risky "yes" (taking over fields): Enter alone must not do it
            self.focus_button = "no"

    def buttons(self) -> list[Button]:
        return [Button(f"{self.no} (n)", id="no", compact=True),
                Button(f"{self.yes} (y)", id="yes", variant="primary", compact=True)]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NoticeModal(Dialog):
    """Something the user must read (e.g. the file changed on disk), with an optional diff."""

    DEFAULT_CSS = MODAL_CSS.format(cls="NoticeModal")
    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]
    focus_button = "close"

    def buttons(self) -> list[Button]:
        return [Button(_("Close"), id="close", variant="primary", compact=True)]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class FileNameModal(ModalScreen[str | None]):
    """Ask for the file to write (the wizard was started without a FILE). `problem(name)` says why a
    name cannot be used (the core's words); the dialog then stays open with the reason under the name."""

    DEFAULT_CSS = MODAL_CSS.format(cls="FileNameModal") + """
    FileNameModal #file-name-problem { color: $text-error; height: auto; margin: 0 0 1 0; display: none; }
    FileNameModal #file-name-problem.-shown { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, suggestion: str, problem=None) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Write to which file?"), classes="modal-title", markup=False)
            yield Input(self.suggestion, id="file-name")
            yield Static("", id="file-name-problem", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button(_("Cancel"), id="cancel", compact=True)
                yield Button(_("Write"), id="ok", variant="primary", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._finish(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish(self.query_one(Input).value)
        else:
            self.dismiss(None)

    def _finish(self, value: str) -> None:
        value = value.strip()
        problem = self.problem(value) if value and self.problem else None
        if problem:
            shown = self.query_one("#file-name-problem", Static)
            shown.update(Content(f"✗ {problem}"))
            shown.add_class("-shown")
            return
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
