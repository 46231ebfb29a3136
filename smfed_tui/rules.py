"""Every federation rule the validator knows: a table of codes, then one small check per concern.

The rules read the parsed document (not the model), so they also judge files the wizard did not
write, and every finding points at a line and column. Sources for each rule: reference
ossm-federation.md §3 (what the operator checks), §4 (Kubernetes syntax), §6-§7 (code-level
constraints and pitfalls), §9 (the checklist). The TUI, the plain prompts and the CLI all call
`check_source`; nothing else decides what is valid.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .findings import ERROR, HINT, WARNING, Finding, sort_key
from .i18n import N_, Translated, _, current_language
from .layout import EGRESS_MAP, INGRESS_MAP, Item, path_text
from .quoting import visible
from .model import (DEFAULT_NODE_PORT_RANGE, DISCOVERY_PORT, EGRESS_LABEL, IMAGE_PULL_POLICIES,
                    INGRESS_LABEL, ROUTER_MODES, SERVICE_TYPES, TLS_PORT, VERSIONS)
from .reader import federation_gateways, pair_gateways
from .source import SMCP_API, Source, bool_value, get, get_value, int_value, is_null, scalar_at


@dataclass(frozen=True)
class Rule:
    """A rule's code and severity, and its title and fix as English message ids (shown translated)."""

    code: str
    severity: str
    title_msgid: str
    fix_msgid: str
    title = Translated("title_msgid")
    fix = Translated("fix_msgid")


_RULES = [
    Rule("SMF005", ERROR, N_("not a maistra.io/v2 ServiceMeshControlPlane"),
         N_("federation needs apiVersion maistra.io/v2 (OSSM 2.x); convert the v1 resource first")),
    Rule("SMF001", ERROR, N_("spec.version cannot federate"),
         N_("set spec.version to v2.4 or later (v2.6 is current)")),
    Rule("SMF002", WARNING, N_("spec.version is no longer served by current operators"),
         N_("OSSM 2.4 dropped v2.1 and 2.5 dropped v2.2: move to v2.4 or later")),
    Rule("SMF003", HINT, N_("spec.version is not set"),
         N_("the operator fills in its latest version; write it out to know what you get")),
    Rule("SMF004", WARNING, N_("spec.version is not a version the operator knows"), N_("use one of v2.1 ... v2.6")),
    Rule("SMF010", ERROR, N_("no trust domain while federating"),
         N_("set spec.security.trust.domain to a unique domain, e.g. <mesh-name>.local")),
    Rule("SMF011", ERROR, N_("trust domain is cluster.local"),
         N_("every federated mesh needs its own trust domain, e.g. <mesh-name>.local")),
    Rule("SMF012", ERROR, N_("two meshes share a trust domain"),
         N_("give each mesh its own trust domain; with equal domains the peer CA is ignored")),
    Rule("SMF013", WARNING, N_("the trust domain of a deployed mesh changes"),
         N_("keep it, or update every peer's ServiceMeshPeer for this mesh at the same time (their trustDomain "
            "and clientID name it)")),
    Rule("SMF020", ERROR, N_("gateway name is not a DNS-1035 label"),
         N_("use lower-case letters, digits and '-', starting with a letter, at most 63 characters")),
    Rule("SMF021", ERROR, N_("gateway name is reserved"),
         N_("istio-ingressgateway and istio-egressgateway are the default gateways; pick another name")),
    Rule("SMF022", ERROR, N_("gateway name used twice in the namespace"),
         N_("each additional gateway needs its own name across additionalIngress and additionalEgress")),
    Rule("SMF023", ERROR, N_("gateway name plus namespace longer than 63"),
         N_("the operator labels pods `maistra.io/gateway: <name>.<namespace>`; shorten the name")),
    Rule("SMF024", ERROR, N_("federation gateway outside the control-plane namespace"),
         N_("remove `namespace:` (federation gateways must run in the control-plane namespace)")),
    Rule("SMF030", ERROR, N_("federation gateway is not enabled"),
         N_("write `enabled: true`: the operator skips an additional gateway without it, even though the docs say it defaults to true")),
    Rule("SMF040", ERROR, N_("federation port missing"),
         N_("federation needs port 15443 (name tls) and port 8188 on each federation gateway")),
    Rule("SMF041", ERROR, N_("federation port has the wrong name"),
         N_("15443 is `tls`; 8188 is `http-discovery` on egress and `https-discovery` on ingress")),
    Rule("SMF042", ERROR, N_("the same port twice in one gateway"), N_("list each port once")),
    Rule("SMF043", ERROR, N_("port name is not a valid service port name"),
         N_("at most 15 lower-case letters, digits and single '-', with a letter, not http-envoy-prom")),
    Rule("SMF044", WARNING, N_("targetPort differs from port"),
         N_("remove targetPort: the federation gateways listen on 15443 and 8188")),
    Rule("SMF045", ERROR, N_("port number is not between 1 and 65535"), N_("use a number from 1 to 65535")),
    Rule("SMF050", ERROR, N_("nodePort without a NodePort service"),
         N_("set service.type: NodePort, or remove nodePort")),
    Rule("SMF051", ERROR, N_("nodePort outside the cluster's node port range"),
         N_("pick a port in the range (30000-32767 by default; see --node-port-range)")),
    Rule("SMF052", ERROR, N_("the same nodePort twice"),
         N_("node ports are unique across the whole cluster; pick another")),
    Rule("SMF053", ERROR, N_("only one of the two node ports is set"),
         N_("give both 15443 and 8188 a nodePort, or neither (the docs require both when one is set)")),
    Rule("SMF054", HINT, N_("NodePort without fixed node ports"),
         N_("Kubernetes picks random node ports; fix them so the peer's ServiceMeshPeer can name them")),
    Rule("SMF055", WARNING, N_("nodePort on a LoadBalancer service"),
         N_("peers reach a LoadBalancer on 15443/8188; node ports are only needed for NodePort")),
    Rule("SMF060", ERROR, N_("label value is not valid"),
         N_("at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric")),
    Rule("SMF061", ERROR, N_("two federation gateways share a label value"),
         N_("the labels are also the Service selector: give each gateway its own value")),
    Rule("SMF062", WARNING, N_("federation gateway without its federation label"),
         N_("add service.metadata.labels federation.maistra.io/<egress|ingress>-for so the Service does not select the default gateway pods")),
    Rule("SMF070", WARNING, N_("requestedNetworkView uses the docs' <peer>-network"),
         N_("the federation code names the peer network `network-<peer>` (the maintained samples agree)")),
    Rule("SMF071", HINT, N_("no requestedNetworkView"),
         N_("without it the egress gateway sees every network; `network-<peer>` limits it to the peer")),
    Rule("SMF080", ERROR, N_("spec.gateways.enabled is false"),
         N_("this disables every gateway, the federation ones included: remove it or set true")),
    Rule("SMF081", ERROR, N_("misspelled key"), N_("rename the key; an unknown key is dropped by the API server")),
    Rule("SMF082", WARNING, N_("unknown key"),
         N_("check the ServiceMeshControlPlane v2 reference; the API server drops unknown keys")),
    Rule("SMF083", ERROR, N_("wrong type for this key"), N_("see the expected shape in the message")),
    Rule("SMF090", HINT, N_("routerMode has no effect after v2.1"),
         N_("remove routerMode (the docs dropped it with OSSM 2.1's end of life)")),
    Rule("SMF091", WARNING, N_("routerMode value unknown"), N_("use sni-dnat or standard, or remove it")),
    Rule("SMF092", HINT, N_("the operator will create a Route for this ingress"),
         N_("set routeConfig.enabled: false unless you want a Route; federation ingresses do not serve port 8080")),
    Rule("SMF093", WARNING, N_("federation gateway without a partner"),
         N_("each peer needs one egress and one ingress gateway; add the missing one")),
    Rule("SMF094", WARNING, N_("federation ingress not reachable from another cluster"),
         N_("use LoadBalancer (or NodePort where the cluster has no load balancers)")),
    Rule("SMF095", ERROR, N_("unknown service type"), N_("use LoadBalancer, NodePort or ClusterIP")),
    Rule("SMF096", ERROR, N_("metadata name or namespace invalid"),
         N_("use a DNS-1123 label: lower-case letters, digits and '-'")),
    Rule("SMF097", ERROR, N_("unknown imagePullPolicy"), N_("use Always, IfNotPresent or Never")),
    Rule("SMF098", WARNING, N_("editing gateway labels recreates the gateway"),
         N_("expect the gateway Deployment to be deleted and recreated (a short outage)")),
    Rule("SMF099", WARNING, N_("the control plane is renamed or moved"),
         N_("keep the name and namespace of a deployed control plane; to change them, delete it first (the "
            "mesh goes with it) and create the new one")),
]

