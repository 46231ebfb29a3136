"""Runs smfed_tui.safe_files in a separate process for tests that need one (limits, another user, SIGKILL).

    safe_files_child.py fsize PATH LIMIT NBYTES  rewrite PATH with NBYTES bytes under RLIMIT_FSIZE=LIMIT
    safe_files_child.py nobody PATH              read then rewrite PATH as the user `nobody`
    safe_files_child.py loop PATH SIZE           prints "ready", then rewrites PATH forever, alternating a/b

The one-shot modes print one JSON line: {"ok": real_path} or {"error": class name, "message", "hint"}.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smfed_tui.errors import SmfedError  # noqa: E402
from smfed_tui.safe_files import read_file, write_file  # noqa: E402


def rewrite(path: str, data: bytes) -> dict:
    try:
        loaded = read_file(path, max_bytes=len(data) + (1 << 20))
        return {"ok": write_file(path, data, expected=loaded)}
    except SmfedError as exc:
        return {"error": type(exc).__name__, "message": exc.message, "hint": exc.hint}


def main(mode: str, path: str, *args: str) -> None:
    if mode == "fsize":
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
        limit = int(args[0])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        print(json.dumps(rewrite(path, b"x" * int(args[1]))), flush=True)
    elif mode == "nobody":
        import pwd
        user = pwd.getpwnam("nobody")
        # Everything is imported above: after this, the interpreter's own files (under /root) are out of reach.
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
        print(json.dumps(rewrite(path, b"written by nobody\n")), flush=True)
    elif mode == "loop":
        size = int(args[0])
        contents = [b"a" * size, b"b" * size]
        print("ready", flush=True)
        turn = 0
        while True:
            turn ^= 1
            loaded = read_file(path, max_bytes=size + 1)
            write_file(path, contents[turn], expected=loaded)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:])
