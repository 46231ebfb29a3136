"""The one rule for what blocks a write (smfed_tui/write_plan.py), as the session applies it for the
wizard and plain mode and `edit` applies it for the CLI; the plan's own facts (where, the diff)."""
from __future__ import annotations

import pytest

from smfed_tui.cli import main
from smfed_tui.errors import InputError
from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS
from smfed_tui.session import Session
from smfed_tui.write_plan import BLOCKED, DECLINED, UNCHANGED, WRITTEN, carry_out

TLS_NODE_PORT = EXPOSURE_FIELDS[1]
CLUSTER_NAME = MESH_FIELDS[4]


def nodeport_file(path, tls_node_port: int = 30510):
    """red-mesh with one peer, green-mesh, exposed by NodePort."""
    assert main(["generate", "--name", "red-mesh", "--peer",
                 f"green-mesh:service=NodePort,tls-node-port={tls_node_port},discovery-node-port=32359",
                 "-o", str(path)]) == 0
    return path


@pytest.fixture
def broken(tmp_path):
    """A file someone else wrote with an error in it: green-mesh's tls node port 99 (out of range)."""
    path = nodeport_file(tmp_path / "broken.yaml")
    path.write_text(path.read_text().replace("nodePort: 30510", "nodePort: 99"))
    return path


def test_an_error_the_file_already_had_elsewhere_does_not_block(broken):
    s = Session.open(str(broken))
    assert s.errors and s.can_write                       # nothing changed: a no-change save is never blocked
    s.set_text(CLUSTER_NAME, None, "east")                # an edit elsewhere
    plan = s.write_plan()
    assert not plan.blocked and plan.kept_errors and "already had 1 error" in plan.kept_note()
    assert s.write() and "name: east" in broken.read_text()


def test_an_error_left_on_a_line_the_edit_changed_blocks(broken):
    s = Session.open(str(broken))
    s.set_text(TLS_NODE_PORT, "green-mesh", "98")         # the user touched the wrong value: still wrong
    plan = s.write_plan()
    assert plan.blocked and "SMF051" in plan.why_blocked()
    with pytest.raises(InputError, match="must be fixed"):
        s.write()
    assert "nodePort: 99" in broken.read_text()


def test_an_error_the_edit_introduces_blocks(tmp_path):
    path = nodeport_file(tmp_path / "red.yaml")
    s = Session.open(str(path))
    assert s.can_write
    s.set_text(TLS_NODE_PORT, "green-mesh", "99")
    assert not s.can_write and s.write_plan().blocking[0].code == "SMF051"


def test_a_new_file_is_blocked_by_every_error_and_its_plan_says_where_and_how_big(tmp_path):
    s = Session.open(str(tmp_path / "new.yaml"))
    s.add_peer("green-mesh")
    plan = s.write_plan()
    assert plan.new_file and not plan.blocked and plan.diff == ""
    assert f"Create new.yaml in {tmp_path}" in plan.what() and f"{len(plan.data)} bytes" in plan.what()
    s.set_text(TLS_NODE_PORT, "green-mesh", "99")
    assert not s.can_write


def test_carry_out_asks_and_writes_only_on_yes(tmp_path):
    path = nodeport_file(tmp_path / "red.yaml")
    before = path.read_bytes()
    s = Session.open(str(path))
    assert carry_out(s.write_plan(), lambda plan: pytest.fail("asked with nothing to write")) == (UNCHANGED, "")
    s.set_text(CLUSTER_NAME, None, "east")
    asked = []
    assert carry_out(s.write_plan(), lambda plan: asked.append(plan) or False) == (DECLINED, "")
    assert path.read_bytes() == before and asked and "+    name: east" in asked[0].diff
    outcome, real = carry_out(s.write_plan(), lambda plan: True)
    assert outcome == WRITTEN and real == str(path.resolve()) and b"name: east" in path.read_bytes()
    s.set_text(TLS_NODE_PORT, "green-mesh", "99")
    assert carry_out(s.write_plan(), lambda plan: pytest.fail("asked while blocked"))[0] == BLOCKED


def test_edit_uses_the_same_rule(broken, capsys):
    """`edit` follows the same rule: an error the file had elsewhere does not block, one it introduces does."""
    assert main(["edit", str(broken), "--cluster-name", "east"]) == 0     # the old error elsewhere: written
    assert "name: east" in broken.read_text() and "already had 1 error" in capsys.readouterr().err
    before = broken.read_text()
    assert main(["edit", str(broken), "--peer", "blue-mesh:service=NodePort,tls-node-port=32359,"
                                                "discovery-node-port=32000"]) == 1   # 32359: green-mesh's
    assert broken.read_text() == before and "Not written: 1 error" in capsys.readouterr().err
