"""ctrl+s in the wizard: show the core's write plan (`smfed_tui.write_plan`) and ask, then write.

Nothing is decided here: the plan says where the bytes go, what blocks them and the diff; this
module shows it in a dialog and hands the answer to the core. When something blocks the write, the
dialog says what and offers to go to the first error (the key is never silently dead).
"""
from __future__ import annotations

from textual.screen import Screen

from smfed_tui.errors import ChangedOnDiskError, SmfedError, format_error
from smfed_tui.apply_plan import apply_blockers
from smfed_tui.i18n import _, ngettext
from smfed_tui.write_plan import WritePlan, on_disk_now

from .modals import ConfirmModal, FileNameModal, NoticeModal
from .texts import display_name, fill, first_invalid_place


class WriteFlow:
    """The write dialogs of one wizard screen (`screen`: the WizardScreen)."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.session = screen.session
        self.app = screen.app

    def start(self) -> None:
        s = self.session
        plan = s.write_plan()
        if plan.blocked:
            self._blocked(plan)
            return
        if s.path is None:
            def named(path: str | None) -> None:
                if path:
                    s.path = path
                    self.screen.show_file()
                    self._confirm(s.write_plan())
            self.app.push_screen(FileNameModal(s.suggested_path(), s.new_path_problem), named)
            return
        self._confirm(plan)

    def _blocked(self, plan: WritePlan) -> None:
        """Say why nothing is written, and offer the way to the first error."""
        first = plan.blocking[0] if plan.blocking else None
        place = first_invalid_place(self.session) if plan.invalid_fields else self.session.field_at(first)
        body = plan.why_blocked()
        if first is not None and first.hint and not plan.invalid_fields:
            body += "\n" + _("fix: {hint}").format(hint=first.hint)
        self._offer_first_error(body, place)

    def apply_blocked(self) -> bool:
        """Applying sends the whole SMCP: any error in it, old or new, would reach the cluster (as
        `smfed-wizard apply FILE` refuses). True when something blocks it (and the user was told)."""
        s = self.session
        errors = apply_blockers(s.findings)
        count = len(errors) + len(s.invalid_inputs)
        if not count:
            return False
        place = first_invalid_place(s) if s.invalid_inputs else s.field_at(errors[0])
        first = f"{errors[0].code} {errors[0].message}" if errors and not s.invalid_inputs else \
            _("a field holds text that is no value")
        self._offer_first_error(ngettext(
            "Not applied: the SMCP has {count} error, and the cluster would get it (the first: {first}).",
            "Not applied: the SMCP has {count} errors, and the cluster would get them (the first: {first}).",
            count).format(count=count, first=first), place)
        return True

    def _offer_first_error(self, body: str, place) -> None:
        def answered(go: bool | None) -> None:
            if go:
                self.screen.call_later(self.screen.go_to_field, place)

        self.app.push_screen(ConfirmModal(_("Errors to fix first"), body,
                                          yes=_("Go to the first error") if place is not None else _("OK"),
                                          no=_("Stay")), answered)

    def _confirm(self, plan: WritePlan) -> None:
        name = display_name(self.session)
        current = on_disk_now(plan)
        if current is not None:
            self.changed_on_disk(current)
            return
        if plan.unchanged:
            self.app.notify(_("No changes: {file} is left as it is").format(file=name), markup=False)
            return
        body = plan.what()
        if plan.kept_note():
            body += "\n" + plan.kept_note()

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(plan)

        if plan.new_file:
            title, yes = fill(_("Create {file}?"), file=(name, "bold")), _("Create")
        else:
            title, yes = fill(_("Overwrite {file}?"), file=(name, "bold")), _("Overwrite")
        self.app.push_screen(ConfirmModal(title, body, diff=None if plan.new_file else plan.diff, yes=yes,
                                          no=_("Cancel")), answered)

    def changed_on_disk(self, current: bytes) -> None:
        name = display_name(self.session)
        template = (_("{file} is new on disk, so it was not overwritten. The difference between the file now and "
                      "the wizard's result is below; save your work elsewhere or restart the wizard on the new file.")
                    if self.session.loaded is None else
                    _("{file} changed on disk since the wizard opened it, so it was not overwritten. The difference "
                      "between the file now and the wizard's result is below; save your work elsewhere or restart "
                      "the wizard on the new file."))
        body = fill(template, file=(name, "bold"))
        self.app.push_screen(NoticeModal(_("Not written: the file changed on disk"), body,
                                         diff=self.session.diff_against(current)))

    def _write(self, plan: WritePlan) -> None:
        s = self.session
        try:
            written = s.write(lambda now: now == plan)   # the plan the user saw, nothing else
        except ChangedOnDiskError as err:
            self.changed_on_disk(err.current)
            return
        except SmfedError as err:
            self.app.notify(format_error(err), title=_("Not written"), severity="error", markup=False)
            return
        if not written:
            return
        self.app.written = True
        self.screen.after_write()
        self.app.notify(_("Wrote {file}").format(file=display_name(s)), markup=False)
