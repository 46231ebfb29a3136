"""Keys are handled one after another, in the order they were typed, however fast they come.

Textual reads a key in the app and posts it to the focused widget's own queue; a key the widget does
not take bubbles up through its parents' queues back to the app, which runs the bindings (tab, the
wizard's ctrl+n, ctrl+o...). Every widget drains its queue in its own task, and a change of focus is
itself a message to the app. So keys that arrive together (pasted key strokes, `tmux send-keys`, SSH
to a busy machine) overtake one another: `abc<tab>def` filled one field, and a peer name typed after
ctrl+o went into the field focused before it. (Textual issue #6605 is the part of this inside one
Input.)

Here the app takes each key to its end before it starts the next: the focused widget and then each
of its parents handle it at once, in the app's task and in Textual's own order (the widget's
handlers, its parents' unless one stops the key, then the bindings and the app's `key_` methods);
the next key waits behind whatever the previous one queued in the app (a focus change, a new screen),
and a tab that waited has the screen laid out first (it orders widgets by their place on screen).
The same order holds beyond the key where the wizard follows it: a typed value, a choice and the peer
list's highlight reach the screen while their key is handled (FieldInput, FieldChoice, PeerList).
"""
from __future__ import annotations

from collections import deque

from textual import events
from textual._callback import invoke
from textual._dispatch_key import dispatch_key
from textual.app import App
from textual.message_pump import MessagePump


FOCUS_KEYS = ("tab", "shift+tab")   # Textual's focus_next / focus_previous


class KeysInOrder(App):
    """An App whose keys are handled in order (see the module's docstring). A paste waits its turn
    among them too (Textual forwards it at once, so it would overtake keys still waiting here)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keys_waiting: deque[events.Key | events.Paste] = deque()
        self._key_turn_taken = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._keys_waiting.append(event)
            if not self._key_turn_taken:
                self._key_turn_taken = True
                self.call_later(self._next_key)
            return
        await super().on_event(event)

    async def _next_key(self, after_another: bool = False) -> None:
        event = self._keys_waiting.popleft()
        try:
            if after_another and isinstance(event, events.Key) and event.key in FOCUS_KEYS:
                # Tab orders the widgets by where they are on screen, and a field the key before
                # showed has no place until the screen is laid out again (a tab right after choosing
                # NodePort skipped the node port): lay it out now.
                self.screen._refresh_layout()
            await self._handle_key(event)
        finally:
            if self._keys_waiting:
                self.call_later(self._next_key, True)   # behind what this key queued (a focus change)
            else:
                self._key_turn_taken = False

    async def _handle_key(self, event: events.Key | events.Paste) -> None:
        if isinstance(event, events.Paste):   # App.on_event forwards it to the focused widget
            event._set_forwarded()
            await self._walk_up(self.focused or self.screen, event)
            return
        # What App.on_event does with a key before it forwards it (Textual 8)...
        self.app_focus = True
        screen = self.screen
        if screen.maximized is not None and event.key == "escape" and self.escape_to_minimize:
            screen.minimize()
            return
        if self.focused is not None:
            screen._clear_tooltip()
        if await self._check_bindings(event.key, priority=True):
            return
        # ...then the journey a forwarded key makes, without the queues: the focused widget, each
        # parent while nobody stops it, and last what App._on_key does.
        event._set_forwarded()
        if await self._walk_up(self.focused or screen, event):
            return
        if not await self._check_bindings(event.key):
            await dispatch_key(self, event)

    async def _walk_up(self, node: MessagePump | None, event: events.Event) -> bool:
        """`event` to `node` and up its parents (not the app) until one stops it; True if one did."""
        while node is not None and node is not self:
            await _deliver(node, event)
            if event._stop_propagation:
                return True
            node = node.parent
        return False


async def _deliver(node: MessagePump, event: events.Event) -> None:
    """What `node`'s own task does with a message it takes from its queue (MessagePump's
    `_dispatch_message` and `_on_message`, Textual 8), but here and now, and without passing it on
    to the parent: the caller does that."""
    with node._context(), node.prevent(*event._prevent):
        for _cls, method in node._get_dispatch_methods(event.handler_name, event):
            await invoke(method, event)
    if node._next_callbacks:
        await node._flush_next_callbacks()
