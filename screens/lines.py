"""Line-based text views: only the visible rows are ever rendered.

`LineView` holds a list of lines and renders each one on demand (`render_line`), so showing a
1,500-line file costs as much as showing the 30 lines on screen, and replacing the text on every
keystroke costs a list assignment and a pass over the lines' lengths. Subclasses style a line
(`line_segments`): `YamlView` highlights YAML and marks changed lines and the lines being edited;
`DiffView` colours a unified diff.

A line wider than the view soft-wraps (`line_wrap.py`): it goes on in the rows under it after its own
indentation and ↪, so nothing is cut at the right edge and nothing needs scrolling sideways (the preview
beside the form is narrower than the file's deepest lines). The view scrolls by rows: `row_of` and
`line_at` translate between rows and lines. Row counts are worked out again only when the text or the
width changes, and only for the lines that do not fit (their breaks cached by text).

User text is never parsed as markup here: lines become `Segment`s verbatim.
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .line_wrap import CONTINUED, RowMap, break_offsets, cell_offsets, content_start
from .yaml_tokens import yaml_tokens

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_NARROWEST = 8   # a view with fewer columns for text (hidden, or not laid out yet) does not wrap


def _printable(line: str) -> str:
    """Tabs expanded and control characters shown as U+FFFD, so a line's cells are what we count."""
    if "\t" in line:
        line = line.expandtabs(8)
    return _CONTROL.sub("\ufffd", line)


