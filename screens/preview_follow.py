"""What the wizard's preview shows and where it looks: the lines the focused field owns, on every step.

The core decides which lines a field owns (`Session.focus_lines`, from `placement.owned_lines`); this
mixin of `WizardScreen` only picks, per step, whose lines those are and scrolls: a form field's, the
finding highlighted on Review, none on Write (the first change in view), the federation resources'
field on Federation resources. A widget that is no field shows what it acts on.
"""
from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList

from smfed_tui.fields import EXPOSURE_FIELDS, PEER_FIELDS
from smfed_tui.i18n import _
from smfed_tui.quoting import visible


class PreviewFollow:
    """`WizardScreen`'s preview: its text, title, highlighted lines and scroll position."""

    def _show_preview(self, *, follow: bool = True) -> None:
        s = self.session
        if self.step == "federation":
            self._show_bundle(follow=follow)
            return
        owned, reveal = self._preview_focus()
        key = (s.revision, owned, reveal)
        if key == self._preview_key:
            return
        self._preview_key = key
        lines = s.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        changed = s.changed_lines()
        changes = s.change_summary()   # a removed peer removes lines: "no changes" was shown then
        if s.is_edit:
            what = changes or _("no changes")
        else:
            what = f"{_('new file')} · {changes}" if changes else _("new file")
        if what != self._title_key:
            self._title_key = what
            self._preview_title.update(Content.assemble((_("Preview"), "bold"), (f" · {what}", "$text-muted")),
                                       layout=False)
        self._preview.show(lines, changed, owned, follow=follow, reveal=reveal)

    def _preview_focus(self) -> tuple[tuple[int, ...], int | None]:
        """The lines the preview highlights on this step, and the line it shows when none: a form step's
        field's (the session's `focus_lines`); on Review the finding highlighted in its list; on Write
        none, the first changed line in view."""
        s = self.session
        if self.step == "review":
            return self._finding_lines(), None
        if self.step == "write":
            changed = s.changed_lines()
            return (), min(changed) if changed else 1
        return s.focus_lines, None

    def _show_bundle(self, *, follow: bool = True) -> None:
        """On the federation-resources step the preview shows the federation resources, at the field being edited."""
        s = self.session
        fo = s.federation_resources
        key = ("federation", s.revision, fo.revision, self._bundle_focus)
        if key == self._preview_key:
            return
        self._preview_key = key
        self._title_key = None
        lines = fo.text().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self._preview_title.update(Content.assemble((_("Preview"), "bold"),
                                                    (f" · {visible(fo.path_text())}", "$text-muted")), layout=False)
        focus = fo.focus_line(*self._bundle_focus) if self._bundle_focus else None
        self._preview.show(lines, fo.changed_lines(), focus, follow=follow)

    def _focus_without_field(self, widget: Widget) -> None:
        """A widget that is no field got the focus: the preview shows what it acts on. A peer step's
        button acts on the peer's gateways (Remove peer) or its node ports (Pick free node ports); Next
        steps' file name, write button and command on the whole file, no line of it."""
        peer = self.selected_peer
        if widget.id == "remove-peer" and peer is not None:
            self.session.set_focus(PEER_FIELDS[0], peer)
        elif widget.id == "pick-ports" and peer is not None:
            self.session.set_focus(next(f for f in EXPOSURE_FIELDS if f.attr == "tls_node_port"), peer)
        elif self.step == "federation" and widget.id in ("bundle-path", "write-bundle", "bundle-command"):
            self._bundle_focus = None
        else:
            return
        self._show_preview()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "review-findings":
            self._show_preview()

    def _finding_lines(self) -> tuple[int, ...]:
        """On Review: the line of the finding highlighted in the list (a field whose text is no value:
        the lines that field owns)."""
        review = self.step_widget("review")
        found = review.query("#review-findings") if review is not None else None
        index = found.first(OptionList).highlighted if found else None
        listed = review.listed if review is not None else []
        if index is None or not 0 <= index < len(listed):
            return ()
        finding, place = listed[index]
        if place is not None:
            self.session.set_focus(*place)
            return self.session.focus_lines
        return (finding.line,) if finding.line else ()
