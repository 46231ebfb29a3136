"""`smfed-wizard migrate --plain`: the decisions asked line by line (questionary), each with its default
and the same checks the flags get (`decisions`), before anything is written. The accessible path: one
question at a time, the problem printed above the prompt where a screen reader reads it.

questionary is imported only when this runs (the core stays free of UI libraries).
"""
from __future__ import annotations

import sys

from ..errors import UsageError
from ..i18n import _
from .decisions import Choices
from .form import choices_with, decision_fields
from .load import MeshSource


class Asker:
    def __init__(self, questionary) -> None:
        self.q = questionary

    def text(self, message: str, default: str, check, instruction: str = "") -> str:
        def validate(value: str):
            problem = check(value.strip())
            if problem is None:
                return True
            from prompt_toolkit.application import run_in_terminal
            run_in_terminal(lambda: print(f"  {problem}"))
            return problem
        answer = self.q.text(message, default=default, instruction=instruction or None, validate=validate,
                             validate_while_typing=False).unsafe_ask()
        return answer.strip()

    def select(self, message: str, options: tuple[str, ...], default: str) -> str:
        return self.q.select(message, choices=list(options), default=default, use_jk_keys=False).unsafe_ask()

    def confirm(self, message: str) -> bool:
        return self.q.confirm(message, default=True).unsafe_ask()


def ask_decisions(sources: list[MeshSource], choices: Choices, asker: Asker | None = None) -> Choices:
    """The decisions (`form.decision_fields`), asked with the current values as defaults, each checked
    against the answers so far. Returns the choices to build with (`confirm_write` asks, once the
    findings are shown, whether to write)."""
    if asker is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(_("--plain asks questions and needs a terminal"),
                             hint=_("give the decisions as flags instead (see smfed-wizard migrate --help)"))
        import questionary   # only this mode pays for it
        asker = Asker(questionary)
    fields = decision_fields(sources, choices)
    values = {f.key: f.value for f in fields}
    print(_("{count} decisions; Enter keeps the value shown.").format(count=len(fields)))
    for field in fields:
        if field.options:
            values[field.key] = asker.select(field.label, field.options, field.value)
        else:
            values[field.key] = asker.text(field.label, field.value,
                                           lambda v, f=field: f.check(v, dict(values, **{f.key: v})),
                                           field.instruction)
    return choices_with(choices, values)


def confirm_write(asker: Asker | None = None) -> bool:
    """Asked after the findings are shown: write the artifacts and the runbook?"""
    if asker is None:
        import questionary
        asker = Asker(questionary)
    return asker.confirm(_("Write the artifacts and the runbook?"))