class LineView(ScrollView, can_focus=True):
    """A scrollable view of lines of plain text, wrapped to its width."""

    COMPONENT_CLASSES = {"lines--continued"}
    DEFAULT_CSS = """
    LineView {
        background: $surface;
        color: $text;
        overflow: hidden auto;
        scrollbar-size: 1 1;
    }
    LineView:focus {
        background-tint: $foreground 5%;
    }
    LineView > .lines--continued { color: $text-muted; }
    """

    def __init__(self, lines: list[str] | None = None, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        self._segment_cache: dict[str, list[Segment]] = {}
        self._styles: dict[str, Style] = {}
        self._wrap_width = 0                        # columns for text; 0: not wrapping
        self._rows: RowMap | None = None            # the rows of the lines; None: one row each
        self._breaks: dict[str, tuple[int, ...]] = {}           # by line, at _wrap_width
        self._rows_cache: dict[str, tuple[int, list[list[Segment]]]] = {}   # by line: indent, each row's segments
        if lines:
            self.set_lines(lines)

    def style(self, component: str = "") -> Style:
        """The widget's base style, plus a component class's (cached until the styles change: computing
        a widget's style walks its ancestors, too slow to do per line)."""
        style = self._styles.get(component)
        if style is None:
            style = self.rich_style
            if component:
                style = style + self.get_component_rich_style(component, partial=True)
            self._styles[component] = style
        return style

    # --- content ------------------------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        return self._lines

    def set_lines(self, lines: list[str]) -> None:
        previous, previous_rows = self._lines, self._rows
        self._lines = lines
        # a line's length is its width in cells, unless it has a tab or a character that is not ASCII
        joined = "".join(lines)
        self._plain = joined.isascii() and "\t" not in joined
        if self._plain:
            self._text_width = max(map(len, lines), default=0)
        else:
            self._text_width = max((cell_len(_printable(line)) for line in lines), default=0)
        self._layout()
        if not self._fit_virtual_size():
            self.refresh_changed(previous, previous_rows)

    _text_width = 0
    _plain = True

    # --- rows ---------------------------------------------------------------------------------

    def _text_columns(self, width: int) -> int:
        """The columns for text in a view `width` wide (one is kept for the vertical scroll bar, which
        may be there), 0 when too few to wrap in."""
        columns = width - 1 - self.gutter_width()
        return columns if columns >= _NARROWEST else 0

    def _layout(self) -> bool:
        """Work out the rows of the lines at the view's width; True when that width changed."""
        columns = self._text_columns(self.size.width)
        resized = columns != self._wrap_width
        if resized:
            self._wrap_width = columns
            self._breaks.clear()
            self._rows_cache.clear()
        self._rows = self._row_map(columns)
        return resized

    def _row_map(self, columns: int) -> RowMap | None:
        if not columns or self._text_width <= columns:
            return None
        lines = self._lines
        if self._plain:   # (typing into a 1,500-line file does this on every key: 0.1 ms)
            wide = [i for i, length in enumerate(map(len, lines)) if length > columns]
        else:
            wide = [i for i, line in enumerate(lines) if cell_len(_printable(line)) > columns]
        return RowMap(len(lines), wide, [len(self._line_breaks(lines[i], columns)) + 1 for i in wide])

    def _line_breaks(self, line: str, columns: int) -> tuple[int, ...]:
        """Where `line` breaks at `columns` (cached while the width is `_wrap_width`)."""
        if columns != self._wrap_width:
            return break_offsets(_printable(line), columns, self._indent(line, columns))
        breaks = self._breaks.get(line)
        if breaks is None:
            if len(self._breaks) > 4096:
                self._breaks.clear()
            breaks = self._breaks[line] = break_offsets(_printable(line), columns, self._indent(line, columns))
        return breaks

    def _indent(self, line: str, columns: int) -> int:
        """The indentation of `line`'s continuation rows: its own, but no more than half the width."""
        return min(self.continuation_indent(_printable(line)), columns // 2)

    def continuation_indent(self, text: str) -> int:
        """Where the rows a line goes on in start: under the line's content."""
        return len(text) - len(text.lstrip(" "))

    @property
    def row_count(self) -> int:
        return self._rows.total if self._rows is not None else len(self._lines)

    def row_of(self, index: int) -> int:
        """The first row of line `index` (0-based)."""
        return self._rows.row_of(index) if self._rows is not None else index

    def rows_of(self, index: int) -> int:
        """How many rows line `index` (0-based) takes."""
        return self._rows.rows_of(index) if self._rows is not None else 1

    def line_at(self, row: int) -> int:
        """The 0-based line drawn on `row` (past the last row: the line count and on)."""
        return self._rows.line_at(row) if self._rows is not None else row

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # a view of auto height (the overwrite question's diff) is as tall as its rows at `width`
        columns = self._text_columns(width)
        if columns == self._wrap_width:
            return self.row_count
        return sum(len(self._line_breaks(line, columns)) + 1 for line in self._lines) if columns else len(self._lines)

    def _fit_virtual_size(self) -> bool:
        """Set the scrollable size for the rows; True when it changed (and the whole view is repainted)."""
        width = self.size.width - 1 if self._wrap_width else self._text_width + self.gutter_width()
        size = Size(max(0, width), self.row_count)
        if size == self.virtual_size:
            return False
        self.virtual_size = size
        self.refresh()
        return True

    def on_resize(self) -> None:
        top = self.scroll_offset.y
        line = self.line_at(top)
        into = top - self.row_of(line)
        if self._layout():
            self._fit_virtual_size()
            self.refresh()
            if top:   # the line at the top stays there
                self.scroll_to(y=self.row_of(line) + min(into, self.rows_of(line) - 1), animate=False,
                               immediate=True)
        self.laid_out()

    def laid_out(self) -> None:
        """The view has its size (first, or a new one) and its rows for it."""

    def refresh_changed(self, previous: list[str], previous_rows: RowMap | None) -> None:
        """Repaint only the visible rows whose line differs from `previous` (typing changes one)."""
        top = self.scroll_offset.y
        height = self.size.height
        width = self.size.width
        if not height or len(previous) != len(self._lines) or previous_rows != self._rows:
            self.refresh()
            return
        lines = self._lines
        for y in range(height):
            index = self.line_at(top + y)
            if index < len(lines) and (lines[index] != previous[index] or self.row_changed(index)):
                self.refresh(Region(0, y, width, 1))

    def row_changed(self, index: int) -> bool:
        """Whether something besides the text of line `index` changed (a marker, the focus)."""
        return False

    def set_text(self, text: str) -> None:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.set_lines(lines)

    # --- rendering ----------------------------------------------------------------------------

    def gutter_width(self) -> int:
        return 0

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._segment_cache.clear()
        self._rows_cache.clear()
        self._styles.clear()

    def line_segments(self, text: str) -> list[Segment]:
        """The styled segments of one line (cached by its text)."""
        return [Segment(_printable(text), self.style())]

    def _cached_segments(self, text: str) -> list[Segment]:
        segments = self._segment_cache.get(text)
        if segments is None:
            if len(self._segment_cache) > 4096:
                self._segment_cache.clear()
            segments = self._segment_cache[text] = self.line_segments(text)
        return segments

    def _row_segments(self, text: str) -> tuple[int, list[list[Segment]]]:
        """A line too wide for the view: its continuation indent and each row's segments."""
        rows = self._rows_cache.get(text)
        if rows is None:
            if len(self._rows_cache) > 1024:
                self._rows_cache.clear()
            columns = self._wrap_width
            cuts = cell_offsets(_printable(text), self._line_breaks(text, columns))
            pieces = Strip(self._cached_segments(text)).divide(cuts)
            rows = self._rows_cache[text] = (self._indent(text, columns), [list(piece) for piece in pieces])
        return rows

    def gutter_segments(self, index: int, continued: bool = False) -> list[Segment]:
        """The gutter before line `index`'s first row (or, `continued`, before the rows it goes on in)."""
        return []

    def decorate(self, index: int, segments: list[Segment]) -> list[Segment]:
        """A last chance to restyle a row of a line (e.g. a background for the focused lines)."""
        return segments

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        base = self.style()
        index = self.line_at(row)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        text = self._lines[index]
        part = row - self.row_of(index)
        if self.rows_of(index) == 1:
            segments = self.gutter_segments(index) + self.decorate(index, self._cached_segments(text))
        elif not part:
            segments = self.gutter_segments(index) + self.decorate(index, self._row_segments(text)[1][0])
        else:
            indent, rows = self._row_segments(text)
            mark = [Segment(" " * indent, base), Segment(CONTINUED, self.style("lines--continued"))]
            segments = self.gutter_segments(index, continued=True) + self.decorate(index, mark + rows[part])
        return Strip(segments).crop_extend(0, width, base)


class DiffView(LineView):
    """A unified diff: additions, removals and hunk headers coloured."""

    COMPONENT_CLASSES = {"diff--added", "diff--removed", "diff--hunk", "diff--header"}
    DEFAULT_CSS = """
    DiffView > .diff--added { color: $text-success; }
    DiffView > .diff--removed { color: $text-error; }
    DiffView > .diff--hunk { color: $text-accent; }
    DiffView > .diff--header { text-style: bold; }
    """

    def line_segments(self, text: str) -> list[Segment]:
        if text.startswith(("+++", "---")):
            name = "diff--header"
        elif text.startswith("+"):
            name = "diff--added"
        elif text.startswith("-"):
            name = "diff--removed"
        elif text.startswith("@@"):
            name = "diff--hunk"
        else:
            return [Segment(_printable(text), self.style())]
        return [Segment(_printable(text), self.style(name))]

    def continuation_indent(self, text: str) -> int:
        # under the content of a changed line, past its '+', '-' or ' '
        if text.startswith(("+", "-", " ")) and not text.startswith(("+++", "---")):
            return content_start(text, 1)
        return 0


# --- YAML ------------------------------------------------------------------------------------------

class YamlView(LineView):
    """YAML with line numbers, highlighted per line, changed lines marked in the gutter and the
    line being edited shown with a background."""

    COMPONENT_CLASSES = {"yaml--key", "yaml--punct", "yaml--string", "yaml--number", "yaml--constant",
                         "yaml--comment", "yaml--gutter", "yaml--changed", "yaml--focus"}
    DEFAULT_CSS = """
    YamlView > .yaml--key { color: $text-primary; }
    YamlView > .yaml--punct { color: $text-muted; }
    YamlView > .yaml--string { color: $text-success; }
    YamlView > .yaml--number { color: $text-warning; }
    YamlView > .yaml--constant { color: $text-accent; }
    YamlView > .yaml--comment { color: $text-muted; text-style: italic; }
    YamlView > .yaml--gutter { color: $text-disabled; }
    YamlView > .yaml--changed { color: $success; }
    YamlView > .yaml--focus { background: $primary 25%; }
    """

    def __init__(self, lines: list[str] | None = None, *, numbers: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        self.numbers = numbers
        self._changed: set[int] = set()      # 1-based
        self._focus: frozenset[int] = frozenset()   # 1-based: the lines the field being edited owns
        self._focus_line: int | None = None  # the first of them
        super().__init__(lines, id=id, classes=classes)

    @property
    def changed(self) -> set[int]:
        return self._changed

    @property
    def focus_line(self) -> int | None:
        return self._focus_line

    @property
    def focus_lines(self) -> frozenset[int]:
        return self._focus

    def show(self, lines: list[str], changed: set[int], focus: int | tuple[int, ...] | None, *,
             follow: bool = True, reveal: int | None = None) -> None:
        """New content, with the lines the field being edited owns (one, several, or None) shown with a
        background; scrolls them into view when `follow` (or line `reveal` when no line is focused)."""
        owned = (focus,) if isinstance(focus, int) else tuple(focus or ())
        self._was = (self._changed, self._focus)
        self._changed = changed
        self._focus = frozenset(owned)
        self._focus_line = owned[0] if owned else None
        self.set_lines(lines)
        if follow and owned:
            self.reveal_lines(owned)
        elif follow and reveal is not None:
            self.reveal_lines((reveal,))

    _reveal_when_shown: tuple[int, ...] | None = None

    def reveal_line(self, line: int) -> None:
        self.reveal_lines((line,))

    def reveal_lines(self, lines: tuple[int, ...]) -> None:
        """Scroll (without animation) so the first run of consecutive 1-based `lines` is on screen, its
        first row a third of the way down (or higher, to show the whole run)."""
        height = self.scrollable_content_region.height or self.size.height
        top = self.scroll_offset.y
        if height <= 0:
            # Not laid out yet, or hidden (the preview at 80 columns until f2): scroll when it gets a
            # size. Retrying after each refresh instead kept an idle wizard busy forever while hidden.
            self._reveal_when_shown = lines
            return
        self._reveal_when_shown = None
        first = last = lines[0]
        for line in lines[1:]:
            if line != last + 1:
                break
            last = line
        # the rows they take: lines above them may wrap into several rows
        first, last = self.row_of(first - 1), self.row_of(last - 1) + self.rows_of(last - 1) - 1
        # In the upper two thirds with the whole run on screen (a gateway's block follows its name):
        # stay. Lower (the last line of the screen showed a gateway's name and nothing of it), or off
        # screen: bring it a third of the way down, or as far up as its last row needs.
        if top + 1 <= first <= top + (height * 2) // 3 and (last < top + height or first == top + 1):
            return
        target = first - height // 3
        if last - target >= height:
            target = min(first - 1, last - height + 1)
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def laid_out(self) -> None:
        if self._reveal_when_shown is not None:
            self.reveal_lines(self._reveal_when_shown)

    def continuation_indent(self, text: str) -> int:
        return content_start(text)

    def gutter_width(self) -> int:
        return (len(str(len(self._lines))) + 2) if self.numbers else 2

    _was: tuple[set[int], frozenset[int]] = (set(), frozenset())

    def row_changed(self, index: int) -> bool:
        changed, focus = self._was
        number = index + 1
        return ((number in changed) != (number in self._changed)) or ((number in focus) != (number in self._focus))

    def gutter_segments(self, index: int, continued: bool = False) -> list[Segment]:
        # the changed mark on every row of a changed line; its number on the first only
        number = index + 1
        base = self.style()
        marker = Segment("▌", self.style("yaml--changed")) if number in self._changed else Segment(" ", base)
        if not self.numbers:
            return [marker, Segment(" ", base)]
        digits = len(str(len(self._lines)))
        shown = " " * digits if continued else str(number).rjust(digits)
        return [Segment(shown, self.style("yaml--gutter")), marker, Segment(" ", base)]

    def decorate(self, index: int, segments: list[Segment]) -> list[Segment]:
        if index + 1 not in self._focus:
            return segments
        focus = self.focus_style()
        pad = max(0, self.virtual_size.width - sum(len(text) for text, _s, _c in segments))
        return [Segment(text, (style or Style()) + focus) for text, style, _ in segments] + \
            [Segment(" " * (pad + self.size.width), self.style() + focus)]

    def focus_style(self) -> Style:
        """The background of the lines the focused field owns: yaml--focus's colour blended over the
        view's own (a Rich style drops the alpha: the lines got the full colour, which hid the keys, drawn
        in nearly that colour, and read as a selection over a block of a dozen lines)."""
        style = self._styles.get("-focus")
        if style is None:
            over = self.get_component_styles("yaml--focus").background
            style = self._styles["-focus"] = Style(bgcolor=(self.background_colors[1] + over).rich_color)
        return style

    def line_segments(self, text: str) -> list[Segment]:
        base = self.style()
        return [Segment(piece, self.style(f"yaml--{kind}") if kind else base)
                for piece, kind in yaml_tokens(_printable(text))]
