"""The federation resources each mesh needs per peer, built from the model: pure, no I/O.

An SMCP alone federates nothing. For each peer P of a
mesh M, M's control-plane namespace needs:
- the ConfigMap `P-ca-root-cert` holding P's root certificate under `root-cert.pem`,
- the ServiceMeshPeer `P`: P's ingress addresses and ports, M's gateway pair for P,
  P's trust domain, the clientID of P's egress gateway for M, the certificate chain ConfigMap,
- the ExportedServiceSet `P` and the ImportedServiceSet `P`.
Everything here is derived from values; the text is written by `emit` (scalars quoted by `quoting`).
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field, replace

from .emit import emit_document
from .i18n import _
from .model import DISCOVERY_PORT, TLS_PORT, Exposure, Mesh, Peer, client_id, conventions_of, \
    default_namespace, default_trust_domain

FEDERATION_API = "federation.maistra.io/v1"
CA_KEY = "root-cert.pem"                      # the entry of the certificateChain ConfigMap the code reads
PLACEHOLDER_MARK = "REPLACE ME"               # a ConfigMap value starting with this is not a certificate yet
PLACEHOLDER_DOMAIN = ".replace-me.invalid"    # RFC 2606 `.invalid`: a placeholder address never resolves


def ca_config_map_name(peer: str) -> str:
    """The docs' convention and the code's default for an empty certificateChain name."""
    return f"{peer}-ca-root-cert"


def placeholder_address(peer: str) -> str:
    return f"{peer}-ingress{PLACEHOLDER_DOMAIN}"


# --- the root certificate -------------------------------------------------------------------------

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.DOTALL)


class CertificateError(ValueError):
    """The text given as a root certificate is not one (or holds something that must not be published)."""


def _der_element(der: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at `offset`."""
    if offset + 2 > len(der):
        raise CertificateError(_("the DER data ends early"))
    tag, first = der[offset], der[offset + 1]
    if first < 0x80:
        return tag, offset + 2, offset + 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or offset + 2 + count > len(der):
        raise CertificateError(_("the DER length is not valid"))
    length = int.from_bytes(der[offset + 2:offset + 2 + count], "big")
    start = offset + 2 + count
    return tag, start, start + length


def _check_certificate_der(der: bytes) -> None:
    """An X.509 Certificate is SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE,
    signatureValue BIT STRING } (RFC 5280 §4.1). Enough structure to tell a certificate from other data."""
    tag, start, end = _der_element(der, 0)
    if tag != 0x30 or end != len(der):
        raise CertificateError(_("the block is not one DER SEQUENCE"))
    tags, offset = [], start
    while offset < end:
        inner_tag, _s, inner_end = _der_element(der, offset)
        if inner_end > end:
            raise CertificateError(_("the DER data ends early"))
        tags.append(inner_tag)
        offset = inner_end
    if tags != [0x30, 0x30, 0x03]:
        raise CertificateError(_("the DER data is not shaped like an X.509 certificate"))


def normalize_certificates(text: str) -> str:
    """The PEM certificates in `text`, re-armoured canonically (64-column base64 of the checked DER).

    Raises CertificateError when there is no CERTIFICATE block, a block is something else (a private
    key must never go into a ConfigMap), or the base64/DER is not a certificate."""
    blocks = list(_PEM_BLOCK.finditer(text))
    if not blocks:
        raise CertificateError(_("no PEM block (-----BEGIN CERTIFICATE-----) found"))
    out = []
    for number, m in enumerate(blocks, 1):
        label, body, end_label = m.group(1), m.group(2), m.group(3)
        if label != end_label:
            raise CertificateError(_("block {number} begins as {label} but ends as {end}").format(
                number=number, label=label, end=end_label))
        if label != "CERTIFICATE":
            message = (_("block {number} is a {label}, not a CERTIFICATE; a key must never be published in a ConfigMap")
                       if "KEY" in label else _("block {number} is a {label}, not a CERTIFICATE"))
            raise CertificateError(message.format(number=number, label=label))
        compact = "".join(body.split())
        try:
            der = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise CertificateError(_("block {number} is not valid base64").format(number=number)) from None
        try:
            _check_certificate_der(der)
        except CertificateError as exc:
            raise CertificateError(_("block {number}: {problem}").format(number=number, problem=exc)) from None
        encoded = base64.b64encode(der).decode("ascii")
        lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
        out.append("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n")
    return "".join(out)


def is_certificate(text: str) -> bool:
    try:
        normalize_certificates(text)
    except CertificateError:
        return False
    return True


