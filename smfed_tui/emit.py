"""Write small YAML blocks in a given file's own style.

Only what an SMCP block needs: nested mappings, lists of scalars, lists of mappings, and scalars.
A full re-dump of the user's file by a YAML library re-indents everything,
so the editor splices blocks written here into the original text instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from .quoting import format_scalar


@dataclass(frozen=True)
class Style:
    indent: int = 2        # columns per mapping level
    seq_offset: int = 0    # columns between the parent key and its `- ` (0 = compact, as kubectl writes)
    sorted_keys: bool = False  # the file sorts every mapping's keys (kubectl, `yq -S`): new keys do too


DEFAULT_STYLE = Style()


def emit_value_lines(value: object, column: int, style: Style) -> list[str]:
    """Lines for a block collection whose keys (or dashes) start at `column`."""
    lines: list[str] = []
    pad = " " * column
    if isinstance(value, dict):
        for key, item in (sorted(value.items()) if style.sorted_keys else value.items()):
            lines.extend(emit_pair(key, item, column, style))
    elif isinstance(value, (list, tuple)):
        dash = " " * column
        for item in value:
            if isinstance(item, dict) and item:
                inner = emit_value_lines(item, column + 2, style)
                lines.append(dash + "- " + inner[0][column + 2:])
                lines.extend(inner[1:])
            else:
                lines.append(dash + "- " + format_scalar(item))
    else:
        lines.append(pad + format_scalar(value))
    return lines


def emit_pair(key: str, value: object, column: int, style: Style) -> list[str]:
    head = " " * column + format_scalar(key) + ":"
    if isinstance(value, dict):
        if not value:
            return [head + " {}"]
        return [head] + emit_value_lines(value, column + style.indent, style)
    if isinstance(value, (list, tuple)):
        if not value:
            return [head + " []"]
        return [head] + emit_value_lines(value, column + style.seq_offset, style)
    return [head + " " + format_scalar(value)]


def emit_document(tree: dict, style: Style = DEFAULT_STYLE) -> str:
    return "\n".join(emit_value_lines(tree, 0, style)) + "\n"
