"""What the wizard edits: a mesh, its federation peers and how each peer's ingress is exposed.

Frozen dataclasses, so every edit makes a new value and a screen can compare old and new cheaply.
Optional fields are `None` when the file does not say them (so a no-change edit writes nothing);
the `default_*` functions give what the docs and the operator code recommend for a new value.
"""
from __future__ import annotations

import zlib

from dataclasses import dataclass, field, replace

from .i18n import _

SERVICE_TYPES = ("LoadBalancer", "NodePort", "ClusterIP")
VERSIONS = ("v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v2.6")
DEFAULT_VERSION = "v2.6"
IMAGE_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
ROUTER_MODES = ("sni-dnat", "standard")
DEFAULT_NODE_PORT_RANGE = (30000, 32767)

# The federation controller hard-codes these two service ports.
TLS_PORT = 15443
DISCOVERY_PORT = 8188
EGRESS_LABEL = "federation.maistra.io/egress-for"
INGRESS_LABEL = "federation.maistra.io/ingress-for"
NLB_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"


def default_namespace(mesh_name: str) -> str:
    return f"{mesh_name}-system"


def default_trust_domain(mesh_name: str) -> str:
    return f"{mesh_name}.local"


def default_egress_name(peer: str) -> str:
    return f"egress-{peer}"


def default_ingress_name(peer: str) -> str:
    return f"ingress-{peer}"


def default_network_view(peer: str) -> tuple[str, ...]:
    # The docs say `<peer>-network`; the federation code names the peer's network `network-<peer>`,
    # and so do the maintained samples. We follow the code.
    return (f"network-{peer}",)


@dataclass(frozen=True)
class Conventions:
    """How a file names the gateways, labels and network view of its peers, so a peer added to it
    (or renamed in it) follows the file's own style. Upstream's samples name gateways `<peer>-egress`
    and label them with the peer's name; the docs write `egress-<peer>` labelled with the gateway's
    name. Both work (no code reads the label)."""

    suffix: bool = False            # `<peer>-egress` rather than `egress-<peer>`
    label_is_peer: bool = False     # the federation label holds the peer's name, not the gateway's
    network_view: bool = True       # `[network-<peer>]`; False: the file's peers set no view
    # the ingresses are NodePort services (a cluster without load balancers); a ClusterIP ingress, which
    # no other cluster reaches, is not copied
    node_port: bool = False

    def egress(self, peer: str) -> str:
        return f"{peer}-egress" if self.suffix else default_egress_name(peer)

    def ingress(self, peer: str) -> str:
        return f"{peer}-ingress" if self.suffix else default_ingress_name(peer)

    def label(self, peer: str, gateway: str) -> str:
        return peer if self.label_is_peer else gateway

    def view(self, peer: str) -> tuple[str, ...] | None:
        return default_network_view(peer) if self.network_view else None

    def new_peer(self, name: str, **overrides) -> "Peer":
        egress = overrides.pop("egress", None) or self.egress(name)
        ingress = overrides.pop("ingress", None) or self.ingress(name)
        # routeConfig.enabled: false: a federation ingress serves nothing on the Route's port 8080,
        # so the tool's own default draws no finding (SMF092)
        values = dict(name=name, egress=egress, ingress=ingress, network_view=self.view(name),
                      egress_label=self.label(name, egress), ingress_label=self.label(name, ingress),
                      exposure=Exposure(service_type="NodePort" if self.node_port else "LoadBalancer",
                                        route_enabled=False))
        values.update(overrides)
        return Peer(**values)


DEFAULT_CONVENTIONS = Conventions()


def conventions_of(mesh: "Mesh") -> Conventions:
    """The style most of the mesh's peers follow (the first peer breaks a tie); the defaults for a
    mesh without peers. A view in the docs' `<peer>-network` form is not copied: the federation code
    never puts endpoints on such a network."""
    if not mesh.peers:
        return DEFAULT_CONVENTIONS

    def vote(flags: list[bool]) -> bool:
        yes, no = flags.count(True), flags.count(False)
        return flags[0] if yes == no else yes > no

    suffix = vote([p.egress == f"{p.name}-egress" or p.ingress == f"{p.name}-ingress" for p in mesh.peers])
    label_is_peer = vote([p.egress_label == p.name or p.ingress_label == p.name for p in mesh.peers])
    view = vote([p.network_view is not None for p in mesh.peers])
    return Conventions(suffix, label_is_peer, view)


def new_peer_conventions(mesh: "Mesh") -> Conventions:
    """How a peer added to `mesh` (the file as loaded) is made: as its peers are named, labelled and
    viewed (`conventions_of`), with a NodePort ingress when most of their ingresses are NodePort (a
    cluster without load balancers). The one derivation for every front-end that adds a peer (`edit
    --peer`, the wizard, plain mode); each says the ingress type it took as assumed."""
    votes = [p.exposure.service_type == "NodePort" for p in mesh.peers]
    return replace(conventions_of(mesh), node_port=bool(votes) and votes.count(True) > votes.count(False))


@dataclass(frozen=True)
class Exposure:
    """How the peer reaches this mesh's federation ingress gateway."""

    service_type: str | None = "LoadBalancer"
    tls_node_port: int | None = None
    discovery_node_port: int | None = None
    aws_nlb: bool = False
    # None: leave `routeConfig` unwritten (the operator then creates a Route); False: `routeConfig.enabled: false`.
    route_enabled: bool | None = None


