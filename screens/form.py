"""A form rendered from the core's field declarations (`smfed_tui.fields`).

Each `FieldRow` shows one `Field`: its label, an editor chosen by the field's kind (an `Input` for
text, numbers and lists; a one-line `Choice` for choices and booleans) and, under it, what is wrong with the
value: the field's own problem while the text cannot become a value, else the core's findings for
the field's YAML path (message and fix). Rows know nothing about the rules; the screen hands them
the findings.
"""
from __future__ import annotations

from contextlib import contextmanager

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Label, Static

from smfed_tui.fields import BOOL, CHOICE, INT, LIST, Field, visible
from smfed_tui.findings import ERROR, Finding
from smfed_tui.i18n import _

from .choice import BLANK, Choice
from .texts import finding_content
from .token_wrap import WrappedText

_NOTHING = object()
class FieldInput(Input):
    """An Input that hands each new value to the screen while the keystroke is being handled.

    `watch_value` runs synchronously inside the key's handling, before the screen paints: the
    session recomputes and the views update first, so the frame that shows the typed character
    already shows the new YAML and messages (through the `Changed` message they would come a frame,
    up to 16 ms, later)."""

    # Input sets its virtual size on every keystroke; a field has a fixed size, so that needs a repaint,
    # not a layout pass of the whole screen (Widget declares it with layout=True).
    virtual_size = Reactive(Size(0, 0), layout=False)

    def on_paste(self, event) -> None:
        # a pasted escape sequence would be drawn raw, and the terminal would obey it: show it as `\x1b`.
        # (Textual runs the handlers of a class before its base's: Input's own then gets the cleaned text.)
        if event.text:
            event.text = visible(event.text.splitlines()[0])

    def watch_value(self, value: str) -> None:
        row = self.parent
        if isinstance(row, FieldRow) and not row._putting:
            row.hand_over(value, True)


class FieldChoice(Choice):
    """A Choice that hands each new value to the screen while the key is being handled, as FieldInput
    does: through the Changed message it came later, so a key typed right after (tab into the node
    port that NodePort shows) found the form as it was before the choice."""

    def watch_index(self, old: int, new: int) -> None:
        super().watch_index(old, new)
        row = self.parent
        if isinstance(row, FieldRow) and not row._putting:
            row.chosen(self.value)


