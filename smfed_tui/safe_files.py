"""Reading input files with guards, and replacing them so that a failure never costs the user a byte.

`read_file` keeps what a later write needs to notice a concurrent change (hash and stat). `write_file`
does, in order: resolve symlinks, take `<real>.lock`, check the file
still has the bytes we loaded, write a temp file in the same directory, fsync, keep the mode and owner,
`os.replace`, fsync the directory. The original stays byte-for-byte intact on every failure path.
POSIX only. This module must not import any UI library.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass

from .errors import ChangedOnDiskError, InputError, LockedError, WriteError
from .i18n import N_, _

MAX_INPUT_BYTES = 1024 * 1024
LOCK_GRACE_SECONDS = 2.0  # how long a lock may stay empty (creator not yet done writing its pid)


@dataclass(frozen=True)
class LoadedFile:
    path: str            # as the user gave it
    real_path: str       # symlinks resolved (os.path.realpath)
    data: bytes          # exact bytes read
    sha256: str          # hex; what write_file compares against (mtime alone gives false alarms)
    size: int; mtime_ns: int; dev: int; ino: int; mode: int; nlink: int  # noqa: E702  (fstat at load)


def _read_regular(path: str, limit: int | None) -> tuple[bytes, os.stat_result]:
    """Bytes and fstat of a regular file; reads at most limit+1 bytes so an oversized file is caught cheaply."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise block until a writer shows up (a hang).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)  # fstat of the opened fd: no window between the check and the read
        if stat.S_ISDIR(st.st_mode):  # Linux lets O_RDONLY open a directory; reading it then fails
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegular()
        chunks, total = [], 0
        while limit is None or total <= limit:
            chunk = os.read(fd, (1 << 20) if limit is None else min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


class _NotRegular(Exception):
    """A FIFO, socket or device: never read (could block forever or have side effects)."""


def read_file(path: str, *, max_bytes: int = MAX_INPUT_BYTES) -> LoadedFile:
    """The file's bytes and identity; InputError (message, path, hint) for anything that is not a usable file."""
    hint_path = _("check the path (and that it names a file, not a directory)")
    try:
        data, st = _read_regular(path, max_bytes)
    except FileNotFoundError:
        raise InputError(_("file not found"), path=path, hint=hint_path) from None
    except IsADirectoryError:
        raise InputError(_("is a directory, not a file"), path=path, hint=hint_path) from None
    except PermissionError:
        raise InputError(_("permission denied while reading the file"), path=path,
                         hint=_("check the file's permissions (ls -l) or run as a user who may read it")) from None
    except _NotRegular:
        raise InputError(_("not a regular file (a FIFO, socket or device); refusing to read it"), path=path,
                         hint=_("save the YAML to a regular file and pass that path")) from None
    except OSError as exc:
        raise InputError(_("cannot read the file: {reason}").format(reason=exc.strerror or exc), path=path,
                         hint=hint_path) from None
    if len(data) > max_bytes:
        size = max(st.st_size, len(data))
        raise InputError(_("file is too large: {size} bytes, the limit is {limit} bytes ({kib} KiB)").format(
                             size=size, limit=max_bytes, kib=max_bytes // 1024),
                         path=path, hint=_("an SMCP is a few KiB; check that this is the right file"))
    return LoadedFile(path=path, real_path=os.path.realpath(path), data=data,
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data), mtime_ns=st.st_mtime_ns,
                      dev=st.st_dev, ino=st.st_ino, mode=st.st_mode, nlink=st.st_nlink)


def _current(real: str) -> tuple[bytes, os.stat_result] | None:
    """What is on disk now at `real`, or None when nothing is there."""
    try:
        return _read_regular(real, None)
    except FileNotFoundError:
        return None
    except _NotRegular:
        raise WriteError(_("the path is no longer a regular file"), path=real,
                         hint=_("something replaced it with a FIFO, socket or device; save elsewhere")) from None


def file_changed(loaded: LoadedFile) -> bytes | None:
    """The bytes now on disk if they differ from `loaded` (b"" when the file vanished), else None."""
    real = os.path.realpath(loaded.path)  # the same file write_file would compare against
    try:
        now = _current(real)
    except OSError as exc:
        raise _write_error(exc, real) from None
    current = b"" if now is None else now[0]
    return None if now is not None and hashlib.sha256(current).hexdigest() == loaded.sha256 else current


def _alive(pid: int) -> bool:
    if pid <= 0:  # kill(0) or kill(-n) would address process groups, not one process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    try:  # a zombie (killed, not yet reaped) holds nothing; Linux tells us via /proc
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _acquire_lock(lock: str, real: str) -> bool:
    """Create `lock` holding our pid; True if a stale lock of a dead writer had to be removed first."""
    recovered, deadline = False, time.monotonic() + LOCK_GRACE_SECONDS + 1
    while True:
        try:  # O_EXCL: creation fails if any other writer holds it; atomic on local filesystems
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        except FileExistsError:
            pass
        else:
            try:
                try:  # the pid lets the next writer tell a live holder from a dead one
                    os.write(fd, f"{os.getpid()}\n".encode())
                finally:
                    os.close(fd)
            except BaseException:  # e.g. ENOSPC: an empty lock would hold up the next writer
                os.unlink(lock)
                raise
            return recovered
        try:  # never follow a symlink or block on a FIFO planted there: either would loop or hang forever
            fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            continue  # released meanwhile: try again
        except OSError:  # ELOOP: a symlink
            fd = None
        try:
            st = os.fstat(fd) if fd is not None else None
            if st is None or not stat.S_ISREG(st.st_mode):
                raise LockedError(_("{lock} is in the way: it is not a lock file (a symlink, directory or special "
                                    "file)").format(lock=lock),
                                  path=real, hint=_("remove {lock} if nothing uses it").format(lock=lock))
            text = os.read(fd, 64).strip()
        finally:
            if fd is not None:
                os.close(fd)
        pid = int(text) if text.isdigit() else None
        if pid is not None and _alive(pid):
            raise LockedError(_("the file is being written by another process (pid {pid}, lock {lock})").format(
                                  pid=pid, lock=lock), path=real,
                              hint=_("wait for it to finish; if no such process is running, remove {lock}").format(
                                  lock=lock))
        if pid is None and time.time() - st.st_mtime < LOCK_GRACE_SECONDS:
            if time.monotonic() > deadline:  # an empty lock that keeps being renewed: someone else's tool
                raise LockedError(_("the file is locked by {lock}").format(lock=lock), path=real,
                                  hint=_("remove {lock} if nothing uses it").format(lock=lock))
            time.sleep(0.05)  # its creator may not have written its pid yet
            continue
        # Stale: its writer died (kill -9, power loss). Remove it only if it is still the lock we looked at,
        # so we do not delete a fresh lock another writer just took.
        with contextlib.suppress(FileNotFoundError):
            if os.lstat(lock).st_ino == st.st_ino:
                os.unlink(lock)
                recovered = True


def _umask() -> int:
    # Python 3.11 can only read the umask by setting it; /proc avoids that (thread-unsafe) swap.
    with contextlib.suppress(OSError, ValueError, StopIteration), open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("Umask:")).split()[1], 8)
    old = os.umask(0o022)
    os.umask(old)
    return old


