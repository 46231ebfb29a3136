"""The rules over an SMCP's additional gateways: their names (every gateway's), and each federation
gateway's settings (enabled, namespace, router mode, labels, network view) and partner. Its Service's
ports and exposure are `smcp_ports`'s. `smcp.check_source` calls them.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..i18n import _
from ..model import EGRESS_LABEL, INGRESS_LABEL, ROUTER_MODES
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP, path_text
from ..yaml_nodes import bool_value, get, get_value, is_null, scalar_at
from .catalogue import Checker
from .smcp_ports import check_exposure, check_ports
from .values import RESERVED_GATEWAYS, dns1035_problem, label_value_problem


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


def check_partners(c: Checker, alone) -> None:
    """Federation gateways whose peer has no gateway of the other kind (`reader.pair_gateways`)."""
    for gw in alone:
        other = "ingress" if gw.kind == "egress" else "egress"
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        c.report("SMF093", gw.key, base, _("{kind} gateway {name!r} (peer {peer!r}) has no {other} gateway "
                                           "for the same peer").format(kind=_(gw.kind), name=gw.name,
                                                                       peer=gw.peer_hint, other=_(other)))


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
