"""The bar at the top: the product, the file and whether it is being edited on the left, the
findings summary on the right, in one widget.

When the terminal is too narrow for both, the file name gives way (shortened in the middle with
`…`, so its start and its extension stay readable): whether the file is new or being edited and how
many problems it has are what the user must never lose. One widget instead of a row of two Statics:
the first frame has one widget less to mount, style and draw (README "Performance, as measured").
"""
from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from .texts import cells, shorten

GAP = 2   # cells kept between the title and the summary


class TopBar(Widget):
    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._file = ""
        self._mode = ""
        self._summary = Content("")

    def show_file(self, file: str, mode: str) -> None:
        """The file's display name and its mode (`editing`, `new file`), already translated."""
        if (file, mode) != (self._file, self._mode):
            self._file, self._mode = file, mode
            self.refresh()

    def show_summary(self, summary: Content) -> None:
        if summary != self._summary:
            self._summary = summary
            self.refresh()

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        product = "smfed-wizard"
        mode = f" ({self._mode})"
        room = width - self._summary.cell_length - GAP - cells(product) - 2 - cells(mode)
        file = shorten(self._file, max(room, 1))
        title = Content.assemble((product, "bold $text-accent"), "  ", (file, "bold"), (mode, "$text-muted"))
        pad = width - title.cell_length - self._summary.cell_length
        if pad < 1:   # narrower than the product name and the summary: the summary alone, at the right
            return Content(" " * max(0, width - self._summary.cell_length)) + self._summary
        return title + Content(" " * pad) + self._summary
