"""The key bar at the bottom: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes itself every time bindings are refreshed (focus moves, a dynamic
action is re-checked); each rebuild mounts a dozen widgets and forces a layout pass of the whole
screen, which costs more than the rest of a keystroke. This one compares what it would show first.
"""
from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple | None = None

    def _signature(self, screen) -> tuple:
        return tuple((key, b.binding.description, b.enabled, b.binding.show)
                     for key, b in screen.active_bindings.items())

    def bindings_changed(self, screen) -> None:
        if not (self.is_attached and screen is self.screen):
            return super().bindings_changed(screen)
        signature = self._signature(screen)
        if signature == self._shown:
            self._bindings_ready = True
            return
        self._shown = signature
        super().bindings_changed(screen)
