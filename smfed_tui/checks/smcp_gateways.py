"""The rules over an SMCP's additional gateways: their names (every gateway's), and each federation
gateway's settings (enabled, namespace, router mode, labels, network view) and partner. Its Service's
ports and exposure are `smcp_ports`'s. `smcp.check_source` calls them.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..findings import ERROR, HINT, WARNING, Rule
from ..i18n import N_, _
from ..model import EGRESS_LABEL, INGRESS_LABEL, ROUTER_MODES
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP, path_text
from ..yaml_nodes import bool_value, get, get_value, is_null, scalar_at
from .checker import Checker
from .smcp_keys import SMF083
from .smcp_ports import check_exposure, check_ports
from .values import RESERVED_GATEWAYS, dns1035_problem, label_value_problem


SMF020 = Rule("SMF020", ERROR, N_("gateway name is not a DNS-1035 label"),
              N_("use lower-case letters, digits and '-', starting with a letter, at most 63 characters"))
SMF021 = Rule("SMF021", ERROR, N_("gateway name is reserved"),
              N_("istio-ingressgateway and istio-egressgateway are the default gateways; pick another name"))
SMF022 = Rule("SMF022", ERROR, N_("gateway name used twice in the namespace"),
              N_("each additional gateway needs its own name across additionalIngress and additionalEgress"))
SMF023 = Rule("SMF023", ERROR, N_("gateway name plus namespace longer than 63"),
              N_("the operator labels pods `maistra.io/gateway: <name>.<namespace>`; shorten the name"))


def check_gateway_names(c: Checker, smcp: MappingNode) -> None:
    """Names of every additional gateway (federation or not): the operator's own webhook rules."""
    namespace = scalar_at(smcp, "metadata", "namespace") or ""
    seen: dict[tuple[str, str], tuple] = {}
    for gmap in (EGRESS_MAP, INGRESS_MAP):
        node = get_value(smcp, *gmap)
        if not isinstance(node, MappingNode):
            if node is not None and not is_null(node):
                c.report(SMF083, node, gmap,
                         _("{path} must be a mapping of gateway name to settings").format(path=path_text(gmap)))
            continue
        for k, v in node.value:
            name = k.value if isinstance(k, ScalarNode) else ""
            path = gmap + (name,)
            if name in RESERVED_GATEWAYS:
                c.report(SMF021, k, path, _("cannot define additional gateway named {name!r}").format(name=name))
            else:
                problem = dns1035_problem(name)
                if problem:
                    c.report(SMF020, k, path, _("gateway name {name!r} {problem}").format(name=name, problem=problem))
            gw_ns = scalar_at(v, "namespace") or namespace
            if (gw_ns, name) in seen:
                c.report(SMF022, k, path, _("multiple gateways defined for \"{namespace}/{name}\"").format(
                    namespace=gw_ns, name=name))
            seen[(gw_ns, name)] = path
            if gw_ns and len(name) + 1 + len(gw_ns) > 63:
                c.report(SMF023, k, path, _("{name}.{namespace} is {length} characters; the maistra.io/gateway "
                                            "label value allows 63").format(
                    name=name, namespace=gw_ns, length=len(name) + 1 + len(gw_ns)))


SMF024 = Rule("SMF024", ERROR, N_("federation gateway outside the control-plane namespace"),
              N_("remove `namespace:` (federation gateways must run in the control-plane namespace)"))
SMF030 = Rule("SMF030", ERROR, N_("federation gateway is not enabled"),
              N_("write `enabled: true`: the operator skips an additional gateway without it, even though the docs say it defaults to true"))
SMF060 = Rule("SMF060", ERROR, N_("label value is not valid"),
              N_("at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric"))
SMF062 = Rule("SMF062", WARNING, N_("federation gateway without its federation label"),
              N_("add service.metadata.labels federation.maistra.io/<egress|ingress>-for so the Service does not select the default gateway pods"))
SMF090 = Rule("SMF090", HINT, N_("routerMode has no effect after v2.1"),
              N_("remove routerMode (the docs dropped it with OSSM 2.1's end of life)"))
SMF091 = Rule("SMF091", WARNING, N_("routerMode value unknown"), N_("use sni-dnat or standard, or remove it"))


