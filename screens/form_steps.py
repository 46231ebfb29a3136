"""The form steps' common part and step 1, Mesh, rendered from the core's declarations
(Peers and Exposure, which add a peer list, are in `peer_steps`).

A step builds its rows the first time it is shown (the Mesh form is composed with the screen, in
the same mount as everything else on the first frame) and, on every change, `sync`s them from the session: values the user is not typing into,
and the messages under each field. Which fields exist, what they mean and what is wrong with them
all come from `smfed_tui.fields` and the session; nothing here knows a rule.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from smfed_tui.fields import MESH_FIELDS, Field
from smfed_tui.i18n import N_, _
from smfed_tui.model import Peer
from smfed_tui.session import Session

from .form import FieldRow
from .tab_order import TAB_BINDINGS, tab_in_form
from .texts import Column, finding_content


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
    BINDINGS = TAB_BINDINGS   # in the rows' order, with no layout needed (screens/tab_order.py)
    fields: tuple[Field, ...] = ()
    step_id = ""
    title = ""   # a message id, shown translated
    has_peers = False   # True for the steps that show one peer at a time
    eager = False       # composed with the screen (the first step) instead of when first shown

    def __init__(self, *, cursor_blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor_blink = cursor_blink
        self.built = self.eager
        self._parts: dict[str, Widget] = {}   # `part`

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
        with Column(classes="form-column"):
            yield Static(Content.styled(_(self.title), "bold"), classes="form-title")
            for fld in self.fields:
                yield FieldRow(fld, cursor_blink=self.cursor_blink)

    def action_tab_in_form(self, step: int) -> None:
        tab_in_form(self, step)

    _rows: list[FieldRow] | None = None

    @property
    def rows(self) -> list[FieldRow]:
        # Looked up once: a step's rows are all mounted together (`compose_form`) and stay, and a
        # query walks every widget of the step on each keystroke.
        if self._rows is None:
            rows = list(self.query(FieldRow)) if self.built else []
            if not rows:   # not built or not mounted yet: look again next time
                return rows
            self._rows = rows
        return self._rows

    def part(self, selector: str, kind: type[Widget] = Widget) -> Widget:
        """The step's one widget matching `selector`, looked up once: the widgets `compose_form` made
        stay, and `sync` runs on every keystroke."""
        widget = self._parts.get(selector)
        if widget is None:
            widget = self._parts[selector] = self.query_one(selector, kind)
        return widget

    def row_for(self, fld: Field) -> FieldRow | None:
        return next((row for row in self.rows if row.fld == fld), None)

    def sync(self, session: Session, peer_name: str | None, *, force: bool = False) -> None:
        """Show the session's values and findings; a row being typed into keeps its text unless `force`."""
        if not self.built:
            return
        mesh = session.mesh
        peer = mesh.peer(peer_name) if peer_name is not None else None
        focused = self.screen.focused if self.is_attached else None
        for row in self.rows:
            fld = row.fld
            if fld.scope != "mesh" and peer is None:
                continue
            value, invalid, findings, problem = self.row_state(session, fld, peer, peer_name)
            typing = focused is not None and focused.parent is row
            if invalid is None and (force or not typing):
                row.load(value)
            if invalid is not None:   # the text is not a value: findings about the old value would mislead
                row.show_messages([], invalid)
            else:
                row.show_messages(findings, problem)
            if fld.scope != "bundle":   # the Federation step marks its own guesses (next_steps)
                row.show_assumed(session.assumption(fld, peer_name))
        self.sync_extra(session, peer)

    def row_state(self, session: Session, fld: Field, peer: Peer | None, peer_name: str | None) -> tuple:
        """(value, the text's problem when it is no value, the core's findings, the value's own problem)."""
        return session.field_state(fld, peer_name)

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        pass


class MeshStep(FormStep):
    """Step 1: the mesh's own fields, plus findings no field shows (unknown keys, other gateways)."""

    fields = MESH_FIELDS
    step_id = "mesh"
    title = N_("Mesh")
    eager = True

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        other = session.unplaced_findings()
        found = self.query(".other-findings")
        if not found and not other:
            return   # mounted the first time there is something to list (most files have nothing)
        if found:
            box = found.first(Static)
        else:
            box = Static("", classes="other-findings", markup=False)
            self.query_one(".form-column").mount(box)
        box.display = bool(other)
        if other:
            box.update(Content.assemble((_("Other findings in the file"), "bold"), "\n",
                                        finding_content(other)))