# --- values given by the user ---------------------------------------------------------------------

_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_SELECTOR_PART = re.compile(r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$")


def address_problem(address: str) -> str | None:
    """spec.remote.addresses holds IPs or DNS names of the peer's ingress."""
    import ipaddress
    try:
        ipaddress.ip_address(address)
        return None
    except ValueError:
        pass
    if len(address) > 253 or not _DNS_SUBDOMAIN.match(address):
        host = _host_of(address)
        if host is not None:   # the host alone is what resolves; the ports are fields of their own
            what = _("a URL") if "://" in address else _("HOST:PORT")
            return _("{address!r} is {what}, neither an IP address nor a DNS name: give the host alone, {host!r}").format(
                address=address, what=what, host=host)
        return _("{address!r} is neither an IP address nor a DNS name").format(address=address)
    return None


def _host_of(address: str) -> str | None:
    """The host of `scheme://host[:port][/...]` or `host:port` (an IPv6 one in brackets), when it is an IP
    address or a DNS name; None otherwise."""
    import ipaddress
    rest = address.split("://", 1)[1] if "://" in address else address
    rest = rest.split("/", 1)[0]
    if rest.startswith("["):
        host, _bracket, port = rest[1:].partition("]")
        port = port[1:] if port.startswith(":") else None if port else ""
    else:
        host, colon, port = rest.partition(":")
        port = port if colon else ""
    if host == address or port is None or (port and not port.isdigit()):
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return host if host and len(host) <= 253 and _DNS_SUBDOMAIN.match(host) else None


def parse_service_ref(text: str) -> "ServiceRef":
    """`NS/NAME` (either may be `*`, which matches any) -> ServiceRef; ValueError otherwise."""
    namespace, sep, name = text.strip().partition("/")
    if not sep or not _SELECTOR_PART.match(namespace) or not _SELECTOR_PART.match(name):
        raise ValueError(_("{text!r} is not NAMESPACE/NAME (DNS labels, or * for any)").format(text=text))
    return ServiceRef(namespace, name)


# --- what one mesh knows about a peer ---------------------------------------------------------------

@dataclass(frozen=True)
class Assumption:
    """A value about a peer that nobody gave: it was derived from a naming convention. The clientID
    built from it goes into the peer's DENY AuthorizationPolicies (ports 8188 and 15443), so a wrong
    guess blocks the peer while everything applies cleanly: it is always said as an assumption."""

    peer: str
    key: str            # the per-peer field that gives the real value (`peer_facts.BUNDLE_FIELDS` key)
    value: str
    derived_from: str   # what it was derived from, in words


# Remote attribute -> the field key of `peer_facts.BUNDLE_FIELDS` that gives it.
ASSUMABLE = {"namespace": "namespace", "trust_domain": "trust-domain", "egress_for_us": "egress"}


@dataclass(frozen=True)
class Remote:
    """The peer-side facts a ServiceMeshPeer needs."""

    namespace: str
    trust_domain: str
    egress_for_us: str                      # the peer's egress gateway serving this mesh
    addresses: tuple[str, ...] = ()         # the peer's federation ingress: LB address or node IPs
    service_port: int = TLS_PORT            # 15443 for a LoadBalancer, the node port for NodePort
    discovery_port: int = DISCOVERY_PORT    # 8188 for a LoadBalancer, the node port for NodePort
    ca_pem: str | None = None               # checked, canonical PEM (normalize_certificates)
    ports_known: bool = True                # False: NodePort without fixed node ports
    assumptions: tuple[Assumption, ...] = ()   # the values above that were derived, not given

    def given(self, **changes) -> "Remote":
        """These values, given by the user or read from a file: no longer assumptions."""
        keys = {ASSUMABLE[attr] for attr in changes if attr in ASSUMABLE}
        kept = tuple(a for a in self.assumptions if a.key not in keys)
        return replace(self, **changes, assumptions=kept)

    def assumed(self, key: str) -> Assumption | None:
        return next((a for a in self.assumptions if a.key == key), None)


def default_remote(local: Mesh, peer: Peer) -> Remote:
    """What the conventions give when nothing is known about the peer, each value an Assumption.

    The peer's egress gateway for us is guessed in this file's own naming style (upstream's sample
    names it `<mesh>-egress`, the docs `egress-<mesh>`), with this mesh's federation name."""
    namespace, trust_domain = default_namespace(peer.name), default_trust_domain(peer.name)
    egress = conventions_of(local).egress(local.federation)
    from_peer_name = _("the peer's name {peer!r}").format(peer=peer.name)
    if local.federation_name is None:   # what the peers call this mesh is itself taken from the SMCP's name
        style = _("this mesh's SMCP name {name!r}, taken as the name its peers know it by, in this file's gateway "
                  "naming ({example})").format(name=local.name, example=peer.egress)
    else:
        style = _("this mesh's federation name {name!r} in this file's gateway naming ({example})").format(
            name=local.federation, example=peer.egress)
    return Remote(namespace=namespace, trust_domain=trust_domain, egress_for_us=egress, assumptions=(
        Assumption(peer.name, "namespace", namespace, from_peer_name),
        Assumption(peer.name, "trust-domain", trust_domain, from_peer_name),
        Assumption(peer.name, "egress", egress, style)))


def remote_ports(exposure: Exposure) -> tuple[int, int, bool]:
    """(servicePort, discoveryPort, known) for reaching an ingress exposed this way."""
    if exposure.service_type == "NodePort":
        if exposure.tls_node_port is not None and exposure.discovery_node_port is not None:
            return exposure.tls_node_port, exposure.discovery_node_port, True
        return TLS_PORT, DISCOVERY_PORT, False
    return TLS_PORT, DISCOVERY_PORT, True


def remote_from_mesh(local_name: str, remote: Mesh, addresses=(), ca_pem: str | None = None) -> Remote:
    """The facts read off the peer's own model: its namespace, trust domain, its gateways for us
    (`local_name`: this mesh's federation name, the peer that `remote` has for it). What its file
    does not say is derived from its federation name, as an Assumption."""
    ours = remote.peer(local_name)
    if ours is None:
        known = ", ".join(p.name for p in remote.peers) or _("none")
        raise KeyError(_("mesh {mesh!r} has no peer named {peer!r} (its peers: {known})").format(
            mesh=remote.name, peer=local_name, known=known))
    service_port, discovery_port, known = remote_ports(ours.exposure)
    peer = remote.federation
    assumptions = []
    if not remote.namespace:
        assumptions.append(Assumption(peer, "namespace", default_namespace(peer), _(
            "the peer's name {peer!r}: its SMCP sets no metadata.namespace").format(peer=peer)))
    if not remote.trust_domain:
        assumptions.append(Assumption(peer, "trust-domain", default_trust_domain(peer), _(
            "the peer's name {peer!r}: its SMCP sets no trust domain").format(peer=peer)))
    return Remote(namespace=remote.namespace or default_namespace(peer),
                  trust_domain=remote.trust_domain or default_trust_domain(peer),
                  egress_for_us=ours.egress, addresses=tuple(addresses), service_port=service_port,
                  discovery_port=discovery_port, ca_pem=ca_pem, ports_known=known, assumptions=tuple(assumptions))


@dataclass(frozen=True)
class ServiceRef:
    """A NameSelector: `namespace/name` (`*` matches any), optionally renamed by an alias."""

    namespace: str
    name: str
    alias_namespace: str | None = None
    alias_name: str | None = None

    def selector(self) -> dict:
        out: dict = {"namespace": self.namespace, "name": self.name}
        if self.alias_namespace or self.alias_name:
            alias = {}
            if self.alias_namespace:
                alias["namespace"] = self.alias_namespace
            if self.alias_name:
                alias["name"] = self.alias_name
            out["alias"] = alias
        return out


# --- the four resources -----------------------------------------------------------------------------

def _metadata(name: str, namespace: str | None) -> dict:
    # An SMCP without a namespace is applied to the current one; its peer resources must follow it.
    return {"name": name, "namespace": namespace} if namespace else {"name": name}


def service_mesh_peer(local: Mesh, peer: Peer, remote: Remote) -> dict:
    addresses = list(remote.addresses) or [placeholder_address(peer.name)]
    return {
        "apiVersion": FEDERATION_API,
        "kind": "ServiceMeshPeer",
        "metadata": _metadata(peer.name, local.namespace),
        "spec": {
            "remote": {"addresses": addresses, "discoveryPort": remote.discovery_port,
                       "servicePort": remote.service_port},
            "gateways": {"ingress": {"name": peer.ingress}, "egress": {"name": peer.egress}},
            "security": {
                "trustDomain": remote.trust_domain,
                "clientID": client_id(remote.trust_domain, remote.namespace, remote.egress_for_us),
                "certificateChain": {"kind": "ConfigMap", "name": ca_config_map_name(peer.name)},
            },
        },
    }


def is_own_placeholder(finding, generated_file: str) -> bool:
    """The cross-file rules' error on a placeholder certificate of the bundle itself (SMF112): the
    bundle says it as a warning when it makes it and is written; `validate` refuses the file (and so
    nobody should apply it) until the real certificate is in. Certificates given are checked on input,
    so in the bundle's own text SMF112 can only be the placeholder."""
    return finding.code == "SMF112" and finding.file == generated_file


def placeholder_certificate(peer: str, remote: Remote) -> str:
    return (f"{PLACEHOLDER_MARK}: paste the root certificate of {peer} here; read it with "
            f"oc get configmap istio-ca-root-cert -n {remote.namespace} -o jsonpath='{{.data.root-cert\\.pem}}'")


def ca_config_map(local: Mesh, peer: Peer, remote: Remote) -> dict:
    pem = remote.ca_pem if remote.ca_pem is not None else placeholder_certificate(peer.name, remote)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(ca_config_map_name(peer.name), local.namespace),
        "data": {CA_KEY: pem},
    }


