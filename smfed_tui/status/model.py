"""What `status` reports: per ServiceMeshPeer and side, connected or not and the problems found; the
gaps (what could not be read, and the permission that would let it be read). Frozen values, so a
watch can compare two reports and the TUI can hold one while the next is being read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from ..findings import ERROR, SEVERITY_ORDER


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    hint: str

    def as_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class Gap:
    """Something that could not be checked. `resource` and `verb` name the RBAC permission that is
    missing (None when the whole cluster could not be read)."""

    context: str | None
    namespace: str | None
    message: str
    hint: str
    resource: str | None = None
    verb: str | None = None
    unreachable: bool = False

    def as_json(self) -> dict:
        return {"context": self.context, "namespace": self.namespace, "resource": self.resource,
                "verb": self.verb, "message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class PeerStatus:
    """One ServiceMeshPeer on one side of a federation (one cluster's view of one peer mesh)."""

    context: str | None           # None: the kubeconfig's current context
    namespace: str
    name: str
    connected: bool               # an istiod pod's watch of the peer is connected
    remotes_connected: int        # distinct inbound connections from the peer's istiods
    exported: tuple[str, ...]     # what this side exports to the peer (ESS status: exportedName)
    imported: tuple[str, ...]     # what this side imports from it (ISS status: the local hostname)
    problems: tuple[Problem, ...] = ()
    last_full_sync: str | None = None          # RFC 3339, as the cluster wrote it
    last_disconnect_status: str | None = None  # e.g. "503 Service Unavailable"
    paired_with: str | None = None             # "<context>/<namespace>/<name>" of the other side, when read
    exports_read: bool = True                  # False: the ExportedServiceSets could not be listed
    imports_read: bool = True                  # False: the ImportedServiceSets could not be listed

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context or "", self.namespace, self.name)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)

    def as_json(self) -> dict:
        return {"context": self.context, "namespace": self.namespace, "name": self.name,
                "connected": self.connected, "remotes_connected": self.remotes_connected,
                "exported": list(self.exported), "imported": list(self.imported),
                "problems": [p.as_json() for p in self.problems]}


@dataclass(frozen=True)
class StatusReport:
    peers: tuple[PeerStatus, ...]
    gaps: tuple[Gap, ...] = ()
    clusters_read: int = 0        # clusters that answered at all
    clusters_asked: int = 0
    notes: tuple[str, ...] = field(default=())   # lines about a cluster as a whole (e.g. no peer found)

    def as_json(self) -> dict:
        return {"peers": [p.as_json() for p in self.peers], "gaps": [g.as_json() for g in self.gaps]}

    @property
    def exit_code(self) -> int:
        """0 every peer connected and no error; 1 any error (or a cluster not read, or no peer at all);
        2 no cluster could be read."""
        if self.clusters_read == 0:
            return EXIT_UNUSABLE
        if not self.peers or any(g.unreachable for g in self.gaps):
            return EXIT_FINDINGS
        if any(not p.connected or p.errors for p in self.peers):
            return EXIT_FINDINGS
        return EXIT_OK


def sorted_problems(problems) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (SEVERITY_ORDER[p.severity], p.code)))
