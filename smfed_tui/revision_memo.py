"""Values derived from state that changes by revision, each computed once per revision.

The session and the federation resources derive several things from their state (which errors block
a write, the bundle, its text, its findings, its changed lines) and are asked for them on every frame.
`RevisionMemo` keeps each by name for the revision it was computed at, and forgets them all when the
revision moves: callers never build cache keys by hand, nor forget to clear one.
"""
from __future__ import annotations

from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class RevisionMemo:
    """Named values computed once per value of `revision()`."""

    def __init__(self, revision: Callable[[], Hashable]) -> None:
        self._revision = revision
        self._at: Hashable = None
        self._values: dict[str, object] = {}

    def get(self, name: str, compute: Callable[[], T]) -> T:
        now = self._revision()
        if now != self._at:
            self._values.clear()
            self._at = now
        if name not in self._values:
            self._values[name] = compute()
        return self._values[name]   # type: ignore[return-value]

    def clear(self) -> None:
        """Forget every value now (state changed without a new revision number)."""
        self._values.clear()
