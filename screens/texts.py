"""Small pieces of presentation shared by the steps: the file's display name, the findings summary,
finding messages as styled text. User text is always inserted literally (`Content`, never markup)."""
from __future__ import annotations

import os

from textual.containers import VerticalScroll
from textual.content import Content

from smfed_tui.findings import ERROR, HINT, WARNING, Finding
from smfed_tui.quoting import visible
from smfed_tui.session import Session

class Column(VerticalScroll, can_focus=False):
    """A scrolling column that tab skips (Textual's scroll containers take focus themselves): tab goes
    from field to field; the mouse wheel and the focused field scroll it."""


ICONS = {ERROR: ("✗", "$text-error"), WARNING: ("⚠", "$text-warning")}
HINT_ICON = ("ℹ", "$text-secondary")


def display_name(session: Session) -> str:
    """The file's name as shown on screen: the base name only (no directories, no home path)."""
    return visible(os.path.basename(session.path)) if session.path else "(no file name yet)"


def summary(session: Session) -> Content:
    """`2 errors · 1 warning · 6 hints` (fields holding no value count as errors)."""
    errors, warnings, hints = session.blocking, session.warnings, session.hints
    if not (errors or warnings or hints):
        return Content.styled("no problems found", "$text-success")
    parts: list = []
    for n, word, style in ((errors, ERROR, "$text-error"), (warnings, WARNING, "$text-warning"),
                           (hints, HINT, "$text-secondary")):
        if n:
            if parts:
                parts.append((" · ", "$text-muted"))
            parts.append((f"{n} {word}{'s' * (n != 1)}", style))
    return Content.assemble(*parts)


def finding_content(findings: list[Finding], problem: str | None = None, *, with_fix: bool = True) -> Content:
    """Messages as lines: `✗ message` then `  fix: ...`."""
    parts: list = []
    if problem:
        parts += [("✗ ", "$text-error"), (problem, "$text-error")]
    for f in findings:
        icon, style = ICONS.get(f.severity, HINT_ICON)
        if parts:
            parts.append("\n")
        parts += [(f"{icon} ", style), (f.message, style if f.severity == ERROR else "")]
        if with_fix and f.hint:
            parts += ["\n", (f"  fix: {f.hint}", "$text-muted")]
    return Content.assemble(*parts)


def wrap_places(lengths: list[int], width: int, gap: int) -> list[tuple[int, int, int]]:
    """(line, start x, end x) of pieces of these lengths laid out left to right, `gap` apart,
    wrapping to a new line when the next piece would pass `width` (for one-line option bars)."""
    out, line, x = [], 0, 0
    for length in lengths:
        if x and x + length > max(1, width):
            line, x = line + 1, 0
        out.append((line, x, x + length))
        x += length + gap
    return out
