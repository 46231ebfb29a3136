"""From what was read (one ClusterRead per context) to the report: every ServiceMeshPeer on every side,
connected or not, with the problems this side's cluster shows and, when the peer's cluster was read
too, the problems the two sides show against each other.
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..i18n import _
from .codes import problem
from .model import PeerStatus, Problem, StatusReport, sorted_problems
from .pairing import cross_problems, names_a_read_mesh, pair_sides
from .reader import ClusterRead
from .sides import Side, discovery_of, local_problems, sides_of


def _unpaired(side: Side, sides: list[Side], reads: list[ClusterRead], readable: int) -> Problem:
    if readable > 1 and names_a_read_mesh(side, sides, reads):
        return problem("SMF217", _("the mesh with trust domain {domain} was read, but it has no ServiceMeshPeer "
                                   "for this mesh").format(domain=side.peer_trust_domain))
    return problem("SMF218", _("{peer}'s cluster was not read: its ingress address, its root certificate and its "
                               "exports were not checked against this side").format(peer=side.name))


def analyse(reads: list[ClusterRead], now: datetime | None = None) -> StatusReport:
    now = now or datetime.now(timezone.utc)
    readable = [r for r in reads if not r.failed]
    sides = [side for read in readable for side in sides_of(read)]
    pairs = pair_sides(sides)
    peers = []
    for index, side in enumerate(sides):
        found = local_problems(side, now)
        other = sides[pairs[index]] if index in pairs else None
        found += cross_problems(side, other) if other else [_unpaired(side, sides, reads, len(readable))]
        discovery = discovery_of(side.smp)
        peers.append(PeerStatus(context=side.read.context, namespace=side.namespace, name=side.name,
                                connected=discovery.connected, remotes_connected=discovery.remotes_connected,
                                exported=side.exported, imported=side.imported, problems=sorted_problems(found),
                                last_full_sync=discovery.last_full_sync,
                                last_disconnect_status=discovery.last_disconnect_status,
                                paired_with=other.label if other else None,
                                exports_read=side.read.has_read("ExportedServiceSet"),
                                imports_read=side.read.has_read("ImportedServiceSet")))
    notes = tuple(_("{context}: no ServiceMeshPeer in namespace {namespace}").format(
                      context=read.label, namespace=read.namespace or _("the context's namespace"))
                  for read in readable if read.has_read("ServiceMeshPeer") and not read.items("ServiceMeshPeer"))
    gaps = tuple(gap for read in reads for gap in read.gaps)
    return StatusReport(tuple(peers), gaps, clusters_read=len(readable), clusters_asked=len(reads), notes=notes)
