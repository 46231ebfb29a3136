"""Checks over the federation resources of several meshes at once (codes SMF1xx).

Given the files of one or more meshes (SMCPs, ServiceMeshPeer, the CA ConfigMaps, ExportedServiceSet,
ImportedServiceSet), these rules check that each side agrees with itself and with the other side.
Nothing in the operator or the API server checks any of it (reference ossm-federation.md §8: there is
no validation webhook for ServiceMeshPeer/ESS/ISS; bad rules are only logged by istiod).

Which mesh a resource belongs to: the SMCP in the same namespace, preferring the same file, then the
same directory (a topology writes `DIR/<mesh>/smcp.yaml` beside `DIR/<mesh>/federation.yaml`). Which
mesh a ServiceMeshPeer points at: the SMCP with its trust domain, else the SMCP named like the peer.
Every finding is reported on the file, line and column of the value that is wrong.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .bundle import CA_KEY, FEDERATION_API, PLACEHOLDER_DOMAIN, ca_config_map_name, client_id, \
    is_certificate, service_account
from .findings import ERROR, HINT, WARNING, Finding
from .layout import EGRESS_MAP, INGRESS_MAP, Item
from .model import DISCOVERY_PORT, EGRESS_LABEL, INGRESS_LABEL, TLS_PORT
from .reader import federation_gateways, is_federation_gateway, node_port, pair_gateways
from .source import SMCP_API, Source, bool_value, get, get_value, int_value, is_null, scalar_at

PEER, EXPORT, IMPORT, CONFIG_MAP = "ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet", "ConfigMap"
FEDERATION_KINDS = (PEER, EXPORT, IMPORT)

# (code, severity, title, fix). `rules.RULES` takes these in, so every code lives in one table.
RULE_TABLE = [
    # §5.4: peer resources live in the local control-plane namespace
    ("SMF100", WARNING, "no ServiceMeshControlPlane for this namespace among the files",
     "pass the SMCP of this control-plane namespace too, so the peer resources can be checked against it"),
    # §6.2 DERIVED: gateway names equal the SMCP map keys
    ("SMF101", ERROR, "ServiceMeshPeer names a gateway its SMCP does not have",
     "spec.gateways.ingress/egress.name must be keys of this SMCP's additionalIngress/additionalEgress"),
    # §6.1: 15443 and 8188 are fixed
    ("SMF102", ERROR, "ServiceMeshPeer gateway is not a federation gateway",
     "give the gateway ports 15443 (tls) and 8188 (http-discovery on egress, https-discovery on ingress)"),
    # §2.4, §5.4, §6.4
    ("SMF103", ERROR, "ServiceMeshPeer trust domain is wrong",
     "spec.security.trustDomain is the peer mesh's own trust domain, different from this mesh's"),
    # §5.4, §9.9; §6.2: a wrong clientID is denied discovery
    ("SMF104", ERROR, "ServiceMeshPeer clientID is wrong",
     "clientID is <peer trust domain>/ns/<peer namespace>/sa/<peer's egress gateway for this mesh>-service-account"),
    # §5.3, §5.4
    ("SMF105", ERROR, "ServiceMeshPeer port does not match the peer's ingress",
     "use 15443/8188 for a LoadBalancer ingress, the ingress's node ports for NodePort"),
    # §5.3, §5.4
    ("SMF106", ERROR, "ServiceMeshPeer has no remote address",
     "list the peer ingress gateway's load balancer address (or node IPs for NodePort) in spec.remote.addresses"),
    # §5.3 (our own placeholder, RFC 2606 .invalid)
    ("SMF107", WARNING, "ServiceMeshPeer address is a placeholder",
     "replace it with the peer ingress gateway's load balancer address (or node IPs for NodePort)"),
    # §5.4: only kind "" or ConfigMap is read
    ("SMF108", ERROR, "certificateChain is not a ConfigMap",
     "set certificateChain kind: ConfigMap (the only kind the federation code reads)"),
    # §5.4, §5.5, §9.9
    ("SMF110", ERROR, "no CA ConfigMap for the peer",
     "create ConfigMap <peer>-ca-root-cert with the peer's root certificate in root-cert.pem (or pass the file holding it)"),
    # §5.5: `missing entry root-cert.pem`
    ("SMF111", ERROR, "CA ConfigMap without root-cert.pem", "put the peer's root certificate under data key root-cert.pem"),
    # §5.5
    ("SMF112", WARNING, "root-cert.pem is not a PEM certificate",
     "paste the peer's root certificate (oc get configmap istio-ca-root-cert -n <peer ns> -o jsonpath='{.data.root-cert\\.pem}')"),
    # §5.6, §5.7: name = ServiceMeshPeer name
    ("SMF120", ERROR, "service set named after no ServiceMeshPeer",
     "name the ExportedServiceSet/ImportedServiceSet exactly like the ServiceMeshPeer of that mesh"),
    # §5.7: `unknown selector type`
    ("SMF121", ERROR, "import rule is not a NameSelector", "ImportedServiceSet rules support only type: NameSelector"),
    # §5.7: `cannot use importAsLocal without setting a fixed namespace alias`
    ("SMF122", ERROR, "importAsLocal without a fixed alias namespace",
     "set nameSelector.alias.namespace to a fixed namespace, or drop importAsLocal"),
    # §7: create-import's mistake
    ("SMF123", ERROR, "importAsLocal inside nameSelector", "move importAsLocal up to the rule, beside type (the docs misplace it)"),
    # §7: config-export's mistake
    ("SMF124", ERROR, "labelSelector.Selector is capitalised", "write `selector:` (lower case; the docs print `Selector:`)"),
    # §7: config-export's mistake
    ("SMF125", ERROR, "alias under labelSelector", "labelSelector takes `aliases:`, a list of {namespace, name, alias} mappings"),
    # §5.6: type is required; unknown type or null selector: `skipping rule`
    ("SMF126", ERROR, "service set rule without a usable selector",
     "give the rule type NameSelector with nameSelector (or LabelSelector with labelSelector.selector)"),
    # §5.6, §5.7: one per peer
    ("SMF127", ERROR, "the same federation resource twice", "keep one per name and namespace"),
    # §5.7: `use importAsLocal instead`
    ("SMF128", ERROR, "import domainSuffix is the cluster's own", "use importAsLocal instead of domainSuffix cluster.local"),
    # §5.7: zone needs region; subzone needs zone and region
    ("SMF129", ERROR, "locality level without its parent", "zone needs region; subzone needs zone and region"),
    # §5.4: federation.maistra.io/v1
    ("SMF130", ERROR, "federation resource with the wrong apiVersion", f"use apiVersion: {FEDERATION_API}"),
    # §5.4, §5.6, §5.7: control-plane namespace
    ("SMF131", WARNING, "federation resource without a namespace",
     "set metadata.namespace to the control-plane namespace; otherwise it lands wherever you apply it"),
    # §6.2: the peer name is in hostnames, keep a DNS-1123 label
    ("SMF132", ERROR, "federation resource name missing or not a DNS-1123 label",
     "name it after the peer mesh: lower-case letters, digits and '-'"),
    # §5.4: one ServiceMeshPeer per ordered pair
    ("SMF133", WARNING, "two ServiceMeshPeers for the same mesh", "keep one ServiceMeshPeer per peer mesh"),
    # §5.1, §5.2: one egress and one ingress gateway for each peer
    ("SMF134", ERROR, "two ServiceMeshPeers share a gateway", "each peer needs its own egress and ingress gateway"),
    # §5.1 checklist: one ServiceMeshPeer per pair
    ("SMF135", HINT, "federation gateways without a ServiceMeshPeer",
     "add the ServiceMeshPeer for this peer, or remove its gateways"),
]

CLUSTER_SUFFIXES = ("cluster.local", "svc.cluster.local")
_CLIENT_ID = re.compile(r"^([^/]+)/ns/([^/]+)/sa/([^/]+)$")

_NAME_MAPPING = {"namespace": None, "name": None, "alias": {"namespace": None, "name": None}}
# Known keys, for "did you mean" (§5.4, §5.6, §5.7). The docs' own mistakes (§7) are listed as known
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


# --- what the files hold -----------------------------------------------------------------------------

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
    for src in sources:
        for node in src.documents:
            if not isinstance(node, MappingNode):
                continue
            kind = scalar_at(node, "kind")
            name, namespace = scalar_at(node, "metadata", "name"), scalar_at(node, "metadata", "namespace")
            if node is src.smcp and scalar_at(node, "apiVersion") == SMCP_API:
                pairs, _alone = pair_gateways(federation_gateways(node, "egress"), federation_gateways(node, "ingress"))
                td = get_value(node, "spec", "security", "trust", "domain")
                inv.meshes.append(MeshDoc(src, node, name, namespace, scalar_at(node, "spec", "security", "trust", "domain"),
                                          td, {e.peer_hint: (e, i) for e, i in pairs}))
            elif kind in FEDERATION_KINDS or kind == CONFIG_MAP:
                inv.docs.append(Doc(src, node, kind, name, namespace))
    for doc in inv.docs:
        doc.mesh = local_mesh(doc, inv.meshes)
        doc.scope = (doc.namespace, id(doc.mesh) if doc.mesh else os.path.dirname(doc.src.path))
    return inv


def holds_federation_resources(src: Source) -> bool:
    """Whether the file holds a ServiceMeshPeer, a service set or a CA ConfigMap (something to check)."""
    for node in src.documents:
        kind = scalar_at(node, "kind") if isinstance(node, MappingNode) else None
        if kind in FEDERATION_KINDS or (kind == CONFIG_MAP and get_value(node, "data", CA_KEY) is not None):
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


# --- reporting ---------------------------------------------------------------------------------------

class Reporter:
    """One rules.Checker per file, so each finding carries the file its node is in."""

    def __init__(self) -> None:
        from .rules import Checker, Options
        self._checker, self._options = Checker, Options
        self.checkers: dict[int, object] = {}

    def on(self, src: Source):
        c = self.checkers.get(id(src))
        if c is None:
            c = self.checkers[id(src)] = self._checker(src, self._options())
        return c

    def report(self, src: Source, code: str, node: Node | None, path: tuple, message: str, hint: str | None = None):
        self.on(src).report(code, node, path, message, hint)

    def findings(self) -> list[Finding]:
        return [f for c in self.checkers.values() for f in c.findings]


def _where(node: Node | None, src: Source) -> str:
    return f"{src.path}:{node.start_mark.line + 1}" if node is not None else src.path


def _value_or_parent(node: MappingNode, *keys: str) -> Node:
    """The value at `keys`, else the deepest mapping on the way there (where the key would go)."""
    return next(found for n in range(len(keys), -1, -1) if (found := get_value(node, *keys[:n])) is not None)


# --- entry point -------------------------------------------------------------------------------------

def check_federation(sources: list[Source]) -> list[Finding]:
    """Every SMF1xx finding over these parsed files (SMCP rules themselves live in `rules`)."""
    inv = collect(sources)
    if not inv.docs:
        return []
    rep = Reporter()
    for doc in inv.docs:
        if doc.kind in FEDERATION_KINDS:
            check_shape(rep, doc)
    check_duplicates(rep, inv)
    for doc in inv.of(PEER):
        check_peer(rep, inv, doc)
    check_shared_gateways(rep, inv)
    for doc in inv.of(EXPORT) + inv.of(IMPORT):
        check_service_set_peer(rep, inv, doc)
    for doc in inv.of(EXPORT):
        check_export_rules(rep, doc)
    for doc in inv.of(IMPORT):
        check_import_rules(rep, doc)
    check_gateways_without_peer(rep, inv)
    return rep.findings()


# --- one resource on its own -------------------------------------------------------------------------

def check_shape(rep: Reporter, doc: Doc) -> None:
    from .rules import check_keys, dns1123_problem
    api = get(doc.node, "apiVersion")
    if api is None or doc.at("apiVersion") != FEDERATION_API:
        rep.report(doc.src, "SMF130", api[1] if api else doc.node, ("apiVersion",),
                   f"{doc.kind} apiVersion is {doc.at('apiVersion')!r}; the federation API is {FEDERATION_API} (§5.4)")
    name_node = get_value(doc.node, "metadata", "name")
    problem = dns1123_problem(doc.name or "")
    if problem:
        # §6.2: the peer name appears in hostnames, so it must be a DNS-1123 label.
        rep.report(doc.src, "SMF132", name_node or doc.node, ("metadata", "name"),
                   f"{doc.kind} metadata.name {doc.name or ''!r} {problem}")
    if doc.namespace is None:
        rep.report(doc.src, "SMF131", get_value(doc.node, "metadata") or doc.node, ("metadata", "namespace"),
                   f"{doc.kind} {doc.name} has no metadata.namespace; it must be in the control-plane namespace (§5.4, §5.6, §5.7)")
    checker = rep.on(doc.src)
    before = len(checker.findings)
    check_keys(checker, doc.node, SCHEMAS[doc.kind], ())
    for index in range(before, len(checker.findings)):  # the SMF082 fix names the SMCP reference
        f = checker.findings[index]
        if f.code == "SMF082":
            checker.findings[index] = replace(f, hint=f"check the {doc.kind} reference (federation.maistra.io/v1); "
                                                      "the API server drops unknown keys")
    if doc.kind == PEER:
        check_peer_shape(rep, doc)


def check_peer_shape(rep: Reporter, doc: Doc) -> None:
    """§5.4: what a ServiceMeshPeer must hold whatever the other files say."""
    addresses = get_value(doc.node, "spec", "remote", "addresses")
    path = ("spec", "remote", "addresses")
    if not isinstance(addresses, SequenceNode) or not addresses.value:
        rep.report(doc.src, "SMF106", addresses if addresses is not None else _value_or_parent(doc.node, *path), path,
                   f"ServiceMeshPeer {doc.name} lists no spec.remote.addresses: its discovery cannot connect (§5.3, §5.4)")
    else:
        for item in addresses.value:
            if isinstance(item, ScalarNode) and item.value.endswith(PLACEHOLDER_DOMAIN):
                rep.report(doc.src, "SMF107", item, path, f"address {item.value!r} is a placeholder")
    for key in ("discoveryPort", "servicePort"):
        node = get_value(doc.node, "spec", "remote", key)
        if node is not None and not is_null(node) and not 1 <= (int_value(node) or 0) <= 65535:
            rep.report(doc.src, "SMF045", node, ("spec", "remote", key), f"{key} {node.value!r} is not a port number")
    for kind in ("ingress", "egress"):
        if doc.at("spec", "gateways", kind, "name") is None:
            rep.report(doc.src, "SMF101", _value_or_parent(doc.node, "spec", "gateways", kind, "name"),
                       ("spec", "gateways", kind, "name"), f"ServiceMeshPeer {doc.name} names no {kind} gateway (§5.4)")
    if not doc.at("spec", "security", "trustDomain"):
        # §6.4: the peer's root cert is loaded only when its trust domain is set and differs from ours.
        rep.report(doc.src, "SMF103", _value_or_parent(doc.node, "spec", "security", "trustDomain"),
                   ("spec", "security", "trustDomain"),
                   f"ServiceMeshPeer {doc.name} has no trustDomain: the peer's root certificate is never loaded (§6.4)")
    client = get_value(doc.node, "spec", "security", "clientID")
    if client is None or is_null(client):
        rep.report(doc.src, "SMF104", _value_or_parent(doc.node, "spec", "security", "clientID"),
                   ("spec", "security", "clientID"), f"ServiceMeshPeer {doc.name} has no clientID (§5.4)")
    chain_kind = get_value(doc.node, "spec", "security", "certificateChain", "kind")
    if isinstance(chain_kind, ScalarNode) and chain_kind.value not in ("", "ConfigMap"):
        # §5.4/§5.5: `unknown Kind for CertificateChain object reference`.
        rep.report(doc.src, "SMF108", chain_kind, ("spec", "security", "certificateChain", "kind"),
                   f"certificateChain kind {chain_kind.value!r}: the federation code reads only a ConfigMap")


def check_duplicates(rep: Reporter, inv: Inventory) -> None:
    seen: dict[tuple, Doc] = {}
    for doc in inv.docs:
        if doc.kind not in FEDERATION_KINDS or not doc.name:
            continue
        key = (doc.kind, doc.scope, doc.name)
        first = seen.setdefault(key, doc)
        if first is not doc:
            # §5.6/§5.7: at most one set per peer; a second object of the same name replaces the first.
            rep.report(doc.src, "SMF127", get_value(doc.node, "metadata", "name"), ("metadata", "name"),
                       f"{doc.kind} {doc.name} in {doc.namespace} is also defined at {_where(first.node, first.src)}")


# --- a ServiceMeshPeer against both SMCPs --------------------------------------------------------------

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
        # The peer's own ServiceMeshPeer for us names its gateways for us (§5.4); else its SMCP's pair for us.
        back = [p for p in inv.of(PEER, scope_of(mesh)) if local.trust_domain and p.at("spec", "security", "trustDomain") == local.trust_domain] \
            or [p for p in inv.of(PEER, scope_of(mesh)) if local.name and p.name == local.name]
        if len(back) == 1:
            egress, ingress = back[0].at("spec", "gateways", "egress", "name"), back[0].at("spec", "gateways", "ingress", "name")
        elif local.name in mesh.by_hint:
            e, i = mesh.by_hint[local.name]
            egress, ingress = e.name, i.name
    return RemoteView(mesh, matched_by, egress, ingress)


def check_peer(rep: Reporter, inv: Inventory, doc: Doc) -> None:
    local = doc.mesh
    if local is None:
        if inv.meshes and doc.namespace:
            rep.report(doc.src, "SMF100", get_value(doc.node, "metadata", "namespace"), ("metadata", "namespace"),
                       f"no ServiceMeshControlPlane in namespace {doc.namespace} among the files for ServiceMeshPeer {doc.name}")
    else:
        check_peer_gateways(rep, doc, local)
    remote = remote_of(doc, inv)
    check_peer_trust_domain(rep, doc, local, remote)
    check_client_id(rep, doc, remote)
    if remote is not None:
        check_remote_ports(rep, doc, remote)
    check_ca(rep, inv, doc)


def check_peer_gateways(rep: Reporter, doc: Doc, local: MeshDoc) -> None:
    """§6.2 DERIVED: gateways.*.name must equal this SMCP's additionalIngress/additionalEgress keys."""
    import difflib
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
                why = f"{name!r} is in {other_map[-1]}, not {gmap[-1]}"
            else:
                close = difflib.get_close_matches(name, names, n=1)
                why = f"{local.src.path} has no {gmap[-1]} gateway {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
            rep.report(doc.src, "SMF101", name_node, path, f"ServiceMeshPeer {doc.name}: {why}")
        elif not is_federation_gateway(gateway, label):
            rep.report(doc.src, "SMF102", name_node, path,
                       f"{kind} gateway {name!r} ({_where(gateway, local.src)}) has neither port {TLS_PORT} nor {DISCOVERY_PORT} (§6.1)")


