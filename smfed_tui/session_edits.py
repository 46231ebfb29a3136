"""Changing the model of a wizard run: a field set from typed text or a choice, a peer added,
renamed or removed, free node ports picked. Part of `session.Session` (this class is one of its
bases): every change ends in `update`, which recomputes the text and the findings.

What the user typed that cannot become a value stays here too (`invalid_inputs`): the model keeps
the previous value, and writing is blocked until the field is fixed.
"""
from __future__ import annotations

from dataclasses import replace

from .fields import EXPOSURE_FIELDS, Field
from .i18n import _
from .model import Peer, free_node_ports, new_peer_conventions, rename_mesh, rename_peer


SERVICE = EXPOSURE_FIELDS[0].key   # the ingress service type, the one value a new peer may take from the others


def input_key(fld: Field, peer_name: str | None) -> tuple[str, str, str | None]:
    """How `invalid_inputs` names a field of the mesh or of one peer."""
    return (fld.scope, fld.key, None if fld.scope == "mesh" else peer_name)


class ModelEdits:
    """The model-changing half of a Session (see there for the attributes it uses)."""

    def update(self, mesh) -> None:
        self.mesh = mesh
        self.refresh()

    def set_field(self, fld: Field, peer_name: str | None, value) -> None:
        if fld.scope == "exposure":   # the user's exposure now (a node port typed keeps NodePort as theirs)
            self.assumed.discard((SERVICE, peer_name))
        if fld.scope == "mesh" and fld.attr == "name":
            renamed = rename_mesh(self.mesh, value)
            if self.original is not None:
                # editing a file: its namespace and trust domain are what is deployed, not defaults to follow
                renamed = replace(renamed, namespace=self.mesh.namespace, trust_domain=self.mesh.trust_domain)
            self.update(renamed)
        elif fld.scope == "peer" and fld.attr == "name":
            self._renamed(peer_name, value)
            self.update(rename_peer(self.mesh, peer_name, value))
        else:
            self.update(fld.set(self.mesh, peer_name, value))

    def set_value(self, fld: Field, peer_name: str | None, value) -> bool:
        """Set a field to an already parsed value (a choice from a list); False when nothing changed."""
        self.invalid_inputs.pop(input_key(fld, peer_name), None)
        peer = self.mesh.peer(peer_name) if peer_name is not None else None
        if fld.scope != "mesh" and peer is None:
            return False
        if fld.get(self.mesh, peer) == value:
            return False
        self.set_field(fld, peer_name, value)
        return True

    def set_text(self, fld: Field, peer_name: str | None, text: str) -> str | None:
        """Take what the user typed into a field; returns the problem to show under it, or None.

        Text that cannot become a value at all (not a number, an empty required field, a peer name
        another peer has) leaves the model as it was and blocks writing until it is fixed. A value
        that parses but breaks a rule (a node port out of range, an upper-case name) is applied:
        the preview shows it and the rules explain it, with their fix. A federation resource's field
        (scope "bundle") goes to `federation_resources`: it changes the bundle, not the SMCP."""
        if fld.scope == "bundle":
            return self.federation_resources.set_text(fld, peer_name, text)
        key = input_key(fld, peer_name)
        try:
            value = replace(fld, check=None).parse(text)
        except ValueError as exc:
            self.invalid_inputs[key] = str(exc)
            return str(exc)
        if (fld.scope == "peer" and fld.attr == "name" and value != peer_name
                and self.mesh.peer(value) is not None):
            message = _("another peer is already named {name!r}").format(name=value)
            self.invalid_inputs[key] = message
            return message
        problem = fld.problem(text)
        self.set_value(fld, peer_name, value)
        return problem

    def _renamed(self, old: str, new: str) -> None:
        """Carry what the session keeps per peer over to its new name."""
        for key in [k for k in self.invalid_inputs if k[2] == old]:
            self.invalid_inputs[(key[0], key[1], new)] = self.invalid_inputs.pop(key)
        if self.focus is not None and self.focus[1] == old:
            self.focus = (self.focus[0], new)
        if self._federation_resources is not None:
            self._federation_resources.renamed(old, new)
        self.assumed = {(key, new if peer == old else peer) for key, peer in self.assumed}

    def add_peer(self, name: str | None = None) -> Peer:
        name = name or self._unused_peer_name()
        # named in the file's own style, read from the file as loaded (its peers may all be removed by now);
        # a new file: the defaults
        styled = self.original if self.original is not None and self.original.peers else self.mesh
        style = new_peer_conventions(styled)
        peer = style.new_peer(name)
        if style.node_port:   # the other peers' NodePort ingress, a guess about the cluster: said as one
            self.assumed.add((SERVICE, name))
        self.update(self.mesh.with_peer(peer))
        return peer

    def assumption(self, fld: Field, peer_name: str | None) -> str | None:
        """Why the field's value is assumed, for the form's "≈ assumed" mark and plain mode; None when
        the value is the file's or the user's."""
        if (fld.key, peer_name) not in self.assumed:
            return None
        return _("assumed from this file's other peers, whose ingresses are NodePort (a cluster without load "
                 "balancers): choose LoadBalancer to replace it, or pick node ports to keep it")

    def settle(self, fld: Field, peer_name: str | None) -> None:
        """The user answered for this field (plain mode's prompt, even keeping the value): no longer assumed."""
        self.assumed.discard((fld.key, peer_name))

    def remove_peer(self, name: str) -> None:
        for key in [k for k in self.invalid_inputs if k[2] == name]:
            del self.invalid_inputs[key]
        if self.focus is not None and self.focus[1] == name:
            self.focus = None
        if self._federation_resources is not None:
            self._federation_resources.removed(name)
        self.assumed = {(key, peer) for key, peer in self.assumed if peer != name}
        self.update(self.mesh.without_peer(name))

    def left_by_removal(self, name: str, client: str) -> list[str]:
        """What removing peer `name` leaves in other files and on the cluster (`peer_removal`), for the
        front-end to say where the removal is confirmed. Only for a peer the file had, under the name it
        had there (its resources carry that one); nothing for a peer added in this run."""
        from .peer_removal import holds_peer, removal_notes
        peer = self.mesh.peer(name)
        if peer is None or peer.read_from_gateways is None or self.original is None:
            return []
        was = next((p for p in self.original.peers if p.read_from_gateways == peer.read_from_gateways), None)
        if was is None:
            return []
        return removal_notes(self.original, was.name, client, in_file=holds_peer(self.source.objects, was.name))

    def pick_free_node_ports(self, peer_name: str) -> tuple[int, int]:
        for fld in EXPOSURE_FIELDS:
            self.invalid_inputs.pop(input_key(fld, peer_name), None)
        tls, discovery = free_node_ports(self.mesh, peer_name, self.options.node_port_range,
                                         spread_by=f"{self.mesh.name}/{peer_name}")
        peer = self.mesh.peer(peer_name).with_exposure(service_type="NodePort", tls_node_port=tls,
                                                        discovery_node_port=discovery)
        self.assumed.discard((SERVICE, peer_name))   # NodePort with ports the user asked for: theirs
        self.update(self.mesh.with_peer(peer))
        return tls, discovery

    def _unused_peer_name(self) -> str:
        n = len(self.mesh.peers) + 1
        while self.mesh.peer(f"peer-{n}") is not None:
            n += 1
        return f"peer-{n}"
