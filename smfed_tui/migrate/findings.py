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

# code -> (severity, a short title: the README's table); the message and the fix are per case
CODES = {
    "SMF301": (ERROR, N_("MultiTenant control plane: the guide covers ClusterWide meshes only")),
    "SMF302": (ERROR, N_("control plane older than v2.6")),
    "SMF303": (ERROR, N_("two meshes with the same trust domain")),
    "SMF304": (ERROR, N_("a peer with no mesh among the sources")),
    "SMF305": (ERROR, N_("a peer that does not peer back")),
    "SMF306": (ERROR, N_("export rule that needs the ExportedServiceSet's status")),
    "SMF308": (ERROR, N_("importAsLocal under a changed name or namespace")),
    "SMF309": (ERROR, N_("importAsLocal colliding with a local Service")),
    "SMF310": (ERROR, N_("exported Service not among the sources")),
    "SMF311": (ERROR, N_("no pods, so no service account, for an exported Service")),
    "SMF312": (ERROR, N_("a port that cannot be resolved")),
    "SMF313": (ERROR, N_("an IPv6 east-west gateway address")),
    "SMF314": (ERROR, N_("the peer's root certificate is missing")),
    "SMF315": (ERROR, N_("a network name the guide's rules forbid")),
    "SMF316": (ERROR, N_("a written object the CRD schema would reject")),
    "SMF317": (ERROR, N_("an exported Service without a selector")),
    "SMF318": (ERROR, N_("one host imported from two meshes")),
    "SMF319": (ERROR, N_("an input object its CRD schema rejects")),
    "SMF330": (WARNING, N_("a value assumed from a convention")),
    "SMF331": (WARNING, N_("a case the guide does not mention")),
    "SMF332": (WARNING, N_("a port protocol left for Istio to detect")),
    "SMF333": (WARNING, N_("a federation gateway not found in the SMCP")),
    "SMF334": (WARNING, N_("a placeholder left in the runbook's commands")),
}


@dataclass(frozen=True)
class Where:
    """Where a finding points: a file (and line, column) and a path in its object; empty when none."""
    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""


NOWHERE = Where()


def decision(key: str) -> Where:
    """A finding about a decision (no file): its path is the decision's key in `form` ("client:<mesh>"...),
    so a front end with a form can point at the field instead of a flag."""
    return Where(path=key)


def refused(code: str, where: Where, message: str, fix: str) -> Finding:
    assert CODES[code][0] == ERROR, code
    return Finding(code, ERROR, where.path, where.line, where.column, message, fix, where.file)


def flagged(code: str, where: Where, message: str, fix: str) -> Finding:
    assert CODES[code][0] == WARNING, code
    return Finding(code, WARNING, where.path, where.line, where.column, message, fix, where.file)


def is_refusal(finding: Finding) -> bool:
    return finding.severity == ERROR
