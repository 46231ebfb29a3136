"""Keys are handled one after another, in the order they were typed, however fast they come.

Textual reads a key in the app and posts it to the focused widget's own queue; a key the widget does
not take bubbles up through its parents' queues back to the app, which runs the bindings (the
wizard's ctrl+n, ctrl+o...). Every widget drains its queue in its own task, and what a key sets off
(a focus change, a new screen) comes later still. So keys that arrive together (pasted key strokes,
`tmux send-keys`, SSH to a busy machine) overtake one another: `abc<tab>def` filled one field, and a
peer name typed after ctrl+o went into the field focused before it. (Textual issue #6605 is the
part of this inside one Input.)

Here the app lets Textual deliver each key (or paste) itself, with its public `on_event`, and holds
the keys that come after it. Behind the key it posts a `KeyHandled` marker to the same widget: the
marker takes the key's way up (the same queues, first in first out) and so reaches the app only
after the key has been handled everywhere on that way, the app's bindings included; the app then
puts it once more at the back of its own queue, behind whatever the key queued there (a focus
change, a new screen). Then the next key goes, to the widget focused now.

Tab is the one key whose effect depends on the screen's layout (Textual orders widgets by their
place on screen, and a field the key before showed has no place until the next layout): the forms
move the focus themselves, in the declaration order of the rows shown (`tab_order`). A typed value, a
choice and the peer list's highlight reach the screen while their key is handled (FieldInput,
FieldChoice, PeerList), so the next key finds the form as the previous one left it.
"""
from __future__ import annotations

import time
from collections import deque

from textual import events
from textual.app import App
from textual.message import Message

LOST_AFTER = 2.0   # seconds: a marker whose widget went away on the way is not waited for longer


class KeyHandled(Message):
    """Posted behind a key to the widget it went to; bubbles to the app after the key."""

    def __init__(self, key: events.Key | events.Paste) -> None:
        super().__init__()
        self.key = key


class KeysInOrder(App):
    """An App whose keys are handled in order (see the module's docstring). A paste waits its turn
    among them too."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keys_waiting: deque[events.Key | events.Paste] = deque()
        self._in_flight: KeyHandled | None = None   # the marker of the key on its way
        self._sent_at = 0.0
        self._watchdog = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._keys_waiting.append(event)
            if self._in_flight is None:
                await self._send_next()
            elif self._watchdog is None:
                # A widget removed while the marker waited in its queue drops the marker: keys are
                # waiting, so look again later rather than hold them for ever.
                self._watchdog = self.set_interval(LOST_AFTER / 2, self._check_lost)
            return
        await super().on_event(event)

    async def _send_next(self) -> None:
        event = self._keys_waiting.popleft()
        target = self.focused or self.screen   # where Textual forwards it (App.on_event)
        marker = self._in_flight = KeyHandled(event)
        self._sent_at = time.monotonic()
        await super().on_event(event)   # Textual's own delivery: priority bindings, then the focused widget
        if not target.post_message(marker):   # the widget is closing: nothing to wait for
            await self._done(marker)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        # It may have reached the app's queue while the app was still running the key's binding,
        # ahead of what that queued (`Widget.focus` is a `call_later`): once more to the back.
        self.call_later(self._done, message)

    async def _done(self, marker: KeyHandled) -> None:
        if marker is not self._in_flight:
            return   # a marker given up as lost, arriving after all
        self._in_flight = None
        self.key_handled(marker.key)
        if self._keys_waiting:
            await self._send_next()
        elif self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    async def _check_lost(self) -> None:
        marker = self._in_flight
        if marker is not None and time.monotonic() - self._sent_at > LOST_AFTER:
            await self._done(marker)

    def key_handled(self, key: events.Key | events.Paste) -> None:
        """Called when `key` has been handled everywhere (tests count the keys with it)."""
