"""Step 6, Federation resources: the resources federation needs beyond the SMCP, for each peer (the CA
ConfigMap, ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet), prefilled from what the wizard
knows and editable per peer, previewed on the right, written through the core's safe writer.

A peer list on the left, the selected peer's values (declared in `smfed_tui.federation_resources`) on the right,
then the file to write and the equivalent `smfed-wizard bundle` command. Everything is decided by
`session.federation_resources`; this step shows it and asks before overwriting.
"""
from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from smfed_tui import apply as kube
from smfed_tui.errors import ChangedOnDiskError, SmfedError, fix_line, format_error
from smfed_tui.findings import Finding
from smfed_tui.federation_resources import BUNDLE_FIELDS, BundleWrite
from smfed_tui.i18n import N_, _, ngettext
from smfed_tui.model import Peer
from smfed_tui.quoting import visible
from smfed_tui.session import Session

from .modals import ConfirmModal, NoticeModal
from .command_box import CommandBox
from .form import FieldRow
from .peer_steps import PeerFormStep
from .texts import fill


class NextStep(PeerFormStep):
    """Step 6: each peer's federation resources, and the file that holds them all."""

    DEFAULT_CSS = """
    NextStep .bundle-label { color: $text-muted; width: 1fr; }
    NextStep #bundle-path { width: 1fr; height: 1; }
    NextStep #bundle-path-problem { color: $text-error; height: auto; display: none; }
    NextStep #bundle-path-problem.-shown { display: block; }
    NextStep #write-bundle { margin: 1 0 1 0; }
    NextStep .bundle-text { height: auto; padding: 0 0 1 0; }
    """
    BINDINGS = [Binding("ctrl+s", "write_bundle", N_("Write federation file"))]
    fields = BUNDLE_FIELDS
    step_id = "federation"
    title = N_("Federation resources")
    heading = N_("Federation resources for {peer}")
    list_id = "next-list"

    class Edited(Message):
        """The file name changed: the preview's title follows."""

    def __init__(self, session: Session, *, cursor_blink: bool = True, id: str | None = None) -> None:
        super().__init__(cursor_blink=cursor_blink, id=id)
        self.session = session
        self._wrote: tuple[int, int, str] | None = None   # (session and bundle revisions, file) of the last write
        self._key: tuple | None = None

    def compose_extra(self) -> ComposeResult:
        fo = self.session.federation_resources
        yield Label(Content(_("File (next to the SMCP)")), classes="bundle-label")
        path = Input(visible(fo.path_text()), id="bundle-path", compact=True, select_on_focus=False)
        path.cursor_blink = self.cursor_blink
        yield path
        yield Static("", id="bundle-path-problem", markup=False)
        yield Button(_("Write file") + "  ctrl+s", id="write-bundle", variant="primary", compact=True)
        yield Static("", id="bundle-status", classes="bundle-text", markup=False)
        yield Static("", id="bundle-command-label", classes="bundle-label", markup=False)
        yield CommandBox(id="bundle-command")

    # --- session -> view ----------------------------------------------------------------------

    def row_state(self, session: Session, fld, peer: Peer | None, peer_name: str | None) -> tuple:
        fo = session.federation_resources
        return fo.value(fld, peer_name), fo.problem(fld, peer_name), fo.notes(peer_name).get(fld.key, []), None

    def sync(self, session: Session, peer_name: str | None, *, force: bool = False) -> None:
        super().sync(session, peer_name, force=force)
        if not self.built:
            return
        fo = session.federation_resources
        key = (session.revision, fo.revision, session.path, self._wrote, peer_name)
        if key == self._key:
            return
        self._key = key
        if peer_name is not None:
            for row in self.rows:   # a value derived from a convention is marked until typed or confirmed
                guess = fo.assumption(row.fld, peer_name)
                row.show_assumed(None if guess is None else _(
                    "assumed from {source}: Enter keeps it, typing replaces it").format(source=guess.derived_from))
        self.query_one("#write-bundle", Button).disabled = not fo.can_write
        self.query_one("#bundle-status", Static).update(self._status(session))
        # before a write: the same from the command line; after it, what comes next: applying the file,
        # shown unwrapped and copyable like every command (a wrapped command breaks when pasted)
        if self._written_now(session):
            label = _("Apply it on this cluster (c copies it):")
            command = fo.apply_command(self._wrote[2], kube.client_name(getattr(self.app, "kubectl", None)),
                                       getattr(self.app, "context", None))
        else:
            label = _("The same from the command line, in the SMCP's directory (c copies it):")
            command = visible(fo.command_text())
        self.query_one("#bundle-command-label", Static).update(label)
        self.query_one("#bundle-command", CommandBox).show([command])

    def _written_now(self, session: Session) -> bool:
        """Whether the file shown was written, and nothing changed since."""
        fo = session.federation_resources
        return self._wrote is not None and self._wrote[:2] == (session.revision, fo.revision)

    def peer_errors(self, session: Session) -> dict[str, int]:
        errors: dict[str, int] = {}
        for _key, peer in session.federation_resources.invalid:
            errors[peer] = errors.get(peer, 0) + 1
        return errors

    def _status(self, session: Session) -> Content:
        fo = session.federation_resources
        mesh = session.mesh
        lines: list[Content] = []
        if self._written_now(session):
            lines.append(Content.assemble(("✓ ", "$text-success"), fill(
                _("Wrote {file}: the command below applies it."), file=(self._wrote[2], "bold"))))
        if not session.is_unchanged():
            lines.append(Content.styled("⚠ " + _("The SMCP has changes that are not written yet: these resources "
                                                  "follow it as shown. Write it too (step Write/Apply)."),
                                        "$text-warning"))
        for f in fo.findings():
            lines.append(_finding(f))
        if fo.invalid:
            n = len(fo.invalid)
            lines.append(Content.styled("✗ " + ngettext("{n} value must be fixed before writing.",
                                                         "{n} values must be fixed before writing.", n).format(n=n),
                                        "$text-error"))
        left = fo.placeholders()
        if left:
            lines.append(Content.styled("⚠ " + ngettext(
                "{n} placeholder to replace before applying (see under the fields of each peer).",
                "{n} placeholders to replace before applying (see under the fields of each peer).", left).format(
                    n=left), "$text-warning"))
        lines.append(fill(_("The SMCP alone federates nothing: in {namespace}, each peer also needs a ConfigMap with "
                            "its root certificate, a ServiceMeshPeer, an ExportedServiceSet and an ImportedServiceSet."),
                          namespace=(mesh.namespace or _("the control plane namespace"), "bold")))
        return Content("\n").join(lines)

    # --- the file ----------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "bundle-path":
            return
        event.stop()
        problem = self.session.federation_resources.set_path(event.value)
        shown = self.query_one("#bundle-path-problem", Static)
        shown.set_class(bool(problem), "-shown")
        shown.update(Content("✗ " + problem) if problem else "")
        self.post_message(self.Edited())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "bundle-path":
            event.stop()
            self.action_write_bundle()
            return
        row = event.input.parent
        peer = getattr(self.screen, "selected_peer", None)
        if isinstance(row, FieldRow) and peer is not None:   # Enter on an assumed value: the user keeps it
            event.stop()
            self.session.federation_resources.confirm(row.fld, peer)
            self.post_message(self.Edited())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write-bundle":
            event.stop()
            self.action_write_bundle()

    def action_write_bundle(self) -> None:
        """Write the file: at once when it is new; after a confirmation with the diff when one is there;
        never over a file someone changed since the wizard wrote it (that shows the difference)."""
        fo = self.session.federation_resources
        try:
            plan = fo.prepare_write() if fo.can_write else None
        except SmfedError as err:
            self.app.notify(format_error(err), title=_("Not written"), severity="error", markup=False)
            return
        self.post_message(self.Edited())
        if plan is None or not fo.can_write:
            self.app.notify(_("Fix the federation resources' errors first (see under the fields)"), severity="error",
                            markup=False)
            return
        name = visible(fo.path_text())
        if plan.changed_on_disk:
            fo.forget_write(plan.path)
            self.app.push_screen(NoticeModal(_("Not written: the file changed on disk"), fill(
                _("{file} changed on disk since the wizard wrote it, so it was not overwritten. The difference "
                  "between the file now and the wizard's result is below; write again to replace it (you confirm "
                  "first), or choose another file."), file=(name, "bold")), diff=plan.diff))
            return
        if plan.unchanged:
            self.app.notify(_("No changes: {file} is left as it is").format(file=name), markup=False)
            self._written(name)
            return
        if plan.existing is None:
            self._write(plan, name)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(plan, name)

        self.app.push_screen(ConfirmModal(fill(_("Overwrite {file}?"), file=(name, "bold")), fill(
            _("Replace {file} with the federation resources the wizard shows; the difference is below."),
            file=(name, "bold")), diff=plan.diff, yes=_("Overwrite"), no=_("Cancel")), answered)

    def _write(self, plan: BundleWrite, name: str) -> None:
        fo = self.session.federation_resources
        try:
            fo.write(plan)
        except ChangedOnDiskError as err:
            self.app.push_screen(NoticeModal(_("Not written: the file changed on disk"), fill(
                _("{file} changed while the wizard was about to write it, so it was not overwritten. The "
                  "difference between the file now and the wizard's result is below."), file=(name, "bold")),
                diff=fo.diff_against(err.current)))
            return
        except SmfedError as err:
            self.app.notify(format_error(err), title=_("Not written"), severity="error", markup=False)
            return
        self.app.notify(_("Wrote {file}").format(file=name), markup=False)
        self._written(name)

    def _written(self, name: str) -> None:
        self._wrote = (self.session.revision, self.session.federation_resources.revision, name)
        self.post_message(self.Edited())
        # what comes next, the apply command, is at the bottom of the form: bring it into view once the
        # new status above it and the box's own scroll bar have their size (two refreshes from now)
        self.call_after_refresh(self.call_after_refresh, self._show_command)

    def _show_command(self) -> None:
        self.query_one("#bundle-command", CommandBox).scroll_visible(animate=False)
        self.call_after_refresh(self.query_one("#bundle-command").scroll_visible, animate=False)


def _finding(f: Finding) -> Content:
    return Content.assemble(("✗ ", "$text-error"), (f"{f.code} {f.message}", "$text-error"), "\n",
                            ("  " + fix_line(f.hint), "$text-muted"))