def check_peer_trust_domain(rep: Reporter, doc: Doc, local: MeshDoc | None, remote: RemoteView | None) -> None:
    td_node = get_value(doc.node, "spec", "security", "trustDomain")
    td = doc.at("spec", "security", "trustDomain")
    if not td:
        return
    path = ("spec", "security", "trustDomain")
    if local is not None and td == local.trust_domain:
        rep.report(doc.src, "SMF103", td_node, path,
                   f"trustDomain {td!r} is this mesh's own: the peer's root certificate is ignored (§6.4)")
    elif remote is not None and remote.mesh.trust_domain and td != remote.mesh.trust_domain:
        rep.report(doc.src, "SMF103", td_node, path,
                   f"trustDomain {td!r} is not the trust domain of {remote.mesh.name} "
                   f"({remote.mesh.trust_domain!r} at {_where(remote.mesh.trust_domain_node, remote.mesh.src)})",
                   f"set trustDomain: {remote.mesh.trust_domain}")


def check_client_id(rep: Reporter, doc: Doc, remote: RemoteView | None) -> None:
    """§5.4, §9.9: a wrong clientID makes the peer's ingress deny our discovery (§6.2 DENY policy)."""
    node = get_value(doc.node, "spec", "security", "clientID")
    if not isinstance(node, ScalarNode) or is_null(node):
        return
    path = ("spec", "security", "clientID")
    value = node.value
    m = _CLIENT_ID.match(value)
    if m is None:
        rep.report(doc.src, "SMF104", node, path, f"clientID {value!r} is not <trust domain>/ns/<namespace>/sa/<service account>")
        return
    td, ns, sa = m.groups()
    if remote is not None:
        peer = remote.mesh
        expected_td = peer.trust_domain or td
        if remote.egress_for_us:
            expected = client_id(expected_td, peer.namespace or ns, remote.egress_for_us)
            if value != expected:
                want_td, want_ns, want_sa = _CLIENT_ID.match(expected).groups()
                wrong = [what for what, got, want in (("trust domain", td, want_td), ("namespace", ns, want_ns),
                                                      ("service account", sa, want_sa)) if got != want]
                rep.report(doc.src, "SMF104", node, path,
                           f"clientID {value!r} has the wrong {' and '.join(wrong)} for {peer.name}'s egress gateway "
                           f"for this mesh: expected {expected!r}", f"set clientID: {expected}")
            return
        egress_accounts = {service_account(g.name) for g in federation_gateways(peer.node, "egress")}
        wrong = [what for what, got, want in (("trust domain", td, peer.trust_domain), ("namespace", ns, peer.namespace))
                 if want and got != want]
        if sa not in egress_accounts:
            wrong.append(f"service account (not one of {', '.join(sorted(egress_accounts)) or 'no egress gateways'})")
        if wrong:
            rep.report(doc.src, "SMF104", node, path, f"clientID {value!r}: wrong {', '.join(wrong)} for {peer.name}")
        return
    own_td = doc.at("spec", "security", "trustDomain")
    if own_td and td != own_td:
        rep.report(doc.src, "SMF104", node, path, f"clientID trust domain {td!r} differs from spec.security.trustDomain {own_td!r}",
                   f"set clientID: {own_td}/ns/{ns}/sa/{sa}")
    elif not sa.endswith("-service-account"):
        rep.report(doc.src, "SMF104", node, path,
                   f"clientID service account {sa!r}: the operator names gateway accounts <gateway>-service-account (§2.3)")


