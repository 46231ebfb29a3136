"""Where each model field lives in an SMCP document, in one table.

The model is written out as a list of (path, value) assignments, in the key order of the docs'
example. Generating a file nests them into a tree; editing a file compares the assignments of the
old and new model and touches only the paths that differ. So a field's place in the YAML is
declared once, here, for both.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import (DISCOVERY_PORT, EGRESS_LABEL, INGRESS_LABEL, NLB_ANNOTATION, TLS_PORT, Mesh,
                    Peer)

EGRESS_MAP = ("spec", "gateways", "additionalEgress")
INGRESS_MAP = ("spec", "gateways", "additionalIngress")


@dataclass(frozen=True)
class Item:
    """A path segment selecting the list item whose `key` equals `value` (e.g. the port 15443)."""

    key: str
    value: object

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


Path = tuple  # of str | Item
Assignment = tuple  # (Path, value)


def path_text(path: Path) -> str:
    """`spec.gateways.additionalIngress.ingress-green.service.ports[port=15443].nodePort`"""
    out = ""
    for seg in path:
        out += str(seg) if isinstance(seg, Item) else ("." + seg if out else seg)
    return out


def mesh_assignments(mesh: Mesh) -> list[Assignment]:
    """The mesh-level fields, in the docs' key order. Peers come from `egress_assignments` /
    `ingress_assignments`, placed under their gateway key."""
    out: list[Assignment] = [
        (("apiVersion",), "maistra.io/v2"),
        (("kind",), "ServiceMeshControlPlane"),
        (("metadata", "name"), mesh.name),
        (("metadata", "namespace"), mesh.namespace),
        (("spec", "version"), mesh.version),
        (("spec", "cluster", "name"), mesh.cluster_name),
        (("spec", "cluster", "network"), mesh.network),
        (("spec", "runtime", "defaults", "container", "imagePullPolicy"), mesh.image_pull_policy),
    ]
    return out


def mesh_tail_assignments(mesh: Mesh) -> list[Assignment]:
    """Fields the docs write after the gateways."""
    return [(("spec", "security", "trust", "domain"), mesh.trust_domain)]


def egress_assignments(peer: Peer) -> list[Assignment]:
    """Relative to the egress gateway's own mapping."""
    return [
        (("enabled",), True),
        (("requestedNetworkView",), list(peer.network_view) if peer.network_view is not None else None),
        (("routerMode",), peer.router_mode),
        (("service", "metadata", "labels", EGRESS_LABEL), peer.egress_label),
        (("service", "ports", Item("port", TLS_PORT), "port"), TLS_PORT),
        (("service", "ports", Item("port", TLS_PORT), "name"), "tls"),
        (("service", "ports", Item("port", DISCOVERY_PORT), "port"), DISCOVERY_PORT),
        (("service", "ports", Item("port", DISCOVERY_PORT), "name"), "http-discovery"),
    ]


def ingress_assignments(peer: Peer) -> list[Assignment]:
    exp = peer.exposure
    return [
        (("enabled",), True),
        (("routerMode",), peer.router_mode),
        (("service", "type"), exp.service_type),
        (("service", "metadata", "labels", INGRESS_LABEL), peer.ingress_label),
        (("service", "metadata", "annotations", NLB_ANNOTATION), "nlb" if exp.aws_nlb else None),
        (("service", "ports", Item("port", TLS_PORT), "port"), TLS_PORT),
        (("service", "ports", Item("port", TLS_PORT), "nodePort"), exp.tls_node_port),
        (("service", "ports", Item("port", TLS_PORT), "name"), "tls"),
        (("service", "ports", Item("port", DISCOVERY_PORT), "port"), DISCOVERY_PORT),
        (("service", "ports", Item("port", DISCOVERY_PORT), "nodePort"), exp.discovery_node_port),
        (("service", "ports", Item("port", DISCOVERY_PORT), "name"), "https-discovery"),
        (("routeConfig", "enabled"), exp.route_enabled),
    ]


def all_assignments(mesh: Mesh) -> list[Assignment]:
    """Every assignment of the mesh with absolute paths, in document order."""
    out = mesh_assignments(mesh)
    for peer in mesh.peers:
        out += [(EGRESS_MAP + (peer.egress,) + p, v) for p, v in egress_assignments(peer)]
    for peer in mesh.peers:
        out += [(INGRESS_MAP + (peer.ingress,) + p, v) for p, v in ingress_assignments(peer)]
    out += mesh_tail_assignments(mesh)
    return out


def build_tree(assignments: list[Assignment]) -> dict:
    """Nest assignments into dicts and lists; `None` values are left out."""
    root: dict = {}
    for path, value in assignments:
        if value is None:
            continue
        node: object = root
        for i, seg in enumerate(path):
            last = i == len(path) - 1
            if isinstance(seg, Item):
                item = next((x for x in node if x.get(seg.key) == seg.value), None)
                if item is None:
                    item = {}
                    node.append(item)
                node = item
                continue
            nxt = path[i + 1] if not last else None
            if last:
                node[seg] = value
            else:
                node = node.setdefault(seg, [] if isinstance(nxt, Item) else {})
    return root
