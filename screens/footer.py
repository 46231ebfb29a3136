"""The key bar at the bottom: the keys that work where the focus is, in one widget.

Textual's Footer builds one widget per key and rebuilds them all whenever bindings are refreshed
(focus moves, a dynamic action is re-checked), each rebuild forcing a layout pass of the screen.
This bar renders the same information as one line of text and repaints only when it changes.
Keys whose action is disabled (`check_action` returned None) are dimmed; a click on a key runs it.
Lines wrap when the terminal is too narrow, so no key is ever cut off.
"""
from __future__ import annotations

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from smfed_tui.i18n import _

from .texts import cells, wrap_places


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; background: $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[tuple[str, str, str, bool, Widget]] = []   # key, shown key, description, enabled, node
        self._signature: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = []
        seen_actions = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show or (active.node, binding.action) in seen_actions:
                continue
            seen_actions.add((active.node, binding.action))
            # descriptions are English message ids (BINDINGS are built at import): translated here
            keys.append((key, self.app.get_key_display(binding), _(binding.description), bool(active.enabled),
                         active.node))
        signature = tuple(k[:4] for k in keys)
        if signature != self._signature:
            self._signature = signature
            self._keys = keys
            self.refresh(layout=True)

    def _pieces(self) -> list[tuple[int, str, bool]]:
        """(index into keys, text, enabled) of each key's label."""
        return [(i, f"{shown} {description}", enabled)
                for i, (_key, shown, description, enabled, _node) in enumerate(self._keys)]

    def _layout(self, width: int) -> list[tuple[int, int, int]]:
        """(line, start, end) of each key's label, wrapping at `width`."""
        return wrap_places([cells(text) for _i, text, _enabled in self._pieces()], width, 2)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        places = self._layout(width)
        return (places[-1][0] + 1) if places else 1

    def render(self) -> Content:
        lines: list[list] = [[]]
        for (line, _start, _end), (i, _text, enabled) in zip(self._layout(self.content_size.width), self._pieces()):
            _key, shown, description, _enabled, _node = self._keys[i]
            while len(lines) <= line:
                lines.append([])
            if lines[line]:
                lines[line].append("  ")
            key_style = "bold $text-accent" if enabled else "$text-disabled"
            lines[line] += [(shown, key_style), (" " + description, "$text" if enabled else "$text-disabled")]
        return Content("\n").join(Content.assemble(*parts) if parts else Content("") for parts in lines)

    async def on_click(self, event: events.Click) -> None:
        at = event.get_content_offset(self)   # content coordinates, whatever padding a stylesheet adds
        if at is None:
            return
        for (line, start, end), (i, _text, enabled) in zip(self._layout(self.content_size.width), self._pieces()):
            if line == at.y and start <= at.x < end and enabled:
                key, _shown, _description, _enabled, node = self._keys[i]
                binding = self.screen.active_bindings[key].binding
                await self.app.run_action(binding.action, node)
                return