class FieldRow(Vertical):
    """Label, editor and messages for one declared field."""

    DEFAULT_CSS = """
    FieldRow { height: auto; padding: 0 0 1 0; }
    FieldRow > .field-label { color: $text-muted; width: 1fr; }
    FieldRow.-focused > .field-label { color: $text; text-style: bold; }
    FieldRow > Input { width: 1fr; height: 1; }   /* fixed size: typing needs no layout pass */
    FieldRow > .field-messages { width: 1fr; height: auto; display: none; }
    FieldRow > .field-messages.-shown { display: block; }
    FieldRow.-error > Input { background: $error 15%; }
    FieldRow > .field-assumed { width: 1fr; height: auto; color: $text-warning; }
    """

    def __init__(self, fld: Field, *, cursor_blink: bool = True) -> None:
        super().__init__(id=f"field-{fld.scope}-{fld.key}", classes="field-row")
        self.fld = fld
        self.cursor_blink = cursor_blink
        self._message_key: tuple | None = None
        self._messages: Static | None = None   # mounted the first time the field has something to say
        self._assumed: Static | None = None    # mounted the first time its value is an assumption
        self._extra_choice = None
        self._shown: object = _NOTHING   # the value last loaded into (or chosen in) a Choice
        self._putting = False              # True while `load` puts a value in (not an edit)

    @property
    def uses_choice(self) -> bool:
        return self.fld.kind in (CHOICE, BOOL)

    def compose(self) -> ComposeResult:
        fld = self.fld
        yield Label(Content(fld.label), classes="field-label")
        if self.uses_choice:
            yield FieldChoice(self._options(), id=f"{self.id}-editor")
        else:
            placeholder = {INT: _("(none)"), LIST: _("comma-separated")}.get(fld.kind, "")
            if fld.optional and fld.kind not in (INT, LIST):
                placeholder = _("(not set)")
            # validate_on=(): the core checks every value; Input's own validation would only restyle it
            editor = FieldInput(compact=True, placeholder=placeholder, id=f"{self.id}-editor", select_on_focus=False,
                                validate_on=())
            editor.cursor_blink = self.cursor_blink
            yield editor

    def _options(self) -> list[tuple[str, object]]:
        options: list[tuple[str, object]] = [(_("(not set)"), BLANK)] if self.fld.optional else []
        if self.fld.kind == BOOL:
            options += [("true", True), ("false", False)]
        else:
            options += [(str(c), c) for c in self.fld.choices]
        if self._extra_choice is not None:
            options.append((_("{value} (from the file)").format(value=self._extra_choice), self._extra_choice))
        return options

    _editor: Input | Choice | None = None

    @property
    def editor(self) -> Input | Choice:
        # looked up once (the row keeps the editor it composed): every keystroke loads each row
        if self._editor is None:
            self._editor = self.query_one(f"#{self.id}-editor")
        return self._editor

    def focus_editor(self) -> None:
        # at once, while the key that asked is handled (Widget.focus would come later, after it)
        self.screen.set_focus(self.editor)

    # A class rather than `:focus-within`: Textual restyles a `:focus-within` rule's targets only when
    # they are ancestors of the widget gaining or losing focus, so the label stayed bold after a move.
    def on_descendant_focus(self) -> None:
        self.add_class("-focused")
        self._show_label()

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")
        self._show_label()

    def _show_label(self) -> None:
        """The label, with a ▸ before it while the field has focus (focus reads without colour: the
        field's shade alone hardly differs) and "≈ assumed" after it while its value is a guess."""
        parts = [("▸ ", "bold")] if self.has_class("-focused") else []
        parts.append(self.fld.label)
        if self._assumed is not None and self._assumed.display:
            parts.append(("  ≈\u00a0" + _("assumed"), "$text-warning"))
        self.query_one(".field-label", Label).update(Content.assemble(*parts))

    # --- values ---------------------------------------------------------------------------------

    def load(self, value) -> None:
        """Show `value` without reporting it as an edit."""
        editor = self.editor
        self._putting = True
        with self.prevent(Input.Changed, Choice.Changed), self._loaded():
            if isinstance(editor, Choice):
                self._shown = value
                wanted = BLANK if value is None else value
                if not editor.has_value(wanted):
                    self._extra_choice = value
                    editor.set_options(self._options())
                editor.value = wanted
            else:
                text = self.fld.format(value)
                if editor.value != text:
                    editor.value = text
                    editor.cursor_position = len(text)

    @contextmanager
    def _loaded(self):
        try:
            yield
        finally:
            self._putting = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()   # already applied by FieldInput.watch_value

    def on_choice_changed(self, event: Choice.Changed) -> None:
        event.stop()   # already applied by FieldChoice.watch_index

    def chosen(self, value) -> None:
        """The Choice moved to `value` (BLANK: not set)."""
        value = None if value is BLANK else value
        if self._shown is not _NOTHING and value == self._shown and type(value) is type(self._shown):
            return
        self._shown = value
        self.hand_over(value, False)

    def hand_over(self, raw, typed: bool) -> None:
        """The user's new text (typed) or value (chosen), to the screen at once."""
        apply = getattr(self.screen, "apply_field_edit", None) if self.is_attached else None
        if apply is not None:
            apply(self, raw, typed)

    # --- messages ---------------------------------------------------------------------------------

    def show_messages(self, findings: list[Finding], problem: str | None) -> None:
        """The field's own problem (text that is not a value) or else the core's findings."""
        if problem and any(f.severity == ERROR for f in findings):
            problem = None   # the rule says the same, with its fix
        key = (problem, tuple((f.code, f.severity, f.message, f.hint) for f in findings))
        if key == self._message_key:
            return
        self._message_key = key
        has = bool(problem or findings)
        self.set_class(bool(problem) or any(f.severity == ERROR for f in findings), "-error")
        messages = self._messages
        if messages is None:
            if not has:
                return
            # most fields never have a message: a row starts without the widget (a lighter first frame)
            messages = self._messages = WrappedText("", classes="field-messages", markup=False)
            self.mount(messages)
        messages.set_class(has, "-shown")
        messages.update(finding_content(findings, problem) if has else "")

    def show_assumed(self, note: str | None) -> None:
        """Mark the value as assumed (`note`: what it was derived from and how to settle it), or not.
        The label says "assumed" too, so the mark reads without colour."""
        if note is None and self._assumed is None:
            return
        if self._assumed is None:
            self._assumed = WrappedText("", classes="field-assumed", markup=False)
            self.mount(self._assumed, after=self.editor)
        self._assumed.display = note is not None
        self._assumed.update(Content(note or ""))
        self._show_label()