def check_federation_gateway(c: Checker, gw, base: tuple, namespace: str | None, version) -> None:
    node = gw.node
    enabled = get(node, "enabled")
    if enabled is None or is_null(enabled[1]):
        c.report(SMF030, gw.key, base + ("enabled",),
                 _("{name} has no `enabled: true`: the operator will not deploy it").format(name=gw.name))
    elif bool_value(enabled[1]) is False:
        c.report(SMF030, enabled[1], base + ("enabled",),
                 _("{name} is disabled: federation with {peer!r} will not work").format(name=gw.name, peer=gw.peer_hint),
                 _("set enabled: true"))
    ns = get(node, "namespace")
    if ns and isinstance(ns[1], ScalarNode) and ns[1].value and ns[1].value != namespace:
        c.report(SMF024, ns[1], base + ("namespace",),
                 _("{name} is placed in namespace {namespace!r}, not the control plane's {expected!r}").format(
                     name=gw.name, namespace=ns[1].value, expected=namespace))
    router = get(node, "routerMode")
    if router and isinstance(router[1], ScalarNode):
        if router[1].value not in ROUTER_MODES:
            c.report(SMF091, router[1], base + ("routerMode",),
                     _("routerMode {value!r} is not sni-dnat or standard").format(value=router[1].value))
        elif version and version >= (2, 2):
            c.report(SMF090, router[0], base + ("routerMode",), _("routerMode is ignored since v2.2"))
    label_key = EGRESS_LABEL if gw.kind == "egress" else INGRESS_LABEL
    labels = get_value(node, "service", "metadata", "labels")
    label = get(labels, label_key)
    label_path = base + ("service", "metadata", "labels", label_key)
    if label is None:
        c.report(SMF062, gw.key, label_path, _("{name} has no {label} label").format(name=gw.name, label=label_key))
    if isinstance(labels, MappingNode):
        for k, v in labels.value:
            value = v.value if isinstance(v, ScalarNode) else ""
            problem = label_value_problem(value)
            if problem:
                c.report(SMF060, v, base + ("service", "metadata", "labels", k.value),
                         _("label value {value!r} {problem}").format(value=value, problem=problem))
    check_ports(c, gw, base)
    if gw.kind == "ingress":
        check_exposure(c, gw, base)


# since MAISTRA-2556 the operator adds `app: <gateway>` when the labels lack `app`: only equal label
# sets (with that app) make two gateways' Services select each other's pods
SMF061 = Rule("SMF061", ERROR, N_("two gateways have the same labels"),
              N_("the labels are the Service selector: give each gateway its own labels (or leave `app` to the operator)"))


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
            c.report(SMF061, node, base + ("service", "metadata", "labels"),
                     _("{name} has the same labels as {other} ({labels}): their Services select each other's "
                       "pods").format(name=gw.name, other=seen[key], labels=", ".join(f"{k}={v}" for k, v in key)))
        else:
            seen[key] = gw.name


SMF093 = Rule("SMF093", WARNING, N_("federation gateway without a partner"),
              N_("each peer needs one egress and one ingress gateway; add the missing one"))


def check_partners(c: Checker, alone) -> None:
    """Federation gateways whose peer has no gateway of the other kind (`reader.pair_gateways`)."""
    for gw in alone:
        other = "ingress" if gw.kind == "egress" else "egress"
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        c.report(SMF093, gw.key, base, _("{kind} gateway {name!r} (peer {peer!r}) has no {other} gateway "
                                         "for the same peer").format(kind=_(gw.kind), name=gw.name,
                                                                     peer=gw.peer_hint, other=_(other)))


SMF070 = Rule("SMF070", WARNING, N_("requestedNetworkView uses the docs' <peer>-network"),
              N_("the federation code names the peer network `network-<ServiceMeshPeer name>` (the samples agree)"))
SMF071 = Rule("SMF071", HINT, N_("no requestedNetworkView"),
              N_("without it the egress gateway sees every network; `network-<peer>` limits it to the peer"))


def check_network_view(c: Checker, egress) -> None:
    base = EGRESS_MAP + (egress.name,)
    view = get_value(egress.node, "requestedNetworkView")
    peer = egress.peer_hint
    if view is None or is_null(view):
        c.report(SMF071, egress.key, base + ("requestedNetworkView",),
                 _("{name} has no requestedNetworkView").format(name=egress.name))
        return
    if isinstance(view, SequenceNode):
        for item in view.value:
            if isinstance(item, ScalarNode) and item.value.endswith("-network") and not item.value.startswith("network-"):
                c.report(SMF070, item, base + ("requestedNetworkView",),
                         _("{value!r} follows the docs; the federation code uses 'network-<peer>'").format(value=item.value),
                         _("use 'network-{peer}' if {peer!r} is the ServiceMeshPeer name").format(peer=peer))
