"""The list of the wizard's steps on the left: where the user is and which steps have problems.

Each line is a marker (● current, ✓ visited without errors), the step's name and its counts from
the session (`✗2` errors, `⚠1` warnings). Clicking a step goes there.
"""
from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from smfed_tui.i18n import N_, _

from .texts import cells

STEPS = (   # (id, title: a message id, shown translated)
    ("mesh", N_("Mesh")),
    ("peers", N_("Peers")),
    ("exposure", N_("Exposure")),
    ("review", N_("Review")),
    ("write", N_("Write/Apply")),
    ("federation", N_("Federation")),
    ("status", N_("Status")),
)
TITLE_CELLS = 12   # the badge column starts here (titles are padded in terminal cells: Hangul takes two)
STEP_IDS = tuple(step for step, _title in STEPS)


class StepList(Widget):
    """One line per step."""

    DEFAULT_CSS = """
    StepList { width: 20; height: auto; padding: 0 1; }
    """

    class Chosen(Message):
        def __init__(self, step: str) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = STEP_IDS[0]
        self.visited: set[str] = {self.current}
        self.counts: dict[str, tuple[int, int, int]] = {}
        self._key: tuple | None = None

    def update_state(self, current: str, counts: dict[str, tuple[int, int, int]]) -> None:
        self.current = current
        self.visited.add(current)
        self.counts = counts
        key = (current, tuple(sorted(self.visited)), tuple(sorted(counts.items())))
        if key != self._key:
            self._key = key
            self.refresh()

    def render(self) -> Content:
        lines = [Content.styled(_("Steps"), "bold $text-muted")]
        for step, title in STEPS:
            errors, warnings, _hints = self.counts.get(step, (0, 0, 0))
            if step == self.current:
                marker = ("● ", "$text-accent")
            elif step in self.visited and not errors:
                marker = ("✓ ", "$text-success")
            else:
                marker = ("  ", "")
            name_style = "bold $text" if step == self.current else ""
            title = _(title)
            parts = [marker, (title + " " * max(1, TITLE_CELLS - cells(title)), name_style)]
            badge = ""
            if errors:
                badge = f"✗{errors}"
                parts.append((badge, "$text-error"))
            elif warnings:
                badge = f"⚠{warnings}"
                parts.append((badge, "$text-warning"))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def on_click(self, event: events.Click) -> None:
        # in content coordinates: the stylesheet gives the list a top padding, and a click on a step
        # went to the step below it
        offset = event.get_content_offset(self)
        index = None if offset is None else offset.y - 1   # line 0 is the "Steps" heading
        if index is not None and 0 <= index < len(STEPS):
            self.post_message(self.Chosen(STEP_IDS[index]))
