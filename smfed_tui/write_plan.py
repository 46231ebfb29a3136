"""What writing a file will do, decided once for every front-end: the plan, and carrying it out.

A front-end (the wizard, plain mode, `smfed-wizard edit`) asks for a plan, shows it (where the bytes
go, what blocks them, the diff to confirm) and carries it out with a `confirm` callback; it decides
nothing itself.

The one rule for what blocks a write (README "What blocks a write"): an error blocks when the edit
introduces it (the file did not have it, by rule code and YAML path) or leaves it on a line the edit
changed (the user touched that value and it is still wrong). A field whose text is no value yet
blocks too. Errors the file already had elsewhere are reported and do not block: an administrator
fixing one gateway of a file written by someone else is not held hostage by the rest. A new file has
nothing before it: every error blocks. A save without a change never writes, so it never blocks.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from .errors import InputError
from .findings import ERROR, Finding
from .i18n import _, ngettext
from .line_diff import line_counts, unified_diff
from .safe_files import LoadedFile, file_changed, read_file, write_file

WRITTEN, UNCHANGED, DECLINED, BLOCKED = "written", "unchanged", "declined", "blocked"


def blocking_errors(before: list[Finding] | None, after: list[Finding], changed_lines: set[int]) -> list[Finding]:
    """The errors of `after` that block writing it (the module's rule). `before`: the findings of
    the file as loaded (None: a new file); `changed_lines`: 1-based lines of the new text that the
    edit changed."""
    errors = [f for f in after if f.severity == ERROR]
    if before is None:
        return errors
    known = {(f.code, f.path) for f in before if f.severity == ERROR}
    return [f for f in errors if (f.code, f.path) not in known or (f.line is not None and f.line in changed_lines)]


@dataclass(frozen=True)
class WritePlan:
    path: str | None              # where (None: no name yet; the front-end asks for one)
    data: bytes                   # exactly what is written
    expected: LoadedFile | None   # the file as loaded (None: a new file, which must not exist yet)
    diff: str                     # unified diff from the file on disk (empty for a new file)
    added: int
    removed: int
    blocking: tuple[Finding, ...] = ()   # errors that block (see the module's rule)
    invalid_fields: int = 0              # fields whose text is no value yet: they block too
    kept_errors: tuple[Finding, ...] = ()   # errors the file already had elsewhere: reported, not blocking

    @property
    def new_file(self) -> bool:
        return self.expected is None

    @property
    def unchanged(self) -> bool:
        return self.expected is not None and self.data == self.expected.data

    @property
    def blocked(self) -> bool:
        return bool(self.blocking) or self.invalid_fields > 0

    @property
    def blocker_count(self) -> int:
        return len(self.blocking) + self.invalid_fields

    def what(self, *, directory: bool = True) -> str:
        """One sentence: what the write does, where (`directory`: a new file's directory too; a panel
        that stays on screen names the file alone)."""
        if self.path is None:
            return _("No file name yet: writing asks for one.")
        name = os.path.basename(self.path)
        if self.new_file:
            lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") or not self.data else 1)
            if not directory:
                return ngettext("Create {file}: {count} line, {size} bytes.",
                                "Create {file}: {count} lines, {size} bytes.", lines).format(
                    file=name, count=lines, size=len(self.data))
            return ngettext("Create {file} in {directory}: {count} line, {size} bytes.",
                            "Create {file} in {directory}: {count} lines, {size} bytes.", lines).format(
                file=name, directory=os.path.dirname(os.path.abspath(self.path)), count=lines, size=len(self.data))
        if self.unchanged:
            return _("{file}: no changes; nothing is written.").format(file=name)
        return ngettext("Edit {file} in place: {added} line added, {removed} removed; every other byte stays "
                        "as it is.",
                        "Edit {file} in place: {added} lines added, {removed} removed; every other byte stays "
                        "as it is.", self.added).format(file=name, added=self.added, removed=self.removed)

    def why_blocked(self) -> str:
        """Why it cannot be written ('' when it can), with where to look."""
        if not self.blocked:
            return ""
        return ngettext("Not written: {count} error must be fixed first (the first: {first}).",
                        "Not written: {count} errors must be fixed first (the first: {first}).",
                        self.blocker_count).format(count=self.blocker_count, first=self.first_blocker())

    def first_blocker(self) -> str:
        """The first thing to fix: a field whose text is no value (the Review step lists those first),
        else the first blocking error."""
        if self.invalid_fields or not self.blocking:
            return _("a field holds text that is no value")
        f = self.blocking[0]
        return f"{f.code} {f.message}"

    def kept_note(self) -> str:
        """What the file already had and still has ('' when nothing)."""
        n = len(self.kept_errors)
        if not n:
            return ""
        return ngettext("The file already had {count} error in lines you did not change; it does not block writing.",
                        "The file already had {count} errors in lines you did not change; they do not block writing.",
                        n).format(count=n)


def plan_write(path: str | None, data: bytes, expected: LoadedFile | None, *, old_text: str, new_text: str,
               before: list[Finding] | None, after: list[Finding], changed_lines: set[int],
               invalid_fields: int = 0) -> WritePlan:
    """The plan for writing `data` (the text `new_text`) to `path` over `expected` (`old_text`)."""
    blocking = blocking_errors(before, after, changed_lines)
    kept = tuple(f for f in after if f.severity == ERROR and f not in blocking)
    name = os.path.basename(path) if path else "new.yaml"
    diff = "" if expected is None else unified_diff(old_text, new_text, fromfile=f"a/{name}", tofile=f"b/{name}")
    added, removed = line_counts(old_text, new_text) if expected is not None else (new_text.count("\n"), 0)
    return WritePlan(path, data, expected, diff, added, removed, tuple(blocking), invalid_fields, kept)


def on_disk_now(plan: WritePlan) -> bytes | None:
    """The file's bytes when someone changed it (or created it, for a new file) since the plan's
    file was loaded; None when the write can go ahead."""
    if plan.expected is None:
        if plan.path and os.path.lexists(plan.path):
            return read_file(plan.path).data
        return None
    return file_changed(plan.expected)


def carry_out(plan: WritePlan, confirm: Callable[[WritePlan], bool], *, backup: bool = False,
              allow_errors: bool = False) -> tuple[str, str]:
    """Write the plan if nothing blocks it and `confirm(plan)` says yes. Returns (outcome, real path
    written or ''): WRITTEN, UNCHANGED (nothing to write), DECLINED, BLOCKED. `allow_errors`: the
    CLI's deliberate override (`edit --allow-errors`), never offered interactively. Raises the safe
    writer's ChangedOnDiskError / WriteError, the file untouched."""
    if plan.path is None:
        raise InputError(_("no file name to write to"), hint=_("start the wizard with a FILE argument"))
    if plan.unchanged:
        return UNCHANGED, ""
    if plan.blocked and not allow_errors:
        return BLOCKED, ""
    if not confirm(plan):
        return DECLINED, ""
    return WRITTEN, write_file(plan.path, plan.data, expected=plan.expected, backup=backup)
