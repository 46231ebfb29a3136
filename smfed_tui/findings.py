"""A finding: one thing the validator says about one place in one file."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .i18n import N_, Translated, _, ngettext

ERROR, WARNING, HINT = "error", "warning", "hint"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, HINT: 2}
SEVERITY_LABELS = {ERROR: N_("error"), WARNING: N_("warning"), HINT: N_("hint")}


def severity_label(severity: str) -> str:
    """The severity as a user reads it (the JSON output keeps the English word, as machines read it)."""
    return _(SEVERITY_LABELS.get(severity, severity))


@dataclass(frozen=True)
class Rule:
    """A rule's code and severity, and its title and fix as English message ids (shown translated): a row
    of the validator's (declared beside its check in checks/, all of them in checks/rulebook.py) or of
    status's table (status/codes.py)."""

    code: str
    severity: str
    title_msgid: str
    fix_msgid: str
    title = Translated("title_msgid")
    fix = Translated("fix_msgid")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str          # YAML path, e.g. spec.gateways.additionalIngress.ingress-green.service.ports[port=15443].nodePort
    line: int | None   # 1-based
    column: int | None  # 1-based
    message: str
    hint: str
    file: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        return {k: data[k] for k in ("file", "code", "severity", "path", "line", "column", "message", "hint")}

    def compiler_line(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {severity_label(self.severity)} {self.code} {self.message}"


def sort_key(f: Finding):
    """File order: by file, line and column (a compiler's order, for the CLI's output)."""
    return (f.file, f.line or 0, f.column or 0, SEVERITY_ORDER[f.severity], f.code)


def review_key(f: Finding):
    """Review order: every error before any warning, every warning before any hint; within one
    severity, file order. What the wizard's Review lists first is what blocks the write."""
    return (SEVERITY_ORDER[f.severity],) + sort_key(f)


def count(findings, severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def counts_text(errors: int, warnings: int, hints: int) -> str:
    """`2 errors, 1 warning, 0 hints` in the current language."""
    return _("{errors}, {warnings}, {hints}").format(
        errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        hints=ngettext("{n} hint", "{n} hints", hints).format(n=hints))