def exported_service_set(local: Mesh, peer: Peer, refs) -> dict:
    rules = [{"type": "NameSelector", "nameSelector": ref.selector()} for ref in refs]
    return {"apiVersion": FEDERATION_API, "kind": "ExportedServiceSet",
            "metadata": _metadata(peer.name, local.namespace), "spec": {"exportRules": rules}}


def imported_service_set(local: Mesh, peer: Peer, refs) -> dict:
    # only NameSelector imports; `importAsLocal` belongs on the rule, never inside nameSelector.
    rules = [{"type": "NameSelector", "importAsLocal": False, "nameSelector": ref.selector()} for ref in refs]
    return {"apiVersion": FEDERATION_API, "kind": "ImportedServiceSet",
            "metadata": _metadata(peer.name, local.namespace), "spec": {"importRules": rules}}


@dataclass
class Bundle:
    documents: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)   # every peer's, in peer order

    def text(self) -> str:
        return render(self.documents)


def render(documents: list[dict]) -> str:
    """A multi-document YAML stream, each document written by `emit_document`."""
    return "---\n".join(emit_document(doc) for doc in documents)


# How a front-end says to give what is missing (kind -> peer -> the fix): bundle's flags by default;
# topology names its own file's keys (it has no such flags)
FLAG_FIXES = {"address": lambda peer: _("give --peer-address {peer}=ADDR").format(peer=peer),
              "root": lambda peer: _("give --peer-ca {peer}=PEM_FILE").format(peer=peer),
              "ports": lambda peer: _("give --peer-node-ports {peer}=TLS,DISCOVERY").format(peer=peer)}


