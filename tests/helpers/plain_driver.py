"""Driving plain mode in tests: the keys a user types (Enter takes the prefilled default, Ctrl-U clears
it, a digit picks that entry of a list) sent through a prompt_toolkit pipe, or to a real command on a
pseudo-terminal. The pipe is closed after the keys, so a flow that asks more than the test answers ends
(EOF, exit 130) instead of hanging."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from smfed_tui.plain import run_plain

ENTER, CLEAR, CTRL_C = "\r", "\x15", "\x03"
MESH_DEFAULTS = ENTER * 7          # name, namespace, version, trust domain, cluster name, network, pull policy
NEW_PEER_DEFAULTS = ENTER * 5      # egress, ingress, network view, egress label, ingress label
WRITE = ENTER + ENTER + "n"        # review: write; confirm the write; do not apply to a cluster


def drive(path, keys: str, **options) -> int:
    """Run the plain wizard on `path`, typing `keys` (`options`: run_plain's kubectl and context)."""
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()  # the typed keys stay readable; after them the prompt sees EOF
        with create_app_session(input=inp, output=DummyOutput()):
            return run_plain(str(path) if path is not None else None, **options)


def run_in_pty(argv: list[str], keys: list[str], env: dict, cwd: Path, *, seconds: float = 30) -> tuple[int, str]:
    """Run `argv` on a pseudo-terminal, sending each key chunk once the output has gone quiet."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("ACCESSIBLE", "NO_COLOR")}
    environment.update(env)
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=environment, cwd=cwd,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    out = b""
    pending = list(keys)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.4)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
                if b"\x1b[6n" in chunk:          # answer the cursor position request
                    os.write(master, b"\x1b[1;1R")
            elif pending:
                os.write(master, pending.pop(0).encode())
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=10), out.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
