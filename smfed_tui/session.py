"""One wizard run, without any UI: the file, the model being edited, the resulting text and its
findings. The Textual screens and the plain prompts both drive this object; it holds every
decision, they only show it.
"""
from __future__ import annotations

import difflib
import gc
import os
import shlex
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .edit import edit_text, generate_text
from .errors import InputError
from .fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS, Field
from .findings import ERROR, HINT, WARNING, Finding, count, sort_key
from .i18n import _, ngettext
from .smcp_paths import EGRESS_MAP, INGRESS_MAP, Item, path_text
from .model import (DEFAULT_NODE_PORT_RANGE, EGRESS_LABEL, INGRESS_LABEL, Mesh, Peer, free_node_ports,
                    rename_mesh, rename_peer)
from .reader import read_mesh
from .checks.across import check_edit
from .checks.catalogue import Options
from .checks.smcp import check_source
from .safe_files import LoadedFile, file_changed, read_file, write_file
from .source import Source, int_value, parse

# The wizard's form steps; every finding belongs to one of them (see `Session.step_of`).
STEP_MESH, STEP_PEERS, STEP_EXPOSURE = "mesh", "peers", "exposure"
FORM_STEPS = (STEP_MESH, STEP_PEERS, STEP_EXPOSURE)

_EGRESS_PREFIX = path_text(EGRESS_MAP) + "."
_INGRESS_PREFIX = path_text(INGRESS_MAP) + "."
# Inside an ingress gateway, these paths are how the peer reaches it: the Exposure step's fields.
_EXPOSURE_PARTS = (".service.type", ".nodePort", ".routeConfig", ".service.metadata.annotations")


