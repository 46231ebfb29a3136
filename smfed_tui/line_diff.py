"""Line diffs between two texts, the one way every front-end shows and counts a change: the unified
diff a confirmation shows (the CLI's `edit --diff`, plain mode, the wizard's dialogs), the lines of a
new text that changed (the preview's marks, on every keystroke) and the words that sum them up.
"""
from __future__ import annotations

import difflib
import os

from .i18n import _, ngettext


def unified_diff(old: str, new: str, fromfile: str, tofile: str) -> str:
    """The unified diff from `old` to `new`, headed `--- fromfile` / `+++ tofile`."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=fromfile, tofile=tofile))


def file_labels(path: str) -> tuple[str, str]:
    """The `---`/`+++` names of a diff of the file at `path` (as the user gave it). A path below the
    current directory is headed as `git diff` heads one, `a/red.yaml` and `b/red.yaml` (`git apply`
    and `patch -p1` take the patch where the user is); any other (absolute, or going up with `..`) as
    `diff -u` heads it: the path itself on both lines (git's `a/` before `/abs/...` made `a//abs/...`,
    which no tool reads back as that file)."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) or norm == os.pardir or norm.startswith(os.pardir + os.sep):
        return norm, norm
    posix = norm.replace(os.sep, "/")
    return f"a/{posix}", f"b/{posix}"


def decoded(data: bytes) -> str:
    """A file's bytes as the text a diff compares (a BOM and CRLF line ends do not count as changes;
    bytes that are not UTF-8 are shown replaced rather than refused: the diff only shows them)."""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def diff_counts(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) in a unified diff."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def line_counts(old: str, new: str) -> tuple[int, int]:
    """(lines added, lines removed) from `old` to `new` (a line's ending does not count)."""
    added = removed = 0
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def line_changes(old: list[str], text: str) -> tuple[set[int], int]:
    """The 1-based numbers of the lines of `text` that are not in `old` (its lines), and how many lines
    of `old` are gone without a line in their place, by a line diff; the common head and tail are
    skipped before difflib sees the rest (cheap on every keystroke)."""
    new = text.split("\n")
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    changed: set[int] = set()
    removed = 0
    a, b = old[head:len(old) - tail], new[head:len(new) - tail]
    if a and b:
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag in ("replace", "insert"):
                changed.update(range(head + j1 + 1, head + j2 + 1))
            if tag in ("replace", "delete"):
                removed += max(0, (i2 - i1) - (j2 - j1))
    elif b:
        changed.update(range(head + 1, head + len(b) + 1))
    else:
        removed = len(a)
    if not text.endswith("\n") or not new[-1]:
        changed.discard(len(new))  # the empty "line" after the final newline
    return changed, removed


def changed_line_numbers(old: list[str], text: str) -> set[int]:
    """1-based numbers of the lines of `text` that are not in `old` (its lines)."""
    return line_changes(old, text)[0]


def change_summary(changed: int, removed: int) -> str:
    """'3 lines changed', '27 lines removed', '3 lines changed · 27 removed', or '' for none."""
    parts = []
    if changed:
        parts.append(ngettext("{n} line changed", "{n} lines changed", changed).format(n=changed))
    if removed:
        parts.append(_("{n} removed").format(n=removed) if changed else
                     ngettext("{n} line removed", "{n} lines removed", removed).format(n=removed))
    return " · ".join(parts)