# The cross-file federation rules (SMF1xx, issue 5; checked by `federation_rules`, which only the
# commands that read peer resources import): in this table too, so every code lives in one place.
_FEDERATION_RULES = [
    # §5.4: peer resources live in the local control-plane namespace
    Rule("SMF100", WARNING, N_("no ServiceMeshControlPlane for this namespace among the files"),
         N_("pass the SMCP of this control-plane namespace too, so the peer resources can be checked against it")),
    # §6.2 DERIVED: gateway names equal the SMCP map keys
    Rule("SMF101", ERROR, N_("ServiceMeshPeer names a gateway its SMCP does not have"),
         N_("spec.gateways.ingress/egress.name must be keys of this SMCP's additionalIngress/additionalEgress")),
    # §6.1: 15443 and 8188 are fixed
    Rule("SMF102", ERROR, N_("ServiceMeshPeer gateway is not a federation gateway"),
         N_("give the gateway ports 15443 (tls) and 8188 (http-discovery on egress, https-discovery on ingress)")),
    # §2.4, §5.4, §6.4
    Rule("SMF103", ERROR, N_("ServiceMeshPeer trust domain is wrong"),
         N_("spec.security.trustDomain is the peer mesh's own trust domain, different from this mesh's")),
    # §5.4, §9.9; §6.2: a wrong clientID is denied discovery
    Rule("SMF104", ERROR, N_("ServiceMeshPeer clientID is wrong"),
         N_("clientID is <peer trust domain>/ns/<peer namespace>/sa/<peer's egress gateway for this mesh>-service-account")),
    # §5.3, §5.4
    Rule("SMF105", ERROR, N_("ServiceMeshPeer port does not match the peer's ingress"),
         N_("use 15443/8188 for a LoadBalancer ingress, the ingress's node ports for NodePort")),
    # §5.3, §5.4
    Rule("SMF106", ERROR, N_("ServiceMeshPeer has no remote address"),
         N_("list the peer ingress gateway's load balancer address (or node IPs for NodePort) in spec.remote.addresses")),
    # §5.3 (our own placeholder, RFC 2606 .invalid)
    Rule("SMF107", WARNING, N_("ServiceMeshPeer address is a placeholder"),
         N_("replace it with the peer ingress gateway's load balancer address (or node IPs for NodePort)")),
    # §5.4: only kind "" or ConfigMap is read
    Rule("SMF108", ERROR, N_("certificateChain is not a ConfigMap"),
         N_("set certificateChain kind: ConfigMap (the only kind the federation code reads)")),
    # §5.4, §5.5, §9.9
    Rule("SMF110", ERROR, N_("no CA ConfigMap for the peer"),
         N_("create ConfigMap <peer>-ca-root-cert with the peer's root certificate in root-cert.pem (or pass the file holding it)")),
    # §5.5: `missing entry root-cert.pem`
    Rule("SMF111", ERROR, N_("CA ConfigMap without root-cert.pem"),
         N_("put the peer's root certificate under data key root-cert.pem")),
    # §5.5
    Rule("SMF112", WARNING, N_("root-cert.pem is not a PEM certificate"),
         N_("paste the peer's root certificate (oc get configmap istio-ca-root-cert -n <peer ns> -o jsonpath='{.data.root-cert\\.pem}')")),
    # §5.6, §5.7: name = ServiceMeshPeer name
    Rule("SMF120", ERROR, N_("service set named after no ServiceMeshPeer"),
         N_("name the ExportedServiceSet/ImportedServiceSet exactly like the ServiceMeshPeer of that mesh")),
    # §5.7: `unknown selector type`
    Rule("SMF121", ERROR, N_("import rule is not a NameSelector"),
         N_("ImportedServiceSet rules support only type: NameSelector")),
    # §5.7: `cannot use importAsLocal without setting a fixed namespace alias`
    Rule("SMF122", ERROR, N_("importAsLocal without a fixed alias namespace"),
         N_("set nameSelector.alias.namespace to a fixed namespace, or drop importAsLocal")),
    # §7: create-import's mistake
    Rule("SMF123", ERROR, N_("importAsLocal inside nameSelector"),
         N_("move importAsLocal up to the rule, beside type (the docs misplace it)")),
    # §7: config-export's mistake
    Rule("SMF124", ERROR, N_("labelSelector.Selector is capitalised"),
         N_("write `selector:` (lower case; the docs print `Selector:`)")),
    # §7: config-export's mistake
    Rule("SMF125", ERROR, N_("alias under labelSelector"),
         N_("labelSelector takes `aliases:`, a list of {namespace, name, alias} mappings")),
    # §5.6: type is required; unknown type or null selector: `skipping rule`
    Rule("SMF126", ERROR, N_("service set rule without a usable selector"),
         N_("give the rule type NameSelector with nameSelector (or LabelSelector with labelSelector.selector)")),
    # §5.6, §5.7: one per peer
    Rule("SMF127", ERROR, N_("the same federation resource twice"), N_("keep one per name and namespace")),
    # §5.7: `use importAsLocal instead`
    Rule("SMF128", ERROR, N_("import domainSuffix is the cluster's own"),
         N_("use importAsLocal instead of domainSuffix cluster.local")),
    # §5.7: zone needs region; subzone needs zone and region
    Rule("SMF129", ERROR, N_("locality level without its parent"),
         N_("zone needs region; subzone needs zone and region")),
    # §5.4: federation.maistra.io/v1
    Rule("SMF130", ERROR, N_("federation resource with the wrong apiVersion"),
         N_("use apiVersion: federation.maistra.io/v1")),
    # §5.4, §5.6, §5.7: control-plane namespace
    Rule("SMF131", WARNING, N_("federation resource without a namespace"),
         N_("set metadata.namespace to the control-plane namespace; otherwise it lands wherever you apply it")),
    # §6.2: the peer name is in hostnames, keep a DNS-1123 label
    Rule("SMF132", ERROR, N_("federation resource name missing or not a DNS-1123 label"),
         N_("name it after the peer mesh: lower-case letters, digits and '-'")),
    # §5.4: one ServiceMeshPeer per ordered pair
    Rule("SMF133", WARNING, N_("two ServiceMeshPeers for the same mesh"), N_("keep one ServiceMeshPeer per peer mesh")),
    # §5.1, §5.2: one egress and one ingress gateway for each peer
    Rule("SMF134", ERROR, N_("two ServiceMeshPeers share a gateway"),
         N_("each peer needs its own egress and ingress gateway")),
    # §5.1 checklist: one ServiceMeshPeer per pair
    Rule("SMF135", HINT, N_("federation gateways without a ServiceMeshPeer"),
         N_("add the ServiceMeshPeer for this peer, or remove its gateways")),
]
RULES = {r.code: r for r in _RULES + _FEDERATION_RULES}

DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
RESERVED_GATEWAYS = ("istio-ingressgateway", "istio-egressgateway")
# A gateway's kind as messages name it: `_(gw.kind)` (the YAML keeps "egress"/"ingress" in every language).
GATEWAY_KINDS = (N_("egress"), N_("ingress"))
VERSION_RE = re.compile(r"^v(\d+)\.(\d+)$")


# --- pure checks on single values, shared with the field validators of the UIs -----------------

def dns1035_problem(name: str) -> str | None:
    if not name:
        return _("must not be empty")
    if len(name) > 63:
        return _("is {length} characters long; at most 63").format(length=len(name))
    if not DNS1035.match(name):
        return _("must consist of lower-case letters, digits or '-', start with a letter and end "
                 "with a letter or digit")
    return None


def dns1123_problem(name: str) -> str | None:
    if not name:
        return _("must not be empty")
    if len(name) > 63:
        return _("is {length} characters long; at most 63").format(length=len(name))
    if not DNS1123.match(name):
        return _("must consist of lower-case letters, digits or '-', and start and end with a letter or digit")
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) > 63:
        return _("is {length} characters long; at most 63").format(length=len(value))
    if not LABEL_VALUE.match(value):
        return _("may hold letters, digits, '-', '_' and '.', and must start and end with a letter or digit")
    return None


