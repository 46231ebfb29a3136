"""One wizard run, without any UI: the file, the model being edited, the resulting text and its
findings. The Textual screens and the plain prompts both drive this object; it holds every
decision, they only show it.

Its jobs live in one module each: changing the model (`session_edits.ModelEdits`), the file side
(`session_file.SessionFile`: changed lines, diffs, what blocks a write, writing), where findings
show (`placement.Placement`, one per revision), line diffs (`line_diff`). This module holds the state
and recomputes the text and the findings after each change.
"""
from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from typing import NamedTuple

from .checks.across import check_edit
from .checks.checker import Options
from .checks.smcp import check_source
from .edit import edit_text, generate_text
from .errors import InputError
from .fields import Field
from .findings import ERROR, HINT, WARNING, Finding, count, sort_key
from .i18n import _
from .model import DEFAULT_NODE_PORT_RANGE, Mesh, Peer
from .new_file import mesh_name_for
from .placement import (FORM_STEPS, STEP_EXPOSURE, STEP_MESH, STEP_PEERS, Placement, field_yaml_paths,
                        owned_lines)
from .reader import read_mesh
from .revision_memo import RevisionMemo
from .safe_files import LoadedFile, read_file
from .session_edits import ModelEdits, input_key
from .session_file import SessionFile
from .source import Source, parse


class FieldState(NamedTuple):
    """What a form shows for one field of the mesh or of one peer."""

    value: object                 # the model's value
    invalid: str | None           # why the typed text is no value (the model kept `value`), or None
    findings: list[Finding]       # the rules' findings this field shows
    problem: str | None           # what the value itself breaks (the field's own check), or None


