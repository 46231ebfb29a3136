"""Text that wraps a word too long for its width at a '.', '-' or '/' of it, and says so.

Textual folds a word longer than the line anywhere: at 80 columns a field's message read
"'green-mesh-ingress.replace-me.invali" and then "d'", a host name broken as if it were two. Here such
a word is broken after the last '.', '-' or '/' that fits (at a letter only when it has none), and the
line that goes on starts with `CONTINUED`, so a broken word reads as one. Commands are never shown
this way: they stay on one line, scrollable (`command_box.py`).
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

CONTINUED = "↪"
_WORD = re.compile(r"\S+")


def break_points(word: str, width: int) -> list[int]:
    """Where to break `word` (offsets into it) so that each piece fits `width` cells, the pieces after
    the first with `CONTINUED` in front: after a '.' or '/' where one fits, else after a '-', else where
    it is full."""
    points: list[int] = []
    start = 0
    while cell_len(word[start:]) + (1 if points else 0) > width:
        room = width - (1 if points else 0)
        end, used = start, 0
        while end < len(word) and used + cell_len(word[end]) <= room:
            used += cell_len(word[end])
            end += 1
        # a '.' or '/' (between the parts of a path or a host name) before a '-' (inside one part)
        at = max((i + 1 for i in range(start, end) if word[i] in "./" and i + 1 < len(word)), default=0) or \
            max((i + 1 for i in range(start, end) if word[i] == "-" and i + 1 < len(word)), default=0)
        cut = at if at > start else max(end, start + 1)
        points.append(cut)
        start = cut
    return points


def wrap_long_words(content: Content, width: int) -> Content:
    """`content` with each word wider than `width` broken at `break_points`, on lines of its own."""
    if width <= 2:
        return content
    plain = content.plain
    pieces: list[Content] = []
    done = 0
    for match in _WORD.finditer(plain):
        word = match.group()
        if cell_len(word) <= width:
            continue
        for point in break_points(word, width):
            cut = match.start() + point
            pieces += [content[done:cut], Content("\n"), Content.styled(CONTINUED, "$text-muted")]
            done = cut
    if not pieces:
        return content
    return Content("").join(pieces + [content[done:]])


class WrappedText(Static):
    """A Static whose long words break as `wrap_long_words` says (messages under a field, notes)."""

    _wrap_width = 0

    def get_content_height(self, container, viewport, width: int) -> int:
        self._wrap_width = width   # the height is worked out for the text as broken at this width
        return super().get_content_height(container, viewport, width)

    def render(self):
        visual = super().render()
        width = self._wrap_width or self.content_region.width
        return wrap_long_words(visual, width) if isinstance(visual, Content) else visual