def check_remote_ports(rep: Reporter, doc: Doc, remote: RemoteView) -> None:
    """§5.3: 15443/8188 for a LoadBalancer ingress; the ingress's node ports for NodePort."""
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
        how = f"NodePort {peer.name}/{remote.ingress_for_us}, node ports at {_where(gateway, peer.src)}"
    for key, want in wanted.items():
        node = get_value(doc.node, "spec", "remote", key)
        got = int_value(node) if node is not None and not is_null(node) else (TLS_PORT if key == "servicePort" else DISCOVERY_PORT)
        if got != want:
            where = node if node is not None else _value_or_parent(doc.node, "spec", "remote", key)
            rep.report(doc.src, "SMF105", where, ("spec", "remote", key),
                       f"{key} is {got}{'' if node is not None else ' (the default)'} but the peer's ingress ({how}) "
                       f"is reached on {want}", f"set {key}: {want}")


def check_ca(rep: Reporter, inv: Inventory, doc: Doc) -> None:
    """§5.4/§5.5: the ConfigMap named by certificateChain (default <peer>-ca-root-cert) with root-cert.pem."""
    name = doc.at("spec", "security", "certificateChain", "name") or (ca_config_map_name(doc.name) if doc.name else None)
    if name is None:
        return
    maps = [d for d in inv.of(CONFIG_MAP, doc.scope) if d.name == name]
    chain = get_value(doc.node, "spec", "security", "certificateChain", "name") or _value_or_parent(
        doc.node, "spec", "security", "certificateChain")
    if not maps:
        rep.report(doc.src, "SMF110", chain, ("spec", "security", "certificateChain", "name"),
                   f"no ConfigMap {name} in {doc.namespace} among the files: istiod cannot load {doc.name}'s root certificate")
        return
    cm = maps[0]
    value = get_value(cm.node, "data", CA_KEY)
    if value is None:
        rep.report(cm.src, "SMF111", _value_or_parent(cm.node, "data"), ("data", CA_KEY),
                   f"ConfigMap {name} has no {CA_KEY}: istiod logs `missing entry root-cert.pem` (§5.5)")
    elif not (isinstance(value, ScalarNode) and is_certificate(value.value)):
        rep.report(cm.src, "SMF112", value, ("data", CA_KEY), f"{CA_KEY} of ConfigMap {name} is not a PEM certificate")


