"""The rules over one ServiceMeshControlPlane (codes SMF0xx): `check_source`.

The rules read the parsed document (not the model), so they also judge files the wizard did not
write, and every finding points at a line and column. Sources for the rules: what the operator
checks, Kubernetes' own syntax rules, the federation code's constraints and the docs' pitfalls. The
TUI, the plain prompts and the CLI all call `check_source`; nothing else decides what is valid.
"""
from __future__ import annotations

import difflib
from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..findings import Finding, sort_key
from ..i18n import _, current_language
from ..model import (DISCOVERY_PORT, EGRESS_LABEL, IMAGE_PULL_POLICIES, INGRESS_LABEL, NLB_ANNOTATION, ROUTER_MODES,
                     SERVICE_TYPES, TLS_PORT, VERSIONS)
from ..reader import federation_gateways, pair_gateways
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP, TRUST_DOMAIN, Item, path_text
from ..source import SMCP_API, Source
from ..yaml_nodes import bool_value, get, get_value, int_value, is_null, scalar_at
from .catalogue import Checker, Options
from .values import (RESERVED_GATEWAYS, dns1035_problem, dns1123_problem, label_value_problem,
                     node_port_problem, port_name_problem, trust_domain_problem, version_tuple)


# --- the known SMCP v2 keys, for "did you mean" -------------------------------------------------

