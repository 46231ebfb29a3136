"""Line-based text views: only the visible lines are ever rendered.

`LineView` holds a list of lines and renders each one on demand (`render_line`), so showing a
1,500-line file costs as much as showing the 30 lines on screen, and replacing the text on every
keystroke costs a list assignment. Subclasses style a line (`line_segments`): `YamlView` highlights
YAML and marks changed lines and the line being edited; `DiffView` colours a unified diff.

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

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _printable(line: str) -> str:
    """Tabs expanded and control characters shown as U+FFFD, so a line's cells are what we count."""
    if "\t" in line:
        line = line.expandtabs(8)
    return _CONTROL.sub("\ufffd", line)


class LineView(ScrollView, can_focus=True):
    """A scrollable view of lines of plain text."""

    DEFAULT_CSS = """
    LineView {
        background: $surface;
        color: $text;
        overflow: auto auto;
        scrollbar-size: 1 1;
    }
    LineView:focus {
        background-tint: $foreground 5%;
    }
    """

    def __init__(self, lines: list[str] | None = None, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        self._segment_cache: dict[str, list[Segment]] = {}
        self._styles: dict[str, Style] = {}
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
        previous = self._lines
        self._lines = lines
        if all(line.isascii() for line in lines):
            self._text_width = max(map(len, lines), default=0)
        else:
            self._text_width = max((cell_len(_printable(line)) for line in lines), default=0)
        if not self._fit_virtual_size():
            self.refresh_changed(previous)

    _text_width = 0

    def _fit_virtual_size(self) -> bool:
        """Set the scrollable size for the lines and the view's width; True when it changed (and the
        whole view is repainted)."""
        width = self._text_width + self.gutter_width()
        # Widths in steps of 16 columns: typing into a long line rarely changes the virtual size, and
        # a changed size costs a layout pass of the whole screen. But no step past the view's right
        # edge while the text fits in it: that showed a horizontal scroll bar with nothing to scroll
        # to (one column is kept for the vertical scroll bar, which may be there).
        fits = self.size.width - 1
        width = fits if width <= fits < (width + 15) // 16 * 16 else (width + 15) // 16 * 16
        size = Size(width, len(self._lines))
        if size == self.virtual_size:
            return False
        self.virtual_size = size
        self.refresh()
        return True

    def on_resize(self) -> None:
        self._fit_virtual_size()

    def refresh_changed(self, previous: list[str]) -> None:
        """Repaint only the visible rows whose line differs from `previous` (typing changes one)."""
        top = self.scroll_offset.y
        height = self.size.height
        width = self.size.width
        if not height or len(previous) != len(self._lines):
            self.refresh()
            return
        lines = self._lines
        for y in range(height):
            index = top + y
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

    def gutter_segments(self, index: int) -> list[Segment]:
        return []

    def decorate(self, index: int, segments: list[Segment]) -> list[Segment]:
        """A last chance to restyle a whole line (e.g. a background for the focused line)."""
        return segments

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.style()
        if index >= len(self._lines):
            return Strip.blank(width, base)
        segments = self.gutter_segments(index) + self.decorate(index, self._cached_segments(self._lines[index]))
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)


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


# --- YAML ------------------------------------------------------------------------------------------

_QUOTED = r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\''
_KEY = re.compile(rf"(?P<key>{_QUOTED}|[^\s#'\"\[\]{{}},:][^#]*?|:[^\s#][^#]*?)(?P<colon>:)(?=\s|$)")
_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9_]*|0o?[0-7]+|0x[0-9a-fA-F]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_CONSTANTS = {"true", "false", "True", "False", "TRUE", "FALSE", "null", "Null", "NULL", "~", "yes", "no",
              "on", "off", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "y", "n", "Y", "N"}


