"""The MESH and PEERS flags of the CLI contract, declared from `fields` and applied to a model."""
from __future__ import annotations

import argparse

from .errors import UsageError
from .fields import MESH_FIELDS, PEER_FIELDS, PEER_OPTION_FIELDS
from .i18n import _
from .model import Conventions, Mesh, conventions_of


def add_mesh_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("mesh"))
    for field in MESH_FIELDS:
        extra = " " + _("(one of {choices})").format(choices=", ".join(field.choices)) if field.choices else ""
        group.add_argument(f"--{field.key}", dest=f"mesh_{field.attr}", metavar=field.key.upper().replace("-", "_"),
                           help=field.help + extra)


def add_peer_flags(parser: argparse.ArgumentParser) -> None:
    keys = ", ".join(PEER_OPTION_FIELDS)
    group = parser.add_argument_group(_("peers"))
    group.add_argument("--peer", action="append", default=[], metavar="NAME[:key=value,...]",
                       help=_("add or change a peer mesh (repeatable). Keys: {keys}. "
                              "Lists use '+': network=a+b. Example: --peer green-mesh:service=NodePort,"
                              "tls-node-port=30510,discovery-node-port=32359").format(keys=keys))


def apply_mesh_flags(mesh: Mesh, args: argparse.Namespace) -> Mesh:
    for field in MESH_FIELDS:
        raw = getattr(args, f"mesh_{field.attr}", None)
        if raw is None:
            continue
        try:
            value = field.parse(raw)
        except ValueError as exc:
            raise UsageError(_("--{flag}: {problem}").format(flag=field.key, problem=exc), hint=field.help) from None
        mesh = field.set(mesh, None, value)
    return mesh


def parse_peer_spec(spec: str) -> tuple[str, dict[str, str]]:
    name, _colon, rest = spec.partition(":")
    name = name.strip()
    problem = PEER_FIELDS[0].problem(name)
    if problem:
        raise UsageError(_("--peer {spec!r}: peer name {problem}").format(spec=spec, problem=problem),
                         hint=_("peer names are DNS labels, e.g. green-mesh"))
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq:
            raise UsageError(_("--peer {spec!r}: {part!r} is not key=value").format(spec=spec, part=part),
                             hint=_("keys: {keys}").format(keys=", ".join(PEER_OPTION_FIELDS)))
        if key not in PEER_OPTION_FIELDS:
            raise UsageError(_("--peer {spec!r}: unknown key {key!r}").format(spec=spec, key=key),
                             hint=_("keys: {keys}").format(keys=", ".join(PEER_OPTION_FIELDS)))
        options[key] = value
    return name, options


def apply_peer_spec(mesh: Mesh, spec: str, style: Conventions | None = None) -> Mesh:
    """Add the peer, or change the peer of that name, with the spec's options. A new peer is named in
    `style` (edit: the file's, read before any peer was removed), else in the style of `mesh`'s peers."""
    name, options = parse_peer_spec(spec)
    values = {}
    for key, raw in options.items():
        field = PEER_OPTION_FIELDS[key]
        try:
            values[field] = field.parse(raw)
        except ValueError as exc:
            raise UsageError(_("--peer {name}: {key} {problem}").format(name=name, key=key, problem=exc),
                             hint=field.help) from None
    if mesh.peer(name) is None:
        names = {f.attr: v for f, v in values.items() if f.attr in ("egress", "ingress")}
        mesh = mesh.with_peer((style or conventions_of(mesh)).new_peer(name, **names))   # in the file's own style
    for field, value in values.items():
        mesh = field.set(mesh, name, value)
    return mesh


def remove_peer(mesh: Mesh, name: str) -> Mesh:
    if mesh.peer(name) is None:
        known = ", ".join(p.name for p in mesh.peers) or _("none")
        raise UsageError(_("--remove-peer: no peer named {name!r} in this file (peers: {known})").format(
            name=name, known=known))
    return mesh.without_peer(name)


def convention_assumptions(file_mesh: Mesh, mesh: Mesh, spec: str) -> list[str]:
    """What a peer new to the file took from the file's other peers rather than from `spec`: its gateway
    names, label values and network view, one line each naming the file's convention and the key that
    overrides it. A file without peers gives the tool's own defaults: nothing was read off the file."""
    name, options = parse_peer_spec(spec)
    peer = mesh.peer(name)
    if not file_mesh.peers or file_mesh.peer(name) is not None or peer is None:
        return []
    notes = []
    if not {"egress", "ingress"} <= options.keys():
        notes.append(_("assumed: peer {peer}'s gateways are {egress} and {ingress}, after this file's {form} naming "
                       "of its other peers; to name them otherwise: --peer {peer}:egress=NAME,ingress=NAME").format(
            peer=name, egress=peer.egress, ingress=peer.ingress,
            form="<peer>-egress" if conventions_of(file_mesh).suffix else "egress-<peer>"))
    if not {"egress-label", "ingress-label"} <= options.keys():
        holds = _("the peer's name") if conventions_of(file_mesh).label_is_peer else _("the gateway's name")
        notes.append(_("assumed: peer {peer}'s labels are egress-for: {egress_label} and ingress-for: {ingress_label} "
                       "({holds}, as in this file's other peers); for other values: --peer {peer}:egress-label=VALUE,"
                       "ingress-label=VALUE").format(peer=name, egress_label=peer.egress_label,
                                                     ingress_label=peer.ingress_label, holds=holds))
    if "service" not in options and peer.exposure.service_type == "NodePort":
        notes.append(_("assumed: peer {peer}'s ingress is a NodePort service, as this file's other peers' are; "
                       "for a load balancer: --peer {peer}:service=LoadBalancer").format(peer=name))
    if "network" not in options:
        if peer.network_view is None:
            notes.append(_("assumed: peer {peer}'s egress gateway gets no requestedNetworkView, as this file's other "
                           "peers have none; to set one: --peer {peer}:network=network-{peer}").format(peer=name))
        elif any(v.endswith("-network") and not v.startswith("network-")
                 for p in file_mesh.peers for v in p.network_view or ()):
            notes.append(_("assumed: peer {peer}'s egress gateway gets requestedNetworkView {view}, not the docs' "
                           "<peer>-network form this file's other peers use: the federation code puts a peer's "
                           "endpoints on network-<peer>; for another: --peer {peer}:network=NAME").format(
                peer=name, view="+".join(peer.network_view)))
        else:
            notes.append(_("assumed: peer {peer}'s egress gateway gets requestedNetworkView {view}, as this file's "
                           "other peers have a view; for another: --peer {peer}:network=NAME").format(
                peer=name, view="+".join(peer.network_view)))
    return notes

