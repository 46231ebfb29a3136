"""The status report as people and machines read it: text (one line per peer, then the findings, the
gaps and a summary; coloured on a terminal) and JSON (the CLI contract's shape).

Text is built as lines of (text, style) segments once; `write_text` prints them plain, or through rich
`Text` objects when colour is wanted (smfed_tui.colour.wanted), so cluster text is never markup.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from ..colour import wanted
from ..errors import fix_line
from ..findings import ERROR, HINT, WARNING, counts_text, severity_label
from ..i18n import _, cell_width, ngettext
from .model import PeerStatus, StatusReport
from .sides import age_text, parse_time

Segment = tuple[str, str]      # (text, rich style name or "")
Line = list[Segment]
SEVERITY_STYLES = {ERROR: "bold red", WARNING: "yellow", HINT: "cyan"}


def peer_label(peer: PeerStatus) -> str:
    return f"{peer.context or _('(current context)')}/{peer.namespace}/{peer.name}"


def state_text(peer: PeerStatus) -> str:
    """`connected` or `not connected: <why>`, the words of the peer's line and the TUI's table."""
    if peer.connected:
        return _("connected")
    if peer.last_disconnect_status:
        return _("not connected: {why}").format(why=peer.last_disconnect_status)
    first = next((p for p in peer.problems if p.severity == ERROR), None)
    return _("not connected: {why}").format(why=first.message) if first else _("not connected")


def details_text(peer: PeerStatus, now: datetime) -> str:
    parts = [ngettext("{n} remote connected", "{n} remotes connected", peer.remotes_connected).format(
        n=peer.remotes_connected)]
    if peer.connected:
        parts.append(_("full sync {age}").format(age=age_text(parse_time(peer.last_full_sync), now)))
    parts.append(_("exports {n}").format(n=len(peer.exported) if peer.exports_read else "?"))
    parts.append(_("imports {n}").format(n=len(peer.imported) if peer.imports_read else "?"))
    return " · ".join(parts)


def peer_line(peer: PeerStatus, width: int, now: datetime) -> Line:
    label = peer_label(peer)
    pad = " " * max(1, width - cell_width(label) + 2)
    mark, style = ("●", "green") if peer.connected else ("✗", "bold red")
    return [(mark + " ", style), (label, "bold"), (pad, ""), (state_text(peer), style),
            ("  " + details_text(peer, now), "dim")]


def problem_lines(peer: PeerStatus) -> list[Line]:
    lines = []
    for p in peer.problems:
        lines.append([(peer_label(peer) + ": ", "bold"), (f"{severity_label(p.severity)} {p.code}",
                                                           SEVERITY_STYLES.get(p.severity, "")),
                      (" " + p.message, "")])
        lines.append([("  " + fix_line(p.hint), "dim")])
    return lines


def unread_cluster_lines(report: StatusReport) -> list[Line]:
    """A cluster that could not be read: one line (and its fix) among the peers; the others are still
    reported. Then the notes (a cluster read without any peer)."""
    lines: list[Line] = []
    for gap in report.gaps:
        if gap.unreachable:
            lines.append([("✗ ", "bold red"), (gap.message, "bold red")])
            lines += [[("  " + fix_line(gap.hint), "dim")]] if gap.hint else []
    return lines + [[(note, "yellow")] for note in report.notes]


def gap_lines(report: StatusReport) -> list[Line]:
    """What could not be checked, and the permission that would let it be checked."""
    gaps = [gap for gap in report.gaps if not gap.unreachable]
    if not gaps:
        return []
    lines: list[Line] = [[(_("Not checked:"), "bold yellow")]]
    for gap in gaps:
        lines.append([("  " + gap.message, "yellow")])
        if gap.hint:
            lines.append([("    " + fix_line(gap.hint), "dim")])
    return lines


def detail_lines(peer: PeerStatus, now: datetime) -> list[Line]:
    """One peer in full, for the TUI: its state, the other side, then each problem with its fix."""
    style = "green" if peer.connected else "bold red"
    lines: list[Line] = [[(peer_label(peer), "bold")], [(state_text(peer), style), ("  " + details_text(peer, now), "dim")]]
    if peer.paired_with:
        lines.append([(_("other side: {label}").format(label=peer.paired_with), "dim")])
    if not peer.problems:
        lines.append([(_("no problem found"), "green")])
    for p in peer.problems:
        lines.append([])
        lines.append([(f"{severity_label(p.severity)} {p.code}", SEVERITY_STYLES.get(p.severity, "")),
                      (" " + p.message, "")])
        lines.append([("  " + fix_line(p.hint), "dim")])
    return lines


def report_lines(report: StatusReport, now: datetime | None = None) -> list[Line]:
    now = now or datetime.now(timezone.utc)
    width = max((cell_width(peer_label(p)) for p in report.peers), default=0)
    lines: list[Line] = [peer_line(p, width, now) for p in report.peers]
    lines += unread_cluster_lines(report)
    findings = [line for p in report.peers for line in problem_lines(p)]
    if findings:
        lines.append([])
        lines += findings
    gaps = gap_lines(report)
    if gaps:
        lines.append([])
        lines += gaps
    lines.append([])
    lines.append([(summary_text(report), "bold")])
    return lines


def summary_text(report: StatusReport) -> str:
    connected = sum(1 for p in report.peers if p.connected)
    problems = [p for peer in report.peers for p in peer.problems]
    count = lambda severity: sum(1 for p in problems if p.severity == severity)   # noqa: E731
    return _("{peers}: {connected} connected, {unconnected} not; {counts}; {gaps}").format(
        peers=ngettext("{n} peer", "{n} peers", len(report.peers)).format(n=len(report.peers)),
        connected=connected, unconnected=len(report.peers) - connected,
        counts=counts_text(count(ERROR), count(WARNING), count(HINT)),
        gaps=ngettext("{n} gap", "{n} gaps", len(report.gaps)).format(n=len(report.gaps)))


def write_lines(stream, lines: list[Line]) -> None:
    if not wanted(stream):
        stream.write("".join("".join(text for text, _style in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text
    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for line in lines:
        text = Text()
        for segment, style in line:
            text.append(segment, style=style or None)
        console.print(text)


def write_text(stream, report: StatusReport, now: datetime | None = None) -> None:
    write_lines(stream, report_lines(report, now))


def write_json(stream, report: StatusReport) -> None:
    json.dump(report.as_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