def yaml_tokens(line: str) -> list[tuple[str, str]]:
    """Split one line of block YAML into (text, kind) pieces; kinds: key, punct, string, number,
    constant, comment, "" (plain). Good enough for a preview of a Kubernetes object; never fails."""
    out: list[tuple[str, str]] = []
    stripped = line.lstrip(" ")
    indent = line[:len(line) - len(stripped)]
    if indent:
        out.append((indent, ""))
    if stripped in ("---", "...") or stripped.startswith(("--- ", "... ")):
        out.append((stripped[:3], "punct"))
        rest = stripped[3:]
        if rest:
            out.extend(_value_tokens(rest))
        return out
    while stripped.startswith("- ") or stripped == "-":
        out.append(("-", "punct"))
        stripped = stripped[1:]
        spaces = len(stripped) - len(stripped.lstrip(" "))
        if spaces:
            out.append((stripped[:spaces], ""))
            stripped = stripped[spaces:]
    if stripped.startswith("#"):
        out.append((stripped, "comment"))
        return out
    m = _KEY.match(stripped)
    if m:
        out.append((m.group("key"), "key"))
        out.append((":", "punct"))
        stripped = stripped[m.end():]
    out.extend(_value_tokens(stripped))
    return out


def _value_tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    value = text.lstrip(" ")
    if len(value) != len(text):
        out.append((text[:len(text) - len(value)], ""))
    if not value:
        return out
    if value.startswith("#"):
        out.append((value, "comment"))
        return out
    if value[0] in "\"'":
        m = re.match(_QUOTED, value)
        end = m.end() if m else len(value)
        scalar, rest = value[:end], value[end:]
    else:
        cut = value.find(" #")
        scalar, rest = (value, "") if cut < 0 else (value[:cut], value[cut:])
    body = scalar.rstrip(" ")
    trailing = scalar[len(body):]
    if body[:1] in "\"'":
        kind = "string"
    elif body in _CONSTANTS:
        kind = "constant"
    elif _NUMBER.fullmatch(body):
        kind = "number"
    elif body[:1] in "|>&*!" or body in ("{}", "[]"):
        kind = "punct"
    else:
        kind = "string"
    out.append((body, kind))
    if trailing:
        out.append((trailing, ""))
    if rest:
        comment = rest.lstrip(" ")
        if len(comment) != len(rest):
            out.append((rest[:len(rest) - len(comment)], ""))
        out.append((comment, "comment"))
    return out


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
        first line a third of the way down (or higher, to show the whole run)."""
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
        first, last = first - 1, last - 1   # 0-based rows
        # In the upper two thirds with the whole run on screen (a gateway's block follows its name):
        # stay. Lower (the last line of the screen showed a gateway's name and nothing of it), or off
        # screen: bring it a third of the way down, or as far up as its last line needs.
        if top + 1 <= first <= top + (height * 2) // 3 and (last < top + height or first == top + 1):
            return
        target = first - height // 3
        if last - target >= height:
            target = min(first - 1, last - height + 1)
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def on_resize(self) -> None:
        # (LineView.on_resize runs too: Textual calls each class's handler)
        if self._reveal_when_shown is not None:
            self.reveal_lines(self._reveal_when_shown)

    def gutter_width(self) -> int:
        return (len(str(len(self._lines))) + 2) if self.numbers else 2

    _was: tuple[set[int], frozenset[int]] = (set(), frozenset())

    def row_changed(self, index: int) -> bool:
        changed, focus = self._was
        number = index + 1
        return ((number in changed) != (number in self._changed)) or ((number in focus) != (number in self._focus))

    def gutter_segments(self, index: int) -> list[Segment]:
        number = index + 1
        base = self.style()
        marker = Segment("▌", self.style("yaml--changed")) if number in self._changed else Segment(" ", base)
        if not self.numbers:
            return [marker, Segment(" ", base)]
        digits = len(str(len(self._lines)))
        return [Segment(str(number).rjust(digits), self.style("yaml--gutter")), marker, Segment(" ", base)]

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
