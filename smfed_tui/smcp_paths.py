"""Where each model field lives in an SMCP document, in one table.

Every path of the SMCP that the wizard reads or writes is spelled here once. The tables below say,
in the key order of the docs' example, which model attribute each path holds: generating a file
nests the (path, value) assignments into a tree; editing a file compares the assignments of the old
and new model and touches only the paths that differ; the reader reads the model back from the same
rows; the fields (`fields.Field`) find their place here by their scope and attribute; the wizard's
Exposure step is the ingress rows of the exposure. Adding an Exposure field is one row in
`INGRESS_PLACES` plus its `fields.Field`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from yaml.nodes import Node, ScalarNode, SequenceNode

from .model import DISCOVERY_PORT, EGRESS_LABEL, INGRESS_LABEL, NLB_ANNOTATION, TLS_PORT, Mesh, Peer
from .yaml_nodes import bool_value, get_value, int_value, is_null


@dataclass(frozen=True)
class Item:
    """A path segment selecting the list item whose `key` equals `value` (e.g. the port 15443)."""

    key: str
    value: object

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


Path = tuple  # of str | Item
Assignment = tuple  # (Path, value)

# --- the paths ----------------------------------------------------------------------------------------

SMCP_NAME = ("metadata", "name")
SMCP_NAMESPACE = ("metadata", "namespace")
VERSION = ("spec", "version")
CLUSTER_NAME = ("spec", "cluster", "name")
NETWORK = ("spec", "cluster", "network")
IMAGE_PULL_POLICY = ("spec", "runtime", "defaults", "container", "imagePullPolicy")
TRUST_DOMAIN = ("spec", "security", "trust", "domain")
GATEWAYS_ENABLED = ("spec", "gateways", "enabled")
EGRESS_MAP = ("spec", "gateways", "additionalEgress")
INGRESS_MAP = ("spec", "gateways", "additionalIngress")

# inside one additional gateway
ENABLED = ("enabled",)
NETWORK_VIEW = ("requestedNetworkView",)
ROUTER_MODE = ("routerMode",)
SERVICE_TYPE = ("service", "type")
LABELS = ("service", "metadata", "labels")
ANNOTATIONS = ("service", "metadata", "annotations")
PORTS = ("service", "ports")
NODE_PORT = ("nodePort",)          # inside a port item
ROUTE_CONFIG = ("routeConfig",)
ROUTE_ENABLED = ROUTE_CONFIG + ("enabled",)


def port_item(number: int) -> Path:
    """The item of `service.ports` for port `number`."""
    return PORTS + (Item("port", number),)


def node_port_path(number: int) -> Path:
    return port_item(number) + NODE_PORT


def gateway_base(kind: str, name: str) -> Path:
    """`spec.gateways.additionalEgress.<name>` (kind "egress") or `...additionalIngress.<name>`."""
    return (EGRESS_MAP if kind == "egress" else INGRESS_MAP) + (name,)


def label_path(kind: str) -> Path:
    """The federation label of an egress or ingress gateway, inside the gateway."""
    return LABELS + (EGRESS_LABEL if kind == "egress" else INGRESS_LABEL,)


def path_text(path: Path) -> str:
    """`spec.gateways.additionalIngress.ingress-green.service.ports[port=15443].nodePort`"""
    out = ""
    for seg in path:
        out += str(seg) if isinstance(seg, Item) else ("." + seg if out else seg)
    return out


# --- reading a value at a path ----------------------------------------------------------------------

def node_at(root: Node | None, path: Path) -> Node | None:
    """The value node at `path` (an Item selects the list item whose key holds that number), or None."""
    node = root
    for seg in path:
        if isinstance(seg, Item):
            if not isinstance(node, SequenceNode):
                return None
            node = next((item for item in node.value if int_value(get_value(item, seg.key)) == seg.value), None)
        else:
            node = get_value(node, seg)
        if node is None:
            return None
    return node


def scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and not is_null(node) else None


def string_list(node: Node | None) -> tuple[str, ...] | None:
    if isinstance(node, SequenceNode):
        return tuple(item.value for item in node.value if isinstance(item, ScalarNode))
    return None


# --- the table ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """One path the wizard writes: a model attribute (`owner` "mesh", "peer" or "exposure"; `read`
    turns the file's node into the value, `write` the value into YAML) or a fixed value."""

    path: Path
    owner: str | None = None          # None: `fixed` is written whatever the model says
    attr: str = ""
    fixed: object = None
    read: Callable[[Node | None], object] = scalar
    write: Callable[[object], object] = lambda value: value

    def value(self, mesh: Mesh, peer: Peer | None = None):
        if self.owner is None:
            return self.fixed
        owner = mesh if self.owner == "mesh" else peer if self.owner == "peer" else peer.exposure
        return self.write(getattr(owner, self.attr))


# The mesh's own fields before the gateways, and after them (the docs write the trust domain last).
MESH_PLACES = (
    Place(("apiVersion",), fixed="maistra.io/v2"),
    Place(("kind",), fixed="ServiceMeshControlPlane"),
    Place(SMCP_NAME, "mesh", "name", read=lambda node: scalar(node) or ""),
    Place(SMCP_NAMESPACE, "mesh", "namespace"),
    Place(VERSION, "mesh", "version"),
    Place(CLUSTER_NAME, "mesh", "cluster_name"),
    Place(NETWORK, "mesh", "network"),
    Place(IMAGE_PULL_POLICY, "mesh", "image_pull_policy"),
)
MESH_TAIL_PLACES = (Place(TRUST_DOMAIN, "mesh", "trust_domain"),)

# Relative to a peer's egress gateway.
EGRESS_PLACES = (
    Place(ENABLED, fixed=True),
    Place(NETWORK_VIEW, "peer", "network_view", read=string_list,
          write=lambda view: list(view) if view is not None else None),
    Place(ROUTER_MODE, "peer", "router_mode"),
    Place(label_path("egress"), "peer", "egress_label"),
    Place(port_item(TLS_PORT) + ("port",), fixed=TLS_PORT),
    Place(port_item(TLS_PORT) + ("name",), fixed="tls"),
    Place(port_item(DISCOVERY_PORT) + ("port",), fixed=DISCOVERY_PORT),
    Place(port_item(DISCOVERY_PORT) + ("name",), fixed="http-discovery"),
)

# Relative to a peer's ingress gateway; the "exposure" rows are how the peer reaches it.
INGRESS_PLACES = (
    Place(ENABLED, fixed=True),
    Place(ROUTER_MODE, "peer", "router_mode"),
    Place(SERVICE_TYPE, "exposure", "service_type"),
    Place(label_path("ingress"), "peer", "ingress_label"),
    Place(ANNOTATIONS + (NLB_ANNOTATION,), "exposure", "aws_nlb", read=lambda node: scalar(node) == "nlb",
          write=lambda nlb: "nlb" if nlb else None),
    Place(port_item(TLS_PORT) + ("port",), fixed=TLS_PORT),
    Place(node_port_path(TLS_PORT), "exposure", "tls_node_port", read=int_value),
    Place(port_item(TLS_PORT) + ("name",), fixed="tls"),
    Place(port_item(DISCOVERY_PORT) + ("port",), fixed=DISCOVERY_PORT),
    Place(node_port_path(DISCOVERY_PORT), "exposure", "discovery_node_port", read=int_value),
    Place(port_item(DISCOVERY_PORT) + ("name",), fixed="https-discovery"),
    Place(ROUTE_ENABLED, "exposure", "route_enabled", read=bool_value),
)
EXPOSURE_PLACES = tuple(p for p in INGRESS_PLACES if p.owner == "exposure")
# What inside an ingress gateway is how the peer reaches it (the wizard's Exposure step shows its
# findings): the service type, any port's nodePort, the annotations, the Route. Every exposure place
# lies in one of them (tests/test_fields_shared.py checks it).
EXPOSURE_AREAS = (SERVICE_TYPE, NODE_PORT, ANNOTATIONS, ROUTE_CONFIG)


def read_places(places: tuple[Place, ...], root: Node | None, owner: str) -> dict[str, object]:
    """The attributes of `owner` ("mesh" or "exposure") that `places` read from `root`."""
    return {p.attr: p.read(node_at(root, p.path)) for p in places if p.owner == owner}


def path_of(scope: str, attr: str, mesh: Mesh, peer: Peer | None) -> Path | None:
    """The absolute path of a model attribute (the first place it is written), or None."""
    if scope == "mesh":
        return next((p.path for p in MESH_PLACES + MESH_TAIL_PLACES if p.owner == "mesh" and p.attr == attr), None)
    if peer is None:
        return None
    for base, places in ((EGRESS_MAP + (peer.egress,), EGRESS_PLACES), (INGRESS_MAP + (peer.ingress,), INGRESS_PLACES)):
        found = next((p.path for p in places if p.owner == scope and p.attr == attr), None)
        if found is not None:
            return base + found
    return None


def also_paths_of(scope: str, attr: str, mesh: Mesh, peer: Peer | None) -> tuple[Path, ...]:
    """Every other absolute path the attribute is written to (a peer's routerMode is on both gateways)."""
    first = path_of(scope, attr, mesh, peer)
    if scope == "mesh" or peer is None:
        return ()
    out = []
    for base, places in ((EGRESS_MAP + (peer.egress,), EGRESS_PLACES), (INGRESS_MAP + (peer.ingress,), INGRESS_PLACES)):
        out += [base + p.path for p in places if p.owner == scope and p.attr == attr and base + p.path != first]
    return tuple(out)


# --- the assignments ------------------------------------------------------------------------------------

def mesh_assignments(mesh: Mesh) -> list[Assignment]:
    """The mesh-level fields, in the docs' key order. Peers come from `egress_assignments` /
    `ingress_assignments`, placed under their gateway key."""
    return [(p.path, p.value(mesh)) for p in MESH_PLACES]


def mesh_tail_assignments(mesh: Mesh) -> list[Assignment]:
    """Fields the docs write after the gateways."""
    return [(p.path, p.value(mesh)) for p in MESH_TAIL_PLACES]


def egress_assignments(peer: Peer) -> list[Assignment]:
    """Relative to the egress gateway's own mapping."""
    return [(p.path, p.value(None, peer)) for p in EGRESS_PLACES]


def ingress_assignments(peer: Peer) -> list[Assignment]:
    """Relative to the ingress gateway's own mapping."""
    return [(p.path, p.value(None, peer)) for p in INGRESS_PLACES]


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
