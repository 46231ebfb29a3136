"""Step 6, Next steps: the resources federation needs beyond the SMCP, for each peer, prefilled
from what the wizard knows (`smfed_tui.bundle`): the CA ConfigMap, ServiceMeshPeer,
ExportedServiceSet and ImportedServiceSet, with the command that writes them."""
from __future__ import annotations

import shlex

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from smfed_tui.bundle import build_bundle, ca_config_map_name
from smfed_tui.session import Session

from .lines import YamlView
from smfed_tui.i18n import _

from .texts import display_name, fill


class NextStep(Widget):
    DEFAULT_CSS = """
    NextStep { height: 1fr; }
    NextStep > VerticalScroll { padding: 0 1; height: auto; max-height: 50%; }
    NextStep .section-title { text-style: bold; padding: 0 0 1 0; }
    NextStep #next-text { height: auto; }
    NextStep #bundle-view { height: 1fr; border: round $border-blurred; }
    NextStep #bundle-view:focus { border: round $border; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.built = False
        self._revision: int | None = None

    async def build(self) -> None:
        if self.built:
            return
        self.built = True
        view = YamlView(id="bundle-view")
        view.border_title = _("Follow-on resources (preview)")
        await self.mount_all([
            VerticalScroll(Static(Content.styled(_("Next steps"), "bold"), classes="section-title"),
                           Static("", id="next-text", markup=False)),
            view,
        ])

    def sync(self, session: Session) -> None:
        if not self.built or session.revision == self._revision:
            return
        self._revision = session.revision
        mesh = session.mesh
        text = self.query_one("#next-text", Static)
        view = self.query_one("#bundle-view", YamlView)
        if not mesh.peers:
            text.update(Content(_("Add a peer mesh first (step Peers): each peer needs four more resources.")))
            view.display = False
            return
        view.display = True
        bundle = build_bundle(mesh)
        name = shlex.quote(display_name(session)) if session.path else "FILE"
        parts: list = [fill(_("The SMCP alone federates nothing. In {namespace}, each peer also needs:"),
                            namespace=(mesh.namespace or _("the control plane namespace"), "bold")), "\n"]
        for peer in mesh.peers:
            parts += ["  • ", fill(_("{peer}: ConfigMap {config_map} (the peer's root certificate), ServiceMeshPeer, "
                                     "ExportedServiceSet, ImportedServiceSet"), peer=(peer.name, "bold"),
                                   config_map=ca_config_map_name(peer.name)), "\n"]
        parts += [_("Write them (and fill in what only the peer knows) with:"), "\n",
                  (f"  smfed-wizard bundle {name} --peer-address PEER=ADDRESS --peer-ca PEER=ca.pem -o DIR",
                   "$text-accent")]
        for warning in bundle.warnings:
            parts += ["\n", ("⚠ ", "$text-warning"), (warning, "$text-muted")]
        text.update(Content.assemble(*parts))
        lines = bundle.text().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        view.show(lines, set(), None, follow=False)
