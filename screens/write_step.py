"""Step 5, Write/Apply: write the file through the core's safe writer, or apply the SMCP to the
cluster through `smfed_tui.apply` (context and namespace shown, server-side diff, confirm, apply,
result and the command to watch it). The equivalent `oc` commands are always shown.

What blocks both is the core's one rule (`smfed_tui.write_plan`); writing then says why and offers
to go to the first error. Warnings never block.
"""
from __future__ import annotations

import asyncio
import shlex

from textual import work
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from smfed_tui import apply as kube
from smfed_tui.apply_plan import APPLIED, carry_out, plan_apply
from smfed_tui.errors import FieldManagerConflict, SmfedError, fix_line
from smfed_tui.i18n import _, ngettext
from smfed_tui.session import Session

from .command_box import CommandBox
from .lines import DiffView
from .modals import ConfirmModal
from .texts import Column, display_name, fill


def error_content(err: SmfedError) -> Content:
    parts = [("✗ ", "$text-error"), (err.message, "$text-error")]
    if isinstance(err, FieldManagerConflict):
        # the core's fix names the CLI's --force-conflicts; here the dialog offers the same as a button
        parts += ["\n", ("  " + fix_line(_("take these fields over (you are asked), or change them in the file to "
                                            "the values on the cluster")), "$text-muted")]
    elif err.hint:
        parts += ["\n", ("  " + fix_line(err.hint), "$text-muted")]
    # what kubectl printed, unless the message already says all of it (a conflict lists every field)
    said = kube.readable_output(getattr(err, "stderr", "") or "")
    if said and said not in err.message and not isinstance(err, FieldManagerConflict):
        parts += ["\n", ("  " + said.replace("\n", "\n  "), "$text-muted")]
    return Content.assemble(*parts)