def check_shared_gateways(rep: Reporter, inv: Inventory) -> None:
    """§5.1/§5.2: one egress and one ingress gateway for each peer; and one ServiceMeshPeer per peer mesh."""
    used: dict[tuple, Doc] = {}
    remotes: dict[tuple, Doc] = {}
    for doc in inv.of(PEER):
        for kind in ("ingress", "egress"):
            name = doc.at("spec", "gateways", kind, "name")
            if name is None:
                continue
            first = used.setdefault((doc.scope, kind, name), doc)
            if first is not doc and first.name != doc.name:
                rep.report(doc.src, "SMF134", get_value(doc.node, "spec", "gateways", kind, "name"),
                           ("spec", "gateways", kind, "name"),
                           f"{kind} gateway {name!r} also serves ServiceMeshPeer {first.name} ({_where(first.node, first.src)})")
        td = doc.at("spec", "security", "trustDomain")
        if td:
            first = remotes.setdefault((doc.scope, td), doc)
            if first is not doc and first.name != doc.name:
                rep.report(doc.src, "SMF133", get_value(doc.node, "spec", "security", "trustDomain"),
                           ("spec", "security", "trustDomain"),
                           f"ServiceMeshPeer {first.name} ({_where(first.node, first.src)}) already points at trust domain {td!r}")


