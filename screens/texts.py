"""Small pieces of presentation shared by the steps: the file's display name, the findings summary,
finding messages as styled text. User text is always inserted literally (`Content`, never markup)."""
from __future__ import annotations

import os
import string

from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.content import Content

from smfed_tui.errors import fix_line
from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS, Field
from smfed_tui.findings import ERROR, WARNING, Finding
from smfed_tui.i18n import _, ngettext
from smfed_tui.quoting import visible
from smfed_tui.session import Session

class Column(VerticalScroll, can_focus=False):
    """A scrolling column that tab skips (Textual's scroll containers take focus themselves): tab goes
    from field to field; the mouse wheel and the focused field scroll it."""


ICONS = {ERROR: ("✗", "$text-error"), WARNING: ("⚠", "$text-warning")}
HINT_ICON = ("ℹ", "$text-secondary")


def field_of(scope: str, key: str) -> Field:
    """The declared field a key of `Session.invalid_inputs` (scope, key, peer) names."""
    return next(f for f in MESH_FIELDS + PEER_FIELDS + EXPOSURE_FIELDS if (f.scope, f.key) == (scope, key))


def first_invalid_place(session: Session) -> tuple[Field, str | None] | None:
    """(field, peer) of the first field whose text is no value yet, or None."""
    for scope, key, peer in session.invalid_inputs:
        return field_of(scope, key), peer
    return None


def display_name(session: Session) -> str:
    """The file's name as shown on screen: the base name only (no directories, no home path)."""
    return visible(os.path.basename(session.path)) if session.path else _("(no file name yet)")


def fill(template: str, style: str = "", **values) -> Content:
    """A translated message with its `{name}` placeholders filled in: a value given as (text, style)
    keeps its own style (a bold file name inside a sentence), the rest takes `style`. Every piece is
    literal text, never markup; the word order is the translation's."""
    parts: list = []

    def add(text: str) -> None:   # one span for a run of text in `style`, as if written in one piece
        if parts and isinstance(parts[-1], list):
            parts[-1][0] += text
        else:
            parts.append([text, style])

    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            add(literal)
        if name is not None:
            value = values[name]
            if isinstance(value, (tuple, Content)):
                parts.append(value)
            else:
                add(format(repr(value) if conversion == "r" else value, spec or ""))
    return Content.assemble(*(tuple(p) if isinstance(p, list) else p for p in parts))


def summary(session: Session) -> Content:
    """`2 errors · 1 warning · 6 hints` (fields holding no value count as errors)."""
    errors, warnings, hints = session.blocking, session.warnings, session.hints
    if not (errors or warnings or hints):
        return Content.styled(_("no problems found"), "$text-success")
    parts: list = []
    for n, text, style in ((errors, ngettext("{n} error", "{n} errors", errors), "$text-error"),
                           (warnings, ngettext("{n} warning", "{n} warnings", warnings), "$text-warning"),
                           (hints, ngettext("{n} hint", "{n} hints", hints), "$text-secondary")):
        if n:
            if parts:
                parts.append((" · ", "$text-muted"))
            parts.append((text.format(n=n), style))
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
            parts += ["\n", ("  " + fix_line(f.hint), "$text-muted")]
    return Content.assemble(*parts)


def cells(text: str) -> int:
    """Terminal cells `text` takes (Hangul and other wide characters take two), as Textual counts them."""
    return cell_len(text)


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut in the middle with `…` when longer (a file name keeps its
    start and its extension)."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    keep = width - 1
    head, tail = "", ""
    chars = list(text)
    # fill from both ends alternately, counting cells (a Hangul character takes two)
    while chars:
        piece = chars[0] if len(head) <= len(tail) else chars[-1]
        if cells(head) + cells(tail) + cells(piece) > keep:
            break
        if len(head) <= len(tail):
            head += chars.pop(0)
        else:
            tail = chars.pop() + tail
    return f"{head}…{tail}"


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
