"""Shell commands shown for copying: one per line, never wrapped (a command wrapped onto two lines
breaks when it is pasted), scrolling sideways when wider than the column, and `c` (or the mouse)
copies them all to the clipboard."""
from __future__ import annotations

from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.widgets import Static

from smfed_tui.i18n import N_, _


class CommandBox(HorizontalScroll):
    DEFAULT_CSS = """
    CommandBox { height: auto; max-height: 10; scrollbar-size-horizontal: 1; }
    CommandBox > Static { width: auto; color: $text-accent; }
    CommandBox:focus { background-tint: $foreground 5%; }
    """
    BINDINGS = [Binding("c", "copy", N_("Copy"))]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""

    def compose(self):
        yield Static("", markup=False)

    def show(self, commands: list[str]) -> None:
        text = "\n".join(commands)
        if text != self.text:
            self.text = text
            self.query_one(Static).update(Content(text))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text + "\n")
        self.app.notify(_("Copied to the clipboard (where the terminal allows it)"), markup=False)