def check_gateways_without_peer(rep: Reporter, inv: Inventory) -> None:
    for mesh in inv.meshes:
        peers = inv.of(PEER, scope_of(mesh))
        if not peers:
            continue  # the SMCP alone, or its peer resources are not among the files
        named = {p.at("spec", "gateways", kind, "name") for p in peers for kind in ("ingress", "egress")}
        for hint, (e, i) in mesh.by_hint.items():
            if e.name not in named and i.name not in named:
                rep.report(mesh.src, "SMF135", e.key, EGRESS_MAP + (e.name,),
                           f"gateways {e.name}/{i.name} (peer {hint!r}) are used by no ServiceMeshPeer in {mesh.namespace}")


# --- ExportedServiceSet / ImportedServiceSet ----------------------------------------------------------

def check_service_set_peer(rep: Reporter, inv: Inventory, doc: Doc) -> None:
    """§5.6/§5.7: the set's name must equal a ServiceMeshPeer name in the same namespace."""
    peers = inv.of(PEER, doc.scope)
    if not peers or not doc.name or any(p.name == doc.name for p in peers):
        return
    import difflib
    close = difflib.get_close_matches(doc.name, [p.name for p in peers if p.name], n=1)
    rep.report(doc.src, "SMF120", get_value(doc.node, "metadata", "name"), ("metadata", "name"),
               f"{doc.kind} {doc.name!r} names no ServiceMeshPeer in {doc.namespace}"
               + (f"; did you mean {close[0]!r}?" if close else f" (peers: {', '.join(sorted(p.name for p in peers if p.name))})"))


