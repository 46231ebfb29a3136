"""Apply from the wizard (Write/Apply step, ctrl+r) with the real kubectl against the loopback stand-in API
server (tests/kube_standin.py, started by the `kube` fixture of tests/kube_fixtures.py): the server-side
diff shown and confirmed, a field-manager conflict explained with `--force-conflicts` sent only after the
user asked, success with the cluster's answer and the command to watch, failures shown as the core words
them. Pilot tests assert what kubectl sent; the pictures are `TestApply` in test_tui_snapshots.py.

The stand-in listens on a random port, so its URL is the one thing on screen that changes from run to
run: the snapshots show the target with the server address normalised (`stable_server`); every request
still goes to the stand-in through the real kubectl.
"""
from __future__ import annotations

import pytest

from helpers.apply_app import (app_for, cluster, confirm_shown, done, modal, operator_owned,  # noqa: F401
                               status, wait_until, wizard)   # (cluster: a fixture)
from helpers.pilot import FIXTURES, make_app, type_into
from kube_fixtures import CONTEXT, OTHER_CONTEXT, kube  # noqa: F401  (kube is a fixture)
from kube_standin import KubeStandIn

SIZE = (120, 36)
SMCP_PATH = "/apis/maistra.io/v2/namespaces/red-mesh-system/servicemeshcontrolplanes/red-mesh"


def patches(server: KubeStandIn) -> list:
    return server.requests_for("PATCH", "/servicemeshcontrolplanes/")


# --- flows ------------------------------------------------------------------------------------------------

async def test_diff_confirm_apply_and_watch(red_mesh, cluster):
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await confirm_shown(pilot)
        diff = modal(app).diff
        assert "+++ merged/" in diff and "+  name: red-mesh" in diff and "+  version: v2.2" in diff
        assert "context standin-ctx · cluster standin" in status(app) and cluster.url in status(app)
        assert cluster.get("red-mesh-system", "red-mesh") is None          # the diff persisted nothing
        await pilot.press("y")
        await done(pilot, "serverside-applied")
        assert "kubectl get smcp -n red-mesh-system --context standin-ctx" in status(app)
        await pilot.press("ctrl+r")                                        # again: nothing left to do
        await done(pilot, "nothing to apply")
    live = cluster.get("red-mesh-system", "red-mesh")
    assert live["spec"]["version"] == "v2.2"
    sent = patches(cluster)
    assert all(r.query["fieldManager"] == "smfed-wizard" and r.query["force"] == "false" for r in sent)
    assert all(r.headers["content-type"].startswith("application/apply-patch+yaml") for r in sent)
    assert [r.query.get("dryRun") for r in sent] == ["All", None, "All"]   # diff, apply, diff
    assert red_mesh.read_text() == (FIXTURES / "red-mesh.yaml").read_text()   # applying does not write


async def test_cancel_at_the_confirmation_changes_nothing(red_mesh, cluster):
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await confirm_shown(pilot)
        await pilot.press("n")
        await done(pilot, "Not applied.")
    assert cluster.get("red-mesh-system", "red-mesh") is None
    assert [r.query.get("dryRun") for r in patches(cluster)] == ["All"]


