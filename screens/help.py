"""The help screen (f1): the keys, then every field of every step with the docs' description, as
declared once in `smfed_tui.fields`."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS
from smfed_tui.i18n import N_, _

from .texts import cells

# (keys, what they do: a message id, shown translated)
KEYS = (
    ("ctrl+n / ctrl+b", N_("next / previous step (esc: previous; on the first step esc quits, asking first if something is not written)")),
    ("tab / shift+tab", N_("next / previous field")),
    ("a / d", N_("add / remove a peer (in a peer list); ctrl+o adds a peer anywhere")),
    ("ctrl+delete", N_("remove the selected peer from any of its fields (Peers, Exposure, Federation), after a "
                       "confirmation")),
    ("ctrl+s", N_("write the file, after a confirmation (the diff; for a new file, where it goes and its size); "
                  "with errors, it says which and offers to go to the first; on the Federation step, the file of the "
                  "federation resources")),
    ("ctrl+r", N_("apply to the cluster (server-side diff, then confirm; not while the SMCP has an error)")),
    ("f2", N_("show / hide the YAML preview")),
    ("f1", N_("this help")),
    ("ctrl+q", N_("quit (exit code 130; 0 after a write), asking first whenever something is not written")),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 110; height: 90%; border: thick $primary 80%;
                            background: $surface; }
    HelpScreen VerticalScroll { padding: 0 1; }
    HelpScreen .help-title { text-style: bold; padding: 1 0 0 0; }
    HelpScreen .help-text { height: auto; }
    """
    BINDINGS = [Binding("escape,f1,q", "close", N_("Close help"))]

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(Content.styled(_("smfed-wizard help"), "bold $text-accent"), classes="help-title")
                yield Static(Content(_("Federation gateways for an OpenShift Service Mesh 2.x "
                                       "ServiceMeshControlPlane. Every field is checked as you type; the YAML "
                                       "preview follows each key. An error your edit brings in, or leaves in a "
                                       "value you changed, blocks writing (errors the file already had elsewhere "
                                       "do not); any error blocks applying; warnings never block. Esc or f1 "
                                       "closes this.")), classes="help-text")
                yield Static(Content.styled(_("Keys"), "bold"), classes="help-title")
                width = max(cells(k) for k, _text in KEYS)
                yield Static(Content("\n").join(
                    Content.assemble((key.ljust(width), "bold $text-accent"), "  ", _(text)) for key, text in KEYS),
                    classes="help-text")
                from smfed_tui.federation_resources import BUNDLE_FIELDS
                for title, fields in ((_("Mesh"), MESH_FIELDS), (_("Peers"), PEER_FIELDS),
                                      (_("Exposure"), EXPOSURE_FIELDS), (_("Federation resources"), BUNDLE_FIELDS)):
                    yield Static(Content.styled(title, "bold"), classes="help-title")
                    yield Static(Content("\n").join(
                        Content.assemble((fld.label, "bold"), ("  " + _("(optional)") if fld.optional else "", "$text-muted"),
                                         "\n", ("  " + fld.help, ""))
                        for fld in fields), classes="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
