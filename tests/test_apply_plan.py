"""The core apply plan (smfed_tui/apply_plan.py), with the real kubectl against the loopback stand-in:
nothing that changes the cluster is sent before the confirm callback says yes, and the plan shows
where it goes and what the server says would change."""
from __future__ import annotations

from kube_fixtures import CONTEXT, kube  # noqa: F401  (kube is a fixture)
from kube_standin import KubeStandIn
from smfed_tui.apply_plan import APPLIED, DECLINED, NOT_NEEDED, carry_out, plan_apply
from smfed_tui.edit import generate_text
from smfed_tui.model import Mesh

SMCP = generate_text(Mesh.new("basic"))   # ServiceMeshControlPlane basic in basic-system


def changes(server: KubeStandIn) -> list:
    """PATCH requests that are not a dry run: the ones that change the cluster."""
    return [p for p in server.requests_for("PATCH", "/servicemeshcontrolplanes/") if "dryRun" not in p.query]


def test_nothing_changes_the_cluster_until_confirm_says_yes(kube: KubeStandIn) -> None:
    kube.namespaces.add("basic-system")
    seen = []
    plan = plan_apply(SMCP, kubectl=kube.kubectl, on_target=seen.append)
    assert seen == [plan.target] and plan.target.context == CONTEXT and plan.target.namespace == "basic-system"
    assert plan.needed and "+  version: v2.6" in plan.diff.diff and changes(kube) == []
    asked = []
    assert carry_out(plan, lambda shown: asked.append(shown) or False) == (DECLINED, None)
    assert asked == [plan] and changes(kube) == [] and kube.get("basic-system", "basic") is None
    outcome, result = carry_out(plan, lambda shown: True)
    assert outcome == APPLIED and result.output.endswith("serverside-applied") and len(changes(kube)) == 1
    again = plan_apply(SMCP, kubectl=kube.kubectl)
    assert not again.needed
    assert carry_out(again, lambda shown: (_ for _ in ()).throw(AssertionError("asked"))) == (NOT_NEEDED, None)


def test_a_dry_run_is_not_asked_and_changes_nothing(kube: KubeStandIn) -> None:
    kube.namespaces.add("basic-system")
    plan = plan_apply(SMCP, kubectl=kube.kubectl)
    outcome, result = carry_out(plan, lambda shown: (_ for _ in ()).throw(AssertionError("asked")), dry_run=True)
    assert outcome == APPLIED and result.dry_run and changes(kube) == []
