"""Writing the output folder: the artifacts, RUNBOOK.md and plan.json, each file atomically.

Running the migration again into the same folder is part of the procedure (the east-west address is
known only after phase 2), and by then the folder holds the user's backups (`<mesh>/0-backup.yaml`).
So a folder is written into only when it is new, empty, or holds an earlier plan.json of ours; files
of ours that the new run no longer writes are removed, nothing else is touched.
"""
from __future__ import annotations

import json
import os

from .. import safe_files
from ..errors import InputError, UsageError
from ..i18n import _

PLAN = "plan.json"
RUNBOOK = "RUNBOOK.md"
GENERATOR = "smfed-wizard migrate"


def _previous_files(directory: str) -> list[str] | None:
    """The files an earlier run wrote here, or None when the folder holds no plan of ours."""
    try:
        plan = json.loads(safe_files.read_file(os.path.join(directory, PLAN)).data)
    except (InputError, ValueError):
        return None
    if not isinstance(plan, dict) or plan.get("generator") != GENERATOR:
        return None
    return [f for f in plan.get("written", []) if isinstance(f, str)]


def check_output_dir(directory: str) -> list[str]:
    """The files of an earlier run there (to replace); UsageError when the folder cannot be used."""
    if not os.path.exists(directory):
        return []
    if not os.path.isdir(directory):
        raise UsageError(_("-o {dir}: not a directory").format(dir=directory), hint=_("give a new or empty folder"))
    if not os.listdir(directory):
        return []
    previous = _previous_files(directory)
    if previous is None:
        raise UsageError(_("-o {dir}: the folder holds other files and no plan.json of an earlier migration").format(
            dir=directory), hint=_("give a new or empty folder, or the folder of an earlier run to update it"))
    return previous


def _safe_relative(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts


def write_output(directory: str, files: dict[str, str]) -> list[str]:
    """Write `files` (relative path -> text) under `directory`; returns the paths written. plan.json
    (which lists them) is written last, so a folder with a plan.json holds a complete run."""
    previous = check_output_dir(directory)
    written = []
    for name, text in sorted(files.items(), key=lambda item: item[0] == PLAN):
        if not _safe_relative(name):
            raise ValueError(f"not a relative path inside the output: {name!r}")
        path = os.path.join(directory, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        expected = safe_files.read_file(path) if os.path.isfile(path) and name in previous + [PLAN, RUNBOOK] else None
        safe_files.write_file(path, text.encode("utf-8"), expected=expected)
        written.append(path)
    for name in previous:
        if name not in files and _safe_relative(name):
            try:
                os.unlink(os.path.join(directory, *name.split("/")))
            except OSError:
                pass    # already gone, or not ours to insist on
    return written
