"""Step 4, Review: every finding with its YAML path (pick one to jump to its field), the diff
against the file on disk when editing, and the whole resulting file."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from smfed_tui.fields import Field
from smfed_tui.findings import ERROR, WARNING, Finding, review_key
from smfed_tui.session import Session

from smfed_tui.errors import fix_line
from smfed_tui.i18n import _

from .texts import HINT_ICON, ICONS, display_name, field_of, fill, summary
from .lines import DiffView, YamlView
from .token_wrap import wrap_long_words


def invalid_prompt(fld: Field, peer: str | None, message: str) -> Content:
    """A field whose text is no value yet: which field, what is wrong, what to do (it blocks writing)."""
    icon, style = ICONS[ERROR]
    where = _(fld.label) if peer is None else _("{field} of peer {peer}").format(field=_(fld.label), peer=peer)
    return Content.assemble((f"{icon} ", style), (where, "bold"), ": ", (message, style), "\n",
                            ("   " + fix_line(_("type a value this field takes; until then the file keeps the "
                                               "previous one")), "$text-muted"))


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
        """Go to the field that shows this finding (or `place`: a field whose text is no value)."""

        def __init__(self, finding: Finding | None, place: tuple[Field, str | None] | None = None) -> None:
            super().__init__()
            self.finding = finding
            self.place = place

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.built = False
        self._entries: list[tuple] = []   # per line of the list: (finding, None) or (None, (field, peer))
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
        # Errors first (what blocks writing), then warnings, then hints; in file order within each.
        invalid = [(field_of(scope, key), peer, message) for (scope, key, peer), message in session.invalid_inputs.items()]
        findings = sorted(session.findings, key=review_key)
        key = (tuple((fld.key, peer, message) for fld, peer, message in invalid),
               tuple((f.code, f.severity, f.path, f.line, f.message) for f in findings))
        self.query_one("#review-summary", Static).update(summary(session))
        if key != self._key:
            self._key = key
            self._entries = [(None, (fld, peer)) for fld, peer, _message in invalid] + [(f, None) for f in findings]
            options = self.query_one("#review-findings", OptionList)
            was = options.highlighted
            self._prompts = [invalid_prompt(*entry) for entry in invalid] + [finding_prompt(f) for f in findings]
            self._fitted_width = None
            self._fit_prompts(options)
            options.display = bool(self._entries)
            if self._entries:
                # one is always highlighted, so enter goes to a field at once (none was, and enter did nothing)
                options.highlighted = min(was or 0, len(self._entries) - 1)
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

    _prompts: list[Content] = []
    _fitted_width: int | None = None

    def _fit_prompts(self, options: OptionList) -> None:
        """The list's prompts with a path or name wider than the list broken at a '.', '-' or '/' of it
        and marked (`token_wrap`): the list folded "...additionalEgress.egress-g" / "reen-mesh..."."""
        width = options.scrollable_content_region.width - 1   # the option's own padding
        if width == self._fitted_width:
            return
        self._fitted_width = width
        highlighted = options.highlighted
        options.set_options([Option(wrap_long_words(prompt, width) if width > 8 else prompt)
                             for prompt in self._prompts])
        if highlighted is not None and self._prompts:
            options.highlighted = min(highlighted, len(self._prompts) - 1)

    def on_resize(self) -> None:
        if self.built and self._prompts:   # laid out at last (or again): the width to break at
            self.call_after_refresh(lambda: self._fit_prompts(self.query_one("#review-findings", OptionList)))

    @property
    def listed(self) -> list[tuple]:
        """What the list shows, line by line: (finding, None), or (None, (field, peer)) for a field whose
        text is no value; in that order: those fields, errors, warnings, hints."""
        return list(self._entries)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._entries):
            self.post_message(self.Jump(*self._entries[event.option_index]))
