"""The errors the core raises towards a user: each carries one clear message, where, and how to fix.

Every front end (CLI, TUI, plain prompts) shows these with `format_error`; none of them ever shows a
traceback. `exit_code` is one of `exit_codes`: unusable input or usage, or a conflict.
"""
from __future__ import annotations

from .exit_codes import EXIT_FINDINGS, EXIT_UNUSABLE
from .i18n import _


class SmfedError(Exception):
    """A failure a user can act on. Never raised for programming errors."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line        # 1-based, like compilers and editors
        self.column = column    # 1-based
        self.hint = hint

    def location(self) -> str:
        # no file involved (a bad flag, no terminal): name the program, as argparse does
        parts = [self.path or "smfed-wizard"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class InputError(SmfedError):
    """The input file (or flag value) cannot be used: not read, not parsed, not an SMCP."""


class UsageError(SmfedError):
    """Wrong or missing command-line arguments."""


class WriteError(SmfedError):
    """The file could not be written; the original is untouched."""


class ChangedOnDiskError(WriteError):
    """The file changed on disk after it was loaded; overwriting would lose someone's work."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, current: bytes, **kw) -> None:
        super().__init__(message, **kw)
        self.current = current


class LockedError(WriteError):
    """Another writer holds the lock file."""

    exit_code = EXIT_FINDINGS


def format_error(err: SmfedError) -> str:
    """`file:line:col: error: message` then the fix, the way compilers print it."""
    text = _("{location}: error: {message}").format(location=err.location(), message=err.message)
    if err.hint:
        text += "\n  " + fix_line(err.hint)
    return text


def fix_line(hint: str) -> str:
    """`fix: <hint>`, the line under a message that says what to do (callers indent it)."""
    return _("fix: {hint}").format(hint=hint)


class ApplyError(SmfedError):
    """Applying to the cluster failed. `stderr` keeps what oc/kubectl printed, verbatim, for a details view."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, stderr: str = "", **kw) -> None:
        super().__init__(message, **kw)
        self.stderr = stderr


class KubectlNotFound(ApplyError):
    """Neither `oc` nor `kubectl` (nor the binary the user named) can be run."""


class NotLoggedIn(ApplyError):
    """401 Unauthorized, or no current context: the user must log in first."""


class Forbidden(ApplyError):
    """403: the user may not do `verb` on `resource`."""

    def __init__(self, message: str, *, verb: str | None = None, resource: str | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.verb = verb
        self.resource = resource


class Unreachable(ApplyError):
    """The API server did not answer: refused, unresolvable, TLS failure or timeout."""


class CrdMissing(ApplyError):
    """The cluster does not serve ServiceMeshControlPlane: the Service Mesh operator is not installed."""


class WebhookRejected(ApplyError):
    """An admission webhook (the Service Mesh operator's) denied the object; `reason` is its message."""

    def __init__(self, message: str, *, webhook: str | None = None, reason: str | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.webhook = webhook
        self.reason = reason


class FieldManagerConflict(ApplyError):
    """Server-side apply conflicts: fields another field manager owns, as (manager, field path) pairs."""

    def __init__(self, message: str, *, conflicts: list[tuple[str, str]], **kw) -> None:
        super().__init__(message, **kw)
        self.conflicts = conflicts