_PORT = {k: None for k in ("name", "protocol", "appProtocol", "port", "targetPort", "nodePort")}
# Service fields the v2 `service` schema of the 2.4.3 and 2.5.1 SMCP CRDs does not have: the API server
# drops them (or rejects the SMCP under strict field validation), and the gateway chart would not render them.
DROPPED = "dropped"
_SERVICE = {
    "metadata": {"labels": None, "annotations": None},
    "ports": [_PORT],
    **{k: None for k in ("type", "loadBalancerIP", "loadBalancerSourceRanges", "externalTrafficPolicy",
                         "clusterIP", "externalIPs", "externalName", "selector", "sessionAffinity",
                         "sessionAffinityConfig", "ipFamily", "topologyKeys", "healthCheckNodePort",
                         "publishNotReadyAddresses")},
    **{k: DROPPED for k in ("clusterIPs", "ipFamilies", "ipFamilyPolicy", "loadBalancerClass",
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
    egress = federation_gateways(smcp, "egress")
    ingress = federation_gateways(smcp, "ingress")
    federating = bool(egress or ingress)
    check_version(checker, smcp, federating)
    check_trust_domain(checker, smcp, federating)
    check_gateways_switch(checker, smcp, federating)
    if federating:
        check_known_operator_bugs(checker, smcp)
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
            if sub == DROPPED:
                c.report("SMF084", k, path + (key,), _("{key} is a Kubernetes Service field, but not one of the "
                                                       "SMCP's gateway service: the API server drops it").format(key=key),
                         _("remove {key}; the operator's gateway chart renders only type, loadBalancerIP, "
                           "loadBalancerSourceRanges, externalTrafficPolicy, selector and ports").format(key=key))
            elif isinstance(sub, list):
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


def check_version(c: Checker, smcp: MappingNode, federating: bool) -> None:
    pair = get(get_value(smcp, "spec"), "version")
    path = ("spec", "version")
    if pair is None or is_null(pair[1]):
        c.report("SMF003", get_value(smcp, "spec") or smcp, path, _("spec.version is not set"))
        return
    value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
    parsed = version_tuple(value)
    if parsed is not None and parsed < (2, 1) and federating:
        c.report("SMF001", pair[1], path,
                 _("spec.version {value} has no federation (it arrived in v2.1)").format(value=value))
    elif parsed is not None and parsed < (2, 3):
        # operator 2.4 serves v2.1+, 2.5 v2.2+, 2.6 (most likely) v2.3+ (build/build.sh MINIMUM_SUPPORTED_VERSION)
        last = {(2, 0): "2.3", (2, 1): "2.4", (2, 2): "2.5"}.get(parsed)
        message = (_("spec.version {value} is served by no operator after {last}").format(value=value, last=last)
                   if last else _("spec.version {value} is served by no current operator").format(value=value))
        c.report("SMF002", pair[1], path, message)
    elif value not in VERSIONS:
        c.report("SMF004", pair[1], path,
                 _("spec.version {value!r} is not one of {choices}").format(value=value, choices=", ".join(VERSIONS)))


def check_trust_domain(c: Checker, smcp: MappingNode, federating: bool) -> None:
    domain = get_value(smcp, *TRUST_DOMAIN)
    path = TRUST_DOMAIN
    if isinstance(domain, ScalarNode) and domain.value == "cluster.local":
        c.report("SMF011", domain, path, _("trust domain is cluster.local, the default every mesh has"))
    elif isinstance(domain, ScalarNode) and not is_null(domain) and trust_domain_problem(domain.value):
        c.report("SMF014", domain, path, _("trust domain {domain!r} {problem}: istiod refuses it").format(
            domain=domain.value, problem=trust_domain_problem(domain.value)))
    elif federating and (domain is None or is_null(domain) or scalar_at(smcp, *path) == ""):
        c.report("SMF010", get_value(smcp, "spec") or smcp, path,
                 _("federation gateways are defined but spec.security.trust.domain is not set "
                   "(it defaults to cluster.local)"))


def check_gateways_switch(c: Checker, smcp: MappingNode, federating: bool) -> None:
    node = get_value(smcp, "spec", "gateways", "enabled")
    if federating and bool_value(node) is False:
        c.report("SMF080", node, ("spec", "gateways", "enabled"),
                 _("spec.gateways.enabled: false turns off the federation gateways"))


def check_known_operator_bugs(c: Checker, smcp: MappingNode) -> None:
    """Fixed operator bugs a federating mesh can still meet (openshift-docs ossm-rn-fixed-issues)."""
    version = get(get_value(smcp, "spec"), "version")
    if version and isinstance(version[1], ScalarNode) and version[1].value == "v2.3":
        c.report("SMF006", version[1], ("spec", "version"), _("early 2.3 operators gave federation egress gateways "
                                                              "the local ingress's endpoints (OSSM-3599, OSSM-3644)"))
    ca_path = ("spec", "security", "certificateAuthority")
    ca_type = scalar_at(smcp, *ca_path, "type")
    istiod_type = scalar_at(smcp, *ca_path, "istiod", "type")
    if ca_type in ("cert-manager", "custom") or istiod_type == "PrivateKey":
        c.report("SMF015", get_value(smcp, *ca_path), ca_path, _(
            "with an external certificate authority the federation egress sends only its own certificate, not the "
            "chain (MAISTRA-2687)"))
    env_path = ("spec", "runtime", "components", "pilot", "container", "env", "PILOT_USE_ENDPOINT_SLICE")
    flag = get_value(smcp, *env_path)
    if isinstance(flag, ScalarNode) and flag.value.strip().lower() in ("false", "0", "no", "off"):
        c.report("SMF087", flag, env_path, _("PILOT_USE_ENDPOINT_SLICE is {value!r}: federation reads EndpointSlices "
                                             "and imports nothing without them (OSSM-1962)").format(value=flag.value))


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
    # upstream's integration test names the egress's 8188 `https-discovery`: both names are fine there
    accepted = {TLS_PORT: ("tls",), DISCOVERY_PORT: ("http-discovery", "https-discovery") if gw.kind == "egress"
                else ("https-discovery",)}
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
            elif name in names:
                c.report("SMF046", name_node, item_path + ("name",),
                         _("port name {name!r} is used twice in {gateway}: Kubernetes rejects the Service").format(
                             name=name, gateway=gw.name))
            names.add(name)
        elif len(ports.value) > 1:
            c.report("SMF046", item, item_path + ("name",),
                     _("port {port} has no name; with several ports Kubernetes requires one for each").format(
                         port=number))
        if number in wanted and name is not None and name not in accepted[number]:
            c.report("SMF041", name_node, item_path + ("name",),
                     _("port {port} on the {kind} gateway {gateway} is named {name!r}; the docs name it {wanted!r} "
                       "(federation itself goes by the number)").format(
                         port=number, kind=_(gw.kind), gateway=gw.name, wanted=wanted[number], name=name),
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
    nlb = get(get_value(gw.node, "service", "metadata", "annotations"), NLB_ANNOTATION)
    if nlb is not None and service_type != "LoadBalancer":
        c.report("SMF056", nlb[0], base + ("service", "metadata", "annotations", NLB_ANNOTATION),
                 _("{name} is {type}, not a LoadBalancer: no load balancer is made and {annotation} does nothing").format(
                     name=gw.name, type=service_type or "ClusterIP", annotation=NLB_ANNOTATION))
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
    """Two gateways whose Services select each other's pods: the Service selector is the gateway's
    labels, and since MAISTRA-2556 the operator adds `app: <gateway name>` when they lack `app`. So
    equal federation label values alone are fine (upstream's samples label egress and ingress with the
    peer's name); only equal label sets are not."""
    seen: dict[tuple, str] = {}
    for gw in gateways:
        labels = get_value(gw.node, "service", "metadata", "labels")
        pairs = {k.value: v.value for k, v in labels.value if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)} \
            if isinstance(labels, MappingNode) else {}
        pairs.setdefault("app", gw.name)
        key = tuple(sorted(pairs.items()))
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        if key in seen:
            node = get_value(labels, "app") or labels or gw.key
            c.report("SMF061", node, base + ("service", "metadata", "labels"),
                     _("{name} has the same labels as {other} ({labels}): their Services select each other's "
                       "pods").format(name=gw.name, other=seen[key], labels=", ".join(f"{k}={v}" for k, v in key)))
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
