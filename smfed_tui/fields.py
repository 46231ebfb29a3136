"""Each field the wizard asks for, declared once: its label, the docs' description, how its text is
parsed and checked, where it lives in the model and in the YAML.

The Textual form, the questionary prompts and the CLI flags are all rendered from these
declarations, so the three cannot drift apart (one declaration, many renderings).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .i18n import N_, Translated, _
from .model import IMAGE_PULL_POLICIES, ROUTER_MODES, SERVICE_TYPES, VERSIONS, Mesh, Peer
from .smcp_paths import also_paths_of, gateway_base, path_of, path_text
from .quoting import _CONTROL, visible
from .checks.values import (dns1035_problem, dns1123_problem, label_value_problem, node_port_problem,
                            peer_name_problem, trust_domain_problem)

TEXT, CHOICE, INT, BOOL, LIST = "text", "choice", "int", "bool", "list"

# Control characters (a file may hold them, a terminal would obey them): `format` shows them as escapes
# (`visible`), `parse` refuses them.


@dataclass(frozen=True)
class Field:
    key: str                    # CLI name: `--<key>` for the mesh, `--peer NAME:<key>=...` for a peer
    scope: str                  # "mesh" | "peer" | "exposure"
    attr: str                   # attribute on Mesh / Peer / Exposure
    label_msgid: str            # the label and the help are English message ids, shown translated
    help_msgid: str             # what the docs say it is (their tables of the SMCP's gateway fields)
    kind: str = TEXT
    choices: tuple = ()
    optional: bool = False
    check: Callable[[str], str | None] | None = None   # a problem with one value, or None
    # where the value lives in the SMCP when it is not its attribute's row of `smcp_paths` (a gateway
    # name field is the gateway's key): the table says where every other field is
    yaml: Callable[[Mesh, Peer | None], tuple] | None = None
    label = Translated("label_msgid")
    help = Translated("help_msgid")

    def parse(self, text: str):
        """Turn what the user typed into a model value; ValueError with a message when it cannot."""
        text = text.strip()
        control = _CONTROL.search(text)
        if control:  # pasted, or shown from a file by `format`: never a value, and never sent to a terminal
            raise ValueError(_("contains the control character U+{code:04X}").format(code=ord(control.group())))
        if text == "":
            if self.optional:
                return None
            raise ValueError(_("is required"))
        if self.kind == INT:
            # str.isdigit() accepts '²' and other digits int() refuses; ports have at most 5 digits
            if not (text.isascii() and text.isdigit()) or len(text) > 5:
                raise ValueError(_("{text!r} is not a number").format(text=text))
            value = int(text)
        elif self.kind == BOOL:
            lowered = text.lower()
            if lowered not in ("true", "false", "yes", "no", "on", "off"):
                raise ValueError(_("{text!r} is not true or false").format(text=text))
            value = lowered in ("true", "yes", "on")
        elif self.kind == LIST:
            value = tuple(part.strip() for part in text.replace("+", ",").split(",") if part.strip())
        else:
            value = text
        if self.kind == CHOICE and value not in self.choices:
            raise ValueError(_("{text!r} is not one of {choices}").format(text=text, choices=", ".join(self.choices)))
        if self.check:
            for item in (value if self.kind == LIST else (value,)):
                problem = self.check(item)
                if problem:
                    raise ValueError(problem)
        return value

    def format(self, value) -> str:
        if value is None:
            return ""
        if self.kind == BOOL:
            return "true" if value else "false"
        if self.kind == LIST:
            return visible(", ".join(value))
        return visible(str(value))

    def problem(self, text: str) -> str | None:
        try:
            self.parse(text)
        except ValueError as exc:
            return str(exc)
        return None

    def value_problem(self, value) -> str | None:
        """What a value already in the model (read from a file, or applied while it broke a rule)
        breaks, in the words the field says when it is typed; None without a check."""
        if value is None or self.check is None:
            return None
        return self.problem(self.format(value))

    def get(self, mesh: Mesh, peer: Peer | None = None):
        owner = mesh if self.scope == "mesh" else peer if self.scope == "peer" else peer.exposure
        return getattr(owner, self.attr)

    def set(self, mesh: Mesh, peer_name: str | None, value) -> Mesh:
        """The mesh with this field of the mesh (or of peer `peer_name`) set to `value`."""
        if self.scope == "mesh":
            return replace(mesh, **{self.attr: value})
        peer = mesh.peer(peer_name)
        if self.scope == "peer":
            new = replace(peer, **{self.attr: value})
        else:
            new = peer.with_exposure(**{self.attr: value})
        return replace(mesh, peers=tuple(new if p.name == peer_name else p for p in mesh.peers))

    def location(self, mesh: Mesh, peer: Peer | None = None) -> tuple | None:
        """Where the value lives in the SMCP (the first place it is written), None when nowhere of its
        own (a peer's name)."""
        if self.yaml is not None:
            return self.yaml(mesh, peer)
        return path_of(self.scope, self.attr, mesh, peer)

    def path(self, mesh: Mesh, peer: Peer | None = None) -> str:
        location = self.location(mesh, peer)
        return path_text(location) if location else ""

    def paths(self, mesh: Mesh, peer: Peer | None = None) -> list[str]:
        """Every YAML path the value is written to, `path` first (routerMode goes on both gateways of a
        peer): their findings are this field's too."""
        first = self.path(mesh, peer)
        extra = [path_text(p) for p in also_paths_of(self.scope, self.attr, mesh, peer)] if self.yaml is None else []
        return [first, *extra] if first else extra


def _trust_domain_problem(value: str) -> str | None:
    if value == "cluster.local":
        return _("cluster.local is every mesh's default; federation needs a unique domain, e.g. <mesh>.local")
    return trust_domain_problem(value)


def _node_port(value: int) -> str | None:
    return node_port_problem(value)


def _egress(mesh, peer):
    return gateway_base("egress", peer.egress)


def _ingress(mesh, peer):
    return gateway_base("ingress", peer.ingress)


MESH_FIELDS = (
    Field("name", "mesh", "name", N_("Mesh name"),
          N_("metadata.name of the ServiceMeshControlPlane; also the default for the namespace and the trust domain."),
          check=dns1123_problem),
    Field("namespace", "mesh", "namespace", N_("Control plane namespace"),
          N_("The project the control plane runs in (default <name>-system). Federation gateways run here too."),
          check=dns1123_problem),
    Field("version", "mesh", "version", N_("Version"),
          N_("spec.version: federation needs v2.1 or later; operator 2.5 serves v2.2 to v2.5, operator 2.6 v2.3 to "
             "v2.6."),
          kind=CHOICE, choices=VERSIONS),
    Field("trust-domain", "mesh", "trust_domain", N_("Trust domain"),
          N_("spec.security.trust.domain: each mesh in the federation must have its own unique trust domain "
             "(convention <mesh-name>.local)."),
          check=_trust_domain_problem),
    Field("cluster-name", "mesh", "cluster_name", N_("Cluster name"),
          N_("spec.cluster.name: the name of the cluster. Not required, but helpful for troubleshooting."),
          optional=True),
    Field("network", "mesh", "network", N_("Cluster network"),
          N_("spec.cluster.network: the name of the cluster network. Not required, but helpful for "
             "configuration and troubleshooting."),
          optional=True),
    Field("image-pull-policy", "mesh", "image_pull_policy", N_("Image pull policy"),
          N_("spec.runtime.defaults.container.imagePullPolicy for every control plane component."),
          kind=CHOICE, choices=IMAGE_PULL_POLICIES, optional=True),
)

PEER_FIELDS = (
    Field("name", "peer", "name", N_("Peer mesh name"),
          N_("The name of the ServiceMeshPeer for this peer: it identifies the 'cluster' imported services "
             "belong to and appears in host names, so it must be a DNS label (at most 55 characters)."),
          check=peer_name_problem),
    Field("egress", "peer", "egress", N_("Egress gateway"),
          N_("additionalEgress.<egressName>: an additional egress gateway for each mesh peer in the federation."),
          check=dns1035_problem, yaml=_egress),
    Field("ingress", "peer", "ingress", N_("Ingress gateway"),
          N_("additionalIngress.<ingressName>: an additional ingress gateway for each mesh peer in the federation."),
          check=dns1035_problem, yaml=_ingress),
    Field("network", "peer", "network_view", N_("Requested network view"),
          N_("requestedNetworkView: networks associated with exported services. The docs say <peer>-network; "
             "the federation code names the peer's network network-<peer>, which is the default here."),
          kind=LIST, optional=True),
    Field("egress-label", "peer", "egress_label", N_("Egress label (egress-for)"),
          N_("federation.maistra.io/egress-for: a unique label for the gateway to prevent federated traffic "
             "from flowing through the cluster's default system gateways."),
          optional=True, check=label_value_problem),
    Field("ingress-label", "peer", "ingress_label", N_("Ingress label (ingress-for)"),
          N_("federation.maistra.io/ingress-for: a unique label for the gateway to prevent federated traffic "
             "from flowing through the cluster's default system gateways."),
          optional=True, check=label_value_problem),
    Field("router-mode", "peer", "router_mode", N_("Router mode"),
          N_("routerMode: the router mode for the gateways. Only v2.1 reads it; leave it empty for v2.2+."),
          kind=CHOICE, choices=ROUTER_MODES, optional=True),
)

EXPOSURE_FIELDS = (
    Field("service", "exposure", "service_type", N_("Ingress service type"),
          N_("service.type: the ingress gateway must be exposed through a layer-4, publicly available load "
             "balancer (LoadBalancer); if the cluster has no LoadBalancer services, use NodePort."),
          kind=CHOICE, choices=SERVICE_TYPES, optional=True),
    Field("tls-node-port", "exposure", "tls_node_port", N_("TLS node port (15443)"),
          N_("service.ports.nodePort for port 15443: if given, both ports need one; it must be in the range "
             "30000-32767 (or the cluster's configured range)."),
          kind=INT, optional=True, check=_node_port),
    Field("discovery-node-port", "exposure", "discovery_node_port", N_("Discovery node port (8188)"),
          N_("service.ports.nodePort for port 8188 (service discovery): both ports or neither."),
          kind=INT, optional=True, check=_node_port),
    Field("nlb", "exposure", "aws_nlb", N_("AWS network load balancer"),
          N_("Adds the annotation service.beta.kubernetes.io/aws-load-balancer-type: nlb, which AWS requires for "
             "a layer-4 load balancer."),
          kind=BOOL),
    Field("route", "exposure", "route_enabled", N_("OpenShift Route"),
          N_("routeConfig.enabled: the operator creates a Route for every additional ingress unless this is "
             "false; a federation ingress does not need one."),
          kind=BOOL, optional=True),
)

PEER_OPTION_FIELDS = {f.key: f for f in PEER_FIELDS[1:] + EXPOSURE_FIELDS}
MESH_FIELD_BY_KEY = {f.key: f for f in MESH_FIELDS}
