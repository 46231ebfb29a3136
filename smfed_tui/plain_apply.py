"""Plain mode's last part: after the file is written, the apply to the cluster (the core's apply plan,
shown and confirmed line by line) and the one-line pointer to the federation resources each peer
needs. A part of `plain.PlainWizard` (questionary comes in as `self.q`; this module imports none).
"""
from __future__ import annotations

import shlex
import sys

from .errors import FieldManagerConflict, SmfedError, format_error
from .exit_codes import EXIT_OK
from .i18n import _


class PlainApply:
    """Needs `self.session`, `self.kubectl`, `self.context` and `self.q` (questionary)."""

    def print_next_steps(self) -> None:
        """Step 6 in one line: the resources each peer still needs, and the command that writes them."""
        peers = [p.name for p in self.session.mesh.peers]
        if not peers:
            return
        flags = " ".join(f"--peer-address {shlex.quote(p + '=ADDRESS')} --peer-ca {shlex.quote(p + '=ROOT_CERT.pem')}"
                         for p in peers)   # every peer: a command naming one left the others out
        print(_("next steps: each peer needs a ServiceMeshPeer, a CA ConfigMap, an ExportedServiceSet and an "
                "ImportedServiceSet here: {command}").format(
            command=f"smfed-wizard bundle {shlex.quote(self.session.path)} {flags}"))

    def offer_apply(self) -> int:
        """Step 5, the cluster side: the same apply as `smfed-wizard apply`, after a confirmation."""
        path = self.session.path
        if not self.q.confirm(_("Apply it to the cluster now?"), default=False,
                              instruction=_("(oc or kubectl; shows the target and a server-side diff first) ")
                              ).unsafe_ask():
            from .apply import by_hand_commands
            later = by_hand_commands(path, kubectl=self.kubectl, context=self.context)[-1]
            print(_("not applied; later: {command}").format(command=later))
            return EXIT_OK
        return self.apply_to_cluster(self.session.manifest(), force_conflicts=False)

    def apply_to_cluster(self, manifest: str, *, force_conflicts: bool) -> int:
        from . import apply as kube
        from .apply_plan import NOT_NEEDED, DECLINED, carry_out, plan_apply

        path = self.session.path

        def show_target(target) -> None:
            print(_("Target: {kind} {namespace}/{name}; context {context}, cluster {cluster} ({server}), user {user}, "
                    "client {client}. Nothing sent yet.").format(
                kind=kube.KIND, namespace=target.namespace, name=target.name, context=target.context or _("(current)"),
                cluster=target.cluster or "?", server=target.server or "?", user=target.user or "?",
                client=target.binary))

        def confirm(plan) -> bool:
            print(_("What the apply changes on the cluster (server-side diff):"))
            print(plan.diff.diff, end="")
            where = f"{plan.target.context or _('the current context')}/{plan.target.namespace}"
            return self.q.confirm(_("Apply to {target}?").format(target=where), default=False).unsafe_ask()

        try:
            plan = plan_apply(manifest, kubectl=self.kubectl, context=self.context, force_conflicts=force_conflicts,
                              on_target=show_target)
            _print_lines(plan.diff.warnings, sys.stderr)
            outcome, result = carry_out(plan, confirm)
            if outcome == NOT_NEEDED:
                print(_("The cluster already has exactly this; nothing to apply."))
                return EXIT_OK
            if outcome == DECLINED:
                print(_("not applied; {file} is written").format(file=path))
                return EXIT_OK
        except FieldManagerConflict as err:
            err.path = err.path or path
            print(format_error(err))   # lists each field and the manager that owns it
            if not force_conflicts and self.q.confirm(
                    _("Take ownership of these fields (--force-conflicts)?"), default=False).unsafe_ask():
                print(_("again, with --force-conflicts:"))
                return self.apply_to_cluster(manifest, force_conflicts=True)
            print(_("not applied; {file} is written").format(file=path))
            return err.exit_code
        except SmfedError as err:
            err.path = err.path or path
            print(format_error(err), file=sys.stderr)
            print(_("not applied; {file} is written").format(file=path), file=sys.stderr)
            return err.exit_code
        _print_lines(result.warnings, sys.stderr)
        print(result.output)
        print(_("watch the operator reconcile it: {command}").format(command=shlex.join(result.watch_command)))
        self.offer_status()
        return EXIT_OK

    def offer_status(self) -> None:
        """Step 7 after an apply: is each peer connected, read from the cluster (read-only; the report of
        `smfed-wizard status`, which cli_status prints)."""
        if not self.session.mesh.peers or not self.q.confirm(
                _("Read the federation status from the cluster now?"), default=True,
                instruction=_("(read-only; peers connect minutes after the operator has reconciled) ")).unsafe_ask():
            return
        from .cli_status import print_status
        print_status(self.kubectl, self.context, self.session.mesh.namespace)


def _print_lines(lines, stream) -> None:
    for line in lines:
        print(line, file=stream)
