"""Faults on the write path that tests/test_safe_files.py does not reach: through the `edit` command, the
wizard's `Session.write` and real competing processes, plus hostile things at the lock path.

test_safe_files.py covers `write_file` itself (RLIMIT_FSIZE, fsync and replace failures, SIGKILL at
random points, read-only directories, stale locks, hard links, symlinks). Here:
- the file changes on disk between load and save: `edit` exits 1 and `Session.write` raises
  ChangedOnDiskError; the other writer's bytes stay, ours are not written;
- a second process holds the lock: `edit` exits 1 naming its pid; once that process is killed -9, the
  next `edit` recognises the stale lock and succeeds;
- the lock path is a symlink (dangling or not), a FIFO or a directory: refused at once (exit 1), never
  followed, never waited on (this used to loop or block forever);
- a symlink to a file in another directory: the link stays a link, its target gets the edit, no temp
  file or lock in either directory; a hard-linked file is refused with exit 2, both names intact;
- a backup path that cannot be replaced: the original stays, no temp file.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import smfed_tui.checks.smcp
from smfed_tui.cli import main
from smfed_tui.errors import ChangedOnDiskError
from smfed_tui.session import Session

BASE = (Path(__file__).parent / "fixtures" / "edit" / "two-space-compact.yaml").read_bytes()
THEIRS = BASE.replace(b"version: v2.5", b"version: v2.4  # changed by someone else")


def leftovers(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.endswith((".tmp", ".lock")))


@pytest.fixture
def smcp(tmp_path: Path) -> Path:
    path = tmp_path / "smcp.yaml"
    path.write_bytes(BASE)
    return path


# --- changed on disk between load and save ---------------------------------------------------------------

def test_cli_edit_does_not_overwrite_a_file_changed_after_it_was_read(smcp, monkeypatch, capsys):
    real_check = smfed_tui.checks.smcp.check_source
    calls = []

    def check_then_someone_writes(src, *a, **k):  # runs between the load and the write of `edit`
        if not calls:
            smcp.write_bytes(THEIRS)
        calls.append(1)
        return real_check(src, *a, **k)
    monkeypatch.setattr(smfed_tui.checks.smcp, "check_source", check_then_someone_writes)
    assert main(["edit", str(smcp), "--peer", "pink-mesh"]) == 1
    err = capsys.readouterr().err
    assert f"{smcp}: error: the file changed on disk since it was loaded; not overwriting it" in err
    assert "fix: " in err and "Traceback" not in err
    assert smcp.read_bytes() == THEIRS and leftovers(smcp.parent) == []


def test_session_write_does_not_overwrite_a_file_changed_after_it_was_opened(smcp):
    session = Session.open(str(smcp))
    session.add_peer("pink-mesh")
    ours = session.output_bytes()
    smcp.write_bytes(THEIRS)
    assert session.changed_on_disk() == THEIRS
    with pytest.raises(ChangedOnDiskError) as err:
        session.write()
    assert err.value.current == THEIRS and err.value.exit_code == 1
    assert smcp.read_bytes() == THEIRS and leftovers(smcp.parent) == []
    assert session.output_bytes() == ours  # the user's work is still there to save elsewhere or diff


def test_session_write_does_not_recreate_a_file_deleted_after_it_was_opened(smcp):
    session = Session.open(str(smcp))
    session.add_peer("pink-mesh")
    smcp.unlink()
    with pytest.raises(ChangedOnDiskError, match="was deleted"):
        session.write()
    assert not smcp.exists() and leftovers(smcp.parent) == []


def test_session_write_of_a_new_file_does_not_clobber_one_that_appeared(tmp_path):
    path = tmp_path / "new.yaml"
    session = Session.open(str(path))
    path.write_bytes(THEIRS)
    with pytest.raises(ChangedOnDiskError, match="appeared"):
        session.write()
    assert path.read_bytes() == THEIRS and leftovers(tmp_path) == []


# --- a second writer, a killed writer ----------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys, time
    from smfed_tui.safe_files import _acquire_lock
    _acquire_lock(sys.argv[1] + ".lock", sys.argv[1])
    print("locked", flush=True)
    time.sleep(60)
""")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smfed_tui", *args], capture_output=True, text=True, timeout=60)