@dataclass(frozen=True)
class Peer:
    name: str
    egress: str
    ingress: str
    network_view: tuple[str, ...] | None
    egress_label: str | None
    ingress_label: str | None
    exposure: Exposure = field(default_factory=Exposure)
    router_mode: str | None = None
    # The (egress, ingress) gateway keys this peer was read from, None for a new peer. It lets the
    # editor tell a renamed peer from a removed one plus an added one.
    read_from_gateways: tuple[str, str] | None = field(default=None, compare=False)

    @classmethod
    def new(cls, name: str, **overrides) -> "Peer":
        """A peer named the default way (a new file); `Conventions.new_peer` follows a file's style."""
        return DEFAULT_CONVENTIONS.new_peer(name, **overrides)

    def with_exposure(self, **changes) -> "Peer":
        return replace(self, exposure=replace(self.exposure, **changes))


@dataclass(frozen=True)
class Mesh:
    name: str
    namespace: str | None
    version: str | None = DEFAULT_VERSION
    trust_domain: str | None = None
    cluster_name: str | None = None
    network: str | None = None
    image_pull_policy: str | None = None
    peers: tuple[Peer, ...] = ()
    # What its peers call this mesh: their ServiceMeshPeer for it and their gateways for it carry this
    # name, which need not be the SMCP's (upstream's sample: SMCP `fed-export` is `mesh1`). It is in
    # no field of the SMCP; None: the SMCP name.
    federation_name: str | None = None

    @property
    def federation(self) -> str:
        return self.federation_name or self.name

    @classmethod
    def new(cls, name: str, **overrides) -> "Mesh":
        values = dict(name=name, namespace=default_namespace(name), trust_domain=default_trust_domain(name))
        values.update(overrides)
        return cls(**values)

    def peer(self, name: str) -> Peer | None:
        return next((p for p in self.peers if p.name == name), None)

    def with_peer(self, peer: Peer) -> "Mesh":
        """Replace the peer of the same name, or add it at the end."""
        if self.peer(peer.name) is None:
            return replace(self, peers=self.peers + (peer,))
        return replace(self, peers=tuple(peer if p.name == peer.name else p for p in self.peers))

    def without_peer(self, name: str) -> "Mesh":
        return replace(self, peers=tuple(p for p in self.peers if p.name != name))


# --- renaming: defaults follow the name until the user changes them ---------------------------------

def rename_mesh(mesh: Mesh, new_name: str) -> Mesh:
    """Set the mesh name; the namespace and trust domain follow it while they still hold the
    defaults derived from the old name (the user has not chosen their own)."""
    changes: dict = {"name": new_name}
    if mesh.namespace == default_namespace(mesh.name):
        changes["namespace"] = default_namespace(new_name)
    if mesh.trust_domain == default_trust_domain(mesh.name):
        changes["trust_domain"] = default_trust_domain(new_name)
    return replace(mesh, **changes)


def rename_peer(mesh: Mesh, old_name: str, new_name: str) -> Mesh:
    """Rename a peer; gateway names, labels and the network view that still hold the old defaults
    follow the new name."""
    peer = mesh.peer(old_name)
    if peer is None:
        raise KeyError(old_name)
    changes: dict = {"name": new_name}
    for style in (Conventions(suffix=True), DEFAULT_CONVENTIONS):
        if peer.egress == style.egress(old_name) and "egress" not in changes:
            changes["egress"] = style.egress(new_name)
        if peer.ingress == style.ingress(old_name) and "ingress" not in changes:
            changes["ingress"] = style.ingress(new_name)
    for label, gateway in (("egress_label", "egress"), ("ingress_label", "ingress")):
        if getattr(peer, label) == getattr(peer, gateway) and gateway in changes:
            changes[label] = changes[gateway]
        elif getattr(peer, label) == old_name:    # the peer-name label style
            changes[label] = new_name
    if peer.network_view == default_network_view(old_name):
        changes["network_view"] = default_network_view(new_name)
    new = replace(peer, **changes)
    return replace(mesh, peers=tuple(new if p.name == old_name else p for p in mesh.peers))


def used_node_ports(mesh: Mesh, *, except_peer: str | None = None) -> set[int]:
    used: set[int] = set()
    for p in mesh.peers:
        if p.name != except_peer:
            used.update(x for x in (p.exposure.tls_node_port, p.exposure.discovery_node_port) if x is not None)
    return used


def free_node_ports(mesh: Mesh, peer_name: str, node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
                    taken: set[int] = frozenset(), *, spread_by: str | None = None) -> tuple[int, int]:
    """Two node ports free within the file (and `taken`, e.g. other files of the same cluster).
    Without `spread_by`: the lowest first, so a second run picks the same pair (topology). With it
    (the wizard's "pick free node ports"): from a place in the range that `spread_by` chooses, the
    same place every time for the same text, so that not every mesh starts at 30000 and 30001, the
    ports a real cluster has most likely handed out already."""
    used = used_node_ports(mesh, except_peer=peer_name) | set(taken)
    lo, hi = node_port_range
    size = hi - lo + 1
    start = 0 if spread_by is None else zlib.crc32(spread_by.encode("utf-8")) % size
    free = []
    for offset in range(size):
        port = lo + (start + offset) % size
        if port not in used:
            free.append(port)
            if len(free) == 2:
                return free[0], free[1]
    raise ValueError(_("no two free node ports left in {lo}-{hi}").format(lo=lo, hi=hi))


def service_account(gateway: str) -> str:
    """The operator names a gateway's ServiceAccount `<gateway>-service-account`."""
    return f"{gateway}-service-account"


def client_id(trust_domain: str, namespace: str, egress_gateway: str) -> str:
    """The clientID: `<peer td>/ns/<peer control-plane ns>/sa/<peer's egress gateway for us>-service-account`."""
    return f"{trust_domain}/ns/{namespace}/sa/{service_account(egress_gateway)}"
