"""The rules over the federation resources of several meshes at once (codes SMF1xx): `check_federation`.

Given the files of one or more meshes (SMCPs, ServiceMeshPeer, the CA ConfigMaps, ExportedServiceSet,
ImportedServiceSet), these rules check that each side agrees with itself and with the other side.
Nothing in the operator or the API server checks any of it (there is no validation webhook for
ServiceMeshPeer/ESS/ISS; bad rules are only logged by istiod). What the files
hold, and which mesh each resource belongs to, is `checks.inventory`'s. Every finding is reported on
the file, line and column of the value that is wrong.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..bundle import CA_KEY, FEDERATION_API, PLACEHOLDER_DOMAIN, address_problem, ca_config_map_name, is_certificate
from ..findings import ERROR, HINT, WARNING, Finding, Rule
from ..i18n import N_, _
from ..model import DISCOVERY_PORT, EGRESS_LABEL, INGRESS_LABEL, TLS_PORT, client_id, service_account
from ..reader import federation_gateways, is_federation_gateway, node_port
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP
from ..source import Source
from ..yaml_nodes import get, get_value, int_value, is_null, scalar_at
from .checker import Checker, Options
from .inventory import CONFIG_MAP, EXPORT, FEDERATION_KINDS, IMPORT, PEER, Doc, Inventory, MeshDoc, RemoteView, \
    collect, remote_of, scope_of
from .service_sets import check_export_rules, check_import_rules, check_imports_match_exports
from .smcp_keys import SMF082, check_keys
from .smcp_ports import SMF045
from .values import dns1123_problem, peer_name_problem, trust_domain_problem


# the parts of a clientID, as a message names the wrong ones
_TRUST_DOMAIN, _NAMESPACE, _SERVICE_ACCOUNT = N_("trust domain"), N_("namespace"), N_("service account")
_CLIENT_ID = re.compile(r"^([^/]+)/ns/([^/]+)/sa/([^/]+)$")

_NAME_MAPPING = {"namespace": None, "name": None, "alias": {"namespace": None, "name": None}}
# Known keys, for "did you mean". The docs' own mistakes are listed as known
# here because they get their own codes below.
SCHEMAS = {
    PEER: {"apiVersion": None, "kind": None, "metadata": None, "status": None, "spec": {
        "remote": {"addresses": None, "discoveryPort": None, "servicePort": None},
        "gateways": {"ingress": {"name": None}, "egress": {"name": None}},
        "security": {"trustDomain": None, "clientID": None,
                     "certificateChain": {"apiGroup": None, "kind": None, "name": None}}}},
    EXPORT: {"apiVersion": None, "kind": None, "metadata": None, "status": None, "spec": {
        "exportRules": [{"type": None, "nameSelector": _NAME_MAPPING, "labelSelector": {
            "namespace": None, "selector": None, "aliases": [_NAME_MAPPING], "Selector": None, "alias": None}}]}},
    IMPORT: {"apiVersion": None, "kind": None, "metadata": None, "status": None, "spec": {
        "domainSuffix": None, "locality": {"region": None, "zone": None, "subzone": None},
        "importRules": [{"type": None, "importAsLocal": None, "domainSuffix": None,
                         "nameSelector": {**_NAME_MAPPING, "importAsLocal": None}}]}},
}


def _where(node: Node | None, src: Source) -> str:
    return f"{src.path}:{node.start_mark.line + 1}" if node is not None else src.path


def _value_or_parent(node: MappingNode, *keys: str) -> Node:
    """The value at `keys`, else the deepest mapping on the way there (where the key would go)."""
    return next(found for n in range(len(keys), -1, -1) if (found := get_value(node, *keys[:n])) is not None)


# --- entry point -------------------------------------------------------------------------------------

def check_federation(sources: list[Source]) -> list[Finding]:
    """Every SMF1xx finding over these parsed files (the SMCP rules themselves are `checks.smcp`'s)."""
    inv = collect(sources)
    if not inv.docs:
        return []
    c = Checker(None, Options())   # every report names its file (report_in)
    for doc in inv.docs:
        if doc.kind in FEDERATION_KINDS:
            check_shape(c, doc)
    check_duplicates(c, inv)
    for doc in inv.of(PEER):
        check_peer(c, inv, doc)
    check_shared_gateways(c, inv)
    for doc in inv.of(EXPORT) + inv.of(IMPORT):
        check_service_set_peer(c, inv, doc)
    for doc in inv.of(EXPORT):
        check_export_rules(c, doc, inv.members.get(doc.namespace or ""))
    for doc in inv.of(IMPORT):
        check_import_rules(c, doc)
        check_imports_match_exports(c, inv, doc)
    check_gateways_without_peer(c, inv)
    # the findings grouped by file (stable within a file): first the files of the resources in the order
    # they were read, then any other file a finding is about (an SMCP)
    first_seen: dict[str, int] = {}
    for doc in inv.docs:
        if doc.kind in FEDERATION_KINDS:
            first_seen.setdefault(doc.src.path, len(first_seen))
    for finding in c.findings:
        first_seen.setdefault(finding.file, len(first_seen))
    return sorted(c.findings, key=lambda finding: first_seen[finding.file])


# --- one resource on its own -------------------------------------------------------------------------

# federation.maistra.io/v1
SMF130 = Rule("SMF130", ERROR, N_("federation resource with the wrong apiVersion"),
              N_("use apiVersion: federation.maistra.io/v1"))
# control-plane namespace
SMF131 = Rule("SMF131", WARNING, N_("federation resource without a namespace"),
              N_("set metadata.namespace to the control-plane namespace; otherwise it lands wherever you apply it"))
# the peer name is in hostnames, keep a DNS-1123 label
SMF132 = Rule("SMF132", ERROR, N_("federation resource name missing or not a DNS-1123 label"),
              N_("name it after the peer mesh: lower-case letters, digits and '-'; a ServiceMeshPeer name at most 55 "
                 "characters (it becomes <name>-imports)"))


def check_shape(c: Checker, doc: Doc) -> None:
    api = get(doc.node, "apiVersion")
    if api is None or doc.at("apiVersion") != FEDERATION_API:
        c.report_in(doc.src, SMF130, api[1] if api else doc.node, ("apiVersion",),
                    _("{kind} apiVersion is {api!r}; the federation API is {expected}").format(
                        kind=doc.kind, api=doc.at("apiVersion"), expected=FEDERATION_API))
    name_node = get_value(doc.node, "metadata", "name")
    problem = (peer_name_problem if doc.kind == PEER else dns1123_problem)(doc.name or "")
    if problem:
        # the peer name appears in hostnames, so it must be a DNS-1123 label.
        c.report_in(doc.src, SMF132, name_node or doc.node, ("metadata", "name"),
                    _("{kind} metadata.name {name!r} {problem}").format(kind=doc.kind, name=doc.name or "", problem=problem))
    if doc.namespace is None:
        c.report_in(doc.src, SMF131, get_value(doc.node, "metadata") or doc.node, ("metadata", "namespace"),
                    _("{kind} {name} has no metadata.namespace; it must be in the control-plane namespace").format(
                        kind=doc.kind, name=doc.name))
    keys = Checker(doc.src, c.options)
    check_keys(keys, doc.node, SCHEMAS[doc.kind], ())
    for f in keys.findings:  # the SMF082 fix names this kind's reference, not the SMCP's
        if f.code == SMF082.code:
            f = replace(f, hint=_("check the {kind} reference (federation.maistra.io/v1); "
                                  "the API server drops unknown keys").format(kind=doc.kind))
        c.findings.append(f)
    if doc.kind == PEER:
        check_peer_shape(c, doc)


# gateway names equal the SMCP map keys
SMF101 = Rule("SMF101", ERROR, N_("ServiceMeshPeer names a gateway its SMCP does not have"),
              N_("spec.gateways.ingress/egress.name must be keys of this SMCP's additionalIngress/additionalEgress"))
SMF103 = Rule("SMF103", ERROR, N_("ServiceMeshPeer trust domain is wrong"),
              N_("spec.security.trustDomain is the peer mesh's own trust domain, different from this mesh's"))
# a wrong clientID is denied discovery
SMF104 = Rule("SMF104", ERROR, N_("ServiceMeshPeer clientID is wrong"),
              N_("clientID is <peer trust domain>/ns/<peer namespace>/sa/<peer's egress gateway for this mesh>-service-account"))
SMF106 = Rule("SMF106", ERROR, N_("ServiceMeshPeer has no remote address"),
              N_("list the peer ingress gateway's load balancer address (or node IPs for NodePort) in spec.remote.addresses"))
# our own placeholder (RFC 2606 .invalid)
SMF107 = Rule("SMF107", WARNING, N_("ServiceMeshPeer address is a placeholder"),
              N_("replace it with the peer ingress gateway's load balancer address (or node IPs for NodePort)"))
# only kind "" or ConfigMap is read
SMF108 = Rule("SMF108", ERROR, N_("certificateChain is not a ConfigMap"),
              N_("set certificateChain kind: ConfigMap (the only kind the federation code reads)"))
# controller.go: net.ParseIP, then LookupHost; the entries become ServiceEntry endpoints
SMF113 = Rule("SMF113", ERROR, N_("ServiceMeshPeer address is not an IP address or DNS name"),
              N_("give the bare address of the peer's ingress (no scheme, no port): the ports are servicePort and "
                 "discoveryPort"))


def check_peer_shape(c: Checker, doc: Doc) -> None:
    """what a ServiceMeshPeer must hold whatever the other files say."""
    addresses = get_value(doc.node, "spec", "remote", "addresses")
    path = ("spec", "remote", "addresses")
    if not isinstance(addresses, SequenceNode) or not addresses.value:
        c.report_in(doc.src, SMF106, addresses if addresses is not None else _value_or_parent(doc.node, *path), path,
                    _("ServiceMeshPeer {name} lists no spec.remote.addresses: its discovery cannot connect").format(
                        name=doc.name))
    else:
        for item in addresses.value:
            if isinstance(item, ScalarNode) and item.value.endswith(PLACEHOLDER_DOMAIN):
                c.report_in(doc.src, SMF107, item, path,
                            _("address {address!r} is a placeholder").format(address=item.value))
            elif isinstance(item, ScalarNode) and address_problem(item.value):
                # controller.go: net.ParseIP, else LookupHost; a URL or host:port never resolves
                c.report_in(doc.src, SMF113, item, path, _("{problem}: istiod resolves it with a DNS lookup, "
                                                           "which never answers for this").format(
                    problem=address_problem(item.value)))
    for key in ("discoveryPort", "servicePort"):
        node = get_value(doc.node, "spec", "remote", key)
        if node is not None and not is_null(node) and not 1 <= (int_value(node) or 0) <= 65535:
            c.report_in(doc.src, SMF045, node, ("spec", "remote", key),
                        _("{key} {value!r} is not a port number").format(key=key, value=node.value))
    for kind in ("ingress", "egress"):
        if doc.at("spec", "gateways", kind, "name") is None:
            c.report_in(doc.src, SMF101, _value_or_parent(doc.node, "spec", "gateways", kind, "name"),
                        ("spec", "gateways", kind, "name"),
                        _("ServiceMeshPeer {name} names no {kind} gateway").format(name=doc.name, kind=_(kind)))
    if not doc.at("spec", "security", "trustDomain"):
        # the peer's root cert is loaded only when its trust domain is set and differs from ours.
        c.report_in(doc.src, SMF103, _value_or_parent(doc.node, "spec", "security", "trustDomain"),
                    ("spec", "security", "trustDomain"),
                    _("ServiceMeshPeer {name} has no trustDomain: the peer's root certificate is never loaded").format(
                        name=doc.name))
    client = get_value(doc.node, "spec", "security", "clientID")
    if client is None or is_null(client):
        c.report_in(doc.src, SMF104, _value_or_parent(doc.node, "spec", "security", "clientID"),
                    ("spec", "security", "clientID"), _("ServiceMeshPeer {name} has no clientID").format(name=doc.name))
    chain_kind = get_value(doc.node, "spec", "security", "certificateChain", "kind")
    if isinstance(chain_kind, ScalarNode) and chain_kind.value not in ("", "ConfigMap"):
        # `unknown Kind for CertificateChain object reference`.
        c.report_in(doc.src, SMF108, chain_kind, ("spec", "security", "certificateChain", "kind"),
                    _("certificateChain kind {value!r}: the federation code reads only a ConfigMap").format(
                        value=chain_kind.value))


# one per peer
SMF127 = Rule("SMF127", ERROR, N_("the same federation resource twice"), N_("keep one per name and namespace"))


def check_duplicates(c: Checker, inv: Inventory) -> None:
    seen: dict[tuple, Doc] = {}
    for doc in inv.docs:
        if doc.kind not in FEDERATION_KINDS or not doc.name:
            continue
        key = (doc.kind, doc.scope, doc.name)
        first = seen.setdefault(key, doc)
        if first is not doc:
            # at most one set per peer; a second object of the same name replaces the first.
            c.report_in(doc.src, SMF127, get_value(doc.node, "metadata", "name"), ("metadata", "name"),
                        _("{kind} {name} in {namespace} is also defined at {where}").format(
                            kind=doc.kind, name=doc.name, namespace=doc.namespace, where=_where(first.node, first.src)))



# peer resources live in the local control-plane namespace
SMF100 = Rule("SMF100", WARNING, N_("no ServiceMeshControlPlane for this namespace among the files"),
              N_("pass the SMCP of this control-plane namespace too, so the peer resources can be checked against it"))


def check_peer(c: Checker, inv: Inventory, doc: Doc) -> None:
    local = doc.mesh
    if local is None:
        if inv.meshes and doc.namespace:
            c.report_in(doc.src, SMF100, get_value(doc.node, "metadata", "namespace"), ("metadata", "namespace"),
                        _("no ServiceMeshControlPlane in namespace {namespace} among the files for ServiceMeshPeer "
                          "{name}").format(namespace=doc.namespace, name=doc.name))
    else:
        check_peer_gateways(c, doc, local)
        check_network_view(c, doc, local)
    remote = remote_of(doc, inv)
    check_peer_trust_domain(c, doc, local, remote)
    check_client_id(c, doc, remote)
    if remote is not None:
        check_remote_ports(c, doc, remote)
    check_ca(c, inv, doc)


# 15443 and 8188 are fixed
SMF102 = Rule("SMF102", ERROR, N_("ServiceMeshPeer gateway is not a federation gateway"),
              N_("give the gateway ports 15443 (tls) and 8188 (http-discovery on egress, https-discovery on ingress)"))


def check_peer_gateways(c: Checker, doc: Doc, local: MeshDoc) -> None:
    """gateways.*.name must equal this SMCP's additionalIngress/additionalEgress keys."""
    for kind, gmap, other_map, label in (("ingress", INGRESS_MAP, EGRESS_MAP, INGRESS_LABEL),
                                         ("egress", EGRESS_MAP, INGRESS_MAP, EGRESS_LABEL)):
        name_node = get_value(doc.node, "spec", "gateways", kind, "name")
        name = scalar_at(doc.node, "spec", "gateways", kind, "name")
        if name is None:
            continue  # reported by check_peer_shape
        path = ("spec", "gateways", kind, "name")
        gateways = get_value(local.node, *gmap)
        gateway = get_value(gateways, name)
        if gateway is None:
            names = [k.value for k, _v in gateways.value] if isinstance(gateways, MappingNode) else []
            if get_value(get_value(local.node, *other_map), name) is not None:
                why = _("{name!r} is in {found}, not {wanted}").format(name=name, found=other_map[-1], wanted=gmap[-1])
            else:
                close = difflib.get_close_matches(name, names, n=1)
                why = (_("{file} has no {map} gateway {name!r}; did you mean {close!r}?") if close else
                       _("{file} has no {map} gateway {name!r}")).format(
                    file=local.src.path, map=gmap[-1], name=name, close=close[0] if close else None)
            c.report_in(doc.src, SMF101, name_node, path,
                        _("ServiceMeshPeer {name}: {why}").format(name=doc.name, why=why))
        elif not is_federation_gateway(gateway, label):
            c.report_in(doc.src, SMF102, name_node, path,
                        _("{kind} gateway {name!r} ({where}) has neither port {tls} nor {discovery}").format(
                            kind=_(kind), name=name, where=_where(gateway, local.src), tls=TLS_PORT,
                            discovery=DISCOVERY_PORT))


# controller.go: the egress gateway sees only its view's networks; the peer's is network-<SMP name>
SMF109 = Rule("SMF109", ERROR, N_("the egress gateway's network view hides the peer"),
              N_("put network-<ServiceMeshPeer name> into the egress gateway's requestedNetworkView, or remove the view"))


def check_network_view(c: Checker, doc: Doc, local: MeshDoc) -> None:
    """The federation controller puts the peer's endpoints on network `network-<ServiceMeshPeer name>`
    (controller.go); an egress gateway with a requestedNetworkView sees only those networks (plus the
    undefined one, proxy_view.go). So the egress named here must have that network in its view, or no view."""
    egress = scalar_at(doc.node, "spec", "gateways", "egress", "name")
    gateway = get_value(get_value(local.node, *EGRESS_MAP), egress) if egress else None
    view = get_value(gateway, "requestedNetworkView")
    if not isinstance(view, SequenceNode) or not doc.name:
        return   # no gateway (SMF101 says so), or no view: it sees every network
    wanted = f"network-{doc.name}"
    names = [item.value for item in view.value if isinstance(item, ScalarNode)]
    if wanted not in names:
        c.report_in(local.src, SMF109, view, EGRESS_MAP + (egress, "requestedNetworkView"), _(
            "{gateway} sees only {view}; ServiceMeshPeer {name} ({where}) puts {name}'s endpoints on network {wanted}, "
            "so services imported from {name} get no endpoints").format(
                gateway=egress, view=", ".join(names) or _("no network"), name=doc.name, where=_where(doc.node, doc.src),
                wanted=wanted), _("add {wanted} to the view, or remove requestedNetworkView").format(wanted=wanted))


def check_peer_trust_domain(c: Checker, doc: Doc, local: MeshDoc | None, remote: RemoteView | None) -> None:
    td_node = get_value(doc.node, "spec", "security", "trustDomain")
    td = doc.at("spec", "security", "trustDomain")
    if not td:
        return
    path = ("spec", "security", "trustDomain")
    if trust_domain_problem(td):
        c.report_in(doc.src, SMF103, td_node, path, _("trustDomain {domain!r} {problem}").format(
            domain=td, problem=trust_domain_problem(td)))
    elif local is not None and td == local.trust_domain:
        c.report_in(doc.src, SMF103, td_node, path,
                    _("trustDomain {domain!r} is this mesh's own: the peer's root certificate is ignored").format(
                        domain=td))
    elif remote is not None and remote.mesh.trust_domain and td != remote.mesh.trust_domain:
        c.report_in(doc.src, SMF103, td_node, path,
                    _("trustDomain {domain!r} is not the trust domain of {mesh} ({expected!r} at {where})").format(
                        domain=td, mesh=remote.mesh.name, expected=remote.mesh.trust_domain,
                        where=_where(remote.mesh.trust_domain_node, remote.mesh.src)),
                    _("set trustDomain: {domain}").format(domain=remote.mesh.trust_domain))


def check_client_id(c: Checker, doc: Doc, remote: RemoteView | None) -> None:
    """a wrong clientID makes the peer's ingress deny our discovery (its DENY policy)."""
    node = get_value(doc.node, "spec", "security", "clientID")
    if not isinstance(node, ScalarNode) or is_null(node):
        return
    path = ("spec", "security", "clientID")
    value = node.value
    m = _CLIENT_ID.match(value)
    if m is None and value.startswith("spiffe://") and _CLIENT_ID.match(value[len("spiffe://"):]):
        # the DENY policies compare principals, which are written without the scheme
        c.report_in(doc.src, SMF104, node, path,
                    _("clientID {value!r} starts with spiffe://, which the federation code's principals do not "
                      "have: this peer's discovery and traffic would be denied").format(value=value),
                    _("set clientID: {expected}").format(expected=value[len("spiffe://"):]))
        return
    if m is None:
        c.report_in(doc.src, SMF104, node, path,
                    _("clientID {value!r} is not <trust domain>/ns/<namespace>/sa/<service account>").format(value=value))
        return
    td, ns, sa = m.groups()
    if remote is not None:
        peer = remote.mesh
        expected_td = peer.trust_domain or td
        if remote.egress_for_us:
            expected = client_id(expected_td, peer.namespace or ns, remote.egress_for_us)
            if value != expected:
                want_td, want_ns, want_sa = _CLIENT_ID.match(expected).groups()
                wrong = [_(what) for what, got, want in ((_TRUST_DOMAIN, td, want_td), (_NAMESPACE, ns, want_ns),
                                                         (_SERVICE_ACCOUNT, sa, want_sa)) if got != want]
                c.report_in(doc.src, SMF104, node, path,
                            _("clientID {value!r} has the wrong {parts} for {mesh}'s egress gateway for this mesh: "
                              "expected {expected!r}").format(value=value, parts=_(" and ").join(wrong), mesh=peer.name,
                                                              expected=expected),
                            _("set clientID: {expected}").format(expected=expected))
            return
        egress_accounts = {service_account(g.name) for g in federation_gateways(peer.node, "egress")}
        wrong = [_(what) for what, got, want in ((_TRUST_DOMAIN, td, peer.trust_domain), (_NAMESPACE, ns, peer.namespace))
                 if want and got != want]
        if sa not in egress_accounts:
            wrong.append(_("service account (not one of {accounts})").format(
                accounts=", ".join(sorted(egress_accounts)) or _("no egress gateways")))
        if wrong:
            c.report_in(doc.src, SMF104, node, path, _("clientID {value!r}: wrong {parts} for {mesh}").format(
                value=value, parts=", ".join(wrong), mesh=peer.name))
        return
    own_td = doc.at("spec", "security", "trustDomain")
    if own_td and td != own_td:
        c.report_in(doc.src, SMF104, node, path,
                    _("clientID trust domain {domain!r} differs from spec.security.trustDomain {expected!r}").format(
                        domain=td, expected=own_td),
                    _("set clientID: {expected}").format(expected=f"{own_td}/ns/{ns}/sa/{sa}"))
    elif not sa.endswith("-service-account"):
        c.report_in(doc.src, SMF104, node, path,
                    _("clientID service account {account!r}: the operator names gateway accounts "
                      "<gateway>-service-account").format(account=sa))


SMF105 = Rule("SMF105", ERROR, N_("ServiceMeshPeer port does not match the peer's ingress"),
              N_("use 15443/8188 for a LoadBalancer ingress, the ingress's node ports for NodePort"))


def check_remote_ports(c: Checker, doc: Doc, remote: RemoteView) -> None:
    """15443/8188 for a LoadBalancer ingress; the ingress's node ports for NodePort."""
    peer = remote.mesh
    if not remote.ingress_for_us:
        return
    gateway = get_value(peer.node, *INGRESS_MAP, remote.ingress_for_us)
    if gateway is None:
        return  # reported on the peer's own ServiceMeshPeer (SMF101)
    service_type = scalar_at(gateway, "service", "type")
    wanted = {"servicePort": TLS_PORT, "discoveryPort": DISCOVERY_PORT}
    how = f"{service_type or 'ClusterIP'} {peer.name}/{remote.ingress_for_us}"
    if service_type == "NodePort":
        node_ports = {key: node_port(gateway, port) for key, port in wanted.items()}
        if None in node_ports.values():
            return  # no fixed node ports (SMF054 on the peer's SMCP): nothing to compare with
        wanted = node_ports
        how = _("NodePort {mesh}/{gateway}, node ports at {where}").format(
            mesh=peer.name, gateway=remote.ingress_for_us, where=_where(gateway, peer.src))
    for key, want in wanted.items():
        node = get_value(doc.node, "spec", "remote", key)
        got = int_value(node) if node is not None and not is_null(node) else (TLS_PORT if key == "servicePort" else DISCOVERY_PORT)
        if got != want:
            where = node if node is not None else _value_or_parent(doc.node, "spec", "remote", key)
            c.report_in(doc.src, SMF105, where, ("spec", "remote", key),
                        (_("{key} is {got} but the peer's ingress ({how}) is reached on {want}") if node is not None else
                         _("{key} is {got} (the default) but the peer's ingress ({how}) is reached on {want}")).format(
                            key=key, got=got, how=how, want=want),
                        _("set {key}: {want}").format(key=key, want=want))


SMF110 = Rule("SMF110", ERROR, N_("no CA ConfigMap for the peer"),
              N_("create ConfigMap <peer>-ca-root-cert with the peer's root certificate in root-cert.pem (or pass the file holding it)"))
# `missing entry root-cert.pem`
SMF111 = Rule("SMF111", ERROR, N_("CA ConfigMap without root-cert.pem"),
              N_("put the peer's root certificate under data key root-cert.pem"))
# controller.go loads it as is into the trust bundle: a placeholder breaks the peer's TLS
SMF112 = Rule("SMF112", ERROR, N_("root-cert.pem is not a PEM certificate"),
              N_("paste the peer's root certificate (oc get configmap istio-ca-root-cert -n <peer ns> -o jsonpath='{.data.root-cert\\.pem}')"))


def check_ca(c: Checker, inv: Inventory, doc: Doc) -> None:
    """the ConfigMap named by certificateChain (default <peer>-ca-root-cert) with root-cert.pem."""
    name = doc.at("spec", "security", "certificateChain", "name") or (ca_config_map_name(doc.name) if doc.name else None)
    if name is None:
        return
    maps = [d for d in inv.of(CONFIG_MAP, doc.scope) if d.name == name]
    chain = get_value(doc.node, "spec", "security", "certificateChain", "name") or _value_or_parent(
        doc.node, "spec", "security", "certificateChain")
    if not maps:
        c.report_in(doc.src, SMF110, chain, ("spec", "security", "certificateChain", "name"),
                    _("no ConfigMap {name} in {namespace} among the files: istiod cannot load {peer}'s root "
                      "certificate").format(name=name, namespace=doc.namespace, peer=doc.name))
        return
    cm = maps[0]
    value = get_value(cm.node, "data", CA_KEY)
    if value is None:
        c.report_in(cm.src, SMF111, _value_or_parent(cm.node, "data"), ("data", CA_KEY),
                    _("ConfigMap {name} has no {key}: istiod logs `missing entry root-cert.pem`").format(
                        name=name, key=CA_KEY))
    elif not (isinstance(value, ScalarNode) and is_certificate(value.value)):
        c.report_in(cm.src, SMF112, value, ("data", CA_KEY),
                    _("{key} of ConfigMap {name} is not a PEM certificate").format(key=CA_KEY, name=name))


# one ServiceMeshPeer per ordered pair
SMF133 = Rule("SMF133", WARNING, N_("two ServiceMeshPeers for the same mesh"), N_("keep one ServiceMeshPeer per peer mesh"))
# one egress and one ingress gateway for each peer
SMF134 = Rule("SMF134", ERROR, N_("two ServiceMeshPeers share a gateway"),
              N_("each peer needs its own egress and ingress gateway"))


def check_shared_gateways(c: Checker, inv: Inventory) -> None:
    """one egress and one ingress gateway for each peer; and one ServiceMeshPeer per peer mesh."""
    used: dict[tuple, Doc] = {}
    remotes: dict[tuple, Doc] = {}
    for doc in inv.of(PEER):
        for kind in ("ingress", "egress"):
            name = doc.at("spec", "gateways", kind, "name")
            if name is None:
                continue
            first = used.setdefault((doc.scope, kind, name), doc)
            if first is not doc and first.name != doc.name:
                c.report_in(doc.src, SMF134, get_value(doc.node, "spec", "gateways", kind, "name"),
                            ("spec", "gateways", kind, "name"),
                            _("{kind} gateway {name!r} also serves ServiceMeshPeer {peer} ({where})").format(
                                kind=_(kind), name=name, peer=first.name, where=_where(first.node, first.src)))
        td = doc.at("spec", "security", "trustDomain")
        if td:
            first = remotes.setdefault((doc.scope, td), doc)
            if first is not doc and first.name != doc.name:
                c.report_in(doc.src, SMF133, get_value(doc.node, "spec", "security", "trustDomain"),
                            ("spec", "security", "trustDomain"),
                            _("ServiceMeshPeer {peer} ({where}) already points at trust domain {domain!r}").format(
                                peer=first.name, where=_where(first.node, first.src), domain=td))


SMF135 = Rule("SMF135", HINT, N_("federation gateways without a ServiceMeshPeer"),
              N_("add the ServiceMeshPeer for this peer, or remove its gateways"))


def check_gateways_without_peer(c: Checker, inv: Inventory) -> None:
    for mesh in inv.meshes:
        peers = inv.of(PEER, scope_of(mesh))
        if not peers:
            continue  # the SMCP alone, or its peer resources are not among the files
        named = {p.at("spec", "gateways", kind, "name") for p in peers for kind in ("ingress", "egress")}
        for hint, (e, i) in mesh.by_hint.items():
            if e.name not in named and i.name not in named:
                c.report_in(mesh.src, SMF135, e.key, EGRESS_MAP + (e.name,),
                            _("gateways {egress}/{ingress} (peer {peer!r}) are used by no ServiceMeshPeer in "
                              "{namespace}").format(egress=e.name, ingress=i.name, peer=hint, namespace=mesh.namespace))


# --- ExportedServiceSet / ImportedServiceSet ----------------------------------------------------------

# name = ServiceMeshPeer name
SMF120 = Rule("SMF120", ERROR, N_("service set named after no ServiceMeshPeer"),
              N_("name the ExportedServiceSet/ImportedServiceSet exactly like the ServiceMeshPeer of that mesh"))


def check_service_set_peer(c: Checker, inv: Inventory, doc: Doc) -> None:
    """the set's name must equal a ServiceMeshPeer name in the same namespace."""
    peers = inv.of(PEER, doc.scope)
    if not peers or not doc.name or any(p.name == doc.name for p in peers):
        return
    close = difflib.get_close_matches(doc.name, [p.name for p in peers if p.name], n=1)
    c.report_in(doc.src, SMF120, get_value(doc.node, "metadata", "name"), ("metadata", "name"),
                (_("{kind} {name!r} names no ServiceMeshPeer in {namespace}; did you mean {close!r}?") if close else
                 _("{kind} {name!r} names no ServiceMeshPeer in {namespace} (peers: {peers})")).format(
                    kind=doc.kind, name=doc.name, namespace=doc.namespace, close=close[0] if close else None,
                    peers=", ".join(sorted(p.name for p in peers if p.name))))
