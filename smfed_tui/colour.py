"""Colour for the CLI's findings and diffs, only when a person is looking at a terminal.

Plain text when the stream is not a TTY (pipes, files, CI) or when NO_COLOR is set, so scripts
and `grep` see exactly the compiler-style lines. rich is imported only when colour is used. User
text goes through rich `Text` objects, never through markup.
"""
from __future__ import annotations

import os

_SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "hint": "cyan"}


def wanted(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _console(stream):
    from rich.console import Console
    return Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)


def write_finding(stream, head: str, severity: str, fix: str) -> None:
    """`head` is the compiler line (`file:line:col: severity CODE message`), `fix` its fix line."""
    if not wanted(stream):
        stream.write(head + "\n" + "  " + fix + "\n")
        return
    from rich.text import Text
    line = Text(head)
    marker = f" {severity} "
    at = head.find(marker)
    if at >= 0:
        line.stylize("bold", 0, at + 1)
        line.stylize(_SEVERITY_STYLES.get(severity, ""), at + 1, at + len(marker) - 1)
    console = _console(stream)
    console.print(line)
    console.print(Text("  " + fix, style="dim"))


def write_diff(stream, diff: str) -> None:
    if not wanted(stream):
        stream.write(diff)
        return
    from rich.text import Text
    console = _console(stream)
    for line in diff.splitlines():
        style = ("bold" if line.startswith(("+++", "---")) else "green" if line.startswith("+")
                 else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else "")
        console.print(Text(line, style=style))