@dataclass
class Session:
    path: str | None
    mesh: Mesh
    original: Mesh | None = None          # the model read from the file; None for a new file
    source: Source | None = None
    loaded: LoadedFile | None = None
    options: Options = field(default_factory=Options)
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    # Bumped by every refresh: views compare it to know whether anything changed.
    revision: int = 0
    # The field the user is on, as (field, peer name); `focus_line` is its line in `text` after each
    # refresh (or the line of its nearest existing parent when the file does not say it yet).
    focus: tuple[Field, str | None] | None = None
    focus_line: int | None = None
    # Text typed into a field that cannot become a value at all ("3x" for a port, an empty required
    # field, a peer name already taken), keyed by (scope, key, peer): the model keeps the previous
    # value, and writing is blocked until the field is fixed.
    invalid_inputs: dict[tuple[str, str, str | None], str] = field(default_factory=dict)
    baseline_text: str = ""   # what `changed_lines` compares with: the file, or a new file's defaults
    _cache: dict = field(default_factory=dict, repr=False)
    _federation_resources: object = field(default=None, repr=False)

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | None, *, default_name: str = "red-mesh", smcp: str | None = None) -> "Session":
        """A session for `path`: loaded and prefilled when it exists, new otherwise. A file the core
        refuses raises InputError before anything is shown. `smcp` (NAME or NAMESPACE/NAME) chooses
        the SMCP of a file that holds several."""
        if path and os.path.lexists(path):
            loaded = read_file(path)
            src = parse(loaded.data, path, smcp=smcp)
            mesh = read_mesh(src)
            session = cls(path, mesh, mesh, src, loaded)
        else:
            if path:   # said now, not after the user has filled in every step and asks to write
                directory = os.path.dirname(os.path.abspath(path))
                if not os.path.isdir(directory):
                    raise InputError(_("the directory {directory} does not exist").format(directory=directory),
                                     path=path, hint=_("create it first, or give a FILE in a directory that exists"))
            session = cls(path, Mesh.new(default_name))
        session.refresh()
        session.baseline_text = session.original_text if session.is_edit else session.text
        return session

    @property
    def is_edit(self) -> bool:
        return self.source is not None

    @property
    def smcp_choice(self) -> int | None:
        """Which SMCP of the file this session edits (a List or a policy may hold several), by its
        place in the file: every re-parse of the edited text keeps to it, even after a rename."""
        return self.source.smcp_index if self.source is not None else None

    @property
    def federation_resources(self):
        """The peers' federation resources as the Next-steps step edits them
        (`federation_resources.FederationResources`), made when first asked."""
        if self._federation_resources is None:
            from .federation_resources import FederationResources
            self._federation_resources = FederationResources(self)
        return self._federation_resources

    def federation_resource_counts(self) -> tuple[int, int, int] | None:
        """(errors, warnings, hints) of the Next-steps step: values that are no value and the cross-file
        rules' errors (they block writing the resources), placeholders still to replace. None until that
        step has been opened (nothing about it is known or shown before). The cross-file check runs
        here: about 1 ms per peer, so the wizard asks for it off the keystroke path."""
        if self._federation_resources is None:
            return None
        fo = self._federation_resources
        return fo.blocking, fo.placeholders(), 0

    # --- changing the model ----------------------------------------------------------------------

    def update(self, mesh: Mesh) -> None:
        self.mesh = mesh
        self.refresh()

    def refresh(self) -> None:
        """Recompute the text and the findings from the model.

        Runs with the cyclic garbage collector paused: parsing a 1,500-line file allocates some
        100,000 short-lived objects, which otherwise trigger full collections of the whole process
        (20 ms and more inside the TUI) in the middle of a keystroke. Nothing here creates reference
        cycles (the parse tree is freed by reference counting when this returns), so pausing loses
        nothing; the collector runs again as usual afterwards."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._recompute()
        finally:
            if enabled:
                gc.enable()
        self.revision += 1
        self._cache.clear()

    def _recompute(self) -> None:
        name = self.path or "<new>"
        if self.source is not None:
            self.text = edit_text(self.source, self.mesh, self.original)
            data = self.source.encode(self.text)
        else:
            self.text = generate_text(self.mesh)
            data = self.text.encode("utf-8")
        try:
            current = parse(data, name, trusted=self.source is not None, smcp=self.smcp_choice)
        except InputError as err:  # cannot happen for our own output; say so instead of crashing
            self.findings = [Finding("SMF000", ERROR, "", err.line, err.column, err.message, err.hint or "", name)]
            self.focus_line = None
            return
        findings = check_source(current, self.options)
        if self.original is not None and current.smcp is not None:
            findings = sorted(findings + check_edit(self.original, self.mesh, current), key=sort_key)
        self.findings = findings
        self.focus_line = self._locate_focus(current)

    def set_field(self, fld: Field, peer_name: str | None, value) -> None:
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
        self.invalid_inputs.pop(_input_key(fld, peer_name), None)
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
        key = _input_key(fld, peer_name)
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

    def add_peer(self, name: str | None = None) -> Peer:
        name = name or self._unused_peer_name()
        peer = Peer.new(name)
        self.update(self.mesh.with_peer(peer))
        return peer

    def remove_peer(self, name: str) -> None:
        for key in [k for k in self.invalid_inputs if k[2] == name]:
            del self.invalid_inputs[key]
        if self.focus is not None and self.focus[1] == name:
            self.focus = None
        if self._federation_resources is not None:
            self._federation_resources.removed(name)
        self.update(self.mesh.without_peer(name))

    def pick_free_node_ports(self, peer_name: str) -> tuple[int, int]:
        for fld in EXPOSURE_FIELDS:
            self.invalid_inputs.pop(_input_key(fld, peer_name), None)
        tls, discovery = free_node_ports(self.mesh, peer_name, self.options.node_port_range)
        peer = self.mesh.peer(peer_name).with_exposure(service_type="NodePort", tls_node_port=tls,
                                                        discovery_node_port=discovery)
        self.update(self.mesh.with_peer(peer))
        return tls, discovery

    def _unused_peer_name(self) -> str:
        n = len(self.mesh.peers) + 1
        while self.mesh.peer(f"peer-{n}") is not None:
            n += 1
        return f"peer-{n}"

    # --- findings -----------------------------------------------------------------------------------

    def findings_at(self, yaml_path: str) -> list[Finding]:
        """Findings on this YAML path or inside it (a field shows what is wrong with its value)."""
        if not yaml_path:
            return []
        return [f for f in self.findings if f.path == yaml_path or f.path.startswith(yaml_path + ".")
                or f.path.startswith(yaml_path + "[")]

    def findings_for(self, fld: Field, peer: Peer | None = None) -> list[Finding]:
        return [f for path in fld.paths(self.mesh, peer) for f in self.findings_at(path)]

    @property
    def errors(self) -> int:
        return count(self.findings, ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, WARNING)

    @property
    def hints(self) -> int:
        return count(self.findings, HINT)

    @property
    def blocking(self) -> int:
        """Errors that block writing and applying: the rules' errors plus fields that hold no value."""
        return self.errors + len(self.invalid_inputs)

    @property
    def can_write(self) -> bool:
        return self.blocking == 0

    # --- where findings show in the wizard ----------------------------------------------------------

    def step_of(self, f: Finding) -> str:
        """The form step a finding belongs to: exposure (how a peer's ingress is reached), peers
        (anything else in a peer's gateways) or mesh (the rest, including gateways that are not a
        federation peer's)."""
        p = f.path
        if p.startswith(_INGRESS_PREFIX):
            if self._gateway_owner(p, _INGRESS_PREFIX) is None:
                return STEP_MESH
            return STEP_EXPOSURE if any(part in p for part in _EXPOSURE_PARTS) else STEP_PEERS
        if p.startswith(_EGRESS_PREFIX):
            return STEP_PEERS if self._gateway_owner(p, _EGRESS_PREFIX) is not None else STEP_MESH
        return STEP_MESH

    def step_findings(self) -> dict[str, list[Finding]]:
        """Findings per form step, in file order."""
        cached = self._cache.get("steps")
        if cached is None:
            cached = {step: [] for step in FORM_STEPS}
            for f in self.findings:
                cached[self.step_of(f)].append(f)
            self._cache["steps"] = cached
        return cached

    def step_counts(self) -> dict[str, tuple[int, int, int]]:
        """(errors, warnings, hints) per form step; a field holding no value counts as an error."""
        out = {}
        for step, found in self.step_findings().items():
            out[step] = [count(found, ERROR), count(found, WARNING), count(found, HINT)]
        for scope, _key, _peer in self.invalid_inputs:
            out[STEP_MESH if scope == "mesh" else STEP_PEERS if scope == "peer" else STEP_EXPOSURE][0] += 1
        return {step: tuple(c) for step, c in out.items()}

    def peer_error_counts(self) -> dict[str, int]:
        """Errors per peer, as its fields show them: its gateways' findings (a node port or label it
        shares with another peer counts for both), plus its fields holding no value."""
        cached = self._cache.get("peer_errors")
        if cached is None:
            bases = self._gateway_bases()
            cached = {}
            for f in self.findings + self._echoes():
                if f.severity == ERROR:
                    owner = self._owner_of(f.path, bases)
                    if owner is not None:
                        cached[owner] = cached.get(owner, 0) + 1
            for _scope, _key, peer in self.invalid_inputs:
                if peer is not None:
                    cached[peer] = cached.get(peer, 0) + 1
            self._cache["peer_errors"] = cached
        return cached

    def field_findings(self, peer_name: str | None = None) -> dict[tuple[str, str], list[Finding]]:
        """What to show under each field of the mesh and of peer `peer_name`, keyed by (scope, key).

        Each finding goes to the most specific field whose YAML path holds it (so a gateway name
        field also shows problems inside that gateway that no other field covers, e.g. a missing
        port). A finding about two fields (the same node port, label or gateway name used twice)
        shows on both: the rules report it at the second place, the other gets a copy that names
        the second."""
        key = ("fields", peer_name)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
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
        for f in self.findings + self._echoes():
            for path, slot in slots:
                if _inside(f.path, path):
                    said = (slot, f.code, f.severity, f.message, f.hint)
                    if said not in shown:   # the same words at two places of one field (routerMode): once
                        shown.add(said)
                        out[slot].append(f)
                    break
        self._cache[key] = out
        return out

    def unplaced_findings(self) -> list[Finding]:
        """Findings no field of the form shows (an unknown key, a non-federation gateway...): the
        Mesh step lists them under "Other findings"."""
        cached = self._cache.get("unplaced")
        if cached is None:
            mesh_paths = [fld.path(self.mesh) for fld in MESH_FIELDS]
            cached = [f for f in self.step_findings()[STEP_MESH]
                      if not any(_inside(f.path, p) for p in mesh_paths)]
            self._cache["unplaced"] = cached
        return cached

    def set_focus(self, fld: Field | None, peer_name: str | None = None) -> int | None:
        """Remember the field the user is on; its line follows every refresh (`focus_line`)."""
        if fld is None:
            self.focus = None
            self.focus_line = None
            return None
        if self.focus == (fld, peer_name) and self.focus_line is not None:
            return self.focus_line
        self.focus = (fld, peer_name)
        gc_was = gc.isenabled()
        gc.disable()
        try:
            src = parse(self.output_bytes(), self.path or "<new>", trusted=True, smcp=self.smcp_choice)
            self.focus_line = self._locate_focus(src)
        except InputError:
            self.focus_line = None
        finally:
            if gc_was:
                gc.enable()
        return self.focus_line

    def field_at(self, f: Finding) -> tuple[Field, str | None] | None:
        """The field that shows a finding (to jump there from a list), or None."""
        owner = self._owner_of(f.path, self._gateway_bases())
        best: tuple[int, Field, str | None] | None = None
        candidates = [(fld, None) for fld in MESH_FIELDS]
        if owner is not None:
            candidates += [(fld, owner) for fld in PEER_FIELDS + EXPOSURE_FIELDS]
        for fld, peer_name in candidates:
            path = fld.path(self.mesh, self.mesh.peer(peer_name) if peer_name else None)
            if path and _inside(f.path, path) and (best is None or len(path) > best[0]):
                best = (len(path), fld, peer_name)
        return (best[1], best[2]) if best else None

    # internals

    def _focus_path(self, fld: Field, peer_name: str | None) -> tuple:
        peer = self.mesh.peer(peer_name) if peer_name is not None else None
        if fld.scope != "mesh" and peer is None:
            return ()
        if fld.yaml is None:   # the peer's name: show its egress gateway
            return EGRESS_MAP + (peer.egress,)
        return fld.yaml(self.mesh, peer)

    def _locate_focus(self, src: Source) -> int | None:
        if self.focus is None or src.smcp is None:
            return None
        path = self._focus_path(*self.focus)
        return _line_of(src.smcp, path) if path else None

    def _gateway_bases(self) -> dict[str, str]:
        """`spec.gateways.additionalEgress.<name>` (and ingress) -> peer name, for this model."""
        cached = self._cache.get("bases")
        if cached is None:
            cached = {}
            for p in self.mesh.peers:
                cached[path_text(EGRESS_MAP + (p.egress,))] = p.name
                cached[path_text(INGRESS_MAP + (p.ingress,))] = p.name
            self._cache["bases"] = cached
        return cached

    def _gateway_owner(self, path: str, prefix: str) -> str | None:
        return self._owner_of(path, self._gateway_bases(), prefix)

    @staticmethod
    def _owner_of(path: str, bases: dict[str, str], prefix: str | None = None) -> str | None:
        if prefix is None:
            prefix = _INGRESS_PREFIX if path.startswith(_INGRESS_PREFIX) else _EGRESS_PREFIX
            if not path.startswith(prefix):
                return None
        rest = path[len(prefix):]
        cut = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
        owner = bases.get(prefix + rest[:cut])
        if owner is not None:
            return owner
        # a gateway name with a dot in it: fall back to comparing every base
        return next((name for base, name in bases.items() if _inside(path, base)), None)

    def _echoes(self) -> list[Finding]:
        """Copies of two-place findings for the place the rules did not report."""
        out = self._cache.get("echoes")
        if out is None:
            out = []
            for f in self.findings:
                if f.code == "SMF052":
                    out += self._echo_node_port(f)
                elif f.code == "SMF061":
                    out += self._echo_label(f)
            self._cache["echoes"] = out
        return out

    def _echo_node_port(self, f: Finding) -> list[Finding]:
        where = None
        for p in self.mesh.peers:
            for number, value in ((15443, p.exposure.tls_node_port), (8188, p.exposure.discovery_node_port)):
                path = path_text(INGRESS_MAP + (p.ingress, "service", "ports", Item("port", number), "nodePort"))
                if path == f.path:
                    where = (p.ingress, number, value)
        if where is None or where[2] is None:
            return []
        out = []
        for p in self.mesh.peers:
            for number, value in ((15443, p.exposure.tls_node_port), (8188, p.exposure.discovery_node_port)):
                path = path_text(INGRESS_MAP + (p.ingress, "service", "ports", Item("port", number), "nodePort"))
                if value == where[2] and path != f.path:
                    out.append(replace(f, path=path, line=None, column=None,
                                       message=_("nodePort {port} is also used by {owner}").format(
                                           port=value, owner=_("{gateway} port {port}").format(
                                               gateway=where[0], port=where[1]))))
        return out

    def _echo_label(self, f: Finding) -> list[Finding]:
        out = []
        for p in self.mesh.peers:
            for gmap, gateway, key, value in ((EGRESS_MAP, p.egress, EGRESS_LABEL, p.egress_label),
                                              (INGRESS_MAP, p.ingress, INGRESS_LABEL, p.ingress_label)):
                path = path_text(gmap + (gateway, "service", "metadata", "labels", key))
                if path == f.path:
                    break
            else:
                continue
            break
        else:
            return []
        for q in self.mesh.peers:
            for gmap, gateway, key2, value2 in ((EGRESS_MAP, q.egress, EGRESS_LABEL, q.egress_label),
                                                (INGRESS_MAP, q.ingress, INGRESS_LABEL, q.ingress_label)):
                path = path_text(gmap + (gateway, "service", "metadata", "labels", key2))
                if key2 == key and value2 == value and path != f.path:
                    out.append(replace(f, path=path, line=None, column=None,
                                       message=_("{label}: {value} is also on {gateway}").format(
                                           label=key, value=value,
                                           gateway=p.egress if key == EGRESS_LABEL else p.ingress)))
        return out

    # --- the file -------------------------------------------------------------------------------------

    @property
    def original_text(self) -> str:
        return self.source.text if self.source is not None else ""

    def changed_lines(self) -> set[int]:
        """1-based line numbers of the new text that differ from the file on disk (for a new file:
        from the defaults it started with). Cheap on every keystroke: the common head and tail are
        skipped before difflib sees the rest."""
        return self._line_changes()[0]

    def removed_line_count(self) -> int:
        """Lines of the file on disk (a new file: of its defaults) that are gone without a line in
        their place (a removed peer's gateways): not in `changed_lines`, which numbers new lines."""
        return self._line_changes()[1]

    def change_summary(self) -> str:
        """'3 lines changed', '27 lines removed', '3 lines changed · 27 removed', or '' for none."""
        changed, removed = len(self.changed_lines()), self.removed_line_count()
        parts = []
        if changed:
            parts.append(ngettext("{n} line changed", "{n} lines changed", changed).format(n=changed))
        if removed:
            parts.append(_("{n} removed").format(n=removed) if changed else
                         ngettext("{n} line removed", "{n} lines removed", removed).format(n=removed))
        return " · ".join(parts)

    def _line_changes(self) -> tuple[set[int], int]:
        cached = self._cache.get("changed")
        if cached is None:
            cached = self._cache["changed"] = line_changes(self._baseline_lines(), self.text)
        return cached

    def _baseline_lines(self) -> list[str]:
        key = ("baseline", self.baseline_text)
        lines = self._cache.get("baseline_lines")
        if lines is None or lines[0] != key:
            lines = (key, self.baseline_text.split("\n"))
        self._cache["baseline_lines"] = lines
        return lines[1]

    def diff_against(self, data: bytes) -> str:
        """Unified diff from `data` (e.g. the file as it is on disk now) to our result."""
        name = self.path or "new.yaml"
        try:
            old = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            old = data.decode("utf-8", "replace")
        return "".join(difflib.unified_diff(old.splitlines(keepends=True), self.text.splitlines(keepends=True),
                                            fromfile=f"on disk/{os.path.basename(name)}",
                                            tofile=f"wizard/{os.path.basename(name)}"))

    def diff_stats(self) -> tuple[int, int]:
        """(lines added, lines removed) against the file on disk (a new file: all added)."""
        added = removed = 0
        for line in self.diff().splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
        return added, removed

    def diff(self) -> str:
        """Unified diff from the file on disk to the result, headed with the file's base name."""
        name = os.path.basename(self.path) if self.path else "new.yaml"
        return "".join(difflib.unified_diff(self.original_text.splitlines(keepends=True),
                                            self.text.splitlines(keepends=True),
                                            fromfile=f"a/{name}", tofile=f"b/{name}"))

    def output_bytes(self) -> bytes:
        return self.source.encode(self.text) if self.source is not None else self.text.encode("utf-8")

    def manifest(self) -> str:
        """The SMCP document alone, as `apply` sends it (other documents of the file stay out)."""
        return parse(self.output_bytes(), self.path or "<new>", trusted=True, smcp=self.smcp_choice).smcp_text()

    def has_unwritten_changes(self) -> bool:
        """Whether quitting now loses work: the result differs from the file on disk (a new file: from
        the defaults it started with), or a field holds text that is no value yet."""
        return self.text != self.baseline_text or bool(self.invalid_inputs)

    def is_unchanged(self) -> bool:
        return self.loaded is not None and self.output_bytes() == self.loaded.data

    def changed_on_disk(self) -> bytes | None:
        """The file's current bytes when someone changed it since we loaded it, else None."""
        if self.loaded is None:
            if self.path and os.path.lexists(self.path):
                return read_file(self.path).data
            return None
        return file_changed(self.loaded)

    def suggested_path(self) -> str:
        """The name offered for a new file when the wizard started without one."""
        return f"{self.mesh.name}.yaml"

    def new_path_problem(self, path: str, *, edit_command: str = "smfed-wizard") -> str | None:
        """Why the new file cannot be written at `path`, chosen when the wizard started without a
        FILE (None: it can). An existing file is never replaced from here: it is opened to be edited
        (`edit_command`: how, in the mode the user is in)."""
        path = path.strip()
        if not path:
            return _("a file name is required")
        if os.path.isdir(path):
            return _("{path} is a directory: name a file").format(path=path)
        if os.path.lexists(path):
            return _("{path} already exists: give another name, or quit and edit it with `{command}`").format(
                path=path, command=f"{edit_command} {shlex.quote(path)}")
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            return _("the directory {directory} does not exist").format(directory=parent)
        return None

    def write(self, *, backup: bool = False) -> str:
        """Write through the safe writer; raises ChangedOnDiskError / WriteError, file untouched."""
        if not self.path:
            raise InputError(_("no file name to write to"), hint=_("start the wizard with a FILE argument"))
        if self.blocking:
            raise InputError(_("{count} error(s) must be fixed before writing").format(count=self.blocking))
        real = write_file(self.path, self.output_bytes(), expected=self.loaded, backup=backup)
        # after writing, the file on disk is the new baseline
        self.loaded = read_file(self.path)
        self.source = parse(self.loaded.data, self.path, smcp=self.smcp_choice)
        self.original = read_mesh(self.source)
        self.mesh = self.original
        self.invalid_inputs.clear()
        self.refresh()
        self.baseline_text = self.original_text
        return real


