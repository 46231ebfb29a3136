"""One wizard run, without any UI: the file, the model being edited, the resulting text and its
findings. The Textual screens and the plain prompts both drive this object; it holds every
decision, they only show it.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field

from .edit import edit_text, generate_text
from .errors import InputError
from .fields import Field
from .findings import ERROR, HINT, WARNING, Finding, count
from .model import DEFAULT_NODE_PORT_RANGE, Mesh, Peer, free_node_ports, rename_mesh, rename_peer
from .reader import read_mesh
from .rules import Options, check_source
from .safe_files import LoadedFile, file_changed, read_file, write_file
from .source import Source, parse


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

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | None, *, default_name: str = "red-mesh") -> "Session":
        """A session for `path`: loaded and prefilled when it exists, new otherwise. A file the core
        refuses raises InputError before anything is shown."""
        if path and os.path.lexists(path):
            loaded = read_file(path)
            src = parse(loaded.data, path)
            mesh = read_mesh(src)
            session = cls(path, mesh, mesh, src, loaded)
        else:
            session = cls(path, Mesh.new(default_name))
        session.refresh()
        return session

    @property
    def is_edit(self) -> bool:
        return self.source is not None

    # --- changing the model ----------------------------------------------------------------------

    def update(self, mesh: Mesh) -> None:
        self.mesh = mesh
        self.refresh()

    def refresh(self) -> None:
        """Recompute the text and the findings from the model."""
        if self.source is not None:
            self.text = edit_text(self.source, self.mesh, self.original)
            name = self.path or "<new>"
            data = self.source.encode(self.text)
        else:
            self.text = generate_text(self.mesh)
            name = self.path or "<new>"
            data = self.text.encode("utf-8")
        try:
            self.findings = check_source(parse(data, name, trusted=self.source is not None), self.options)
        except InputError as err:  # cannot happen for our own output; say so instead of crashing
            self.findings = [Finding("SMF000", ERROR, "", err.line, err.column, err.message, err.hint or "", name)]

    def set_field(self, fld: Field, peer_name: str | None, value) -> None:
        if fld.scope == "mesh" and fld.attr == "name":
            self.update(rename_mesh(self.mesh, value))
        elif fld.scope == "peer" and fld.attr == "name":
            self.update(rename_peer(self.mesh, peer_name, value))
        else:
            self.update(fld.set(self.mesh, peer_name, value))

    def add_peer(self, name: str | None = None) -> Peer:
        name = name or self._unused_peer_name()
        peer = Peer.new(name)
        self.update(self.mesh.with_peer(peer))
        return peer

    def remove_peer(self, name: str) -> None:
        self.update(self.mesh.without_peer(name))

    def pick_free_node_ports(self, peer_name: str) -> tuple[int, int]:
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
        return self.findings_at(fld.path(self.mesh, peer))

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
    def can_write(self) -> bool:
        return self.errors == 0

    # --- the file -------------------------------------------------------------------------------------

    @property
    def original_text(self) -> str:
        return self.source.text if self.source is not None else ""

    def changed_lines(self) -> set[int]:
        """1-based line numbers of the new text that differ from the file on disk."""
        old = self.original_text.splitlines()
        new = self.text.splitlines()
        changed: set[int] = set()
        for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag in ("replace", "insert"):
                changed.update(range(j1 + 1, j2 + 1))
        return changed

    def diff(self) -> str:
        name = self.path or "new.yaml"
        return "".join(difflib.unified_diff(self.original_text.splitlines(keepends=True),
                                            self.text.splitlines(keepends=True),
                                            fromfile=f"a/{name}", tofile=f"b/{name}"))

    def output_bytes(self) -> bytes:
        return self.source.encode(self.text) if self.source is not None else self.text.encode("utf-8")

    def is_unchanged(self) -> bool:
        return self.loaded is not None and self.output_bytes() == self.loaded.data

    def changed_on_disk(self) -> bytes | None:
        """The file's current bytes when someone changed it since we loaded it, else None."""
        if self.loaded is None:
            if self.path and os.path.lexists(self.path):
                return read_file(self.path).data
            return None
        return file_changed(self.loaded)

    def write(self, *, backup: bool = False) -> str:
        """Write through the safe writer; raises ChangedOnDiskError / WriteError, file untouched."""
        if not self.path:
            raise InputError("no file name to write to", hint="start the wizard with a FILE argument")
        if self.errors:
            raise InputError(f"{self.errors} error(s) must be fixed before writing")
        real = write_file(self.path, self.output_bytes(), expected=self.loaded, backup=backup)
        # after writing, the file on disk is the new baseline
        self.loaded = read_file(self.path)
        self.source = parse(self.loaded.data, self.path)
        self.original = read_mesh(self.source)
        self.mesh = self.original
        self.refresh()
        return real


__all__ = ["Session", "DEFAULT_NODE_PORT_RANGE"]
