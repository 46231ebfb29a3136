"""Steps 2 and 3, Peers and Exposure: a peer list on the left, the selected peer's fields (from the
core's declarations) on the right. Imported and mounted the first time one of them is shown."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from smfed_tui.fields import EXPOSURE_FIELDS, PEER_FIELDS
from smfed_tui.i18n import N_, _
from smfed_tui.model import Peer
from smfed_tui.session import Session

from .form import FieldRow
from .texts import Column, fill
from .form_steps import FormStep
from .peer_list import PeerList


class PeerFormStep(FormStep):
    """A peer list on the left, the selected peer's fields on the right."""

    DEFAULT_CSS = """
    PeerFormStep > Horizontal { height: 1fr; }
    PeerFormStep .peer-form { width: 1fr; height: 1fr; }
    """
    has_peers = True
    list_id = ""
    button: tuple[str, str] | None = None   # (label: a message id, id)
    button_after: str | None = None         # the key of the field the button follows (None: after them all)
    _titled: str | None = None              # the peer name in the title now
    heading = "{peer}"                      # the title over the peer's fields (a message id); {peer}: its name

    def compose_form(self) -> ComposeResult:
        with Horizontal():
            yield PeerList(id=self.list_id)
            with Vertical(classes="peer-form"):
                yield Static("", classes="empty-note", markup=False)
                with Column(classes="form-column"):
                    yield Static("", classes="form-title", markup=False)
                    for fld in self.fields:
                        yield FieldRow(fld, cursor_blink=self.cursor_blink)
                        if self.button and fld.key == self.button_after:
                            yield self._button()
                    if self.button and self.button_after is None:
                        yield self._button()
                    yield from self.compose_extra()

    def _button(self) -> Button:
        return Button(_(self.button[0]), id=self.button[1], compact=True)

    def compose_extra(self) -> ComposeResult:
        """Widgets under the fields (a step's own controls)."""
        return ()

    def peer_errors(self, session: Session) -> dict[str, int]:
        """Errors per peer, for the list's badges."""
        return session.peer_error_counts()

    @property
    def peer_list(self) -> PeerList:
        return self.part("PeerList", PeerList)

    def sync(self, session: Session, peer_name: str | None, *, force: bool = False) -> None:
        if not self.built:
            return
        mesh = session.mesh
        names = [p.name for p in mesh.peers]
        errors = self.peer_errors(session) if names else {}
        self.peer_list.show_peers(names, errors, peer_name)
        peer = mesh.peer(peer_name) if peer_name is not None else None
        note = self.part(".empty-note", Static)
        column = self.part(".form-column")
        note.display = peer is None
        column.display = peer is not None
        if peer is None:
            note.update(Content(_("No peer meshes yet. Press ctrl+o, or a in the peer list, to add one.")))
            return
        if peer.name != self._titled:
            self._titled = peer.name
            self.part(".form-title", Static).update(fill(_(self.heading), "bold", peer=(peer.name, "bold")))
        super().sync(session, peer_name, force=force)


class PeersStep(PeerFormStep):
    """Step 2: add, rename and remove peers; gateway names, network view, labels."""

    fields = PEER_FIELDS
    step_id = "peers"
    title = N_("Peer")
    heading = N_("This mesh's gateways for {peer}")
    list_id = "peers-list"
    button = (N_("Remove peer"), "remove-peer")


class ExposureStep(PeerFormStep):
    """Step 3: how each peer reaches this mesh's ingress; node ports only for NodePort."""

    fields = EXPOSURE_FIELDS
    step_id = "exposure"
    title = N_("Exposure")
    # not the peer's own exposure (it read so): how the peer reaches this mesh
    heading = N_("This mesh's ingress for {peer}")
    list_id = "exposure-list"
    button = (N_("Pick free node ports"), "pick-ports")
    button_after = "discovery-node-port"    # beside the ports it fills

    def sync_extra(self, session: Session, peer: Peer | None) -> None:
        if peer is None:
            return
        exposure = peer.exposure
        node_port = exposure.service_type == "NodePort"
        for row in self.rows:
            if row.fld.attr in ("tls_node_port", "discovery_node_port"):
                row.display = node_port or row.fld.get(session.mesh, peer) is not None
        self.part("#pick-ports", Button).display = node_port
