"""The wizard's one screen: the step list, the current step, the live YAML preview.

It wires widgets to the session and holds no domain logic: every value goes through the session
(`set_text`, `set_value`, `add_peer`...), every verdict comes from its findings.

Each edit is applied while its keystroke is handled (the session recomputes in a few milliseconds),
so the frame that shows the typed character also shows the new YAML and messages. Views update only
what changed and avoid layout passes where sizes cannot change.

Starting fast (a frame that is ready to type into, README "Performance, as measured"): the first frame holds only
what it shows, since Textual spends about a millisecond per widget to mount, style, lay out and
draw it: the Mesh form is composed with the screen; the other steps are imported and mounted the
first time they are shown; a field's message line is mounted the first time it has a message; the
preview's scroll bars come after the first frame (`after_first_frame`).
"""
from __future__ import annotations


from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from smfed_tui.fields import EXPOSURE_FIELDS, PEER_FIELDS
from smfed_tui.i18n import N_, _, ngettext
from smfed_tui.new_file import name_problem
from smfed_tui.session import Session

from .footer import KeyBar
from .form import FieldRow
from .form_steps import FormStep, MeshStep
from .lines import YamlView
from .preview_follow import PreviewFollow
from .step_list import STEP_IDS, StepList
from .top_bar import TopBar
from .texts import display_name, fill, summary

NARROW = 100   # below this width the preview is a toggle (f2) instead of a third column
NEXT_RECOUNT_DELAY = 0.4   # seconds without an edit before the federation-resources badge is counted again


class StepSlot(Widget):
    """Where a later step mounts when first shown (so starting the wizard does not pay for it)."""

    DEFAULT_CSS = "StepSlot { height: 1fr; }"

    def __init__(self, factory, *, id: str) -> None:
        super().__init__(id=id)
        self.factory = factory
        self.step: Widget | None = None

    async def build(self) -> None:
        if self.step is None:
            self.step = self.factory()
            await self.mount(self.step)
            await self.step.build()


def _review():
    from .review import ReviewStep
    return ReviewStep(id="review-step")



