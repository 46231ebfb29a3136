"""What the migration refuses or flags, as the validator's Findings (code, severity, where, what to do).

An error is a case the migration guide does not cover, or input it cannot work from: nothing is
written, because a partial runbook could be followed into a broken mesh (`smfed-wizard migrate` exits
1). A warning is written into the runbook and printed: an assumption the user should confirm, or a
risk the guide does not mention. Codes SMF3xx are the migration's (SMF0xx/1xx the SMCP rules, SMF2xx
live status).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import ERROR, WARNING, Finding
from ..i18n import N_

# code -> a short title (for the README's table and `--help`); the message and the fix are per case
CODES = {
    "SMF301": N_("MultiTenant control plane: the guide covers ClusterWide meshes only"),
    "SMF302": N_("control plane older than v2.6"),
    "SMF303": N_("two meshes with the same trust domain"),
    "SMF304": N_("a peer with no mesh among the sources"),
    "SMF305": N_("a peer that does not peer back"),
    "SMF306": N_("export rule that needs the ExportedServiceSet's status"),
    "SMF308": N_("importAsLocal under a changed name or namespace"),
    "SMF309": N_("importAsLocal colliding with a local Service"),
    "SMF310": N_("exported Service not among the sources"),
    "SMF311": N_("no pods, so no service account, for an exported Service"),
    "SMF312": N_("a port that cannot be resolved"),
    "SMF313": N_("an IPv6 east-west gateway address"),
    "SMF314": N_("the peer's root certificate is missing"),
    "SMF315": N_("a network name the guide's rules forbid"),
    "SMF316": N_("a value the user gave that cannot be used"),
    "SMF317": N_("an exported Service without a selector"),
    "SMF330": N_("a value assumed from a convention"),
    "SMF331": N_("a case the guide does not mention"),
    "SMF332": N_("a port protocol left for Istio to detect"),
    "SMF333": N_("a federation gateway not found in the SMCP"),
}


@dataclass(frozen=True)
class Where:
    """Where a finding points: a file (and line, column) and a path in its object; empty when none."""
    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""


NOWHERE = Where()


def refused(code: str, where: Where, message: str, fix: str) -> Finding:
    return Finding(code, ERROR, where.path, where.line, where.column, message, fix, where.file)


def flagged(code: str, where: Where, message: str, fix: str) -> Finding:
    return Finding(code, WARNING, where.path, where.line, where.column, message, fix, where.file)


def is_refusal(finding: Finding) -> bool:
    return finding.severity == ERROR