async def test_conflict_is_explained_and_force_only_when_asked(red_mesh, cluster):
    cluster.seed(operator_owned("v2.5"), manager="istio-operator")
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await confirm_shown(pilot)
        body = str(modal(app).query_one(".modal-body").render())
        assert "managed by another field manager" in body and ".spec.version" in body and "istio-operator" in body
        # offered as a button, in words: the wizard's messages name no CLI flag (issue: first use)
        assert "taking these fields over" in body and "--force-conflicts" not in body
        await pilot.press("n")                                             # not taken
        await wait_until(pilot, lambda: not wizard(app).step_widget("write").busy, "the flow to end")
        assert "istio-operator" in status(app)
        assert all(r.query["force"] == "false" for r in patches(cluster))
        assert cluster.get("red-mesh-system", "red-mesh")["spec"]["version"] == "v2.5"
        await pilot.press("ctrl+r")
        await confirm_shown(pilot)
        await pilot.press("y")                                             # force: diff again, forced
        await wait_until(pilot, lambda: modal(app) is not None and "Apply to the cluster?" in str(
            modal(app).query_one(".modal-title").render()), "the apply confirmation")
        assert "-  version: v2.5" in modal(app).diff and "+  version: v2.2" in modal(app).diff
        await pilot.press("y")
        await done(pilot, "serverside-applied")
    forced = [r for r in patches(cluster) if r.query.get("force") == "true"]
    assert [r.query.get("dryRun") for r in forced] == ["All", None]        # the forced diff, the forced apply
    assert cluster.get("red-mesh-system", "red-mesh")["spec"]["version"] == "v2.2"


async def test_enter_on_the_conflict_question_does_not_force(red_mesh, cluster):
    """Taking over another manager's fields is the risky answer: the focused button is Cancel."""
    cluster.seed(operator_owned("v2.5"), manager="istio-operator")
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await confirm_shown(pilot)
        # the dialog focuses its button in its own on_mount, a moment after it becomes the screen
        await wait_until(pilot, lambda: app.focused is not None, "the dialog's focus")
        assert app.focused.id == "no"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not wizard(app).step_widget("write").busy, "the flow to end")
    assert all(r.query["force"] == "false" for r in patches(cluster))
    assert cluster.get("red-mesh-system", "red-mesh")["spec"]["version"] == "v2.5"


async def test_errors_block_apply_before_any_client_runs(red_mesh, cluster):
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "namespace", "")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: modal(app) is not None, "why nothing is applied")
        assert "Errors to fix first" in str(modal(app).title_content)   # said, not a dead key
        await pilot.press("n")
        await pilot.pause(0.2)
    assert cluster.requests == []


@pytest.mark.parametrize("mode, words", [
    ("webhook", ['admission webhook "smcp.validation.maistra.io"', "cannot define additional gateway"]),
    ("forbidden", ['user "developer" may not patch servicemeshcontrolplanes.maistra.io', "oc auth can-i"]),
    ("unauthorized", ["not logged in", "oc login"]),
    ("crd-missing", ["Service Mesh operator installed"]),
])
async def test_failures_are_shown_as_the_core_words_them(red_mesh, cluster, mode, words):
    cluster.script(mode)
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "✗" in status(app), "the error")
        assert modal(app) is None
        shown = status(app)
    for word in words:
        assert word in shown
    assert cluster.get("red-mesh-system", "red-mesh") is None


async def test_the_outcome_is_brought_into_view_at_80x24(red_mesh, cluster):
    """At 80x24 the apply status is below the fold: ctrl+r seemed to do nothing (seen in tmux)."""
    cluster.script("unauthorized")
    app = app_for(red_mesh, cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "✗" in status(app), "the error")
        shown = wizard(app).query_one("#apply-status")
        column = shown.parent
        await wait_until(pilot, lambda: column.region.y <= shown.region.y < column.region.bottom,
                         f"the status in view ({shown.region} in {column.region})", timeout=10)


async def test_the_context_given_on_the_command_line_is_the_one_applied_to(red_mesh, cluster):
    """`smfed-wizard --context elsewhere FILE`: the Apply step targets that context, not the current one
    (the stand-in is the current context and hears nothing), and the commands to paste carry it."""
    app = make_app(red_mesh)
    app.kubectl, app.context = cluster.kubectl, OTHER_CONTEXT
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "✗" in status(app), "the error")
        shown = status(app)
        commands = wizard(app).query_one("#apply-command-lines").text
    assert "cannot reach the cluster at http://127.0.0.1:" in shown and cluster.url not in shown
    assert cluster.requests == []
    assert f"--context={OTHER_CONTEXT}" in commands and "--kubectl=kubectl" in commands
