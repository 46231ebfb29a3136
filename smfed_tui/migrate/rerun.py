"""The command line that makes this migration again, for the runbook's pause at the east-west address.

Built from the decisions as they were finally made (flags, plain-mode answers or the TUI form), not from
the flags alone: a re-run that forgot an answer would write artifacts with other network names than the
phase-1 patch already applied. Paths are absolute because the runbook is followed from DIR, not from
where the first run was started.
"""
from __future__ import annotations

import os
import shlex

from .decisions import (CNI_NAMESPACE, EASTWEST_NAME, EASTWEST_NAMESPACE, ISTIO_NAME, ISTIO_VERSION,
                        UPDATE_STRATEGIES, Choices)

LIVE_PREFIX = "context:"


def _path(text: str) -> str:
    return text if text.startswith(LIVE_PREFIX) else os.path.abspath(text)


def rerun_command(sources: list[str], output: str | None, choices: Choices) -> str:
    words = ["smfed-wizard", "migrate", *map(_path, sources), "-o", _path(output) if output else "DIR"]
    for flag, pairs in (("--network", choices.networks), ("--remote-network", choices.remote_networks),
                        ("--kube-context", choices.contexts), ("--client", choices.clients),
                        ("--address", choices.addresses)):
        words += [w for key, value in pairs.items() for w in (flag, f"{key}={value}")]
    words += [w for key, value in choices.export_to.items()
              for w in ("--export-to", f"{key}={value}" if key else value)]
    for flag, value, default in (("--eastwest-namespace", choices.eastwest_namespace, EASTWEST_NAMESPACE),
                                 ("--eastwest-name", choices.eastwest_name, EASTWEST_NAME),
                                 ("--istio-name", choices.istio_name, ISTIO_NAME),
                                 ("--istio-version", choices.istio_version, ISTIO_VERSION),
                                 ("--update-strategy", choices.update_strategy, UPDATE_STRATEGIES[0]),
                                 ("--cni-namespace", choices.cni_namespace, CNI_NAMESPACE)):
        if value != default:
            words += [flag, value]
    return shlex.join(words)
