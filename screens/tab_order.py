"""Tab and shift+tab inside a form, in the order its widgets are declared, among those shown.

Textual's own tab orders the focusable widgets by their place on screen, which exists only after
a layout pass: a tab typed right after a key that showed a field (NodePort shows the node ports)
skipped that field when the two keys came together. A form knows its order without any layout:
the order its rows are declared in (the DOM order), skipping what is hidden (`display: none` on
the widget or a parent) or disabled. At either end of the form the key goes on as Textual's tab.
"""
from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget

TAB_BINDINGS = [
    Binding("tab", "tab_in_form(1)", show=False),
    Binding("shift+tab", "tab_in_form(-1)", show=False),
]


def _shown_within(widget: Widget, form: Widget) -> bool:
    node = widget
    while node is not None and node is not form:
        if not node.display or not node.visible:
            return False
        node = node.parent
    return True


def focusable_in_order(form: Widget) -> list[Widget]:
    """The widgets of `form` that tab can reach now, in declaration order."""
    return [w for w in form.query("*") if w.can_focus and not w.disabled and _shown_within(w, form)]


def tab_in_form(form: Widget, step: int) -> None:
    """Move the focus `step` (1 or -1) places within `form`; past its ends, as Textual's tab does."""
    order = focusable_in_order(form)
    focused = form.screen.focused
    if focused in order:
        index = order.index(focused) + step
        if 0 <= index < len(order):
            form.screen.set_focus(order[index])   # now, not later as Widget.focus does
            return
    if step > 0:
        form.screen.focus_next()
    else:
        form.screen.focus_previous()
