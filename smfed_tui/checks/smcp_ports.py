"""The rules over a federation gateway's Service: its ports (15443 and 8188, names, numbers), its type
and node ports (also across the SMCP's ingresses), and the Route the operator would make for an
ingress. `smcp_gateways.check_federation_gateway` and `smcp.check_source` call them.
"""
from __future__ import annotations

from yaml.nodes import Node, ScalarNode, SequenceNode

from ..findings import ERROR, HINT, WARNING, Rule
from ..i18n import N_, _
from ..model import DISCOVERY_PORT, NLB_ANNOTATION, SERVICE_TYPES, TLS_PORT
from ..smcp_paths import INGRESS_MAP, Item
from ..yaml_nodes import bool_value, get, get_value, int_value, is_null
from .checker import Checker
from .values import node_port_problem, port_name_problem


SMF040 = Rule("SMF040", ERROR, N_("federation port missing"),
              N_("federation needs port 15443 (name tls) and port 8188 on each federation gateway"))
# federation matches ports by number; the names are the docs' (upstream's test names egress 8188 https-discovery)
SMF041 = Rule("SMF041", WARNING, N_("federation port is not named as the docs name it"),
              N_("15443 is `tls`; 8188 is `http-discovery` (or `https-discovery`) on egress and `https-discovery` on "
                 "ingress"))
SMF042 = Rule("SMF042", ERROR, N_("the same port twice in one gateway"), N_("list each port once"))
SMF043 = Rule("SMF043", ERROR, N_("port name is not a valid service port name"),
              N_("at most 15 lower-case letters, digits and single '-', with a letter, not http-envoy-prom"))
SMF044 = Rule("SMF044", WARNING, N_("targetPort differs from port"),
              N_("remove targetPort: the federation gateways listen on 15443 and 8188"))
SMF045 = Rule("SMF045", ERROR, N_("port number is not between 1 and 65535"), N_("use a number from 1 to 65535"))
# Kubernetes validateServicePort: a name is required when there are several ports, and unique
SMF046 = Rule("SMF046", ERROR, N_("service port name missing or used twice"),
              N_("give every port of the gateway its own name (Kubernetes rejects the Service otherwise)"))


