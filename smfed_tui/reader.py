"""Reading the model out of an existing SMCP: the mesh fields and which gateways form a peer.

Real files name federation gateways `egress-<peer>`, `<peer>-egress` or anything else, and label them
with the gateway name (docs) or the peer name (maistra samples). A gateway counts as a federation
gateway when it carries the federation label or a federation port; an egress and an ingress form a
peer when they name the same peer.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import DISCOVERY_PORT, EGRESS_LABEL, INGRESS_LABEL, TLS_PORT, Exposure, Mesh, Peer
from .smcp_paths import (EGRESS_MAP, INGRESS_MAP, INGRESS_PLACES, MESH_PLACES, MESH_TAIL_PLACES, NETWORK_VIEW, PORTS,
                         LABELS, ROUTER_MODE, label_path, node_at, node_port_path, read_places, scalar, string_list)
from .source import Source, require_smcp_v2
from .yaml_nodes import get, get_value, int_value


@dataclass(frozen=True)
class Gateway:
    kind: str          # "egress" | "ingress"
    name: str
    key: ScalarNode
    node: Node
    peer_hint: str     # the peer this gateway seems to serve
    hints: tuple[str, ...] = ()  # every peer name it may serve, peer_hint first


def peer_name_from_gateway(kind: str, name: str, label: str | None) -> str:
    return peer_names_from_gateway(kind, name, label)[0]


def peer_names_from_gateway(kind: str, name: str, label: str | None) -> tuple[str, ...]:
    """The peer names this gateway may serve, most likely first: its label when that differs from the
    gateway name (the maistra samples label a gateway with its peer's name), then the name without
    its `egress-`/`-ingress` decoration."""
    candidates = [label, _undecorated(kind, label)] if label and label != name else []
    candidates.append(_undecorated(kind, name))  # a label equal to the name says nothing more
    return tuple(dict.fromkeys(candidates))  # in order, once each


def _undecorated(kind: str, name: str) -> str:
    """`egress-green-mesh` / `green-mesh-egress` -> `green-mesh`; other names as they are. A label
    keeps the default gateway name after a rename (`egress-green` labelled `egress-green-mesh`)."""
    for prefix in (f"{kind}-", f"federation-{kind}-"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    for suffix in (f"-{kind}", f"-{kind}gateway", f"-{kind}-gateway"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def is_federation_gateway(node: Node, label_key: str) -> bool:
    if scalar(node_at(node, LABELS + (label_key,))) is not None:
        return True
    return bool({TLS_PORT, DISCOVERY_PORT} & set(port_numbers(node)))


def port_numbers(gateway: Node) -> list[int]:
    ports = node_at(gateway, PORTS)
    if not isinstance(ports, SequenceNode):
        return []
    return [n for n in (int_value(get_value(item, "port")) for item in ports.value) if n is not None]


def federation_gateways(smcp: MappingNode, kind: str) -> list[Gateway]:
    path = EGRESS_MAP if kind == "egress" else INGRESS_MAP
    label_key = EGRESS_LABEL if kind == "egress" else INGRESS_LABEL
    gmap = get_value(smcp, *path)
    out = []
    if isinstance(gmap, MappingNode):
        for k, v in gmap.value:
            if isinstance(k, ScalarNode) and is_federation_gateway(v, label_key):
                label = scalar(node_at(v, LABELS + (label_key,)))
                hints = peer_names_from_gateway(kind, k.value, label)
                out.append(Gateway(kind, k.value, k, v, hints[0], hints))
    return out


def pair_gateways(egress: list[Gateway], ingress: list[Gateway]) -> tuple[list[tuple[Gateway, Gateway]], list[Gateway]]:
    """(peers as egress/ingress pairs, gateways left without a partner).

    Gateways pair on their most likely peer name first; what is left pairs on any name both may
    serve, so `egress-pink` labelled `on` still pairs with `ingress-pink` (both serve `pink`)."""
    rest = list(ingress)  # a list, not a dict by hint: two ingresses for one peer must not hide one
    pairs, alone = [], []
    for e in egress:
        i = next((g for g in rest if g.peer_hint == e.peer_hint), None)
        if i is None:
            alone.append(e)
        else:
            rest.remove(i)
            pairs.append((e, i))
    unpaired = []
    for e in alone:
        match = next(((i, name) for name in e.hints or (e.peer_hint,) for i in rest
                      if name in (i.hints or (i.peer_hint,))), None)
        if match is None:
            unpaired.append(e)
            continue
        i, name = match
        rest.remove(i)
        pairs.append((replace(e, peer_hint=name), replace(i, peer_hint=name)))
    return pairs, unpaired + rest


def node_port(gateway: Node, port: int) -> int | None:
    return int_value(node_at(gateway, node_port_path(port)))


def read_peer(e: Gateway, i: Gateway) -> Peer:
    return Peer(
        name=e.peer_hint, egress=e.name, ingress=i.name,
        network_view=string_list(node_at(e.node, NETWORK_VIEW)),
        egress_label=scalar(node_at(e.node, label_path("egress"))),
        ingress_label=scalar(node_at(i.node, label_path("ingress"))),
        exposure=Exposure(**read_places(INGRESS_PLACES, i.node, "exposure")),
        # written on both gateways (smcp_paths); a file may say it on one
        router_mode=scalar(node_at(e.node, ROUTER_MODE)) or scalar(node_at(i.node, ROUTER_MODE)),
        read_from_gateways=(e.name, i.name),
    )


def read_mesh(src: Source) -> Mesh:
    smcp = require_smcp_v2(src)
    pairs, _alone = pair_gateways(federation_gateways(smcp, "egress"), federation_gateways(smcp, "ingress"))
    return Mesh(**read_places(MESH_PLACES + MESH_TAIL_PLACES, smcp, "mesh"),
                peers=tuple(read_peer(e, i) for e, i in pairs))


__all__ = ["read_mesh", "federation_gateways", "pair_gateways", "Gateway", "peer_name_from_gateway",
           "port_numbers", "get"]
