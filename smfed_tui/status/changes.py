"""What changed between two status reports, for `status --watch` and the TUI: a peer that connected or
dropped, a problem that appeared or went away, a peer or gap that came or went.
"""
from __future__ import annotations

from ..findings import severity_label
from ..i18n import _
from .model import StatusReport
from .report import peer_label, state_text


def changes(before: StatusReport | None, after: StatusReport) -> list[str]:
    """One line per change, in the order of the new report; empty when nothing changed."""
    if before is None:
        return []
    old = {p.key: p for p in before.peers}
    new = {p.key: p for p in after.peers}
    lines = []
    for key, peer in new.items():
        was = old.get(key)
        label = peer_label(peer)
        if was is None:
            lines.append(_("{peer}: new, {state}").format(peer=label, state=state_text(peer)))
            continue
        if was.connected != peer.connected:
            lines.append(_("{peer}: {before} -> {after}").format(peer=label, before=state_text(was),
                                                                  after=state_text(peer)))
        if was.remotes_connected != peer.remotes_connected:
            lines.append(_("{peer}: remotes connected {before} -> {after}").format(
                peer=label, before=was.remotes_connected, after=peer.remotes_connected))
        gone = set(was.problems) - set(peer.problems)
        came = set(peer.problems) - set(was.problems)
        lines += [f"{label}: + {severity_label(p.severity)} {p.code} {p.message}" for p in peer.problems if p in came]
        lines += [f"{label}: - {severity_label(p.severity)} {p.code} {p.message}" for p in was.problems if p in gone]
    for key, peer in old.items():
        if key not in new:
            lines.append(_("{peer}: no longer found").format(peer=peer_label(peer)))
    for gap in after.gaps:
        if gap not in before.gaps:
            lines.append(_("+ not checked: {what}").format(what=gap.message))
    for gap in before.gaps:
        if gap not in after.gaps:
            lines.append(_("- not checked: {what}").format(what=gap.message))
    return lines