@dataclass
class Session(ModelEdits, SessionFile):
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
    # The field the user is on, as (field, peer name); `focus_lines` are the lines of `text` it owns
    # after each refresh (`placement.owned_lines`: where the file does not say it yet, the line of its
    # nearest existing parent), `focus_line` the first of them.
    focus: tuple[Field, str | None] | None = None
    focus_line: int | None = None
    focus_lines: tuple[int, ...] = ()
    # Text typed into a field that cannot become a value at all ("3x" for a port, an empty required
    # field, a peer name already taken), keyed by `session_edits.input_key`: the model keeps the
    # previous value, and writing is blocked until the field is fixed.
    invalid_inputs: dict[tuple[str, str, str | None], str] = field(default_factory=dict)
    # Values a peer added in this run took from the file's other peers rather than from the user (its
    # NodePort ingress: `model.new_peer_conventions`), as (field key, peer name): shown as assumed until
    # the user sets that field (`session_edits.ModelEdits.assumption`).
    assumed: set[tuple[str, str]] = field(default_factory=set)
    baseline_text: str = ""   # what `changed_lines` compares with: the file, or a new file's defaults
    _placement: Placement | None = field(default=None, repr=False)
    _memo: RevisionMemo = field(init=False, repr=False)   # what the file side derives per revision
    _line_memo: tuple | None = field(default=None, repr=False)        # (text, baseline, its line changes)
    _baseline_split: tuple | None = field(default=None, repr=False)   # (baseline, its lines)
    _federation_resources: object = field(default=None, repr=False)
    _findings_before: list[Finding] | None = field(default=None, repr=False)   # of the file as loaded

    def __post_init__(self) -> None:
        self._memo = RevisionMemo(lambda: self.revision)

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | None, *, default_name: str | None = None, smcp: str | None = None) -> "Session":
        """A session for `path`: loaded and prefilled when it exists, new otherwise. A file the core
        refuses raises InputError before anything is shown. `smcp` (NAME or NAMESPACE/NAME) chooses
        the SMCP of a file that holds several. A new file's mesh is named after the file when it can be
        (`new_file.mesh_name_for`), unless `default_name` says otherwise."""
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
            session = cls(path, Mesh.new(mesh_name_for(path) if default_name is None else default_name))
        session.refresh()
        session.baseline_text = session.original_text if session.is_edit else session.text
        if session.is_edit:   # nothing changed yet: the findings now are the file's own (what blocks a write
            session._findings_before = session.findings   # compares with them), at no extra check
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
        """The peers' federation resources as the federation-resources step edits them
        (`federation_resources.FederationResources`), made when first asked."""
        if self._federation_resources is None:
            from .federation_resources import FederationResources
            self._federation_resources = FederationResources(self)
        return self._federation_resources

    def opened_federation_resources(self):
        """The federation resources if the federation-resources step has made them, else None (nothing to lose)."""
        return self._federation_resources

    def federation_resource_counts(self) -> tuple[int, int, int] | None:
        """(errors, warnings, hints) of the federation-resources step: values that are no value and the cross-file
        rules' errors (they block writing the resources), placeholders still to replace. None until that
        step has been opened (nothing about it is known or shown before). The cross-file check runs
        here: about 1 ms per peer, so the wizard asks for it off the keystroke path."""
        if self._federation_resources is None:
            return None
        fo = self._federation_resources
        return fo.blocking, fo.placeholders(), 0

    # --- recomputing after a change ----------------------------------------------------------------

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
            self._locate_focus(None)
            return
        findings = check_source(current, self.options)
        if self.original is not None and current.smcp is not None:
            findings = sorted(findings + check_edit(self.original, self.mesh, current), key=sort_key)
        self.findings = findings
        self._locate_focus(current)

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

    # --- where findings show in the wizard (this revision's `placement`) ---------------------------

    @property
    def placement(self) -> Placement:
        """Where the findings of this model show: one object per revision, made anew when the model
        or its findings are not the ones it was made for."""
        placed = self._placement
        if placed is None or placed.mesh is not self.mesh or placed.findings is not self.findings:
            placed = self._placement = Placement(self.mesh, self.findings)
        return placed

    def field_state(self, fld: Field, peer_name: str | None = None) -> FieldState:
        """What a form shows for field `fld` of the mesh or of peer `peer_name`."""
        peer = self.mesh.peer(peer_name) if peer_name is not None else None
        value = fld.get(self.mesh, peer)
        return FieldState(value, self.invalid_inputs.get(input_key(fld, peer_name)),
                          self.placement.field_findings(peer_name).get((fld.scope, fld.key), []),
                          fld.value_problem(value))

    def step_of(self, f: Finding) -> str:
        return self.placement.step_of(f)

    def step_findings(self) -> dict[str, list[Finding]]:
        """Findings per form step, in file order."""
        return self.placement.step_findings

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
        out = dict(self.placement.peer_errors)
        for _scope, _key, peer in self.invalid_inputs:
            if peer is not None:
                out[peer] = out.get(peer, 0) + 1
        return out

    def field_findings(self, peer_name: str | None = None) -> dict[tuple[str, str], list[Finding]]:
        """What to show under each field of the mesh and of peer `peer_name` (`Placement.field_findings`)."""
        return self.placement.field_findings(peer_name)

    def unplaced_findings(self) -> list[Finding]:
        """Findings no field of the form shows (an unknown key, a non-federation gateway...): the
        Mesh step lists them under "Other findings"."""
        return self.placement.unplaced

    def field_at(self, f: Finding) -> tuple[Field, str | None] | None:
        """The field that shows a finding (to jump there from a list), or None."""
        return self.placement.field_at(f)

    def set_focus(self, fld: Field | None, peer_name: str | None = None) -> int | None:
        """Remember the field the user is on; its line follows every refresh (`focus_line`)."""
        if fld is None:
            self.focus = None
            self._locate_focus(None)
            return None
        if self.focus == (fld, peer_name) and self.focus_line is not None:
            return self.focus_line
        self.focus = (fld, peer_name)
        gc_was = gc.isenabled()
        gc.disable()
        try:
            src = parse(self.output_bytes(), self.path or "<new>", trusted=True, smcp=self.smcp_choice)
            self._locate_focus(src)
        except InputError:
            self._locate_focus(None)
        finally:
            if gc_was:
                gc.enable()
        return self.focus_line

    def _locate_focus(self, src: Source | None) -> None:
        if self.focus is None or src is None or src.smcp is None:
            self.focus_lines = ()
        else:
            self.focus_lines = owned_lines(src.smcp, field_yaml_paths(self.mesh, *self.focus))
        self.focus_line = self.focus_lines[0] if self.focus_lines else None


__all__ = ["Session", "FieldState", "DEFAULT_NODE_PORT_RANGE", "FORM_STEPS", "STEP_MESH", "STEP_PEERS",
           "STEP_EXPOSURE"]
