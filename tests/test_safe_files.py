"""smfed_tui.safe_files on real files: every failure must leave the original byte-for-byte, no temp file, no lock."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import pwd
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from smfed_tui.errors import ChangedOnDiskError, InputError, LockedError, WriteError
from smfed_tui.safe_files import MAX_INPUT_BYTES, file_changed, read_file, write_file

CHILD = Path(__file__).parent / "helpers" / "safe_files_child.py"
ORIGINAL = b"apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\n# keep me\n"
NEW = b"apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nspec: {}\n"


@pytest.fixture
def smcp(tmp_path: Path) -> Path:
    path = tmp_path / "smcp.yaml"
    path.write_bytes(ORIGINAL)
    return path


def leftovers(directory: Path) -> list[str]:
    """Temp files and locks a write may have left behind."""
    return sorted(n for n in os.listdir(directory) if (n.startswith(".") and n.endswith(".tmp")) or n.endswith(".lock"))


def run_child(*args: str, timeout: float = 60) -> dict:
    out = subprocess.run([sys.executable, str(CHILD), *args], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()  # reaped: the pid names no process any more
    return proc.pid


# ---------------------------------------------------------------- read_file

def test_read_file_keeps_bytes_and_identity(tmp_path: Path, smcp: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(smcp)
    loaded = read_file(str(link))
    st = smcp.stat()
    assert (loaded.path, loaded.real_path, loaded.data) == (str(link), str(smcp), ORIGINAL)
    assert loaded.sha256 == hashlib.sha256(ORIGINAL).hexdigest()
    assert (loaded.size, loaded.ino, loaded.dev, loaded.nlink) == (len(ORIGINAL), st.st_ino, st.st_dev, 1)
    assert loaded.mtime_ns == st.st_mtime_ns and stat.S_IMODE(loaded.mode) == stat.S_IMODE(st.st_mode)


def test_read_file_refuses_too_large_and_says_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_INPUT_BYTES + 1))
    with pytest.raises(InputError) as err:
        read_file(str(path))
    assert str(MAX_INPUT_BYTES) in err.value.message and str(MAX_INPUT_BYTES + 1) in err.value.message
    assert err.value.path == str(path) and err.value.hint
    path.write_bytes(b"#" * 10)
    assert read_file(str(path), max_bytes=10).size == 10  # exactly at the cap is fine
    with pytest.raises(InputError, match="limit is 9 bytes"):
        read_file(str(path), max_bytes=9)


@pytest.mark.parametrize("kind,needle", [("missing", "not found"), ("dir", "directory")])
def test_read_file_missing_and_directory(tmp_path: Path, kind: str, needle: str) -> None:
    path = tmp_path / "x.yaml"
    if kind == "dir":
        path.mkdir()
    with pytest.raises(InputError, match=needle) as err:
        read_file(str(path))
    assert err.value.path == str(path) and err.value.hint


def test_read_file_refuses_fifo_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("read_file blocked on a FIFO"))
    signal.alarm(5)
    try:
        with pytest.raises(InputError, match="not a regular file"):
            read_file(str(fifo))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_read_file_refuses_a_device() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_file("/dev/zero")  # read to the cap it would look like a file of NULs


def test_read_file_permission_denied_is_an_input_error(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*a, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    monkeypatch.setattr(os, "open", denied)  # root reads anything; the mapping is what is checked
    with pytest.raises(InputError, match="permission denied"):
        read_file(str(smcp))


# ---------------------------------------------------------------- write_file: round trips

def test_round_trip_keeps_mode(smcp: Path) -> None:
    smcp.chmod(0o640)
    real = write_file(str(smcp), NEW, expected=read_file(str(smcp)))
    assert real == str(smcp)
    assert read_file(str(smcp)).data == NEW
    assert stat.S_IMODE(smcp.stat().st_mode) == 0o640  # mkstemp alone would leave 0600
    assert leftovers(smcp.parent) == []


def test_symlink_stays_a_symlink_and_its_target_is_updated(tmp_path: Path, smcp: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(smcp.name)
    assert write_file(str(link), NEW, expected=read_file(str(link))) == str(smcp)
    assert link.is_symlink() and os.readlink(link) == smcp.name
    assert smcp.read_bytes() == NEW
    assert leftovers(tmp_path) == []


def test_symlink_shares_the_lock_of_its_target(tmp_path: Path, smcp: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(smcp)
    loaded = read_file(str(link))
    Path(f"{smcp}.lock").write_text(f"{os.getpid()}\n")  # a live writer of the target, under its own name
    with pytest.raises(LockedError):
        write_file(str(link), NEW, expected=loaded)
    assert smcp.read_bytes() == ORIGINAL


def test_write_through_a_symlinked_directory(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    (real_dir / "smcp.yaml").write_bytes(ORIGINAL)
    (tmp_path / "alias").symlink_to(real_dir, target_is_directory=True)
    via = str(tmp_path / "alias" / "smcp.yaml")
    assert write_file(via, NEW, expected=read_file(via)) == str(real_dir / "smcp.yaml")
    assert (real_dir / "smcp.yaml").read_bytes() == NEW and (tmp_path / "alias").is_symlink()
    assert leftovers(real_dir) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_owner_and_group_are_kept(smcp: Path) -> None:
    os.chown(smcp, 65534, 65534)  # the file belongs to someone else; root edits it
    write_file(str(smcp), NEW, expected=read_file(str(smcp)))
    st = smcp.stat()
    assert (st.st_uid, st.st_gid) == (65534, 65534)  # a fresh temp file would belong to root


def test_data_and_directory_entry_are_flushed(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[tuple[str, bytes]] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file", smcp.read_bytes()))
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", recording_fsync)
    write_file(str(smcp), NEW, expected=read_file(str(smcp)))
    assert synced == [("file", ORIGINAL), ("dir", NEW)]  # the data before the rename, then the rename itself


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    old = os.umask(0o027)
    try:
        write_file(str(path), NEW, expected=None)
    finally:
        os.umask(old)
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0666 & ~027, as open() would have made it


def test_new_file_refused_when_one_appeared_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    path.write_bytes(ORIGINAL)  # someone else created it after we decided to make a new file
    with pytest.raises(ChangedOnDiskError) as err:
        write_file(str(path), NEW, expected=None)
    assert err.value.current == ORIGINAL and err.value.exit_code == 1
    assert path.read_bytes() == ORIGINAL and leftovers(tmp_path) == []


def test_backup_keeps_the_previous_bytes(smcp: Path) -> None:
    smcp.chmod(0o600)
    write_file(str(smcp), NEW, expected=read_file(str(smcp)), backup=True)
    backup = Path(f"{smcp}~")
    assert backup.read_bytes() == ORIGINAL and stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert smcp.read_bytes() == NEW and leftovers(smcp.parent) == []


# ---------------------------------------------------------------- write_file: conflicts

def test_changed_on_disk_is_not_overwritten(smcp: Path) -> None:
    loaded = read_file(str(smcp))
    theirs = ORIGINAL + b"# added in another editor\n"
    smcp.write_bytes(theirs)
    assert file_changed(loaded) == theirs
    with pytest.raises(ChangedOnDiskError) as err:
        write_file(str(smcp), NEW, expected=loaded)
    assert err.value.current == theirs
    assert smcp.read_bytes() == theirs and leftovers(smcp.parent) == []


def test_same_bytes_rewritten_is_not_a_change(smcp: Path) -> None:
    loaded = read_file(str(smcp))
    time.sleep(0.01)
    smcp.write_bytes(ORIGINAL)  # new mtime, same bytes (git checkout, touch-and-save): a hash, not mtime, decides
    assert file_changed(loaded) is None
    write_file(str(smcp), NEW, expected=loaded)
    assert smcp.read_bytes() == NEW


def test_deleted_on_disk_is_a_change(smcp: Path) -> None:
    loaded = read_file(str(smcp))
    smcp.unlink()
    assert file_changed(loaded) == b""
    with pytest.raises(ChangedOnDiskError, match="deleted") as err:
        write_file(str(smcp), NEW, expected=loaded)
    assert err.value.current == b"" and not smcp.exists() and leftovers(smcp.parent) == []


def test_lock_of_a_live_process_is_respected(smcp: Path) -> None:
    loaded = read_file(str(smcp))
    lock = Path(f"{smcp}.lock")
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        lock.write_text(f"{sleeper.pid}\n")
        with pytest.raises(LockedError) as err:
            write_file(str(smcp), NEW, expected=loaded)
        assert str(sleeper.pid) in err.value.message and str(lock) in err.value.message + err.value.hint
        assert lock.read_text() == f"{sleeper.pid}\n"  # not ours to remove
        assert smcp.read_bytes() == ORIGINAL
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.parametrize("content", ["pid", "zombie", "empty"])
def test_stale_lock_is_recovered(smcp: Path, content: str) -> None:
    loaded = read_file(str(smcp))
    lock = Path(f"{smcp}.lock")
    zombie = None
    if content == "zombie":  # killed but not yet reaped by its parent: kill(pid, 0) still succeeds
        if not Path("/proc/self/stat").exists():
            pytest.skip("zombies are told apart through /proc (Linux)")
        zombie = subprocess.Popen(["true"])
        while Path(f"/proc/{zombie.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            time.sleep(0.01)
    lock.write_text("" if content == "empty" else f"{zombie.pid if zombie else dead_pid()}\n")
    if content == "empty":  # a writer killed between creating the lock and writing its pid, long ago
        os.utime(lock, (time.time() - 60, time.time() - 60))
    orphan = smcp.parent / f".{smcp.name}.abcd1234.tmp"  # the dead writer's half-written temp file
    orphan.write_bytes(b"half")
    try:
        write_file(str(smcp), NEW, expected=loaded)
    finally:
        if zombie:
            zombie.wait()
    assert smcp.read_bytes() == NEW and leftovers(smcp.parent) == []


def test_fresh_empty_lock_is_not_broken(smcp: Path) -> None:
    # A writer that has just created its lock but not yet written its pid must not lose it.
    loaded = read_file(str(smcp))
    lock = Path(f"{smcp}.lock")
    lock.write_text("")
    finisher = threading.Timer(0.3, lambda: lock.write_text(f"{os.getpid()}\n"))
    finisher.start()
    try:
        with pytest.raises(LockedError):
            write_file(str(smcp), NEW, expected=loaded)
    finally:
        finisher.join()
    assert smcp.read_bytes() == ORIGINAL and lock.exists()


def test_second_writer_is_refused_while_writing(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real_fsync = os.fsync

    def fsync_then_compete(fd: int) -> None:
        if not seen:  # in the middle of our write: the lock names us, and a second writer must wait
            seen.append(Path(f"{smcp}.lock").read_text())
            with pytest.raises(LockedError) as err:
                write_file(str(smcp), b"second writer\n", expected=read_file(str(smcp)))
            seen.append(err.value)
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", fsync_then_compete)
    write_file(str(smcp), NEW, expected=read_file(str(smcp)))
    assert seen[0] == f"{os.getpid()}\n" and str(os.getpid()) in seen[1].message
    assert smcp.read_bytes() == NEW and leftovers(smcp.parent) == []


def test_lock_is_released_after_a_refusal(smcp: Path) -> None:
    loaded = read_file(str(smcp))
    smcp.write_bytes(b"theirs\n")
    with pytest.raises(ChangedOnDiskError):
        write_file(str(smcp), NEW, expected=loaded)
    loaded = read_file(str(smcp))
    write_file(str(smcp), NEW, expected=loaded)  # would raise LockedError if our own lock had stayed
    assert smcp.read_bytes() == NEW


def test_hard_linked_file_is_refused(tmp_path: Path, smcp: Path) -> None:
    other = tmp_path / "other-name.yaml"
    os.link(smcp, other)
    with pytest.raises(WriteError, match="hard link") as err:
        write_file(str(smcp), NEW, expected=read_file(str(smcp)))
    assert err.value.hint
    assert smcp.read_bytes() == ORIGINAL and other.read_bytes() == ORIGINAL
    assert smcp.stat().st_ino == other.stat().st_ino and leftovers(tmp_path) == []


# ---------------------------------------------------------------- write_file: failures leave the original intact

def test_real_write_failure_file_size_limit(smcp: Path) -> None:
    result = run_child("fsize", str(smcp), str(64 * 1024), str(1024 * 1024))
    assert result["error"] == "WriteError", result
    assert "File too large" in result["message"] and result["hint"]
    assert smcp.read_bytes() == ORIGINAL and leftovers(smcp.parent) == []


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC, errno.EROFS])
def test_fsync_failure(smcp: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    loaded = read_file(str(smcp))

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(WriteError) as err:
        write_file(str(smcp), NEW, expected=loaded)
    assert os.strerror(code) in err.value.message and err.value.path == str(smcp) and err.value.hint
    assert smcp.read_bytes() == ORIGINAL and leftovers(smcp.parent) == []


def test_replace_failure(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = read_file(str(smcp))

    def failing_replace(src, dst) -> None:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WriteError, match=os.strerror(errno.EBUSY)):
        write_file(str(smcp), NEW, expected=loaded)
    assert smcp.read_bytes() == ORIGINAL and leftovers(smcp.parent) == []


def test_read_only_directory_via_mkstemp(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = read_file(str(smcp))

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    monkeypatch.setattr(tempfile, "mkstemp", denied)  # root ignores directory permissions
    with pytest.raises(WriteError, match="Permission denied") as err:
        write_file(str(smcp), NEW, expected=loaded)
    assert str(smcp.parent) in err.value.hint
    assert smcp.read_bytes() == ORIGINAL and leftovers(smcp.parent) == []


def test_read_only_directory_via_open(smcp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = read_file(str(smcp))
    real_open = os.open

    def no_create(path, flags, *a, **k):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, *a, **k)
    monkeypatch.setattr(os, "open", no_create)
    with pytest.raises(WriteError, match="Permission denied"):
        write_file(str(smcp), NEW, expected=loaded)
    assert smcp.read_bytes() == ORIGINAL and leftovers(smcp.parent) == []


def _nobody_exists() -> bool:
    try:
        pwd.getpwnam("nobody")
        return True
    except KeyError:
        return False


@pytest.mark.skipif(os.geteuid() != 0 or not _nobody_exists(), reason="needs root to switch to the user nobody")
def test_read_only_directory_as_a_real_user() -> None:
    base = Path(tempfile.mkdtemp(prefix="smfed-safe-files-"))  # pytest's tmp_path is 0700, closed to nobody
    try:
        base.chmod(0o755)
        writable, readonly = base / "rw", base / "ro"
        for directory, mode in ((writable, 0o777), (readonly, 0o555)):
            directory.mkdir()
            (directory / "smcp.yaml").write_bytes(ORIGINAL)
            (directory / "smcp.yaml").chmod(0o666)  # the file is writable by anyone; only the directory differs
            directory.chmod(mode)
        # Control: the same child succeeds where the directory lets it, so the failure below is the directory's.
        assert run_child("nobody", str(writable / "smcp.yaml")) == {"ok": str(writable / "smcp.yaml")}
        result = run_child("nobody", str(readonly / "smcp.yaml"))
        assert result["error"] == "WriteError" and "Permission denied" in result["message"], result
        assert str(readonly) in result["hint"]
        assert (readonly / "smcp.yaml").read_bytes() == ORIGINAL and leftovers(readonly) == []
    finally:
        shutil.rmtree(base)


def test_sigkill_during_writes_leaves_old_or_new(tmp_path: Path) -> None:
    size = 5 * 1024 * 1024
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * size)
    rng = random.Random(20240611)
    stale_locks = 0
    for _ in range(12):
        child = subprocess.Popen([sys.executable, str(CHILD), "loop", str(path), str(size)],
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0, 0.1))  # one write takes some 15 ms here: kills land at all its steps
        finally:
            child.kill()
            child.wait()  # reaped, so its pid is really gone (a zombie would still look alive)
        data = path.read_bytes()
        assert data in (b"a" * size, b"b" * size), "a torn or truncated file after SIGKILL"
        stale_locks += os.path.exists(f"{path}.lock")
        write_file(str(path), b"a" * size, expected=read_file(str(path), max_bytes=size))
        assert leftovers(tmp_path) == []
    assert stale_locks > 0  # the kills did hit writes in progress, so recovery was exercised


def test_module_imports_no_ui_library() -> None:
    code = "import sys, smfed_tui.safe_files; print(sorted({'textual', 'questionary'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert out.stdout.strip() == "[]"
