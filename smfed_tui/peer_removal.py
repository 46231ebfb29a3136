"""What removing a peer from an SMCP leaves elsewhere. The edit takes away the peer's two gateways; its
federation resources (what `bundle` writes: the ServiceMeshPeer, the CA ConfigMap, the ExportedServiceSet
and ImportedServiceSet, in this mesh's namespace) live in other files and on the cluster, and the peer
mesh keeps its own side of the pairing. Every front-end that removes a peer (`edit --remove-peer`, the
wizard's confirmation, plain mode) says the same lines: what to remove, a read-only command to see what
exists and the delete command for the user to run. The tool itself never deletes anything.

A file that holds the peer's ServiceMeshPeer itself (a List, a policy) is left to SMF089
(`checks.left_behind`), which names what is left in it with its own delete command.
"""
from __future__ import annotations

import shlex

from .bundle import ca_config_map_name
from .i18n import _
from .kube_objects import KubeObject
from .model import Mesh
from .yaml_nodes import scalar_at

PEER_KIND = "ServiceMeshPeer"


def peer_resources(peer: str) -> list[tuple[str, str]]:
    """(kind, name) of the peer's federation resources in this mesh's namespace, as `bundle` names them."""
    return [(PEER_KIND, peer), ("ConfigMap", ca_config_map_name(peer)), ("ExportedServiceSet", peer),
            ("ImportedServiceSet", peer)]


def holds_peer(objects: list[KubeObject], peer: str) -> bool:
    """Whether the file's objects include the peer's ServiceMeshPeer (SMF089 then speaks of it)."""
    return any(o.kind == PEER_KIND and scalar_at(o.node, "metadata", "name") == peer for o in objects)


def removal_notes(mesh: Mesh, peer: str, client: str, *, in_file: bool = False) -> list[str]:
    """The lines to say when peer `peer`'s gateways are removed from `mesh` (the mesh as loaded: its
    namespace, the name its peers know it by); `client` is the oc/kubectl the commands name; `in_file`:
    the file holds the peer's ServiceMeshPeer too (the wizard edits only the SMCP of such a file)."""
    resources = peer_resources(peer)
    refs = [f"{kind.lower()}/{name}" for kind, name in resources]
    namespace = ["-n", mesh.namespace] if mesh.namespace else []
    where = (_("in this file (only its SMCP is edited here) and on the cluster") if in_file
             else _("not in this file: in other files and on the cluster"))
    # an SMCP without a namespace goes to the current one, and its peer resources with it
    scope = (_("in namespace {namespace}").format(namespace=mesh.namespace) if mesh.namespace
             else _("in the namespace this SMCP is applied to"))
    return [
        _("peer {peer}'s federation resources are {where}; remove them too, {scope}: {listing}").format(
            peer=peer, where=where, scope=scope, listing=", ".join(f"{kind} {name}" for kind, name in resources)),
        "  " + _("see which exist (read-only): {command}").format(
            command=shlex.join([client, "get", *refs, *namespace, "--ignore-not-found"])),
        "  " + _("delete them yourself, when you apply this SMCP (nothing is deleted for you): {command}").format(
            command=shlex.join([client, "delete", *refs, *namespace, "--ignore-not-found"])),
        "  " + _("on {peer}'s side too: its ServiceMeshPeer {us} and its gateways for {us} "
                 "(smfed-wizard edit ITS_SMCP.yaml --remove-peer {us}, which says the same for its cluster)").format(
            peer=peer, us=mesh.federation),
    ]
