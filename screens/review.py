"""Step 4, Review: every finding with its YAML path (pick one to jump to its field), the diff
against the file on disk when editing, and the whole resulting file."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from smfed_tui.findings import ERROR, WARNING, Finding
from smfed_tui.session import Session

from smfed_tui.errors import fix_line
from smfed_tui.i18n import _

from .texts import HINT_ICON, ICONS, display_name, fill, summary
from .lines import DiffView, YamlView


def finding_prompt(f: Finding) -> Content:
    icon, style = ICONS.get(f.severity, HINT_ICON)
    where = f.path or _("(document)")
    if f.line is not None:
        where += "  " + _("line {line}").format(line=f.line)
    return Content.assemble((f"{icon} ", style), (f.code, "bold"), " ", (f.message, style if f.severity in (ERROR, WARNING) else ""),
                            "\n", (f"   {where}", "$text-muted"), "\n", ("   " + fix_line(f.hint), "$text-muted"))


class ReviewStep(Widget):
    DEFAULT_CSS = """
    ReviewStep { height: 1fr; padding: 0 1; }
    ReviewStep .review-title { text-style: bold; height: 1; }
    ReviewStep #review-summary { height: auto; padding: 0 0 1 0; }
    ReviewStep #review-findings { height: auto; max-height: 45%; border: round $border-blurred; }
    ReviewStep #review-findings:focus { border: round $border; }
    ReviewStep TabbedContent { height: 1fr; }
    ReviewStep TabPane { padding: 0; height: 1fr; }
    ReviewStep DiffView, ReviewStep YamlView { height: 1fr; }
    ReviewStep #diff-note { height: auto; color: $text-muted; }
    """

    class Jump(Message):
        """Go to the field that shows this finding."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.built = False
        self._findings: list[Finding] = []
        self._key: tuple | None = None
        self._revision: int | None = None

    async def build(self) -> None:
        if self.built:
            return
        self.built = True
        await self.recompose()

    def compose(self) -> ComposeResult:
        if not self.built:
            return
        yield Static(Content.styled(_("Review"), "bold"), classes="review-title")
        yield Static("", id="review-summary", markup=False)
        findings = OptionList(id="review-findings")
        findings.border_title = _("Findings (enter: go to the field)")
        yield findings
        with TabbedContent(id="review-tabs"):
            with TabPane(_("Changes"), id="tab-diff"):
                yield Static("", id="diff-note", markup=False)
                yield DiffView(id="review-diff")
            with TabPane(_("Whole file"), id="tab-file"):
                yield YamlView(id="review-file")

    def sync(self, session: Session) -> None:
        if not self.built or session.revision == self._revision and self._key is not None:
            return
        self._revision = session.revision
        invalid = [Finding("SMF000", ERROR, "", None, None, f"{_where(key)}: {message}", _("type a valid value"))
                   for key, message in session.invalid_inputs.items()]
        findings = invalid + list(session.findings)
        key = tuple((f.code, f.severity, f.path, f.line, f.message) for f in findings)
        self.query_one("#review-summary", Static).update(summary(session))
        if key != self._key:
            self._key = key
            self._findings = findings
            options = self.query_one("#review-findings", OptionList)
            was = options.highlighted
            options.set_options([Option(finding_prompt(f)) for f in findings])
            options.display = bool(findings)
            if findings:
                # one is always highlighted, so enter goes to a field at once (none was, and enter did nothing)
                options.highlighted = min(was or 0, len(findings) - 1)
        diff = self.query_one("#review-diff", DiffView)
        note = self.query_one("#diff-note", Static)
        text = session.diff() if session.is_edit else ""
        if session.is_edit and text:
            note.update(fill(_("Against {file} as it is on disk:"), file=(display_name(session), "bold")))
        elif session.is_edit:
            note.update(Content(_("No changes: writing would leave the file byte for byte as it is.")))
        else:
            note.update(Content(_("A new file: every line is new (see Whole file).")))
        diff.display = bool(text)
        if text:
            diff.set_text(text)
        lines = session.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.query_one("#review-file", YamlView).show(lines, session.changed_lines(), None, follow=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._findings):
            self.post_message(self.Jump(self._findings[event.option_index]))


def _where(key: tuple) -> str:
    scope, field_key, peer = key
    return field_key if peer is None else f"{peer} {field_key}"
