"""An `Input` that applies keys in the order they were typed, however fast they come.

Textual's `Input` inserts a printable character while handling its key, but an editing key that is a
binding (backspace, arrows, home/end, ctrl+u, ctrl+k, ctrl+w...) only bubbles up to the app, which
runs the action afterwards. Keys that arrive together (typing over SSH, a terminal multiplexer, a
fast typist, a machine under load) were then applied out of order: `End ctrl+u blue` left the field
empty, and in the peer name field the emptied name was kept as an error under a peer that no longer
existed. Textual issue #6605 (open); upstream PR #6631 proposes the same remedy: run the Input's own
bindings while its key is handled. Bindings of the screen and the app still go the usual way.
"""
from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            # `_bindings` are the Input's own (this app sets no keymap); a binding whose action does
            # not run here is left to the app, as before. (App.run_action says whether it ran;
            # Widget.run_action returns None.)
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()   # Input's own handler, next in the MRO, has nothing to do
                    self._restart_blink()
                    return
        # printable keys: Input._on_key runs next (Textual calls each class's handler in the MRO)
