"""The file side of a wizard run: the text against the file on disk (changed lines, diffs), what
blocks a write, and writing. Part of `session.Session` (this class is one of its bases).
"""
from __future__ import annotations

import os
import shlex
from typing import Callable

from .errors import InputError
from .findings import Finding
from .i18n import _
from .line_diff import change_summary, decoded, diff_counts, line_changes, unified_diff
from .checks.smcp import check_source
from .reader import read_mesh
from .safe_files import file_changed, read_file
from .source import parse
from .write_plan import BLOCKED, WRITTEN, WritePlan, blocking_errors, carry_out, plan_write


class SessionFile:
    """The file-facing half of a Session (see there for the attributes it uses)."""

    # --- the text against the file on disk ---------------------------------------------------------

    @property
    def original_text(self) -> str:
        return self.source.text if self.source is not None else ""

    def changed_lines(self) -> set[int]:
        """1-based line numbers of the new text that differ from the file on disk (for a new file:
        from the defaults it started with). Cheap on every keystroke: the common head and tail are
        skipped before difflib sees the rest."""
        return self._line_changes()[0]

    def removed_line_count(self) -> int:
        """Lines of the file on disk (a new file: of its defaults) that are gone without a line in
        their place (a removed peer's gateways): not in `changed_lines`, which numbers new lines."""
        return self._line_changes()[1]

    def change_summary(self) -> str:
        """'3 lines changed', '27 lines removed', '3 lines changed · 27 removed', or '' for none."""
        return change_summary(len(self.changed_lines()), self.removed_line_count())

    def _line_changes(self) -> tuple[set[int], int]:
        # valid for one text against one baseline (the baseline changes after a write)
        memo = self._line_memo
        if memo is None or memo[0] is not self.text or memo[1] is not self.baseline_text:
            if self._baseline_split is None or self._baseline_split[0] is not self.baseline_text:
                self._baseline_split = (self.baseline_text, self.baseline_text.split("\n"))
            memo = self._line_memo = (self.text, self.baseline_text,
                                      line_changes(self._baseline_split[1], self.text))
        return memo[2]

    def diff_against(self, data: bytes) -> str:
        """Unified diff from `data` (e.g. the file as it is on disk now) to our result."""
        name = os.path.basename(self.path or "new.yaml")
        return unified_diff(decoded(data), self.text, fromfile=f"on disk/{name}", tofile=f"wizard/{name}")

    def diff_stats(self) -> tuple[int, int]:
        """(lines added, lines removed) against the file on disk (a new file: all added)."""
        return diff_counts(self.diff())

    def diff(self) -> str:
        """Unified diff from the file on disk to the result, headed with the file's base name."""
        name = os.path.basename(self.path) if self.path else "new.yaml"
        return unified_diff(self.original_text, self.text, fromfile=f"a/{name}", tofile=f"b/{name}")

    def has_unwritten_changes(self) -> bool:
        """Whether quitting now loses work: the result differs from the file on disk (a new file: from
        the defaults it started with), or a field holds text that is no value yet."""
        return self.text != self.baseline_text or bool(self.invalid_inputs)

    def is_unchanged(self) -> bool:
        return self.loaded is not None and self.output_bytes() == self.loaded.data

    def changed_on_disk(self) -> bytes | None:
        """The file's current bytes when someone changed it since we loaded it, else None."""
        if self.loaded is None:
            if self.path and os.path.lexists(self.path):
                return read_file(self.path).data
            return None
        return file_changed(self.loaded)

    # --- what is written ---------------------------------------------------------------------------

    def output_bytes(self) -> bytes:
        return self.source.encode(self.text) if self.source is not None else self.text.encode("utf-8")

    def manifest(self) -> str:
        """The SMCP document alone, as `apply` sends it (other documents of the file stay out)."""
        return parse(self.output_bytes(), self.path or "<new>", trusted=True, smcp=self.smcp_choice).smcp_text()

    def suggested_path(self) -> str:
        """The name offered for a new file when the wizard started without one."""
        return f"{self.mesh.name}.yaml"

    def new_path_problem(self, path: str, *, edit_command: str = "smfed-wizard") -> str | None:
        """Why the new file cannot be written at `path`, chosen when the wizard started without a
        FILE (None: it can). An existing file is never replaced from here: it is opened to be edited
        (`edit_command`: how, in the mode the user is in)."""
        path = path.strip()
        if not path:
            return _("a file name is required")
        if os.path.isdir(path):
            return _("{path} is a directory: name a file").format(path=path)
        if os.path.lexists(path):
            return _("{path} already exists: give another name, or quit and edit it with `{command}`").format(
                path=path, command=f"{edit_command} {shlex.quote(path)}")
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            return _("the directory {directory} does not exist").format(directory=parent)
        return None

    # --- what blocks a write, and writing ----------------------------------------------------------

    @property
    def can_write(self) -> bool:
        """Whether writing may go ahead: nothing blocks it by `write_plan`'s one rule."""
        return not self.invalid_inputs and not self.blocking_errors()

    def blocking_errors(self) -> list[Finding]:
        """The errors that block writing (`write_plan.blocking_errors`: those the edit introduces or
        leaves on a line it changed; for a new file, all)."""
        return self._memo.get("blocking", lambda: blocking_errors(self.findings_before(), self.findings,
                                                                  self.changed_lines()))

    def findings_before(self) -> list[Finding] | None:
        """The findings of the file as loaded (None: a new file)."""
        if self.source is None:
            return None
        if self._findings_before is None:
            self._findings_before = check_source(self.source, self.options)
        return self._findings_before

    def write_plan(self) -> WritePlan:
        """What writing now would do (`write_plan.WritePlan`): the front-ends show it and confirm."""
        return plan_write(self.path, self.output_bytes(), self.loaded, old_text=self.original_text, new_text=self.text,
                          before=self.findings_before(), after=self.findings, changed_lines=self.changed_lines(),
                          invalid_fields=len(self.invalid_inputs))

    def write(self, confirm: Callable[[WritePlan], bool] = lambda plan: True, *, backup: bool = False) -> str:
        """Carry out `write_plan()` if `confirm(plan)` says yes; returns the real path written, '' when
        nothing was (no change, or declined). Raises InputError when something blocks the write, the
        safe writer's ChangedOnDiskError / WriteError; the file untouched."""
        plan = self.write_plan()
        outcome, real = carry_out(plan, confirm, backup=backup)
        if outcome == BLOCKED:
            raise InputError(plan.why_blocked(), hint=_("fix the fields the Review step lists, then write again"))
        if outcome != WRITTEN:
            return ""
        # after writing, the file on disk is the new baseline
        self.loaded = read_file(self.path)
        self.source = parse(self.loaded.data, self.path, smcp=self.smcp_choice)
        self.original = read_mesh(self.source)
        self.mesh = self.original
        self.invalid_inputs.clear()
        self._findings_before = None
        self.refresh()
        self.baseline_text = self.original_text
        return real
