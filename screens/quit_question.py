"""Quitting with work not written: what would be lost (the SMCP, and the federation resources file
once the Federation step has made it), and the question asked before it is (ctrl+q, and esc on the first step).
A second ctrl+q on the question quits (the app knows the question by its class, QUIT_QUESTION)."""
from __future__ import annotations

from textual.app import App

from smfed_tui.i18n import _
from smfed_tui.quoting import visible
from smfed_tui.session import Session

from .texts import display_name

QUIT_QUESTION = "-quit-question"   # the class of the dialog that asks before quitting


def unwritten_work(session: Session) -> list[str]:
    """What quitting now would lose, a sentence each (empty: nothing)."""
    lines = []
    if session.has_unwritten_changes():
        changes = session.change_summary()
        if not session.is_edit:
            lines.append(_("The new file is not written."))
        elif changes:
            lines.append(_("Your changes to {file} ({changes}) are not written.").format(
                file=display_name(session), changes=changes))
        else:
            lines.append(_("What you typed into {count} field(s) is not a value yet and is not written.").format(
                count=len(session.invalid_inputs)))
    fo = session.opened_federation_resources()
    if fo is not None and fo.has_unwritten_work():
        lines.append(_("The federation resources file {file} is not written (ctrl+s on the Federation step).").format(
            file=visible(fo.path_text())))
    return lines


def ask_quit(app: App, session: Session) -> None:
    """Ask before quitting; Stay is the safe default."""
    from .modals import ConfirmModal   # not on the first frame's import path (the app imports this module)

    def done(yes: bool | None) -> None:
        if yes:
            app.exit(return_code=app.quit_code())

    question = ConfirmModal(_("Quit without writing?"), "\n".join(unwritten_work(session)), yes=_("Quit"),
                            no=_("Stay"), safe_default=True)
    question.add_class(QUIT_QUESTION)
    app.push_screen(question, done)