def _rules(doc: Doc, key: str):
    rules = get_value(doc.node, "spec", key)
    if isinstance(rules, SequenceNode):
        for index, rule in enumerate(rules.value):
            if isinstance(rule, MappingNode):
                yield ("spec", key, Item("index", index)), rule


def _has_value(node: Node | None) -> bool:
    return node is not None and not is_null(node)


def check_export_rules(rep: Reporter, doc: Doc) -> None:
    """§5.6 rule types and selectors; §7 the docs' `Selector:` and `alias:` under labelSelector."""
    for path, rule in _rules(doc, "exportRules"):
        kind = scalar_at(rule, "type")
        selector_key = {"NameSelector": "nameSelector", "LabelSelector": "labelSelector"}.get(kind or "")
        if selector_key is None:
            rep.report(doc.src, "SMF126", get_value(rule, "type") or rule, path + ("type",),
                       f"export rule type {kind!r} is not NameSelector or LabelSelector: istiod skips the rule")
        elif not _has_value(get_value(rule, selector_key)):
            rep.report(doc.src, "SMF126", get_value(rule, "type"), path + (selector_key,),
                       f"{kind} rule without {selector_key}: istiod skips the rule (null selector)")
        label = get_value(rule, "labelSelector")
        if not isinstance(label, MappingNode):
            continue
        wrong = get(label, "Selector")
        if wrong:
            rep.report(doc.src, "SMF124", wrong[0], path + ("labelSelector", "Selector"),
                       "`Selector:` (as the docs print it) is not a field; the API reads `selector:`", "rename it to `selector`")
        alias = get(label, "alias")
        if alias:
            rep.report(doc.src, "SMF125", alias[0], path + ("labelSelector", "alias"),
                       "labelSelector has no `alias` (the docs' mistake): it takes `aliases`, a list of mappings")
        if kind == "LabelSelector" and not _has_value(get_value(label, "selector")) and not wrong:
            rep.report(doc.src, "SMF126", label, path + ("labelSelector", "selector"),
                       "labelSelector without selector: istiod skips the rule (null selector)")