def test_a_second_writer_holding_the_lock_then_killed(smcp):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(smcp)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        proc = cli("edit", str(smcp), "--peer", "pink-mesh")
        assert proc.returncode == 1, proc.stderr
        assert f"being written by another process (pid {holder.pid}" in proc.stderr and "fix: wait" in proc.stderr
        assert smcp.read_bytes() == BASE
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert os.path.exists(f"{smcp}.lock")  # a kill -9 leaves its lock behind ...
    proc = cli("edit", str(smcp), "--peer", "pink-mesh")
    assert proc.returncode == 0, proc.stderr  # ... which the next edit recognises as stale
    assert b"egress-pink-mesh:" in smcp.read_bytes() and leftovers(smcp.parent) == []


@pytest.mark.parametrize("kind", ["dangling-symlink", "symlink-to-a-file", "fifo", "directory"])
def test_something_else_at_the_lock_path_is_refused_at_once(smcp, tmp_path, kind):
    lock = Path(f"{smcp}.lock")
    victim = tmp_path / "victim"
    victim.write_bytes(b"12345\n")
    if kind == "dangling-symlink":
        lock.symlink_to(tmp_path / "nowhere")
    elif kind == "symlink-to-a-file":
        lock.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    start = time.monotonic()
    proc = cli("edit", str(smcp), "--peer", "pink-mesh")
    assert time.monotonic() - start < 30  # it used to spin or block forever
    assert proc.returncode == 1 and "is in the way: it is not a lock file" in proc.stderr, proc.stderr
    assert smcp.read_bytes() == BASE and victim.read_bytes() == b"12345\n"
    assert os.path.lexists(lock) and not (tmp_path / "nowhere").exists()  # not ours to remove or follow


# --- links ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_cli_edit_through_a_symlink_to_another_directory(tmp_path, relative, capsys):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "smcp.yaml"
    target.write_bytes(BASE)
    target.chmod(0o640)
    link = link_dir / "smcp.yaml"
    link.symlink_to(os.path.relpath(target, link_dir) if relative else target)
    before = os.readlink(link)
    assert main(["edit", str(link), "--peer", "pink-mesh", "--backup"]) == 0
    assert link.is_symlink() and os.readlink(link) == before
    assert b"egress-pink-mesh:" in target.read_bytes() and oct(target.stat().st_mode & 0o777) == "0o640"
    assert (real_dir / "smcp.yaml~").read_bytes() == BASE  # the backup sits next to the real file
    assert sorted(os.listdir(link_dir)) == ["smcp.yaml"]
    assert leftovers(real_dir) == []


def test_cli_edit_of_a_hard_linked_file_is_refused(smcp, tmp_path, capsys):
    other = tmp_path / "other-name.yaml"
    os.link(smcp, other)
    assert main(["edit", str(smcp), "--peer", "pink-mesh"]) == 2
    err = capsys.readouterr().err
    assert "hard links; replacing it would detach the other names" in err and "fix: " in err
    assert smcp.read_bytes() == BASE and other.read_bytes() == BASE and smcp.stat().st_ino == other.stat().st_ino
    assert leftovers(tmp_path) == []


def test_a_backup_path_that_cannot_be_replaced_leaves_the_original(smcp, capsys):
    Path(f"{smcp}~").mkdir()
    (Path(f"{smcp}~") / "keep").write_text("x")
    assert main(["edit", str(smcp), "--peer", "pink-mesh", "--backup"]) == 2
    assert "cannot write the file" in capsys.readouterr().err
    assert smcp.read_bytes() == BASE and leftovers(smcp.parent) == []


# --- apply: no value from the file becomes a flag -------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("  name: red-mesh\n", "  name: --kubeconfig=x\n"),
    ("  namespace: red-mesh-system\n", "  namespace: --kubeconfig=x\n"),
    ("      egress-blue-mesh:\n", "      --kubeconfig=x:\n"),
], ids=["name", "namespace", "gateway"])
def test_apply_refuses_flag_like_names_before_running_any_client(tmp_path, monkeypatch, capsys, old, new):
    """`--kubeconfig=x` is no DNS label: the validator stops it before an argv exists (the client is a
    stub that would leave a trace if it ran at all)."""
    from smfed_tui import cli_apply  # noqa: F401  (registers `apply`)
    trace = tmp_path / "ran"
    stub = tmp_path / "kubectl"
    stub.write_text(f"#!/bin/sh\necho \"$@\" >> {trace}\ncat >> {trace}\nexit 1\n")
    stub.chmod(0o755)
    path = tmp_path / "smcp.yaml"
    path.write_bytes(BASE.replace(old.encode(), new.encode()))
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    assert main(["apply", str(path), "--yes", "--kubectl", str(stub)]) == 1
    err = capsys.readouterr().err
    assert "not applied" in err and ("SMF096" in err or "SMF020" in err)
    assert not trace.exists()
