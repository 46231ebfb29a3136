"""RevisionMemo: what the session and the federation resources derive is computed once per revision."""
from __future__ import annotations

import pytest

from smfed_tui.revision_memo import RevisionMemo
from smfed_tui.fields import MESH_FIELDS
from smfed_tui.session import Session

pytestmark = pytest.mark.core


def test_a_value_is_computed_once_per_revision_and_again_after_it_moves():
    revision = [0]
    calls = []
    memo = RevisionMemo(lambda: revision[0])
    compute = lambda: calls.append(revision[0]) or len(calls)   # noqa: E731
    assert memo.get("x", compute) == 1
    assert memo.get("x", compute) == 1          # same revision: not computed again
    revision[0] = 1
    assert memo.get("x", compute) == 2          # new revision: computed anew
    memo.clear()
    assert memo.get("x", compute) == 3          # cleared: computed anew
    assert calls == [0, 1, 1]


def test_a_value_that_is_none_or_empty_is_kept_too():
    calls = []
    memo = RevisionMemo(lambda: 0)
    for _ in range(3):
        assert memo.get("none", lambda: calls.append(1)) is None
    assert calls == [1]


def test_what_blocks_a_write_follows_the_sessions_edits():
    """The session's blocking errors are derived once per revision: an edit that breaks the file blocks
    the write at once, and the fix unblocks it at once (a stale answer would do neither)."""
    session = Session.open(None, default_name="red-mesh")
    trust = next(f for f in MESH_FIELDS if f.key == "trust-domain")
    assert session.blocking_errors() == [] and session.can_write
    session.set_text(trust, None, "cluster.local")
    assert [f.code for f in session.blocking_errors()] == ["SMF011"]
    assert session.blocking_errors() is session.blocking_errors()   # computed once for this revision
    session.set_text(trust, None, "red-mesh.local")
    assert session.blocking_errors() == [] and session.can_write