def check_import_rules(rep: Reporter, doc: Doc) -> None:
    """§5.7: only NameSelector; importAsLocal needs a fixed alias namespace; §7 importAsLocal misplaced."""
    suffix = get_value(doc.node, "spec", "domainSuffix")
    if isinstance(suffix, ScalarNode) and suffix.value in CLUSTER_SUFFIXES:
        rep.report(doc.src, "SMF128", suffix, ("spec", "domainSuffix"),
                   f"domainSuffix {suffix.value!r} is rejected by istiod: use importAsLocal instead")
    locality = get_value(doc.node, "spec", "locality")
    for level, parent in (("zone", "region"), ("subzone", "zone")):
        node = get_value(locality, level)
        if _has_value(node) and not scalar_at(locality, parent):
            rep.report(doc.src, "SMF129", node, ("spec", "locality", level), f"locality {level} without {parent}")
    for path, rule in _rules(doc, "importRules"):
        kind = scalar_at(rule, "type")
        if kind != "NameSelector":
            rep.report(doc.src, "SMF121", get_value(rule, "type") or rule, path + ("type",),
                       f"import rule type {kind!r}: istiod skips it with `unknown selector type`")
        selector = get_value(rule, "nameSelector")
        if kind == "NameSelector" and not _has_value(selector):
            rep.report(doc.src, "SMF126", get_value(rule, "type"), path + ("nameSelector",),
                       "NameSelector rule without nameSelector: istiod skips the rule")
        misplaced = get(selector, "importAsLocal")
        if misplaced:
            rep.report(doc.src, "SMF123", misplaced[0], path + ("nameSelector", "importAsLocal"),
                       "importAsLocal inside nameSelector (as the docs print it) is dropped; it belongs on the rule")
        local = bool_value(get_value(rule, "importAsLocal"))
        alias_ns = scalar_at(selector, "alias", "namespace")
        if local and (not alias_ns or alias_ns == "*"):
            rep.report(doc.src, "SMF122", get_value(rule, "importAsLocal"), path + ("importAsLocal",),
                       "importAsLocal without a fixed alias namespace: istiod skips the rule (`cannot use importAsLocal "
                       "without setting a fixed namespace alias`)")
        rule_suffix = get_value(rule, "domainSuffix")
        if isinstance(rule_suffix, ScalarNode) and rule_suffix.value in CLUSTER_SUFFIXES:
            rep.report(doc.src, "SMF128", rule_suffix, path + ("domainSuffix",),
                       f"domainSuffix {rule_suffix.value!r} is rejected by istiod: use importAsLocal instead")
