"""Generate a new SMCP, or edit an existing one in place, from the model.

Editing compares the model read from the file with the model the user wants and touches only the
paths whose value differs (see `smcp_paths`); everything else in the file stays byte-for-byte.
"""
from __future__ import annotations

from dataclasses import replace

from .emit import DEFAULT_STYLE, emit_document
from .errors import InputError
from .i18n import _
from .smcp_paths import (EGRESS_MAP, INGRESS_MAP, all_assignments, build_tree, egress_assignments,
                     ingress_assignments, mesh_assignments, mesh_tail_assignments)
from .model import Mesh, Peer
from .reader import read_mesh
from .source import Source, get_value, require_smcp_v2
from .file_style import detect_style
from .splice import DELETE, Splicer


def generate_text(mesh: Mesh) -> str:
    _refuse_shared_gateway_names(mesh, "<generated>")
    return emit_document(build_tree(all_assignments(mesh)), DEFAULT_STYLE)


def edit_text(src: Source, new: Mesh, old: Mesh | None = None) -> str:
    """The file's text with `new` applied. `old` defaults to the model read from the file."""
    smcp = require_smcp_v2(src)
    old = read_mesh(src) if old is None else old
    _refuse_shared_gateway_names(new, src.path)
    splicer = Splicer(src, smcp, style_of(src))
    order = _DocumentOrder(new)

    old_fields = dict(mesh_assignments(old) + mesh_tail_assignments(old))
    for path, value in mesh_assignments(new) + mesh_tail_assignments(new):
        if old_fields.get(path) != value:
            splicer.set(path, value, order)

    kept = {p.read_from_gateways for p in new.peers if p.read_from_gateways is not None}
    # A peer removed and added again under the same gateway names (`--remove-peer green-mesh --peer
    # green-mesh`: back to the defaults) is an edit of those gateways, not a delete plus a clash.
    removed = {p.read_from_gateways for p in old.peers if p.read_from_gateways not in kept}
    peers = []
    for peer in new.peers:
        if peer.read_from_gateways is None and (peer.egress, peer.ingress) in removed:
            peer = replace(peer, read_from_gateways=(peer.egress, peer.ingress))
            kept.add(peer.read_from_gateways)
        peers.append(peer)
    for peer in old.peers:
        if peer.read_from_gateways not in kept:
            splicer.set(EGRESS_MAP + (peer.read_from_gateways[0],), DELETE)
            splicer.set(INGRESS_MAP + (peer.read_from_gateways[1],), DELETE)

    old_by_gateways = {p.read_from_gateways: p for p in old.peers}
    for peer in peers:
        before = old_by_gateways.get(peer.read_from_gateways) if peer.read_from_gateways is not None else None
        if before is None:
            _refuse_taken_names(src, smcp, peer)
            for rel, value in egress_assignments(peer):
                splicer.set(EGRESS_MAP + (peer.egress,) + rel, value, order)
            for rel, value in ingress_assignments(peer):
                splicer.set(INGRESS_MAP + (peer.ingress,) + rel, value, order)
        elif peer != before:   # an equal peer (49 of 50 while one is typed into) has nothing to splice
            _edit_gateway(splicer, EGRESS_MAP, before.egress, peer.egress,
                          egress_assignments(before), egress_assignments(peer))
            _edit_gateway(splicer, INGRESS_MAP, before.ingress, peer.ingress,
                          ingress_assignments(before), ingress_assignments(peer))
    return splicer.result()


class _DocumentOrder:
    """Every path of the new document in order (`Splicer.set`'s `order`), worked out the first time a
    new key is placed: a change to keys the file has never needs it, and on 50 peers it costs 0.3 ms
    of each keystroke."""

    def __init__(self, mesh: Mesh) -> None:
        self._mesh = mesh
        self._paths: list[tuple] | None = None

    def __iter__(self):
        if self._paths is None:
            self._paths = [path for path, _ in all_assignments(self._mesh)]
        return iter(self._paths)


_STYLES: dict[int, tuple[object, object]] = {}


def style_of(src: Source):
    """The file's indentation style, worked out once per loaded file (the wizard edits on every key)."""
    cached = _STYLES.get(id(src))
    if cached is None or cached[0] is not src:
        cached = (src, detect_style(src.smcp, *src.documents))   # the file decides what the SMCP cannot tell
        _STYLES.clear()  # one file at a time is enough; do not keep old sources alive
        _STYLES[id(src)] = cached
    return cached[1]


def _edit_gateway(splicer: Splicer, gmap: tuple, old_name: str, new_name: str, old: list, new: list) -> None:
    if old_name != new_name:
        splicer.rename_key(gmap, old_name, new_name)
    base = gmap + (old_name,)  # the file still has the old key: paths walk the original text
    order = [base + rel for rel, _ in new]
    before = dict(old)
    for rel, value in new:
        if before.get(rel) != value:
            splicer.set(base + rel, value, order)


def _refuse_shared_gateway_names(mesh: Mesh, path: str) -> None:
    """Two peers with one gateway name would be written as one gateway (the assignments of both land
    under the same key): refuse instead of merging them silently."""
    for kind in ("egress", "ingress"):
        owner: dict[str, str] = {}
        for peer in mesh.peers:
            name = getattr(peer, kind)
            if name in owner:
                raise InputError(_("peers {first!r} and {second!r} both use the {kind} gateway name {name!r}").format(
                    first=owner[name], second=peer.name, kind=_(kind), name=name),
                    path=path, hint=_("give each peer its own {kind} gateway name").format(kind=_(kind)))
            owner[name] = peer.name


def _refuse_taken_names(src: Source, smcp, peer: Peer) -> None:
    for gmap, name in ((EGRESS_MAP, peer.egress), (INGRESS_MAP, peer.ingress)):
        if get_value(smcp, *gmap, name) is not None:
            raise InputError(_("a gateway named {name!r} already exists in {map}").format(name=name, map=".".join(gmap)),
                             path=src.path, hint=_("choose other gateway names for peer {peer!r}").format(peer=peer.name))
