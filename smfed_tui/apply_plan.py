"""What applying the SMCP to a cluster will do, decided once for every front-end: the plan (where it
goes, the server-side diff), and carrying it out after a `confirm` callback says yes.

`smfed-wizard apply`, plain mode and the wizard's Apply step each show the plan in their own way
and ask; none of them runs the client itself. Nothing is sent to change the cluster before
`confirm(plan)` returns True (the diff is a server-side dry run).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import apply as kube
from .findings import ERROR, Finding, review_key

APPLIED, NOT_NEEDED, DECLINED = "applied", "not-needed", "declined"   # outcomes, not words for a user


def apply_blockers(findings: list[Finding]) -> list[Finding]:
    """What keeps an SMCP from being applied: every error in it, old or new, errors first in file order.
    Stricter than a write (`write_plan`): apply sends the whole object, so the cluster would get them."""
    return sorted((f for f in findings if f.severity == ERROR), key=review_key)


@dataclass(frozen=True)
class ApplyPlan:
    manifest: str                 # the SMCP document as it is sent
    target: kube.Target           # client, context, cluster, user, namespace, name
    diff: kube.DiffResult         # what the server says would change
    force_conflicts: bool = False
    timeout: str = kube.DEFAULT_TIMEOUT

    @property
    def needed(self) -> bool:
        return self.diff.changed


def plan_apply(manifest: str, *, kubectl: str | None = None, context: str | None = None,
               namespace: str | None = None, timeout: str = kube.DEFAULT_TIMEOUT, force_conflicts: bool = False,
               on_target: Callable[[kube.Target], None] | None = None) -> ApplyPlan:
    """Find the client and the target (the kubeconfig only), then ask the server for the diff.
    `on_target(target)` is called in between, so a front-end can show where it goes while the
    server answers. Raises the client's errors (SmfedError subclasses), nothing changed."""
    binary = kube.find_binary(kubectl)
    target = kube.describe_target(binary, manifest, context=context, namespace=namespace)
    if on_target is not None:
        on_target(target)
    diff = kube.server_side_diff(target, manifest, timeout=timeout, force_conflicts=force_conflicts)
    return ApplyPlan(manifest, target, diff, force_conflicts, timeout)


def carry_out(plan: ApplyPlan, confirm: Callable[[ApplyPlan], bool], *,
              dry_run: bool = False) -> tuple[str, kube.ApplyResult | None]:
    """Apply the plan when there is something to apply and `confirm(plan)` says yes (a dry run is
    not asked: it changes nothing). Returns (APPLIED, the result), (NOT_NEEDED, None) or
    (DECLINED, None); raises the client's errors (a field-manager conflict included)."""
    if not plan.needed:
        return NOT_NEEDED, None
    if not dry_run and not confirm(plan):
        return DECLINED, None
    return APPLIED, kube.server_side_apply(plan.target, plan.manifest, dry_run=dry_run,
                                           force_conflicts=plan.force_conflicts, timeout=plan.timeout)
