"""Where each finding of one revision shows in the wizard: its form step, its peer, its field; and
where a field shows in the text (its line, for the preview to follow the cursor).

A `Placement` is made for one model and its findings and never changes: the session makes a new
one on every refresh, so what it has worked out (each step's findings, each peer's fields) is kept
on the object itself for as long as that revision lives, and nothing has to say when it is stale.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .checks.smcp_gateways import SMF061
from .checks.smcp_ports import SMF052
from .fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS, Field
from .findings import ERROR, Finding
from .i18n import _
from .model import DISCOVERY_PORT, TLS_PORT, Mesh
from .smcp_paths import (EGRESS_MAP, EXPOSURE_AREAS, INGRESS_MAP, Item, also_paths_of, gateway_base, label_path,
                         node_port_path, path_text)
from .yaml_nodes import int_value

# The wizard's form steps; every finding belongs to one of them (see `Placement.step_of`).
STEP_MESH, STEP_PEERS, STEP_EXPOSURE = "mesh", "peers", "exposure"
FORM_STEPS = (STEP_MESH, STEP_PEERS, STEP_EXPOSURE)

_EGRESS_PREFIX = path_text(EGRESS_MAP) + "."
_INGRESS_PREFIX = path_text(INGRESS_MAP) + "."
# Inside an ingress gateway, these parts of a path are how the peer reaches it: the Exposure step's.
_EXPOSURE_PARTS = tuple("." + path_text(area) for area in EXPOSURE_AREAS)


class Placement:
    """The findings of one revision, placed: by step, by peer, by field."""

    def __init__(self, mesh: Mesh, findings: list[Finding]) -> None:
        self.mesh = mesh
        self.findings = findings
        self._fields: dict[str | None, dict[tuple[str, str], list[Finding]]] = {}

    # --- steps ---------------------------------------------------------------------------------------

    def step_of(self, f: Finding) -> str:
        """The form step a finding belongs to: exposure (how a peer's ingress is reached), peers
        (anything else in a peer's gateways) or mesh (the rest, including gateways that are not a
        federation peer's)."""
        p = f.path
        if p.startswith(_INGRESS_PREFIX):
            if self.owner_of(p, _INGRESS_PREFIX) is None:
                return STEP_MESH
            return STEP_EXPOSURE if any(part in p for part in _EXPOSURE_PARTS) else STEP_PEERS
        if p.startswith(_EGRESS_PREFIX):
            return STEP_PEERS if self.owner_of(p, _EGRESS_PREFIX) is not None else STEP_MESH
        return STEP_MESH

    @cached_property
    def step_findings(self) -> dict[str, list[Finding]]:
        """Findings per form step, in file order."""
        out: dict[str, list[Finding]] = {step: [] for step in FORM_STEPS}
        for f in self.findings:
            out[self.step_of(f)].append(f)
        return out

    @cached_property
    def unplaced(self) -> list[Finding]:
        """Findings no field of the form shows (an unknown key, a non-federation gateway...)."""
        mesh_paths = [fld.path(self.mesh) for fld in MESH_FIELDS]
        return [f for f in self.step_findings[STEP_MESH] if not any(inside(f.path, p) for p in mesh_paths)]

    # --- peers ---------------------------------------------------------------------------------------

    @cached_property
    def gateway_bases(self) -> dict[str, str]:
        """`spec.gateways.additionalEgress.<name>` (and ingress) -> peer name, for this model."""
        out = {}
        for p in self.mesh.peers:
            out[path_text(gateway_base("egress", p.egress))] = p.name
            out[path_text(gateway_base("ingress", p.ingress))] = p.name
        return out

    def owner_of(self, path: str, prefix: str | None = None) -> str | None:
        """The peer whose gateway holds `path`, or None."""
        if prefix is None:
            prefix = _INGRESS_PREFIX if path.startswith(_INGRESS_PREFIX) else _EGRESS_PREFIX
            if not path.startswith(prefix):
                return None
        bases = self.gateway_bases
        rest = path[len(prefix):]
        cut = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
        owner = bases.get(prefix + rest[:cut])
        if owner is not None:
            return owner
        # a gateway name with a dot in it: fall back to comparing every base
        return next((name for base, name in bases.items() if inside(path, base)), None)

    @cached_property
    def peer_errors(self) -> dict[str, int]:
        """The rules' errors per peer, as its fields show them: its gateways' findings (a node port or
        label it shares with another peer counts for both)."""
        out: dict[str, int] = {}
        for f in self.findings + self.echoes:
            if f.severity == ERROR:
                owner = self.owner_of(f.path)
                if owner is not None:
                    out[owner] = out.get(owner, 0) + 1
        return out

    # --- fields --------------------------------------------------------------------------------------

    def field_findings(self, peer_name: str | None = None) -> dict[tuple[str, str], list[Finding]]:
        """What to show under each field of the mesh and of peer `peer_name`, keyed by (scope, key).

        Each finding goes to the most specific field whose YAML path holds it (so a gateway name
        field also shows problems inside that gateway that no other field covers, e.g. a missing
        port). A finding about two fields (the same node port, label or gateway name used twice)
        shows on both: the rules report it at the second place, the other gets a copy that names
        the second."""
        out = self._fields.get(peer_name)
        if out is None:
            out = self._fields[peer_name] = self._place_in_fields(peer_name)
        return out

    def _place_in_fields(self, peer_name: str | None) -> dict[tuple[str, str], list[Finding]]:
        peer = self.mesh.peer(peer_name) if peer_name is not None else None
        slots: list[tuple[str, tuple[str, str]]] = []
        for fld in MESH_FIELDS:
            slots.append((fld.path(self.mesh), (fld.scope, fld.key)))
        if peer is not None:
            for fld in PEER_FIELDS + EXPOSURE_FIELDS:
                slots += [(path, (fld.scope, fld.key)) for path in fld.paths(self.mesh, peer) if path]
        slots.sort(key=lambda s: len(s[0]), reverse=True)   # most specific first
        out: dict[tuple[str, str], list[Finding]] = {slot: [] for _p, slot in slots}
        shown: set = set()
        for f in self.findings + self.echoes:
            for path, slot in slots:
                if inside(f.path, path):
                    said = (slot, f.code, f.severity, f.message, f.hint)
                    if said not in shown:   # the same words at two places of one field (routerMode): once
                        shown.add(said)
                        out[slot].append(f)
                    break
        return out

    def field_at(self, f: Finding) -> tuple[Field, str | None] | None:
        """The field that shows a finding (to jump there from a list), or None."""
        owner = self.owner_of(f.path)
        best: tuple[int, Field, str | None] | None = None
        candidates = [(fld, None) for fld in MESH_FIELDS]
        if owner is not None:
            candidates += [(fld, owner) for fld in PEER_FIELDS + EXPOSURE_FIELDS]
        for fld, peer_name in candidates:
            path = fld.path(self.mesh, self.mesh.peer(peer_name) if peer_name else None)
            if path and inside(f.path, path) and (best is None or len(path) > best[0]):
                best = (len(path), fld, peer_name)
        return (best[1], best[2]) if best else None

    # --- findings about two places -------------------------------------------------------------------

    @cached_property
    def echoes(self) -> list[Finding]:
        """Copies of two-place findings for the place the rules did not report."""
        out = []
        for f in self.findings:
            if f.code == SMF052.code:
                out += self._echo_node_port(f)
            elif f.code == SMF061.code:
                out += self._echo_label(f)
        return out

    def _node_port_paths(self):
        for p in self.mesh.peers:
            exposure = p.exposure
            for number, value in ((TLS_PORT, exposure.tls_node_port), (DISCOVERY_PORT, exposure.discovery_node_port)):
                yield p, number, value, path_text(gateway_base("ingress", p.ingress) + node_port_path(number))

    def _echo_node_port(self, f: Finding) -> list[Finding]:
        where = None
        for p, number, value, path in self._node_port_paths():
            if path == f.path:
                where = (p.ingress, number, value)
        if where is None or where[2] is None:
            return []
        return [replace_place(f, path, _("nodePort {port} is also used by {owner}").format(
                    port=value, owner=_("{gateway} port {port}").format(gateway=where[0], port=where[1])))
                for _p, _number, value, path in self._node_port_paths() if value == where[2] and path != f.path]

    def _label_paths(self):
        for p in self.mesh.peers:
            for kind, gateway, value in (("egress", p.egress, p.egress_label), ("ingress", p.ingress, p.ingress_label)):
                label = label_path(kind)
                yield gateway, label[-1], value, path_text(gateway_base(kind, gateway) + label)

    def _echo_label(self, f: Finding) -> list[Finding]:
        found = next(((gateway, key, value) for gateway, key, value, path in self._label_paths() if path == f.path),
                     None)
        if found is None:
            return []
        gateway, key, value = found
        return [replace_place(f, path, _("{label}: {value} is also on {gateway}").format(
                    label=key, value=value, gateway=gateway))
                for _g, key2, value2, path in self._label_paths() if key2 == key and value2 == value and path != f.path]


def replace_place(f: Finding, path: str, message: str) -> Finding:
    """`f` said of another place (no line: the place may not be in the text)."""
    return replace(f, path=path, line=None, column=None, message=message)


def inside(path: str, base: str) -> bool:
    """`path` is `base` or lies inside it."""
    if not path.startswith(base):
        return False
    rest = path[len(base):]
    return rest == "" or rest[0] in ".["


# --- where a field shows in the text ---------------------------------------------------------------

def field_yaml_path(mesh: Mesh, fld: Field, peer_name: str | None) -> tuple:
    """The YAML path the field's line is on (a peer's name: its egress gateway); () for no peer."""
    peer = mesh.peer(peer_name) if peer_name is not None else None
    if fld.scope != "mesh" and peer is None:
        return ()
    return fld.location(mesh, peer) or gateway_base("egress", peer.egress)


def field_yaml_paths(mesh: Mesh, fld: Field, peer_name: str | None) -> tuple[tuple, ...]:
    """Every YAML path the field writes, its first place first: a peer's routerMode is on both of its
    gateways, and a peer's name stands for both gateways (their names and everything in them follow
    it); () for no peer."""
    first = field_yaml_path(mesh, fld, peer_name)
    if not first:
        return ()
    peer = mesh.peer(peer_name) if peer_name is not None else None
    if fld.location(mesh, peer) is None:   # the peer's name
        return first, gateway_base("ingress", peer.ingress)
    if fld.yaml is not None:
        return (first,)
    return (first, *also_paths_of(fld.scope, fld.attr, mesh, peer))


def owned_lines(root: Node | None, paths: tuple[tuple, ...]) -> tuple[int, ...]:
    """The 1-based lines `paths` own in a parsed document, in order: each from its key's line to the
    last line of its value (a list's items, a gateway's block). A path not in the text (yet) owns the
    line of the deepest part of it that is: where it will go."""
    out: set[int] = set()
    for path in paths:
        line, node, whole = _walk(root, path)
        if line is None:
            continue
        last = _last_line(node) if whole and node is not None else line
        out.update(range(line, max(line, last) + 1))
    return tuple(sorted(out))


def _last_line(node: Node) -> int:
    """The 1-based line of the last character of `node`'s content (not the comments or blank lines
    after it, which a block collection's end mark counts in)."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1])
    end = node.end_mark
    # a block scalar ends at the start of the line after it
    return end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1


def line_of(root: Node | None, path: tuple) -> int | None:
    """1-based line of `path` in a parsed document: the key's line for a mapping entry, the item's
    line for a list item; where the path does not exist (yet), the line of the deepest part that does."""
    return _walk(root, path)[0]


def _walk(root: Node | None, path: tuple) -> tuple[int | None, Node | None, bool]:
    """(the line `line_of` says, the node reached, whether that is all of `path`)."""
    node = root
    line = None
    for seg in path:
        if isinstance(seg, Item):
            if not isinstance(node, SequenceNode):
                return line, node, False
            found = None
            for item in node.value:
                if not isinstance(item, MappingNode):
                    continue
                for k, v in item.value:
                    if isinstance(k, ScalarNode) and k.value == seg.key and (
                            int_value(v) == seg.value or (isinstance(v, ScalarNode) and v.value == str(seg.value))):
                        found = item
                        break
                if found is not None:
                    break
            if found is None:
                return line, node, False
            node = found
            line = found.start_mark.line + 1
            continue
        if not isinstance(node, MappingNode):
            return line, node, False
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == seg:
                node = v
                line = k.start_mark.line + 1
                break
        else:
            return line, node, False
    return line, node, True