class WizardScreen(PreviewFollow, Screen):
    BINDINGS = [
        # descriptions are message ids: KeyBar shows them translated
        Binding("ctrl+n", "next_step", N_("Next")),
        Binding("ctrl+b", "back", N_("Back")),
        Binding("escape", "escape", N_("Back"), show=False),
        Binding("ctrl+o", "add_peer", N_("Add peer"), show=False),
        Binding("ctrl+delete", "remove_peer", N_("Remove peer")),   # on the steps with a peer list
        Binding("ctrl+s", "write", N_("Write")),
        Binding("ctrl+r", "apply", N_("Apply")),
        Binding("f1", "help", N_("Help")),
        Binding("f2", "toggle_preview", N_("YAML")),
    ]

    def __init__(self, session: Session, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.session = session
        self.cursor_blink = cursor_blink
        self.step = STEP_IDS[0]
        self.selected_peer: str | None = session.mesh.peers[0].name if session.mesh.peers else None
        self._preview_key: tuple | None = None
        self._bindings_key: tuple | None = None
        self._counts_key: tuple | None = None
        self._title_key: str | None = None
        self._bundle_focus: tuple | None = None   # (field or None, peer): where the federation-resources preview looks
        self._next_counts: tuple[int, int, int] | None = None   # the federation-resources badge, as last counted
        self._next_recount = None   # the timer that counts it again once typing pauses
        self.ready = False   # True once the first step is built and shown
        self._step_widgets: dict[str, object] = {}

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(id="top-bar")
        with Horizontal(id="body"):
            yield StepList(id="step-list")
            with ContentSwitcher(initial="mesh", id="switcher"):
                yield MeshStep(cursor_blink=self.cursor_blink, id="mesh")   # the others: `_slot`
            with Vertical(id="preview-pane"):
                yield Static("", id="preview-title", markup=False)
                yield YamlView(id="preview", classes="-starting")
        yield KeyBar(id="keys")

    async def _slot(self, step: str) -> Widget:
        """Where step `step` lives, mounted the first time the step is shown."""
        found = self.query(f"#{step}")
        if found:
            return found.first()
        factory = {"peers": self._peers_step, "exposure": self._exposure_step, "review": _review,
                   "write": self._write_step, "federation": self._next_step, "status": self._status_step}[step]
        slot = StepSlot(factory, id=step)
        await self.query_one(ContentSwitcher).mount(slot)
        return slot

    def _peers_step(self):
        from .peer_steps import PeersStep
        return PeersStep(cursor_blink=self.cursor_blink, id="peers-step")

    def _exposure_step(self):
        from .peer_steps import ExposureStep
        return ExposureStep(cursor_blink=self.cursor_blink, id="exposure-step")

    def _write_step(self):
        from .write_step import WriteStep
        return WriteStep(self.session, id="write-step")

    def _next_step(self):
        from .next_steps import NextStep
        return NextStep(self.session, cursor_blink=self.cursor_blink, id="next-step")

    def _status_step(self):
        from .status_step import StatusStep
        return StatusStep(self.session, id="status-step")

    def show_file(self) -> None:
        s = self.session
        self._top.show_file(display_name(s), _("editing") if s.is_edit else _("new file"))

    async def on_mount(self) -> None:
        # looked up once: the views below are refreshed on every keystroke
        self._top = self.query_one(TopBar)
        self.show_file()
        self._steps = self.query_one(StepList)
        self._preview_title = self.query_one("#preview-title", Static)
        self._preview = self.query_one("#preview", YamlView)
        self._preview.can_focus = False
        await self.query_one(MeshStep).build()
        self._refresh_views(force=True)
        first = self.query_one(MeshStep).rows[0]
        first.focus_editor()
        self.ready = True
        problem = None if self.session.is_edit else name_problem(self.session.path)
        if problem:   # the mesh could not be named after the file: say so, and what to type
            self.app.notify(problem, severity="warning", markup=False, timeout=12)

    def after_first_frame(self) -> None:
        """The first frame is on screen (the app's Ready): what it could do without. The preview's
        scroll bars: placing them costs two more layout passes of the whole screen."""
        self._preview.remove_class("-starting")

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # --- state -> views ------------------------------------------------------------------------------

    def step_widget(self, step: str):
        widget = self._step_widgets.get(step)
        if widget is None:
            found = self.query(f"#{step}")
            widget = found.first() if found else None
            widget = widget.step if isinstance(widget, StepSlot) else widget
            if widget is not None:
                self._step_widgets[step] = widget
        return widget

    def current_step_widget(self):
        return self.step_widget(self.step)

    def _refresh_views(self, *, force: bool = False, follow: bool = True) -> None:
        s = self.session
        counts = (s.blocking, s.warnings, s.hints)
        if counts != self._counts_key:
            self._counts_key = counts
            self._top.show_summary(summary(s))
        self._show_step_counts()
        self._show_preview(follow=follow)
        widget = self.current_step_widget()
        if isinstance(widget, FormStep):
            widget.sync(s, self.selected_peer, force=force)
        elif widget is not None:
            widget.sync(s)
        key = (self.step, s.can_write, self.selected_peer is None)
        if key != self._bindings_key:   # the footer rebuilds itself on every refresh_bindings
            self._bindings_key = key
            self.refresh_bindings()

    def _show_step_counts(self) -> None:
        if self.step == "federation":   # its own form counts anyway: no extra work on the keystroke path
            self._next_counts = self.session.federation_resource_counts()
        elif self._next_counts is not None:   # Federation resources was opened
            # Elsewhere, an edit can change the federation resources too, but counting them (the
            # cross-file rules over every peer) costs up to 50 ms on 50 peers: once typing pauses.
            if self._next_recount is not None:
                self._next_recount.stop()
            self._next_recount = self.set_timer(NEXT_RECOUNT_DELAY, self._recount_next)
        self._update_step_list()

    def _recount_next(self) -> None:
        self._next_recount = None
        self._next_counts = self.session.federation_resource_counts()
        self._update_step_list()

    def _update_step_list(self) -> None:
        counts = self.session.step_counts()
        if self._next_counts is not None:
            counts = {**counts, "federation": self._next_counts}
        self._steps.update_state(self.step, counts)

    # --- edits ---------------------------------------------------------------------------------------

    def _peer_for(self, row: FieldRow) -> str | None:
        return None if row.fld.scope == "mesh" else self.selected_peer

    def apply_field_edit(self, row: FieldRow, raw, typed: bool) -> None:
        """A field's new text (typed) or value (chosen): through the session, then onto the views."""
        fld = row.fld
        peer = self._peer_for(row)
        s = self.session
        if fld.scope != "mesh":
            if peer is None:
                return
            index = next((i for i, p in enumerate(s.mesh.peers) if p.name == peer), None)
        if typed:
            s.set_text(fld, peer, raw)
        else:
            s.set_value(fld, peer, raw)
        if fld.scope != "mesh" and index is not None and index < len(s.mesh.peers):
            self.selected_peer = s.mesh.peers[index].name   # follows a rename
        self._refresh_views()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        row = event.widget.parent
        if not isinstance(row, FieldRow):
            self._focus_without_field(event.widget)
        else:
            peer = self._peer_for(row)
            if row.fld.scope != "mesh" and peer is None:
                return
            if row.fld.scope == "bundle":
                self._bundle_focus = (row.fld, peer)
            else:
                self.session.set_focus(row.fld, peer)
            self._show_preview()

    # --- steps -----------------------------------------------------------------------------------------

    async def go_to(self, step: str) -> None:
        await (await self._slot(step)).build()
        widget = self.step_widget(step)
        self.step = step
        self.query_one(ContentSwitcher).current = step
        if getattr(widget, "has_peers", False) and self.selected_peer is None and self.session.mesh.peers:
            self.selected_peer = self.session.mesh.peers[0].name
        self._refresh_views(force=True)
        self._focus_step(widget)

    def _focus_step(self, widget) -> None:
        # Screen.set_focus, at once (Widget.focus waits its turn in the app's queue, behind keys)
        if isinstance(widget, MeshStep):
            widget.rows[0].focus_editor()
        elif getattr(widget, "has_peers", False):
            self.set_focus(widget.peer_list)
            self._follow_peer()
        elif self.step == "review":
            findings = self.query_one("#review-findings")
            if findings.display:
                self.set_focus(findings)
            else:
                self.set_focus(None)
        elif self.step == "write":
            button = self.query_one("#write-button")
            if not button.disabled:
                self.set_focus(button)
            else:
                self.set_focus(None)
        elif self.step == "status":
            self.set_focus(self.query_one("#status-peers"))
        else:
            self.set_focus(None)

    def _follow_peer(self) -> None:
        """Scroll the preview to the selected peer's gateway for this step."""
        if self.selected_peer is None:
            return
        if self.step == "federation":
            self._bundle_focus = (None, self.selected_peer)
            self._show_preview()
            return
        fld = EXPOSURE_FIELDS[0] if self.step == "exposure" else PEER_FIELDS[0]
        self.session.set_focus(fld, self.selected_peer)
        self._show_preview()

    async def action_next_step(self) -> None:
        index = STEP_IDS.index(self.step)
        if index + 1 < len(STEP_IDS):
            await self.go_to(STEP_IDS[index + 1])

    async def action_back(self) -> None:
        index = STEP_IDS.index(self.step)
        if index > 0:
            await self.go_to(STEP_IDS[index - 1])

    async def action_escape(self) -> None:
        if self.step != STEP_IDS[0]:
            await self.action_back()
        elif self.has_unwritten_work():
            self.ask_quit()   # one esc too many, going back through the steps, must not lose the work
        else:
            self.app.exit(return_code=self.app.quit_code())

    def has_unwritten_work(self) -> bool:
        from .quit_question import unwritten_work
        return bool(unwritten_work(self.session))

    def ask_quit(self) -> None:
        from .quit_question import ask_quit
        ask_quit(self.app, self.session)

    @on(StepList.Chosen)
    async def _step_chosen(self, event: StepList.Chosen) -> None:
        await self.go_to(event.step)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # write and apply stay live when errors block them: the key then says why (write_flow)
        if action == "back":
            return None if self.step == STEP_IDS[0] else True
        if action == "next_step":
            return None if self.step == STEP_IDS[-1] else True
        if action == "remove_peer":
            return getattr(self.current_step_widget(), "has_peers", False) and self.selected_peer is not None
        return True

    # --- peers -----------------------------------------------------------------------------------------

    def choose_peer(self, name: str) -> None:
        """The peer list's highlight moved to `name` (called while the key is handled)."""
        if name == self.selected_peer:
            return
        self.selected_peer = name
        self._follow_peer()
        self._refresh_views(force=True)

    async def on_peer_list_add_requested(self, event) -> None:
        await self.action_add_peer()

    async def action_add_peer(self) -> None:
        peer = self.session.add_peer()
        self.selected_peer = peer.name
        if self.step != "peers":
            await self.go_to("peers")
        self.session.set_focus(PEER_FIELDS[0], peer.name)
        self._refresh_views(force=True)
        step = self.step_widget("peers")
        row = step.row_for(PEER_FIELDS[0])
        if row is not None:
            row.focus_editor()
            editor = row.editor
            editor.select_all()   # typing replaces the generated name

    def on_peer_list_remove_requested(self, event) -> None:
        self.ask_remove(event.peer)

    def action_remove_peer(self) -> None:
        """ctrl+delete: remove the selected peer from any field of its step (after a confirmation)."""
        if self.selected_peer is not None:
            self.ask_remove(self.selected_peer)

    def on_next_step_edited(self, event) -> None:
        self._refresh_views()

    def on_button_pressed(self, event) -> None:
        if event.button.id == "remove-peer" and self.selected_peer is not None:
            self.ask_remove(self.selected_peer)
        elif event.button.id == "pick-ports":
            self._pick_ports()

    def ask_remove(self, name: str) -> None:
        from textual.content import Content

        from smfed_tui import apply as kube

        from .modals import ConfirmModal
        peer = self.session.mesh.peer(name)
        if peer is None:
            return
        body = fill(_("Its gateways {egress} and {ingress} are removed from the YAML (nothing is written until "
                      "you write)."), egress=(peer.egress, "bold"), ingress=(peer.ingress, "bold"))
        # what goes with it elsewhere (its federation resources, the peer's side): for the user to delete
        left = self.session.left_by_removal(name, kube.client_name(getattr(self.app, "kubectl", None)))
        if left:
            body = Content.assemble(body, "\n\n", "\n".join(left))

        def done(yes: bool | None) -> None:
            if not yes:
                return
            names = [p.name for p in self.session.mesh.peers]
            index = names.index(name)
            self.session.remove_peer(name)
            left = self.session.mesh.peers
            self.selected_peer = left[min(index, len(left) - 1)].name if left else None
            self._refresh_views(force=True)
            self.app.notify(_("Removed peer {name}").format(name=name), markup=False)

        self.app.push_screen(ConfirmModal(fill(_("Remove peer {name}?"), name=(name, "bold")), body,
                                          yes=_("Remove"), no=_("Keep")), done)

    def _pick_ports(self) -> None:
        if self.selected_peer is None:
            return
        try:
            tls, discovery = self.session.pick_free_node_ports(self.selected_peer)
        except ValueError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self._refresh_views(force=True)
        lo, hi = self.session.options.node_port_range
        self.app.notify(_("Node ports {tls} (tls) and {discovery} (discovery): free in this file, and picked from "
                          "across {lo}-{hi} rather than its first ports, which others pick too. Check that the "
                          "cluster does not use them (oc get svc -A).").format(
            tls=tls, discovery=discovery, lo=lo, hi=hi), markup=False, timeout=10)

    # --- review ---------------------------------------------------------------------------------------

    async def on_review_step_jump(self, event) -> None:
        await self.go_to_field(event.place or self.session.field_at(event.finding))

    async def go_to_field(self, place) -> None:
        """The field `place` (field, peer) focused, on its step (a finding's: `session.field_at`)."""
        if place is None:
            return
        fld, peer = place
        step = "mesh" if fld.scope == "mesh" else "peers" if fld.scope == "peer" else "exposure"
        if peer is not None:
            self.selected_peer = peer
        await self.go_to(step)
        row = self.current_step_widget().row_for(fld)
        if row is not None:
            row.display = True
            row.focus_editor()
            row.scroll_visible(animate=False)

    # --- write / apply ---------------------------------------------------------------------------------

    def on_write_step_write_requested(self, event) -> None:
        self.action_write()

    def action_write(self) -> None:
        from .write_flow import WriteFlow
        WriteFlow(self).start()

    def after_write(self) -> None:
        """The file is written: its name and state on top, then Federation resources."""
        self.show_file()
        self._preview_key = None
        self.call_later(self._next_after_write)

    async def _next_after_write(self) -> None:
        await self.go_to("federation")
        # No widget focused: the letters typed on, meant for the dialog just closed, cannot act on
        # anything there (in the peer list, `a` added a peer); tab goes in.
        self.set_focus(None)

    async def action_apply(self) -> None:
        from .write_flow import WriteFlow
        if WriteFlow(self).apply_blocked():   # says what blocks it and offers the way there
            return
        if self.step != "write":
            await self.go_to("write")
        self.step_widget("write").start_apply()

    # --- other keys --------------------------------------------------------------------------------

    def action_help(self) -> None:
        from .help import HelpScreen
        self.app.push_screen(HelpScreen())

    def action_toggle_preview(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-preview-on")
        else:
            self.toggle_class("-preview-off")
        self._preview_key = None
        self.call_after_refresh(self._show_preview)