# what to do about a failed write, by errno (message ids, translated and filled in by `_write_error`)
_DENIED = N_("you need to read the file and to create files in {dir} (the file is replaced by a new one made there)")
_HINTS = {
    errno.ENOSPC: N_("free some disk space, or save to another filesystem"),
    errno.EDQUOT: N_("your disk quota is exhausted; free space or save elsewhere"),
    errno.EROFS: N_("the filesystem is mounted read-only; save to a writable location"),
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EFBIG: N_("the file exceeds the size limit of this filesystem or process (ulimit -f)"),
    errno.ENOENT: N_("the directory {dir} does not exist; create it or choose another path"),
}


def _write_error(exc: OSError, real: str) -> WriteError:
    reason = exc.strerror or str(exc)
    hint = _(_HINTS.get(exc.errno, N_("fix the cause above and save again"))).format(dir=os.path.dirname(real))
    return WriteError(_("cannot write the file: {reason}; the original is unchanged").format(reason=reason), path=real,
                      hint=hint)


def _temp_copy(directory: str, base: str, data: bytes, st: os.stat_result | None) -> str:
    """A fully written, fsynced temp file next to the target, with the target's mode and owner; returns its path."""
    # Same directory: os.replace across filesystems fails (EXDEV). Hidden name so tools and globs skip it.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + base + ".", suffix=".tmp")
    closed = False
    try:
        if st is not None:
            try:  # chown first: chown clears setuid/setgid bits that chmod then restores
                os.fchown(fd, st.st_uid, st.st_gid)
            except PermissionError:  # only root may give a file away; keep ours rather than fail the save
                pass
        os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())  # mkstemp makes 0600
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)  # the data must be on disk before the rename makes it the file; else a crash leaves it empty
        closed = True
        os.close(fd)  # close can report a delayed write error (NFS): it is part of the write
        return tmp
    except BaseException:
        if not closed:
            os.close(fd)
        os.unlink(tmp)
        raise


