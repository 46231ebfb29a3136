"""Where a line too wide for its view breaks into rows (the line views of `lines.py` soft-wrap).

An admin reads every line of the file whole, without scrolling sideways: a line wider than the view goes
on in the rows under it, each after the line's own indentation and `CONTINUED`, so the YAML's structure
still shows and a broken line reads as one. Nothing is dropped: the rows' texts, joined, are the line.

Breaks fall at a space (between a key and its value, between words), else after a '.', ',', '/' or ';'
(between the parts of a host name or a path), else after a '-', '_', '=', ':' or '@', else where the row
is full; never in the first third of a row, which would leave a sliver of text before the break.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

from rich.cells import cell_len, get_character_cell_size

from .token_wrap import CONTINUED

__all__ = ["CONTINUED", "RowMap", "break_offsets", "cell_offsets", "content_start"]

_BETWEEN_PARTS = ".,/;"
_INSIDE_A_PART = "-_=:@"


def content_start(text: str, start: int = 0) -> int:
    """Where the content of a block-YAML line begins, from `start`: after its indentation and its
    sequence marks ('- '), so the rows it goes on in line up under its key."""
    i = start
    n = len(text)
    while True:
        while i < n and text[i] == " ":
            i += 1
        if i + 1 < n and text[i] == "-" and text[i + 1] == " ":
            i += 1
            continue
        return i


def _row_end(text: str, start: int, room: int, ascii: bool) -> int:
    """The end of the longest piece of `text` from `start` that fits `room` cells (at least one character)."""
    if ascii:
        return start + room
    end, used, n = start, 0, len(text)
    while end < n:
        size = get_character_cell_size(text[end])
        if used + size > room:
            break
        used += size
        end += 1
    return max(end, start + 1)


def _break_in(text: str, floor: int, end: int) -> int:
    """The best place to break `text` before `end` (the row's end), not before `floor`; `end` if none."""
    space = text.rfind(" ", floor - 1, end)
    if space >= 0:
        return space + 1          # after a space: the row ends with it, the next starts with a word
    if end < len(text) and text[end] == " ":
        return end                # the row is full up to a space ('key:' | ' value'): before it
    for chars in (_BETWEEN_PARTS, _INSIDE_A_PART):
        at = max(text.rfind(c, floor - 1, end) for c in chars)
        if at >= 0:
            return at + 1
    return end


def break_offsets(text: str, width: int, indent: int) -> tuple[int, ...]:
    """Offsets into `text` (printable: tabs expanded, no control characters) where it breaks into rows
    of at most `width` cells, the rows after the first holding `width - indent - 1` cells (after the
    indentation and `CONTINUED`). Empty when the line fits. `indent` must leave room: < width - 1."""
    ascii = text.isascii()
    n = len(text)
    if width < 2 or (n if ascii else cell_len(text)) <= width:
        return ()
    body = len(text) - len(text.lstrip(" "))   # never inside the leading indentation
    cuts: list[int] = []
    start, room = 0, width
    while True:
        end = _row_end(text, start, room, ascii)
        if end >= n:
            return tuple(cuts)
        low = max(start, body)
        floor = low + max(1, (end - low) // 3)
        cut = _break_in(text, floor, end) if floor < end else end
        cuts.append(cut)
        start, room = cut, width - indent - 1


def cell_offsets(text: str, offsets: tuple[int, ...]) -> list[int]:
    """`offsets` into `text` as cell positions, and the text's cell length last (`Strip.divide`'s cuts)."""
    if text.isascii():
        return [*offsets, len(text)]
    return [cell_len(text[:offset]) for offset in offsets] + [cell_len(text)]


class RowMap:
    """Which rows each line takes, when some lines take more than one: kept as the (few) wrapped lines
    and the extra rows up to each, so working it out costs a pass over the lines' lengths, and finding a
    row's line or a line's row a binary search."""

    __slots__ = ("lines", "wrapped", "extra", "firsts")

    def __init__(self, lines: int, wrapped: list[int], rows: list[int]) -> None:
        self.lines = lines           # how many lines
        self.wrapped = wrapped       # the 0-based lines that take more than one row, ascending
        self.extra = list(accumulate(count - 1 for count in rows))   # extra rows through each of them
        self.firsts = [line + extra - count + 1 for line, extra, count in zip(wrapped, self.extra, rows)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowMap) and (self.lines, self.wrapped, self.extra) == \
            (other.lines, other.wrapped, other.extra)

    @property
    def total(self) -> int:
        return self.lines + (self.extra[-1] if self.extra else 0)

    def row_of(self, line: int) -> int:
        """The first row of `line`."""
        before = bisect_left(self.wrapped, line)
        return line + (self.extra[before - 1] if before else 0)

    def rows_of(self, line: int) -> int:
        at = bisect_left(self.wrapped, line)
        if at < len(self.wrapped) and self.wrapped[at] == line:
            return self.extra[at] - (self.extra[at - 1] if at else 0) + 1
        return 1

    def line_at(self, row: int) -> int:
        """The line drawn on `row` (past the last row: the line count and on)."""
        at = bisect_right(self.firsts, row) - 1
        if at < 0:
            return row
        line = self.wrapped[at]
        return line if row <= line + self.extra[at] else row - self.extra[at]
