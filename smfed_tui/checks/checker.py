"""How a check reports a finding: `Checker`, and the `Options` the checks take.

A check reports by its rule (a `findings.Rule` row, declared as a constant beside the check, e.g.
`smcp_ports.SMF040`), at a node of the parsed text, so every finding points at a file, a line and a
column, and carries the rule's fix unless the check gives a more precise one. The TUI, the plain
prompts and the CLI all report through here. The table of every rule is `rulebook`'s.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node

from ..findings import Finding, Rule
from ..model import DEFAULT_NODE_PORT_RANGE
from ..quoting import visible
from ..smcp_paths import path_text
from ..source import Source


@dataclass
class Options:
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE


@dataclass
class Checker:
    """Collects findings; `src` is the file a plain `report` is about (None when every report names its file)."""

    src: Source | None
    options: Options
    findings: list[Finding] = field(default_factory=list)

    def report(self, rule: Rule, node: Node | None, path: tuple | str, message: str, hint: str | None = None) -> None:
        self.report_in(self.src, rule, node, path, message, hint)

    def report_in(self, src: Source, rule: Rule, node: Node | None, path: tuple | str, message: str,
                  hint: str | None = None) -> None:
        """A finding in `src` (the federation checks read several files with one Checker)."""
        line = col = None
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        # visible(): a key from the file may hold control characters; every front end prints the path
        where = visible(path if isinstance(path, str) else path_text(path))
        self.findings.append(Finding(rule.code, rule.severity, where, line, col, message, hint or rule.fix, src.path))
