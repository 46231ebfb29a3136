"""The three form steps: Mesh, Peers and Exposure, each rendered from the core's declarations.

A step builds its rows the first time it is shown (so starting the wizard mounts only the Mesh
form) and, on every change, `sync`s them from the session: values the user is not typing into,
and the messages under each field. Which fields exist, what they mean and what is wrong with them
all come from `smfed_tui.fields` and the session; nothing here knows a rule.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Static

from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS, Field
from smfed_tui.model import Peer
from smfed_tui.session import Session

from .form import FieldRow
from .peer_list import PeerList
from .texts import finding_content


def _value_problem(fld: Field, value) -> str | None:
    if value is None or fld.check is None:
        return None
    return fld.problem(fld.format(value))


class FormStep(Widget):
    """Common part: a title, a scrolling column of field rows, optional extra widgets."""

    DEFAULT_CSS = """
    FormStep { height: 1fr; }
    FormStep .form-title { text-style: bold; padding: 0 0 1 0; width: 1fr; }
    FormStep .form-column { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    FormStep .empty-note { color: $text-muted; padding: 1 1; }
    FormStep .other-findings { padding: 0 0 1 0; height: auto; }
    FormStep Button { margin: 0 0 1 0; min-width: 16; }
    """
    fields: tuple[Field, ...] = ()
    step_id = ""
    title = ""

    def __init__(self, *, cursor_blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor_blink = cursor_blink
        self.built = False

    def compose(self) -> ComposeResult:
        if self.built:
            yield from self.compose_form()

    async def build(self) -> None:
        """Mount the rows (once, when the step is first shown)."""
        if self.built:
            return
        self.built = True
        await self.recompose()

    def compose_form(self) -> ComposeResult:
        with VerticalScroll(classes="form-column"):
            yield Static(Content.styled(self.title, "bold"), classes="form-title")
            for fld in self.fields:
                yield FieldRow(fld, cursor_blink=self.cursor_blink)

    @property
    def rows(self) -> list[FieldRow]:
        return list(self.query(FieldRow)) if self.built else []

    def row_for(self, fld: Field) -> FieldRow | None:
        return next((row for row in self.rows if row.fld == fld), None)

    def sync(self, session: Session, peer_name: str | None, *, force: bool = False) -> None:
        """Show the session's values and findings; a row being typed into keeps its text unless `force`."""
        if not self.built:
            return
        mesh = session.mesh
        peer = mesh.peer(peer_name) if peer_name is not None else None
        by_field = session.field_findings(peer_name)
        focused = self.screen.focused if self.is_attached else None
        for row in self.rows:
            fld = row.fld
            if fld.scope != "mesh" and peer is None:
                continue
            value = fld.get(mesh, peer)
            invalid = session.invalid_inputs.get((fld.scope, fld.key, None if fld.scope == "mesh" else peer_name))
            typing = focused is not None and focused.parent is row
            if invalid is None and (force or not typing):
                row.load(value)
            if invalid is not None:   # the text is not a value: findings about the old value would mislead
                row.show_messages([], invalid)
            else:
                row.show_messages(by_field.get((fld.scope, fld.key), []), _value_problem(fld, value))
        self.sync_extra(session, peer)

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        pass


class MeshStep(FormStep):
    """Step 1: the mesh's own fields, plus findings no field shows (unknown keys, other gateways)."""

    fields = MESH_FIELDS
    step_id = "mesh"
    title = "Mesh"

    def compose_form(self) -> ComposeResult:
        with VerticalScroll(classes="form-column"):
            yield Static(Content.styled(self.title, "bold"), classes="form-title")
            for fld in self.fields:
                yield FieldRow(fld, cursor_blink=self.cursor_blink)
            yield Static("", classes="other-findings", markup=False)

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        other = session.unplaced_findings()
        box = self.query_one(".other-findings", Static)
        box.display = bool(other)
        if other:
            box.update(Content.assemble(("Other findings in the file", "bold"), "\n",
                                        finding_content(other)))


class PeerFormStep(FormStep):
    """A peer list on the left, the selected peer's fields on the right."""

    DEFAULT_CSS = """
    PeerFormStep > Horizontal { height: 1fr; }
    PeerFormStep .peer-form { width: 1fr; height: 1fr; }
    """
    list_id = ""
    button: tuple[str, str] | None = None   # (label, id)
    _titled: str | None = None              # the peer name in the title now

    def compose_form(self) -> ComposeResult:
        with Horizontal():
            yield PeerList(id=self.list_id)
            with Vertical(classes="peer-form"):
                yield Static("", classes="empty-note", markup=False)
                with VerticalScroll(classes="form-column"):
                    yield Static("", classes="form-title", markup=False)
                    for fld in self.fields:
                        yield FieldRow(fld, cursor_blink=self.cursor_blink)
                    if self.button:
                        yield Button(self.button[0], id=self.button[1], compact=True)

    @property
    def peer_list(self) -> PeerList:
        return self.query_one(PeerList)

    def sync(self, session: Session, peer_name: str | None, *, force: bool = False) -> None:
        if not self.built:
            return
        mesh = session.mesh
        names = [p.name for p in mesh.peers]
        errors = session.peer_error_counts() if names else {}
        self.peer_list.show_peers(names, errors, peer_name)
        peer = mesh.peer(peer_name) if peer_name is not None else None
        note = self.query_one(".empty-note", Static)
        column = self.query_one(".form-column")
        note.display = peer is None
        column.display = peer is not None
        if peer is None:
            note.update(Content("No peer meshes yet. Press ctrl+o, or a in the peer list, to add one."))
            return
        if peer.name != self._titled:
            self._titled = peer.name
            self.query_one(".form-title", Static).update(
                Content.assemble((f"{self.title}: ", "bold"), (peer.name, "bold")))
        super().sync(session, peer_name, force=force)


class PeersStep(PeerFormStep):
    """Step 2: add, rename and remove peers; gateway names, network view, labels."""

    fields = PEER_FIELDS
    step_id = "peers"
    title = "Peer"
    list_id = "peers-list"
    button = ("Remove peer", "remove-peer")


class ExposureStep(PeerFormStep):
    """Step 3: how each peer reaches this mesh's ingress; node ports only for NodePort."""

    fields = EXPOSURE_FIELDS
    step_id = "exposure"
    title = "Exposure"
    list_id = "exposure-list"
    button = ("Pick free node ports", "pick-ports")

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        if peer is None:
            return
        exposure = peer.exposure
        node_port = exposure.service_type == "NodePort"
        for row in self.rows:
            if row.fld.attr in ("tls_node_port", "discovery_node_port"):
                row.display = node_port or row.fld.get(session.mesh, peer) is not None
        self.query_one("#pick-ports", Button).display = node_port