class WriteStep(Widget):
    DEFAULT_CSS = """
    WriteStep { height: 1fr; }
    WriteStep > Column { padding: 0 1; height: 1fr; }
    WriteStep .section-title { text-style: bold; padding: 0 0 1 0; }
    WriteStep .block { height: auto; padding: 0 0 1 0; }
    WriteStep Horizontal { height: auto; padding: 0 0 1 0; }
    WriteStep Button { margin: 0 2 0 0; }
    WriteStep CommandBox { margin: 0 0 1 0; }
    WriteStep #apply-diff { height: auto; max-height: 16; border: round $border-blurred; display: none; }
    WriteStep #apply-diff.-shown { display: block; }
    """

    class WriteRequested(Message):
        pass

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.built = False
        self.busy = False
        self._key: tuple | None = None

    async def build(self) -> None:
        if self.built:
            return
        self.built = True
        await self.mount(Column(
            Static(Content.styled(_("Write"), "bold"), classes="section-title"),
            Static("", id="write-status", classes="block", markup=False),
            Horizontal(Button(_("Write file") + "  ctrl+s", id="write-button", variant="primary", compact=True)),
            Static(Content.styled(_("Apply to the cluster"), "bold"), classes="section-title"),
            Static("", id="apply-commands", markup=False),
            CommandBox(id="apply-command-lines"),
            Horizontal(Button(_("Apply") + "  ctrl+r", id="apply-button", compact=True)),
            Static("", id="apply-status", classes="block", markup=False),
            DiffView(id="apply-diff"),
        ))

    def sync(self, session: Session) -> None:
        if not self.built:
            return
        key = (session.revision, session.path, len(session.invalid_inputs), self.busy)
        if key == self._key:
            return
        self._key = key
        plan = session.write_plan()   # what ctrl+s does, as the core decides it (smfed_tui.write_plan)
        blocked = plan.blocked
        what = plan.what(directory=False)   # the dialog names the directory; this panel, the file
        lines = [] if plan.unchanged and blocked else [   # "no changes" beside a field being fixed misleads
            Content(what + ("" if plan.new_file or plan.unchanged or plan.path is None
                            else " " + _("You confirm the diff first.")))]
        if blocked:
            lines.append(Content.assemble(("✗ ", "$text-error"), (plan.why_blocked(), "$text-error"), "\n  ",
                                          (_("ctrl+s offers to go to it; Review lists them all."), "$text-muted")))
        elif session.warnings:
            n = session.warnings
            lines.append(Content.styled("⚠ " + ngettext("{n} warning: writing is allowed; see Review.",
                                                         "{n} warnings: writing is allowed; see Review.", n).format(n=n),
                                        "$text-warning"))
        if plan.kept_note():
            lines.append(Content.styled(plan.kept_note(), "$text-muted"))
        self.query_one("#write-status", Static).update(Content("\n").join(lines))
        self.query_one("#apply-button", Button).disabled = bool(session.blocking) or self.busy
        name = display_name(session)
        diff_cmd, apply_cmd, ours = kube.by_hand_commands(name if session.path else "FILE",
                                                          kubectl=getattr(self.app, "kubectl", None),
                                                          context=getattr(self.app, "context", None))
        self.query_one("#apply-commands", Static).update(Content(
            _("Applies the ServiceMeshControlPlane as it will be written (f2 shows its YAML; the file itself is "
              "not written by this). The same by hand, after writing (press c to copy the commands):")))
        self.query_one("#apply-command-lines", CommandBox).show([diff_cmd, apply_cmd, ours])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "write-button":
            self.post_message(self.WriteRequested())
        elif event.button.id == "apply-button":
            self.start_apply()

    # --- apply ---------------------------------------------------------------------------------

    def _status(self, content: Content) -> None:
        status = self.query_one("#apply-status", Static)
        status.update(content)
        # Under the Apply button, below the fold at 80x24: each new state is brought into view (once
        # laid out), or pressing ctrl+r there seemed to do nothing.
        self.call_after_refresh(status.scroll_visible, animate=False)

    def _show_diff(self, text: str | None) -> None:
        view = self.query_one("#apply-diff", DiffView)
        view.set_class(bool(text), "-shown")
        if text:
            view.set_text(text)

    def start_apply(self) -> None:
        if self.busy or self.session.blocking:   # any error: the cluster would get it (WriteFlow.apply_blocked)
            return
        self.apply_flow(self.session.manifest())

    @work(exclusive=True, group="apply", exit_on_error=False)
    async def apply_flow(self, manifest: str, force_conflicts: bool = False) -> None:
        self.busy = True
        self._key = None
        self.sync(self.session)
        self._show_diff(None)
        try:
            self._status(Content.styled(_("Reading the kubeconfig..."), "$text-muted"))
            current = _("(current)")

            def where_of(target) -> Content:
                return Content.assemble(
                    fill(_("Target: {object}"), object=(f"{kube.KIND} {target.namespace}/{target.name}", "bold")),
                    "\n  ", _("context {context} · cluster {cluster}{server} · user {user}").format(
                        context=target.context or current, cluster=target.cluster or "?",
                        server=f" ({target.server})" if target.server else "", user=target.user or "?"))

            def on_target(target) -> None:   # in the worker's thread: shown while the server answers
                self.app.call_from_thread(self._status, Content.assemble(
                    where_of(target), "\n", (_("Asking the server what would change..."), "$text-muted")))

            plan = await asyncio.to_thread(plan_apply, manifest, kubectl=getattr(self.app, "kubectl", None),
                                           context=getattr(self.app, "context", None),
                                           force_conflicts=force_conflicts, on_target=on_target)
            where = where_of(plan.target)
            if not plan.needed:
                self._status(Content.assemble(where, "\n", ("✓ " + _("The cluster already has exactly this; nothing "
                                                                     "to apply."), "$text-success")))
                return
            self._show_diff(plan.diff.diff)
            self._status(Content.assemble(where, "\n", _("Server-side diff below.")))
            question = fill(_("Apply to context {context}, namespace {namespace}?"),
                            context=(plan.target.context or current, "bold"), namespace=(plan.target.namespace, "bold"))
            answer = await self.app.push_screen_wait(ConfirmModal(_("Apply to the cluster?"), question,
                                                                  diff=plan.diff.diff, yes=_("Apply"), no=_("Cancel")))
            outcome, result = await asyncio.to_thread(carry_out, plan, lambda shown: bool(answer))
            if outcome != APPLIED:
                self._status(Content.assemble(where, "\n", (_("Not applied."), "$text-muted")))
                return
            watch = shlex.join(result.watch_command)
            self._status(Content.assemble(where, "\n", ("✓ ", "$text-success"), (result.output, "$text-success"),
                                          "\n", fill(_("Watch the operator reconcile it: {command}"),
                                                     command=(watch, "$text-accent"))))
            self.app.notify(_("Applied {namespace}/{name}").format(namespace=plan.target.namespace,
                                                                  name=plan.target.name), markup=False)
        except FieldManagerConflict as err:
            self._status(error_content(err))
            if not force_conflicts and await self.app.push_screen_wait(ConfirmModal(
                    _("Take over the conflicting fields?"), Content.assemble(error_content(err), "\n\n",
                                                                            _("Apply again, taking these fields over "
                                                                              "for smfed-wizard? The other manager "
                                                                              "may set them back.")),
                    yes=_("Force"), no=_("Cancel"), safe_default=True)):
                self.busy = False
                self.apply_flow(manifest, True)
                return
        except SmfedError as err:
            self._status(error_content(err))
        finally:
            self.busy = False
            self._key = None
            self.sync(self.session)