def port_name_problem(name: str) -> str | None:
    """Kubernetes IANA_SVC_NAME, which container port names must pass (reference §3.3, §4)."""
    if len(name) > 15:
        return _("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        return _("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        return _("must contain at least one letter (a-z)")
    if "--" in name:
        return _("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        return _("must not begin or end with a hyphen")
    if name == "http-envoy-prom":
        return _("is taken by the gateway's own metrics port")
    return None


def node_port_problem(port: int, node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE) -> str | None:
    lo, hi = node_port_range
    if not lo <= port <= hi:
        return _("{port} is not in the valid range {lo}-{hi}").format(port=port, lo=lo, hi=hi)
    return None


def version_tuple(version: str) -> tuple[int, int] | None:
    m = VERSION_RE.match(version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


# --- the known SMCP v2 keys, for "did you mean" (reference §2) ----------------------------------

_PORT = {k: None for k in ("name", "protocol", "appProtocol", "port", "targetPort", "nodePort")}
_SERVICE = {
    "metadata": {"labels": None, "annotations": None},
    "ports": [_PORT],
    **{k: None for k in ("type", "loadBalancerIP", "loadBalancerSourceRanges", "externalTrafficPolicy",
                         "clusterIP", "clusterIPs", "externalIPs", "externalName", "selector", "sessionAffinity",
                         "sessionAffinityConfig", "ipFamily", "ipFamilies", "ipFamilyPolicy", "topologyKeys",
                         "healthCheckNodePort", "publishNotReadyAddresses", "loadBalancerClass",
                         "allocateLoadBalancerNodePorts", "internalTrafficPolicy")},
}
_GATEWAY = {"enabled": None, "namespace": None, "service": _SERVICE, "routerMode": None, "volumes": None,
            "runtime": None}
_EGRESS = {**_GATEWAY, "requestedNetworkView": None}
_INGRESS = {**_GATEWAY, "sds": None, "routeConfig": {"enabled": None}}
SCHEMA = {
    "apiVersion": None, "kind": None, "metadata": None, "status": None,
    "spec": {
        **{k: None for k in ("addons", "general", "meshConfig", "mode", "policy", "profiles", "proxy",
                             "techPreview", "telemetry", "tracing", "version")},
        "cluster": {"name": None, "network": None, "multiCluster": None, "meshExpansion": None},
        "gateways": {"enabled": None, "ingress": None, "egress": None, "openshiftRoute": None,
                     "additionalIngress": {"*": _INGRESS}, "additionalEgress": {"*": _EGRESS}},
        "security": {k: None for k in ("controlPlane", "dataPlane", "identity", "certificateAuthority",
                                       "manageNetworkPolicy", "jwksResolverCA")}
        | {"trust": {"domain": None, "additionalDomains": None}},
        "runtime": {"components": None, "defaults": {"deployment": None, "pod": None, "container": {
            k: None for k in ("imageRegistry", "imageTag", "imagePullPolicy", "imagePullSecrets", "resources")}}},
    },
}


# --- the checking context -------------------------------------------------------------------------

@dataclass
class Options:
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE


@dataclass
class Checker:
    src: Source
    options: Options
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, node: Node | None, path: tuple | str, message: str, hint: str | None = None) -> None:
        rule = RULES[code]
        line = col = None
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        # visible(): a key from the file may hold control characters; every front end prints the path
        where = visible(path if isinstance(path, str) else path_text(path))
        self.findings.append(Finding(code, rule.severity, where, line, col, message, hint or rule.fix, self.src.path))


def check_source(src: Source, options: Options | None = None) -> list[Finding]:
    """All findings for the SMCP of one parsed file (none when it holds no SMCP)."""
    if src.smcp is None:
        return []
    checker = Checker(src, options or Options())
    smcp = src.smcp
    api = get(smcp, "apiVersion")
    if api is None or scalar_at(smcp, "apiVersion") != SMCP_API:
        checker.report("SMF005", api[1] if api else smcp, ("apiVersion",),
                       _("apiVersion is {api!r}; the rules here are for {expected}").format(
                           api=scalar_at(smcp, "apiVersion"), expected=SMCP_API))
        return checker.findings
    check_keys(checker, smcp, SCHEMA, ())
    check_metadata(checker, smcp)
    check_version(checker, smcp)
    egress = federation_gateways(smcp, "egress")
    ingress = federation_gateways(smcp, "ingress")
    federating = bool(egress or ingress)
    check_trust_domain(checker, smcp, federating)
    check_gateways_switch(checker, smcp, federating)
    check_gateway_names(checker, smcp)
    namespace = scalar_at(smcp, "metadata", "namespace")
    version = version_tuple(scalar_at(smcp, "spec", "version") or "")
    for gw in egress + ingress:
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        check_federation_gateway_remembered(checker, gw, base, namespace, version)
    check_labels_distinct(checker, egress + ingress)
    check_node_ports_distinct(checker, ingress)
    pairs, alone = pair_gateways(egress, ingress)
    for gw in alone:
        other = "ingress" if gw.kind == "egress" else "egress"
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        checker.report("SMF093", gw.key, base, _("{kind} gateway {name!r} (peer {peer!r}) has no {other} gateway "
                                                 "for the same peer").format(kind=_(gw.kind), name=gw.name,
                                                                             peer=gw.peer_hint, other=_(other)))
    for e, _i in pairs:
        check_network_view(checker, e)
    return sorted(checker.findings, key=sort_key)


# --- checks ----------------------------------------------------------------------------------------

def check_keys(c: Checker, node: Node, schema, path: tuple) -> None:
    """Unknown keys under the parts of the SMCP whose fields we know; close ones get a 'did you mean'."""
    if not isinstance(node, MappingNode) or not isinstance(schema, dict):
        return
    for k, v in node.value:
        if not isinstance(k, ScalarNode) or k.value == "<<":
            continue
        key = k.value
        if "*" in schema:
            check_keys(c, v, schema["*"], path + (key,))
            continue
        if key in schema:
            sub = schema[key]
            if isinstance(sub, list):
                if isinstance(v, SequenceNode):
                    for item in v.value:
                        check_keys(c, item, sub[0], path + (key,))
                elif not is_null(v):
                    c.report("SMF083", v, path + (key,), _("{path} must be a list").format(path=path_text(path + (key,))))
            elif isinstance(sub, dict):
                if not isinstance(v, MappingNode) and not is_null(v):
                    c.report("SMF083", v, path + (key,),
                             _("{path} must be a mapping").format(path=path_text(path + (key,))))
                else:
                    check_keys(c, v, sub, path + (key,))
            continue
        close = difflib.get_close_matches(key, [s for s in schema if s != "*"], n=1, cutoff=0.75)
        where = path_text(path + (key,))
        if close:
            c.report("SMF081", k, path + (key,),
                     _("unknown key {key!r} in {where}: did you mean {close!r}?").format(
                         key=key, where=path_text(path) or _("the document"), close=close[0]),
                     _("rename {key!r} to {close!r}").format(key=key, close=close[0]))
        elif path and path[0] == "spec":
            c.report("SMF082", k, path + (key,), _("unknown key {where!r}").format(where=where))


def check_metadata(c: Checker, smcp: MappingNode) -> None:
    for key in ("name", "namespace"):
        pair = get(get_value(smcp, "metadata"), key)
        if pair is None:
            if key == "name":
                c.report("SMF096", smcp, ("metadata",), _("metadata.name is missing"))
            continue
        value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
        problem = dns1123_problem(value)
        if problem:
            c.report("SMF096", pair[1], ("metadata", key),
                     _("metadata.{key} {value!r} {problem}").format(key=key, value=value, problem=problem))
    policy = get(get_value(smcp, "spec", "runtime", "defaults", "container"), "imagePullPolicy")
    if policy and isinstance(policy[1], ScalarNode) and policy[1].value not in IMAGE_PULL_POLICIES:
        c.report("SMF097", policy[1], ("spec", "runtime", "defaults", "container", "imagePullPolicy"),
                 _("imagePullPolicy {value!r} is not one of {choices}").format(
                     value=policy[1].value, choices=", ".join(IMAGE_PULL_POLICIES)))


def check_version(c: Checker, smcp: MappingNode) -> None:
    pair = get(get_value(smcp, "spec"), "version")
    path = ("spec", "version")
    if pair is None or is_null(pair[1]):
        c.report("SMF003", get_value(smcp, "spec") or smcp, path, _("spec.version is not set"))
        return
    value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
    parsed = version_tuple(value)
    if parsed is not None and parsed < (2, 1):
        c.report("SMF001", pair[1], path,
                 _("spec.version {value} has no federation (it arrived in v2.1)").format(value=value))
    elif value not in VERSIONS:
        c.report("SMF004", pair[1], path,
                 _("spec.version {value!r} is not one of {choices}").format(value=value, choices=", ".join(VERSIONS)))
    elif parsed < (2, 4):
        c.report("SMF002", pair[1], path,
                 _("spec.version {value} is no longer served by current Service Mesh operators").format(value=value))


def check_trust_domain(c: Checker, smcp: MappingNode, federating: bool) -> None:
    domain = get_value(smcp, "spec", "security", "trust", "domain")
    path = ("spec", "security", "trust", "domain")
    if isinstance(domain, ScalarNode) and domain.value == "cluster.local":
        c.report("SMF011", domain, path, _("trust domain is cluster.local, the default every mesh has"))
    elif federating and (domain is None or is_null(domain) or scalar_at(smcp, *path) == ""):
        c.report("SMF010", get_value(smcp, "spec") or smcp, path,
                 _("federation gateways are defined but spec.security.trust.domain is not set "
                   "(it defaults to cluster.local)"))


def check_gateways_switch(c: Checker, smcp: MappingNode, federating: bool) -> None:
    node = get_value(smcp, "spec", "gateways", "enabled")
    if federating and bool_value(node) is False:
        c.report("SMF080", node, ("spec", "gateways", "enabled"),
                 _("spec.gateways.enabled: false turns off the federation gateways"))


def check_gateway_names(c: Checker, smcp: MappingNode) -> None:
    """Names of every additional gateway (federation or not): the operator's own webhook rules."""
    namespace = scalar_at(smcp, "metadata", "namespace") or ""
    seen: dict[tuple[str, str], tuple] = {}
    for gmap in (EGRESS_MAP, INGRESS_MAP):
        node = get_value(smcp, *gmap)
        if not isinstance(node, MappingNode):
            if node is not None and not is_null(node):
                c.report("SMF083", node, gmap,
                         _("{path} must be a mapping of gateway name to settings").format(path=path_text(gmap)))
            continue
        for k, v in node.value:
            name = k.value if isinstance(k, ScalarNode) else ""
            path = gmap + (name,)
            if name in RESERVED_GATEWAYS:
                c.report("SMF021", k, path, _("cannot define additional gateway named {name!r}").format(name=name))
            else:
                problem = dns1035_problem(name)
                if problem:
                    c.report("SMF020", k, path, _("gateway name {name!r} {problem}").format(name=name, problem=problem))
            gw_ns = scalar_at(v, "namespace") or namespace
            if (gw_ns, name) in seen:
                c.report("SMF022", k, path, _("multiple gateways defined for \"{namespace}/{name}\"").format(
                    namespace=gw_ns, name=name))
            seen[(gw_ns, name)] = path
            if gw_ns and len(name) + 1 + len(gw_ns) > 63:
                c.report("SMF023", k, path, _("{name}.{namespace} is {length} characters; the maistra.io/gateway "
                                              "label value allows 63").format(
                    name=name, namespace=gw_ns, length=len(name) + 1 + len(gw_ns)))


_GATEWAY_FINDINGS: dict = {}   # what check_federation_gateway found, by the gateway's text and context
_GATEWAY_FINDINGS_MAX = 2048


def check_federation_gateway_remembered(c: Checker, gw, base: tuple, namespace: str | None, version) -> None:
    """check_federation_gateway, remembered by the gateway's own text. The wizard checks the whole file
    on every keystroke; in a 50-peer file the keystroke changes one gateway and the other 99 give the
    same findings again (a third of a keystroke's checking). The findings depend only on that text, on
    where it starts (lines are stored relative to it), on the context below and on the language; a
    gateway that uses an alias (`*name`) or a merge key depends on other text and is never remembered."""
    start, end = gw.key.start_mark, gw.node.end_mark
    text = c.src.text[start.index:end.index]
    # an alias's node is the anchored one, elsewhere in the file (before its key): not this text
    if not start.index < gw.node.start_mark.index < end.index or "*" in text or "<<" in text:
        check_federation_gateway(c, gw, base, namespace, version)
        return
    key = (text, start.column, gw.kind, gw.name, gw.peer_hint, namespace, version, c.options.node_port_range,
           c.src.path, current_language())
    found = _GATEWAY_FINDINGS.get(key)
    if found is None:
        before = len(c.findings)
        check_federation_gateway(c, gw, base, namespace, version)
        if len(_GATEWAY_FINDINGS) >= _GATEWAY_FINDINGS_MAX:
            _GATEWAY_FINDINGS.clear()
        _GATEWAY_FINDINGS[key] = [replace(f, line=None if f.line is None else f.line - start.line)
                                  for f in c.findings[before:]]
        return
    c.findings.extend(replace(f, line=None if f.line is None else f.line + start.line) for f in found)


def check_federation_gateway(c: Checker, gw, base: tuple, namespace: str | None, version) -> None:
    node = gw.node
    enabled = get(node, "enabled")
    if enabled is None or is_null(enabled[1]):
        c.report("SMF030", gw.key, base + ("enabled",),
                 _("{name} has no `enabled: true`: the operator will not deploy it").format(name=gw.name))
    elif bool_value(enabled[1]) is False:
        c.report("SMF030", enabled[1], base + ("enabled",),
                 _("{name} is disabled: federation with {peer!r} will not work").format(name=gw.name, peer=gw.peer_hint),
                 _("set enabled: true"))
    ns = get(node, "namespace")
    if ns and isinstance(ns[1], ScalarNode) and ns[1].value and ns[1].value != namespace:
        c.report("SMF024", ns[1], base + ("namespace",),
                 _("{name} is placed in namespace {namespace!r}, not the control plane's {expected!r}").format(
                     name=gw.name, namespace=ns[1].value, expected=namespace))
    router = get(node, "routerMode")
    if router and isinstance(router[1], ScalarNode):
        if router[1].value not in ROUTER_MODES:
            c.report("SMF091", router[1], base + ("routerMode",),
                     _("routerMode {value!r} is not sni-dnat or standard").format(value=router[1].value))
        elif version and version >= (2, 2):
            c.report("SMF090", router[0], base + ("routerMode",), _("routerMode is ignored since v2.2"))
    label_key = EGRESS_LABEL if gw.kind == "egress" else INGRESS_LABEL
    labels = get_value(node, "service", "metadata", "labels")
    label = get(labels, label_key)
    label_path = base + ("service", "metadata", "labels", label_key)
    if label is None:
        c.report("SMF062", gw.key, label_path, _("{name} has no {label} label").format(name=gw.name, label=label_key))
    if isinstance(labels, MappingNode):
        for k, v in labels.value:
            value = v.value if isinstance(v, ScalarNode) else ""
            problem = label_value_problem(value)
            if problem:
                c.report("SMF060", v, base + ("service", "metadata", "labels", k.value),
                         _("label value {value!r} {problem}").format(value=value, problem=problem))
    check_ports(c, gw, base)
    if gw.kind == "ingress":
        check_exposure(c, gw, base)


def check_ports(c: Checker, gw, base: tuple) -> None:
    ports = get_value(gw.node, "service", "ports")
    path = base + ("service", "ports")
    wanted = {TLS_PORT: "tls", DISCOVERY_PORT: "http-discovery" if gw.kind == "egress" else "https-discovery"}
    if not isinstance(ports, SequenceNode):
        c.report("SMF040", gw.key, path, _("{name} lists no ports; it needs 15443 (tls) and 8188 ({discovery})").format(
            name=gw.name, discovery=wanted[DISCOVERY_PORT]))
        return
    seen: dict[int, Node] = {}
    names: set[str] = set()
    for index, item in enumerate(ports.value):
        number_node = get_value(item, "port")
        number = int_value(number_node)
        item_path = path + (Item("port", number) if number is not None else Item("index", index),)
        if number is None:
            c.report("SMF045", number_node or item, item_path + ("port",), _("port is missing or not a number"))
            continue
        if not 1 <= number <= 65535:
            c.report("SMF045", number_node, item_path + ("port",),
                     _("port {port} must be between 1 and 65535, inclusive").format(port=number))
        if number in seen:
            c.report("SMF042", number_node, item_path + ("port",),
                     _("port {port} is listed twice in {gateway}").format(port=number, gateway=gw.name))
        seen[number] = item
        name_node = get_value(item, "name")
        name = name_node.value if isinstance(name_node, ScalarNode) and not is_null(name_node) else None
        if name is not None:
            problem = port_name_problem(name)
            if problem:
                c.report("SMF043", name_node, item_path + ("name",),
                         _("port name {name!r} {problem}").format(name=name, problem=problem))
            names.add(name)
        if number in wanted and name != wanted[number]:
            where = name_node if name is not None else number_node
            message = (_("port {port} on the {kind} gateway {gateway} must be named {wanted!r}, not {name!r}") if name
                       else _("port {port} on the {kind} gateway {gateway} must be named {wanted!r}"))
            c.report("SMF041", where, item_path + ("name",),
                     message.format(port=number, kind=_(gw.kind), gateway=gw.name, wanted=wanted[number], name=name),
                     _("set `name: {wanted}`").format(wanted=wanted[number]))
        target = get_value(item, "targetPort")
        if target is not None and not is_null(target) and int_value(target) != number:
            c.report("SMF044", target, item_path + ("targetPort",),
                     _("targetPort {target} differs from port {port}").format(target=target.value, port=number))
    for number in wanted:
        if number not in seen:
            c.report("SMF040", ports, path,
                     _("{gateway} does not list port {port} ({wanted})").format(
                         gateway=gw.name, port=number, wanted=wanted[number]),
                     _("add `- port: {port}` with `name: {wanted}`").format(port=number, wanted=wanted[number]))


def check_exposure(c: Checker, gw, base: tuple) -> None:
    type_node = get_value(gw.node, "service", "type")
    service_type = type_node.value if isinstance(type_node, ScalarNode) and not is_null(type_node) else None
    type_path = base + ("service", "type")
    if service_type is not None and service_type not in SERVICE_TYPES + ("ExternalName",):
        c.report("SMF095", type_node, type_path,
                 _("service type {value!r} is not LoadBalancer, NodePort or ClusterIP").format(value=service_type))
    elif service_type in (None, "ClusterIP"):
        message = (_("{name} is a ClusterIP service (the default): meshes in other clusters cannot reach it")
                   if service_type is None else
                   _("{name} is a ClusterIP service: meshes in other clusters cannot reach it"))
        c.report("SMF094", type_node or gw.key, type_path, message.format(name=gw.name))
    ports = node_ports_of(gw)
    given = [(number, port, node) for number, port, node in ports if port is not None]
    for number, port, node in given:
        path = base + ("service", "ports", Item("port", number), "nodePort")
        if service_type in (None, "ClusterIP"):
            c.report("SMF050", node, path, _("nodePort may not be used when type is 'ClusterIP'"))
        elif service_type == "LoadBalancer":
            c.report("SMF055", node, path, _("nodePort {port} on a LoadBalancer service").format(port=port))
        problem = node_port_problem(port, c.options.node_port_range)
        if problem:
            c.report("SMF051", node, path, _("provided port is not in the valid range: {problem}").format(problem=problem))
    federation = [(n, p, node) for n, p, node in ports if n in (TLS_PORT, DISCOVERY_PORT)]
    with_port = [x for x in federation if x[1] is not None]
    if service_type == "NodePort" and len(federation) == 2:
        if len(with_port) == 1:
            missing = next(n for n, p, _ in federation if p is None)
            c.report("SMF053", with_port[0][2], base + ("service", "ports", Item("port", missing), "nodePort"),
                     _("port {port} has nodePort {node_port} but port {missing} has none").format(
                         port=with_port[0][0], node_port=with_port[0][1], missing=missing))
        elif not with_port:
            c.report("SMF054", type_node, type_path, _("{name} is NodePort without fixed node ports").format(name=gw.name))
    route = bool_value(get_value(gw.node, "routeConfig", "enabled"))
    if route is None:
        c.report("SMF092", gw.key, base + ("routeConfig", "enabled"),
                 _("{name} will get an OpenShift Route to port 8080, which a federation ingress does not serve").format(
                     name=gw.name))


def node_ports_of(gw) -> list[tuple[int, int | None, Node | None]]:
    """(port, nodePort or None, the nodePort value node) for each listed port."""
    ports = get_value(gw.node, "service", "ports")
    out = []
    if isinstance(ports, SequenceNode):
        for item in ports.value:
            number = int_value(get_value(item, "port"))
            node = get_value(item, "nodePort")
            if number is not None:
                out.append((number, int_value(node), node))
    return out


def check_labels_distinct(c: Checker, gateways) -> None:
    seen: dict[tuple[str, str], str] = {}
    for gw in gateways:
        label_key = EGRESS_LABEL if gw.kind == "egress" else INGRESS_LABEL
        value_node = get_value(gw.node, "service", "metadata", "labels", label_key)
        if not isinstance(value_node, ScalarNode):
            continue
        key = (label_key, value_node.value)
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        if key in seen:
            c.report("SMF061", value_node, base + ("service", "metadata", "labels", label_key),
                     _("{label}: {value} is also on {gateway}").format(
                         label=label_key, value=value_node.value, gateway=seen[key]))
        else:
            seen[key] = gw.name


def check_node_ports_distinct(c: Checker, ingress) -> None:
    seen: dict[int, str] = {}
    for gw in ingress:
        for number, port, node in node_ports_of(gw):
            if port is None:
                continue
            path = INGRESS_MAP + (gw.name, "service", "ports", Item("port", number), "nodePort")
            if port in seen:
                c.report("SMF052", node, path, _("nodePort {port} is also used by {owner}").format(port=port, owner=seen[port]))
            else:
                seen[port] = _("{gateway} port {port}").format(gateway=gw.name, port=number)


def check_network_view(c: Checker, egress) -> None:
    base = EGRESS_MAP + (egress.name,)
    view = get_value(egress.node, "requestedNetworkView")
    peer = egress.peer_hint
    if view is None or is_null(view):
        c.report("SMF071", egress.key, base + ("requestedNetworkView",),
                 _("{name} has no requestedNetworkView").format(name=egress.name))
        return
    if isinstance(view, SequenceNode):
        for item in view.value:
            if isinstance(item, ScalarNode) and item.value.endswith("-network") and not item.value.startswith("network-"):
                c.report("SMF070", item, base + ("requestedNetworkView",),
                         _("{value!r} follows the docs; the federation code uses 'network-<peer>'").format(value=item.value),
                         _("use 'network-{peer}' if {peer!r} is the ServiceMeshPeer name").format(peer=peer))


# --- several files ------------------------------------------------------------------------------

def check_across(sources: list[Source]) -> list[Finding]:
    """Rules that need several SMCPs: node ports are cluster-wide, trust domains federation-wide."""
    findings: list[Finding] = []
    ports: dict[int, str] = {}
    domains: dict[str, str] = {}
    for src in sources:
        if src.smcp is None:
            continue
        checker = Checker(src, Options())
        for gw in federation_gateways(src.smcp, "ingress"):
            for number, port, node in node_ports_of(gw):
                if port is None:
                    continue
                path = INGRESS_MAP + (gw.name, "service", "ports", Item("port", number), "nodePort")
                owner = f"{src.path} ({gw.name})"
                if port in ports and not ports[port].startswith(src.path + " "):
                    checker.report("SMF052", node, path,
                                   _("nodePort {port} is also used by {owner}").format(port=port, owner=ports[port]))
                ports.setdefault(port, owner)
        domain = get_value(src.smcp, "spec", "security", "trust", "domain")
        if isinstance(domain, ScalarNode) and domain.value and domain.value != "cluster.local":
            if domain.value in domains:
                checker.report("SMF012", domain, ("spec", "security", "trust", "domain"),
                               _("trust domain {domain!r} is also used by {owner}").format(
                                   domain=domain.value, owner=domains[domain.value]))
            domains.setdefault(domain.value, src.path)
        findings.extend(checker.findings)
    return findings


# --- comparing an edit with the file it started from --------------------------------------------

def check_edit(old, new, src: Source) -> list[Finding]:
    """Findings about the change itself (old and new are model.Mesh): a label edit on an existing
    gateway changes an immutable Deployment selector, so the operator deletes and recreates the
    gateway (reference §2.3, §9.8); a new name or namespace makes `apply` create a second control plane
    (the webhook allows one per namespace, §3.1); a new trust domain no longer matches what each peer's
    ServiceMeshPeer says of this mesh (§5.4, §6.4). `src` is the edited text, for positions."""
    checker = Checker(src, Options())
    smcp = src.smcp
    for key, message in (
            ("name", _("metadata.name was {old!r}: applying this creates a second ServiceMeshControlPlane, "
                       "and the operator allows one per namespace")),
            ("namespace", _("metadata.namespace was {old!r}: applying this installs another control plane in "
                            "{new!r} and leaves the one in {old!r} running"))):
        was, now = getattr(old, key), getattr(new, key)
        if was and now and was != now:
            checker.report("SMF099", get_value(smcp, "metadata", key) if smcp is not None else None,
                           ("metadata", key), message.format(old=was, new=now))
    if old.trust_domain and new.trust_domain and old.trust_domain != new.trust_domain:
        path = ("spec", "security", "trust", "domain")
        checker.report("SMF013", get_value(smcp, *path) if smcp is not None else None, path,
                       _("the trust domain was {old!r}: every peer's ServiceMeshPeer for this mesh names it, so "
                         "federation stops until each peer is updated").format(old=old.trust_domain))
    before = {p.source: p for p in old.peers if p.source is not None}
    for peer in new.peers:
        was = before.get(peer.source) if peer.source is not None else None
        if was is None:
            continue
        for kind, label_key, old_value, new_value, gmap, name, old_name in (
                ("egress", EGRESS_LABEL, was.egress_label, peer.egress_label, EGRESS_MAP, peer.egress, was.egress),
                ("ingress", INGRESS_LABEL, was.ingress_label, peer.ingress_label, INGRESS_MAP, peer.ingress, was.ingress)):
            # a renamed gateway is a new Deployment anyway: its label change recreates nothing more
            if old_value != new_value and old_value is not None and name == old_name:
                path = gmap + (name, "service", "metadata", "labels", label_key)
                node = get_value(src.smcp, *path) if src.smcp is not None else None
                checker.report("SMF098", node, path, _("changing {label} on the existing {kind} gateway {name} "
                                                       "recreates its Deployment").format(
                    label=label_key, kind=_(kind), name=name))
    return checker.findings