def build_bundle(local: Mesh, remotes: dict[str, Remote] | None = None, exports: dict | None = None,
                 imports: dict | None = None, fixes: dict | None = None) -> Bundle:
    """Every peer's ConfigMap, ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet, in peer order.

    `remotes` maps peer name to what is known of it (default: the conventions); `exports`/`imports`
    map peer name to a list of ServiceRef (default: empty rule lists); `fixes` as FLAG_FIXES."""
    remotes, exports, imports, fixes = remotes or {}, exports or {}, imports or {}, fixes or FLAG_FIXES
    bundle = Bundle()
    for peer in local.peers:
        remote = remotes.get(peer.name) or default_remote(local, peer)
        if not remote.addresses:
            bundle.warnings.append(_("{peer}: no address for its ingress gateway; the ServiceMeshPeer holds the "
                                     "placeholder {placeholder!r} ({fix})").format(
                peer=peer.name, placeholder=placeholder_address(peer.name),
                fix=fixes["address"](peer.name)))
        if remote.ca_pem is None:
            bundle.warnings.append(_("{peer}: no root certificate; ConfigMap {config_map} holds a placeholder, "
                                     "which validate and apply refuse (SMF112) until the real one is in ({fix})"
                                     ).format(peer=peer.name, config_map=ca_config_map_name(peer.name),
                                              fix=fixes["root"](peer.name)))
        if not remote.ports_known:
            bundle.warnings.append(_("{peer}: its ingress is NodePort without fixed node ports; the ServiceMeshPeer "
                                     "says 15443/8188, the service's own ports, which are not open on the nodes "
                                     "({fix})").format(peer=peer.name, fix=fixes["ports"](peer.name)))
        bundle.assumptions += remote.assumptions
        bundle.documents += [
            ca_config_map(local, peer, remote),
            service_mesh_peer(local, peer, remote),
            exported_service_set(local, peer, exports.get(peer.name, ())),
            imported_service_set(local, peer, imports.get(peer.name, ())),
        ]
    return bundle