def check_ports(c: Checker, gw, base: tuple) -> None:
    ports = get_value(gw.node, "service", "ports")
    path = base + ("service", "ports")
    wanted = {TLS_PORT: "tls", DISCOVERY_PORT: "http-discovery" if gw.kind == "egress" else "https-discovery"}
    if not isinstance(ports, SequenceNode):
        c.report(SMF040, gw.key, path, _("{name} lists no ports; it needs 15443 (tls) and 8188 ({discovery})").format(
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
            c.report(SMF045, number_node or item, item_path + ("port",), _("port is missing or not a number"))
            continue
        if not 1 <= number <= 65535:
            c.report(SMF045, number_node, item_path + ("port",),
                     _("port {port} must be between 1 and 65535, inclusive").format(port=number))
        if number in seen:
            c.report(SMF042, number_node, item_path + ("port",),
                     _("port {port} is listed twice in {gateway}").format(port=number, gateway=gw.name))
        seen[number] = item
        name_node = get_value(item, "name")
        name = name_node.value if isinstance(name_node, ScalarNode) and not is_null(name_node) else None
        if name is not None:
            problem = port_name_problem(name)
            if problem:
                c.report(SMF043, name_node, item_path + ("name",),
                         _("port name {name!r} {problem}").format(name=name, problem=problem))
            elif name in names:
                c.report(SMF046, name_node, item_path + ("name",),
                         _("port name {name!r} is used twice in {gateway}: Kubernetes rejects the Service").format(
                             name=name, gateway=gw.name))
            names.add(name)
        elif len(ports.value) > 1:
            c.report(SMF046, item, item_path + ("name",),
                     _("port {port} has no name; with several ports Kubernetes requires one for each").format(
                         port=number))
        if number in wanted and name is not None and name not in accepted[number]:
            c.report(SMF041, name_node, item_path + ("name",),
                     _("port {port} on the {kind} gateway {gateway} is named {name!r}; the docs name it {wanted!r} "
                       "(federation itself goes by the number)").format(
                         port=number, kind=_(gw.kind), gateway=gw.name, wanted=wanted[number], name=name),
                     _("set `name: {wanted}`").format(wanted=wanted[number]))
        target = get_value(item, "targetPort")
        if target is not None and not is_null(target) and int_value(target) != number:
            c.report(SMF044, target, item_path + ("targetPort",),
                     _("targetPort {target} differs from port {port}").format(target=target.value, port=number))
    for number in wanted:
        if number not in seen:
            c.report(SMF040, ports, path,
                     _("{gateway} does not list port {port} ({wanted})").format(
                         gateway=gw.name, port=number, wanted=wanted[number]),
                     _("add `- port: {port}` with `name: {wanted}`").format(port=number, wanted=wanted[number]))


SMF050 = Rule("SMF050", ERROR, N_("nodePort without a NodePort service"),
              N_("set service.type: NodePort, or remove nodePort"))
SMF051 = Rule("SMF051", ERROR, N_("nodePort outside the cluster's node port range"),
              N_("pick a port in the cluster's node port range (30000-32767 unless the cluster's is wider)"))
SMF053 = Rule("SMF053", ERROR, N_("only one of the two node ports is set"),
              N_("give both 15443 and 8188 a nodePort, or neither (the docs require both when one is set)"))
SMF054 = Rule("SMF054", HINT, N_("NodePort without fixed node ports"),
              N_("Kubernetes picks random node ports; fix them so the peer's ServiceMeshPeer can name them"))
SMF055 = Rule("SMF055", WARNING, N_("nodePort on a LoadBalancer service"),
              N_("peers reach a LoadBalancer on 15443/8188; node ports are only needed for NodePort"))
SMF056 = Rule("SMF056", WARNING, N_("load balancer annotation on a service that is no load balancer"),
              N_("remove the aws-load-balancer-type annotation, or make the service a LoadBalancer"))
SMF092 = Rule("SMF092", HINT, N_("the operator will create a Route for this ingress"),
              N_("set routeConfig.enabled: false unless you want a Route; federation ingresses do not serve port 8080"))
SMF094 = Rule("SMF094", WARNING, N_("federation ingress not reachable from another cluster"),
              N_("use LoadBalancer (or NodePort where the cluster has no load balancers)"))
SMF095 = Rule("SMF095", ERROR, N_("unknown service type"), N_("use LoadBalancer, NodePort or ClusterIP"))


def check_exposure(c: Checker, gw, base: tuple) -> None:
    type_node = get_value(gw.node, "service", "type")
    service_type = type_node.value if isinstance(type_node, ScalarNode) and not is_null(type_node) else None
    type_path = base + ("service", "type")
    if service_type is not None and service_type not in SERVICE_TYPES + ("ExternalName",):
        c.report(SMF095, type_node, type_path,
                 _("service type {value!r} is not LoadBalancer, NodePort or ClusterIP").format(value=service_type))
    elif service_type in (None, "ClusterIP"):
        message = (_("{name} is a ClusterIP service (the default): meshes in other clusters cannot reach it")
                   if service_type is None else
                   _("{name} is a ClusterIP service: meshes in other clusters cannot reach it"))
        c.report(SMF094, type_node or gw.key, type_path, message.format(name=gw.name))
    nlb = get(get_value(gw.node, "service", "metadata", "annotations"), NLB_ANNOTATION)
    if nlb is not None and service_type != "LoadBalancer":
        c.report(SMF056, nlb[0], base + ("service", "metadata", "annotations", NLB_ANNOTATION),
                 _("{name} is {type}, not a LoadBalancer: no load balancer is made and {annotation} does nothing").format(
                     name=gw.name, type=service_type or "ClusterIP", annotation=NLB_ANNOTATION))
    ports = node_ports_of(gw)
    given = [(number, port, node) for number, port, node in ports if port is not None]
    for number, port, node in given:
        path = base + ("service", "ports", Item("port", number), "nodePort")
        if service_type in (None, "ClusterIP"):
            c.report(SMF050, node, path, _("nodePort may not be used when type is 'ClusterIP'"))
        elif service_type == "LoadBalancer":
            c.report(SMF055, node, path, _("nodePort {port} on a LoadBalancer service").format(port=port))
        problem = node_port_problem(port, c.options.node_port_range)
        if problem:
            c.report(SMF051, node, path, _("provided port is not in the valid range: {problem}").format(problem=problem))
    federation = [(n, p, node) for n, p, node in ports if n in (TLS_PORT, DISCOVERY_PORT)]
    with_port = [x for x in federation if x[1] is not None]
    if service_type == "NodePort" and len(federation) == 2:
        if len(with_port) == 1:
            missing = next(n for n, p, _ in federation if p is None)
            c.report(SMF053, with_port[0][2], base + ("service", "ports", Item("port", missing), "nodePort"),
                     _("port {port} has nodePort {node_port} but port {missing} has none").format(
                         port=with_port[0][0], node_port=with_port[0][1], missing=missing))
        elif not with_port:
            c.report(SMF054, type_node, type_path, _("{name} is NodePort without fixed node ports").format(name=gw.name))
    route = bool_value(get_value(gw.node, "routeConfig", "enabled"))
    if route is None:
        c.report(SMF092, gw.key, base + ("routeConfig", "enabled"),
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


SMF052 = Rule("SMF052", ERROR, N_("the same nodePort twice"),
              N_("node ports are unique across the whole cluster; pick another"))


def check_node_ports_distinct(c: Checker, ingress) -> None:
    seen: dict[int, str] = {}
    for gw in ingress:
        for number, port, node in node_ports_of(gw):
            if port is None:
                continue
            path = INGRESS_MAP + (gw.name, "service", "ports", Item("port", number), "nodePort")
            if port in seen:
                c.report(SMF052, node, path, _("nodePort {port} is also used by {owner}").format(port=port, owner=seen[port]))
            else:
                seen[port] = _("{gateway} port {port}").format(gateway=gw.name, port=number)