def changed_line_numbers(old: list[str], text: str) -> set[int]:
    """1-based numbers of the lines of `text` that are not in `old` (its lines)."""
    return line_changes(old, text)[0]


def line_changes(old: list[str], text: str) -> tuple[set[int], int]:
    """The 1-based numbers of the lines of `text` that are not in `old` (its lines), and how many lines
    of `old` are gone without a line in their place, by a line diff; the common head and tail are
    skipped before difflib sees the rest (cheap on every keystroke)."""
    new = text.split("\n")
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    changed: set[int] = set()
    removed = 0
    a, b = old[head:len(old) - tail], new[head:len(new) - tail]
    if a and b:
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag in ("replace", "insert"):
                changed.update(range(head + j1 + 1, head + j2 + 1))
            if tag in ("replace", "delete"):
                removed += max(0, (i2 - i1) - (j2 - j1))
    elif b:
        changed.update(range(head + 1, head + len(b) + 1))
    else:
        removed = len(a)
    if not text.endswith("\n") or not new[-1]:
        changed.discard(len(new))  # the empty "line" after the final newline
    return changed, removed


def _input_key(fld: Field, peer_name: str | None) -> tuple[str, str, str | None]:
    return (fld.scope, fld.key, None if fld.scope == "mesh" else peer_name)


def _inside(path: str, base: str) -> bool:
    """`path` is `base` or lies inside it."""
    if not path.startswith(base):
        return False
    rest = path[len(base):]
    return rest == "" or rest[0] in ".["


def _line_of(root: Node | None, path: tuple) -> int | None:
    """1-based line of `path` in a parsed document: the key's line for a mapping entry, the item's
    line for a list item; where the path does not exist (yet), the line of the deepest part that does."""
    node = root
    line = None
    for seg in path:
        if isinstance(seg, Item):
            if not isinstance(node, SequenceNode):
                break
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
                break
            node = found
            line = found.start_mark.line + 1
            continue
        if not isinstance(node, MappingNode):
            break
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == seg:
                node = v
                line = k.start_mark.line + 1
                break
        else:
            break
    return line


__all__ = ["Session", "DEFAULT_NODE_PORT_RANGE", "FORM_STEPS", "STEP_MESH", "STEP_PEERS", "STEP_EXPOSURE"]
