"""Step 7, Status: is each peer of this mesh connected, read live from the cluster the Apply step uses
(the wizard's --kubectl and --context) in the SMCP's namespace, refreshed in the background.

The view is the one of `smfed-wizard status --tui` (status_view.py); the reading is the core's
(smfed_tui.status.live.read_status). Nothing is read before the user opens this step, and while
another step is shown the timer reads nothing.
"""
from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from smfed_tui import apply as kube
from smfed_tui.status.live import find_client, read_status
from smfed_tui.i18n import _
from smfed_tui.session import Session
from smfed_tui.status.model import StatusReport

from .status_view import StatusView


class StatusStep(Widget):
    DEFAULT_CSS = """
    StatusStep { height: 1fr; padding: 0 1; }
    StatusStep #status-step-note { height: auto; color: $text-muted; padding: 0 0 1 0; }
    """

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.built = False
        self.kubectl: str | None = None
        self.context: str | None = None

    async def build(self) -> None:
        if self.built:
            return
        self.built = True
        # read here, on the UI's thread: `load` runs in the view's reading thread, where `self.app` is not known
        self.kubectl, self.context = getattr(self.app, "kubectl", None), getattr(self.app, "context", None)
        await self.mount(Static(Content(self._note()), id="status-step-note"),
                         StatusView(self.load, id="status-step-view", shown=lambda: self.region.area > 0))

    def _note(self) -> str:
        context = self.context or _("the current context")
        return _("Read-only, from {context}, namespace {namespace}; every 5 seconds while this step is shown. "
                 "For both sides of a peering: smfed-wizard status --context A --context B").format(
            context=context, namespace=self.session.mesh.namespace)

    def load(self) -> StatusReport:
        """Runs in the view's reading thread: the client and context of the Apply step."""
        return read_status(find_client(self.kubectl), [self.context], self.session.mesh.namespace,
                           kube.DEFAULT_TIMEOUT)

    def sync(self, session: Session) -> None:
        """The namespace may have changed on the Mesh step: the note follows (the next read uses it)."""
        self.session = session
        if self.built:
            self.query_one("#status-step-note", Static).update(Content(self._note()))
