"""A one-line choice among a few values, all visible: `(not set)  LoadBalancer  [NodePort]  ClusterIP`.

Lighter than a `Select` (one widget instead of five, no overlay), and every option is on screen, so
the user sees what exists without opening anything. Keys: left/right (or h/l) pick the previous or
next option, home/end the first or last; a click on an option picks it. Options wrap onto more
lines when the widget is narrow. Labels are shown literally (never markup).
"""
from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from smfed_tui.i18n import N_

from .texts import cells, wrap_places

BLANK = object()   # the "(not set)" option's value


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice { height: auto; width: 1fr; background: $boost; }
    Choice:focus { background-tint: $foreground 5%; }
    """
    BINDINGS = [
        Binding("left,h", "move(-1)", N_("Previous"), show=False),
        Binding("right,l,space", "move(1)", N_("Next"), show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice: "Choice", value) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> "Choice":
            return self.choice

    def __init__(self, options: list[tuple[str, object]], *, value=BLANK, id: str | None = None) -> None:
        super().__init__(id=id)
        self._options = list(options)
        self.set_reactive(Choice.index, self._index_of(value))

    # --- value ------------------------------------------------------------------------------------

    def _index_of(self, value) -> int:
        for i, (_label, v) in enumerate(self._options):
            if v is value or (v is not BLANK and value is not BLANK and v == value and type(v) is type(value)):
                return i
        return 0

    @property
    def options(self) -> list[tuple[str, object]]:
        return list(self._options)

    def set_options(self, options: list[tuple[str, object]]) -> None:
        value = self.value
        self._options = list(options)
        self.set_reactive(Choice.index, self._index_of(value))
        self.refresh(layout=True)

    @property
    def value(self):
        return self._options[self.index][1] if self._options else BLANK

    @value.setter
    def value(self, value) -> None:
        self.index = self._index_of(value)

    def has_value(self, value) -> bool:
        return any(v is value or (v == value and type(v) is type(value)) for _l, v in self._options)

    def watch_index(self, old: int, new: int) -> None:
        self.refresh()
        self.post_message(self.Changed(self, self.value))

    # --- keys and mouse ---------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self._options:
            self.index = max(0, min(len(self._options) - 1, self.index + step))

    def action_first(self) -> None:
        self.index = 0

    def action_last(self) -> None:
        self.index = max(0, len(self._options) - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        at = event.get_content_offset(self)   # content coordinates, whatever padding a stylesheet adds
        if at is None:
            return
        for i, (line, start, end) in enumerate(self._layout(self.content_size.width)):
            if line == at.y and start <= at.x < end:
                self.index = i
                return

    # --- rendering ----------------------------------------------------------------------------------

    def _labels(self) -> list[str]:
        # The chosen option is also marked by a glyph, so the choice reads without colour (NO_COLOR, a
        # monochrome terminal); the brackets take the place of the spaces, so no option moves.
        return [f"[{label}]" if i == self.index else f" {label} " for i, (label, _v) in enumerate(self._options)]

    def _layout(self, width: int) -> list[tuple[int, int, int]]:
        """(line, start x, end x) of each option, wrapping at `width`."""
        return wrap_places([cells(label) for label in self._labels()], width, 1)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        places = self._layout(width)
        return (places[-1][0] + 1) if places else 1

    def render(self) -> Content:
        selected = "bold $text on $primary" if self.has_focus else "bold $text on $primary-muted"
        other = "$text-muted"
        lines: list[list] = [[]]
        for i, ((line, start, _end), label) in enumerate(zip(self._layout(self.content_size.width), self._labels())):
            while len(lines) <= line:
                lines.append([])
            if lines[line]:
                lines[line].append(" ")
            lines[line].append((label, selected if i == self.index else other))
        return Content("\n").join(Content.assemble(*parts) if parts else Content("") for parts in lines)