_TEMP_NAME = re.compile(r"\.(?P<base>.+)\.[a-z0-9_]{8}\.tmp\Z")  # mkstemp: prefix + 8 random chars + suffix


def _remove_orphans(directory: str, base: str) -> None:
    """After a dead writer's lock: its half-written temp files can go (we hold the lock, no one else writes them)."""
    for name in os.listdir(directory):
        m = _TEMP_NAME.match(name)
        if m and m["base"] == base:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, name))


def write_file(path: str, data: bytes, *, expected: LoadedFile | None, backup: bool = False) -> str:
    """Replace the file at `path` by `data` atomically and return the real path written.

    `expected` is what the caller loaded (None: the file must not exist yet). Raises LockedError,
    ChangedOnDiskError (with `.current`) or WriteError; on every failure the original is untouched.
    """
    # Write through symlinks (keeping them): replacing the link itself would turn it into a plain file.
    real = os.path.realpath(path)
    directory, base = os.path.split(real)
    lock, locked, tmp = real + ".lock", False, None
    try:
        recovered = _acquire_lock(lock, real)
        locked = True
        if recovered:
            _remove_orphans(directory, base)
        # Someone (another editor, git checkout) may have changed the file since we read it: never clobber that.
        now = _current(real)
        if expected is None and now is not None:
            raise ChangedOnDiskError(_("a file appeared at this path after you started; not overwriting it"),
                                     current=now[0], path=real, hint=_("compare it with yours, then save again"))
        if expected is not None and (now is None or hashlib.sha256(now[0]).hexdigest() != expected.sha256):
            message = (_("the file was deleted since it was loaded; not overwriting it") if now is None else
                       _("the file changed on disk since it was loaded; not overwriting it"))
            raise ChangedOnDiskError(message,
                                     current=b"" if now is None else now[0], path=real,
                                     hint=_("review the difference, reload or save to another path"))
        st = None if now is None else now[1]
        if st is not None and st.st_nlink > 1:
            # A rename gives `real` a new inode; the other names would keep the old content, silently.
            raise WriteError(_("the file has {links} hard links; replacing it would detach the other names").format(
                                 links=st.st_nlink),
                             path=real, hint=_("save to another path, or break the link (cp file tmp && mv tmp file)"))
        if backup and now is not None:  # the previous version under `<real>~`, written as safely as the file
            tmp = _temp_copy(directory, base, now[0], st)
            os.replace(tmp, real + "~")
            tmp = None
        tmp = _temp_copy(directory, base, data, st)
        os.replace(tmp, real)  # atomic: readers see the old file or the new one, never a mix
        tmp = None
        # Make the rename itself durable. Not every filesystem can fsync a directory, and the file is
        # already replaced (an error now could not be undone), so a failure here is not reported.
        with contextlib.suppress(OSError):
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        return real
    except OSError as exc:
        raise _write_error(exc, real) from None
    finally:
        if tmp is not None:  # a temp file that did not become the file
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if locked:
            with contextlib.suppress(OSError):
                os.unlink(lock)
