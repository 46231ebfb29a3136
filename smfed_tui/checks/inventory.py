"""What a set of files holds for federation: the meshes (SMCPs), and the ServiceMeshPeers, service
sets and CA ConfigMaps, each placed in the mesh it belongs to; and which mesh a ServiceMeshPeer
points at. No rule here: `checks.federation` judges what this finds.

Which mesh a resource belongs to: the SMCP in the same namespace, preferring the same file, then the
same directory (a topology writes `DIR/<mesh>/smcp.yaml` beside `DIR/<mesh>/federation.yaml`). Which
mesh a ServiceMeshPeer points at: the SMCP with its trust domain, else the SMCP named like the peer.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..bundle import CA_KEY
from ..model import default_namespace, default_trust_domain
from ..reader import federation_gateways, pair_gateways
from ..smcp_paths import TRUST_DOMAIN
from ..source import SMCP_API, Source
from ..yaml_nodes import content, get_value, scalar_at

PEER, EXPORT, IMPORT, CONFIG_MAP = "ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet", "ConfigMap"
FEDERATION_KINDS = (PEER, EXPORT, IMPORT)
MEMBER_ROLL = "ServiceMeshMemberRoll"


@dataclass
class MeshDoc:
    """One SMCP: a mesh."""

    src: Source
    node: MappingNode
    name: str | None
    namespace: str | None
    trust_domain: str | None
    trust_domain_node: Node | None
    by_hint: dict = field(default_factory=dict)   # peer hint -> (egress Gateway, ingress Gateway)


@dataclass
class Doc:
    """One ServiceMeshPeer, ExportedServiceSet, ImportedServiceSet or ConfigMap."""

    src: Source
    node: MappingNode
    kind: str
    name: str | None
    namespace: str | None
    mesh: MeshDoc | None = None
    scope: tuple = ()

    def at(self, *keys: str) -> str | None:
        return scalar_at(self.node, *keys)


@dataclass
class Inventory:
    meshes: list[MeshDoc] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)
    # control-plane namespace -> the namespaces its ServiceMeshMemberRoll lists (when one is among the files)
    members: dict[str, set[str]] = field(default_factory=dict)
    _index: dict = field(default_factory=dict)

    def of(self, kind: str, scope: tuple | None = None) -> list[Doc]:
        """The documents of a kind (in one scope), in file order; indexed once the scopes are known."""
        if not self._index:
            for d in self.docs:
                self._index.setdefault((d.kind, None), []).append(d)
                self._index.setdefault((d.kind, d.scope), []).append(d)
        return self._index.get((kind, scope), [])


def collect(sources: list[Source]) -> Inventory:
    inv = Inventory()
    # An object whose whole content another file already holds is that object again, not a second one:
    # a topology's policy.yaml wraps its smcp.yaml and federation.yaml, and `validate out/*/*.yaml` reads
    # both (two copies of a mesh would share a trust domain and hide which SMCP a resource belongs to)
    first_file: dict[tuple, Source] = {}
    for src in sources:
        smcps = {id(node) for node in src.smcps}
        for obj in src.objects:   # documents, and objects wrapped in a List or an RHACM policy
            node, kind = obj.node, obj.kind
            if first_file.setdefault((kind, content(node)), src) is not src:
                continue
            name, namespace = scalar_at(node, "metadata", "name"), scalar_at(node, "metadata", "namespace")
            if id(node) in smcps and scalar_at(node, "apiVersion") == SMCP_API:
                pairs, _alone = pair_gateways(federation_gateways(node, "egress"), federation_gateways(node, "ingress"))
                td = get_value(node, *TRUST_DOMAIN)
                inv.meshes.append(MeshDoc(src, node, name, namespace, scalar_at(node, *TRUST_DOMAIN),
                                          td, {e.peer_hint: (e, i) for e, i in pairs}))
            elif kind in FEDERATION_KINDS or kind == CONFIG_MAP:
                inv.docs.append(Doc(src, node, kind, name, namespace))
            elif kind == MEMBER_ROLL and namespace:
                listed = get_value(node, "spec", "members")
                items = listed.value if isinstance(listed, SequenceNode) else []
                inv.members.setdefault(namespace, set()).update(
                    item.value for item in items if isinstance(item, ScalarNode))
    for doc in inv.docs:
        doc.mesh = local_mesh(doc, inv.meshes)
        doc.scope = (doc.namespace, id(doc.mesh) if doc.mesh else os.path.dirname(doc.src.path))
    return inv


def holds_federation_resources(src: Source) -> bool:
    """Whether the file holds a ServiceMeshPeer, a service set or a CA ConfigMap (something to check)."""
    for obj in src.objects:
        node, kind = obj.node, obj.kind
        if kind in FEDERATION_KINDS or kind == MEMBER_ROLL or (
                kind == CONFIG_MAP and get_value(node, "data", CA_KEY) is not None):
            return True
    return False


def local_mesh(doc: Doc, meshes: list[MeshDoc]) -> MeshDoc | None:
    """The SMCP of the resource's namespace: in the same file, else the same directory, else the only one."""
    candidates = [m for m in meshes if m.namespace == doc.namespace and doc.namespace]
    for narrowed in ([m for m in candidates if m.src is doc.src],
                     [m for m in candidates if os.path.dirname(m.src.path) == os.path.dirname(doc.src.path)],
                     candidates):
        if len(narrowed) == 1:
            return narrowed[0]
    return None


def scope_of(mesh: MeshDoc) -> tuple:
    return (mesh.namespace, id(mesh))


@dataclass
class RemoteView:
    """The peer mesh as the files show it, and which of its gateways serve the local mesh."""

    mesh: MeshDoc
    matched_by: str                 # "trust domain" | "name"
    egress_for_us: str | None
    ingress_for_us: str | None


def remote_of(doc: Doc, inv: Inventory) -> RemoteView | None:
    td = doc.at("spec", "security", "trustDomain")
    others = [m for m in inv.meshes if m is not doc.mesh]
    found = None
    for matched_by, candidates in (("trust domain", [m for m in others if td and m.trust_domain == td]),
                                   ("name", [m for m in others if doc.name and m.name == doc.name])):
        if len(candidates) == 1:
            found = (candidates[0], matched_by)
            break
    if found is None:
        return None
    mesh, matched_by = found
    egress = ingress = None
    local = doc.mesh
    if local is not None:
        # The peer's own ServiceMeshPeer for us names its gateways for us; else its SMCP's pair for us.
        back = [p for p in inv.of(PEER, scope_of(mesh)) if local.trust_domain and p.at("spec", "security", "trustDomain") == local.trust_domain] \
            or [p for p in inv.of(PEER, scope_of(mesh)) if local.name and p.name == local.name]
        # This mesh's federation name is in no field of its SMCP: its SMCP name, or the name its namespace
        # or trust domain has by the conventions (upstream's fed-export in mesh1-system is mesh1).
        ours = [h for h in mesh.by_hint if h == local.name] or [
            h for h in mesh.by_hint if local.namespace == default_namespace(h) or local.trust_domain == default_trust_domain(h)]
        if len(back) == 1:
            egress, ingress = back[0].at("spec", "gateways", "egress", "name"), back[0].at("spec", "gateways", "ingress", "name")
        elif len(ours) == 1:
            e, i = mesh.by_hint[ours[0]]
            egress, ingress = e.name, i.name
    return RemoteView(mesh, matched_by, egress, ingress)
