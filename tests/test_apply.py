"""smfed_tui.apply and the `apply` subcommand, run with the real kubectl against the loopback stand-in
(tests/kube_standin.py): what kubectl actually sent, and what the user sees."""
from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from kube_fixtures import CONTEXT, OTHER_CONTEXT, kube  # noqa: F401  (kube is a fixture)
from kube_standin import WEBHOOK_DENIAL, KubeStandIn
from smfed_tui import apply as kube_apply
from smfed_tui.apply import (FIELD_MANAGER, Target, build_argv, classify_failure, describe_target, find_binary,
                             parse_conflicts, server_side_apply, server_side_diff, timeout_seconds)
from smfed_tui.errors import (ApplyError, CrdMissing, FieldManagerConflict, Forbidden, InputError, KubectlNotFound,
                              NotLoggedIn, Unreachable, UsageError, WebhookRejected, format_error)

from helpers.apply_smcp import APPLY_TYPE, SMCP, SMCP_PATH, operator_owned, patches, target_for


# -- argv: pure ----------------------------------------------------------------------------------------------------

def test_build_argv_diff_and_apply_exactly() -> None:
    assert build_argv("oc", "diff", context="admin", namespace="istio-system") == [
        "oc", "diff", "--server-side", "--field-manager=smfed-wizard", "-f", "-", "--request-timeout=20s",
        "--context=admin", "--namespace=istio-system"]
    assert build_argv("oc", "apply", namespace="istio-system", timeout="5s") == [
        "oc", "apply", "--server-side", "--field-manager=smfed-wizard", "--validate=strict", "-f", "-",
        "--request-timeout=5s", "--namespace=istio-system"]
    dry = build_argv("kubectl", "apply", namespace="ns", dry_run=True)
    assert "--dry-run=server" in dry and "--force-conflicts" not in dry
    assert "--force-conflicts" in build_argv("kubectl", "apply", namespace="ns", force_conflicts=True)
    assert "--force-conflicts" in build_argv("kubectl", "diff", namespace="ns", force_conflicts=True)
    assert not any(a.startswith("--dry-run") for a in build_argv("kubectl", "apply", namespace="ns"))
    assert build_argv("oc", "config-view", context="c") == [
        "oc", "config", "view", "--minify", "--output=json", "--context=c"]


def test_names_and_values_starting_with_dash_never_become_separate_argv_elements() -> None:
    target = Target(binary="kubectl", context="--kubeconfig=/etc/evil", cluster=None, server=None, user=None,
                    namespace="-n", name="--force-conflicts")
    for action in ("diff", "apply"):
        argv = build_argv(target.binary, action, context=target.context, namespace=target.namespace)
        assert target.name not in argv                    # the object's name goes through stdin only
        assert "--force-conflicts" not in argv
        assert "-n" not in argv and "--kubeconfig=/etc/evil" not in argv
        assert "--context=--kubeconfig=/etc/evil" in argv and "--namespace=-n" in argv
        assert argv[argv.index("-f") + 1] == "-"          # the manifest: stdin


def test_timeout_values() -> None:
    assert timeout_seconds("20s") == 20 and timeout_seconds("1m30s") == 90 and timeout_seconds("15") == 15
    assert timeout_seconds("500ms") == 0.5
    for bad in ("0", "0s", "soon", "", "-1s", "20 s"):
        with pytest.raises(UsageError):
            timeout_seconds(bad)


# -- classify_failure: pure, on the text kubectl 1.37 prints -------------------------------------------------

CONFLICT_ONE = """error: Apply failed with 1 conflict: conflict with "istio-operator" using maistra.io/v2: .spec.version
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
"""
CONFLICT_MANY = """W1126 01:58:19.911916    3601 diff.go:723] Object (maistra.io/v2, Kind=ServiceMeshControlPlane: op) \
keeps changing, diffing without lock
Error from server (Conflict): Apply failed with 3 conflicts: conflicts with "istio-operator" using maistra.io/v2:
- .spec.tracing.type
- .spec.version
conflicts with "kubectl-edit" using maistra.io/v2 at 2025-01-02T03:04:05Z:
- .spec.gateways.ingress.enabled
"""


@pytest.mark.parametrize("stderr, kind, words", [
    ("error: You must be logged in to the server (Unauthorized)\n", NotLoggedIn, ["not logged in", "oc login"]),
    ('error: error validating "STDIN": error validating data: failed to download openapi: the server has asked for '
     "the client to provide credentials; if you choose to ignore these errors, turn validation off with "
     "--validate=false\n", NotLoggedIn, ["oc login"]),
    ('Error from server (Forbidden): servicemeshcontrolplanes.maistra.io "basic" is forbidden: User "developer" '
     'cannot patch resource "servicemeshcontrolplanes" in API group "maistra.io" in the namespace "istio-system"\n',
     Forbidden, ['"developer"', "patch servicemeshcontrolplanes.maistra.io", '"istio-system"', "oc auth can-i"]),
    ('error: resource mapping not found for name: "basic" namespace: "istio-system" from "STDIN": no matches for kind '
     '"ServiceMeshControlPlane" in version "maistra.io/v2"\nensure CRDs are installed first\n', CrdMissing,
     ["Service Mesh operator installed"]),
    ('error: the server doesn\'t have a resource type "smcp"\n', CrdMissing, ["operator installed"]),
    ("Error from server (NotFound): the server could not find the requested resource\n", CrdMissing, ["maistra.io/v2"]),
    (f"Error from server (BadRequest): {WEBHOOK_DENIAL}\n", WebhookRejected,
     ['smcp.validation.maistra.io', 'cannot define additional gateway named "istio-ingressgateway"']),
    ("Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)\n",
     Unreachable, ["request timeout", "--request-timeout"]),
    ('error: unable to recognize "STDIN": Get "https://api.c1.example:6443/api?timeout=5s": context deadline '
     "exceeded\n", Unreachable, ["https://api.c1.example:6443", "request timeout"]),
    ('error: unable to recognize "STDIN": Get "http://127.0.0.1:9/api?timeout=5s": dial tcp 127.0.0.1:9: connect: '
     "connection refused\n", Unreachable, ["http://127.0.0.1:9", "refused"]),
    ('Get "https://api.x:6443/api": dial tcp 10.0.0.1:6443: i/o timeout\n', Unreachable, ["request timeout"]),
    ('Get "https://nonexistent.invalid:6443/api?timeout=5s": dial tcp: lookup nonexistent.invalid: no such host\n',
     Unreachable, ["does not resolve"]),
    ('Error from server (NotFound): namespaces "nope" not found\n', ApplyError, ['"nope" does not exist',
                                                                               "oc new-project nope"]),
    ('error: failed to run "diff": executable file not found in $PATH\n', ApplyError, ["diffutils"]),
])
def test_classify_failure(stderr: str, kind: type, words: list[str]) -> None:
    err = classify_failure(1, stderr)
    assert type(err) is kind
    shown = format_error(err)
    for word in words:
        assert word in shown
    assert err.stderr == stderr and err.exit_code == 1


def test_classify_failure_conflicts_list_managers_and_fields() -> None:
    err = classify_failure(1, CONFLICT_ONE)
    assert isinstance(err, FieldManagerConflict)
    assert err.conflicts == [("istio-operator", ".spec.version")]
    assert "--force-conflicts takes ownership" in format_error(err)
    many = classify_failure(2, CONFLICT_MANY)
    assert many.conflicts == [("istio-operator", ".spec.tracing.type"), ("istio-operator", ".spec.version"),
                              ("kubectl-edit", ".spec.gateways.ingress.enabled")]
    assert parse_conflicts('conflict with "smfed\\"x": .spec.a') == [('smfed"x', ".spec.a")]


def test_classify_failure_keeps_unknown_errors_verbatim() -> None:
    text = 'Error from server (Invalid): strict decoding error: unknown field "spec.vesion"\n'
    err = classify_failure(1, text)
    assert type(err) is ApplyError and 'unknown field "spec.vesion"' in err.message
    assert type(classify_failure(127, "")) is KubectlNotFound
    assert "exit status 3" in classify_failure(3, "").message


# -- the binary ------------------------------------------------------------------------------------------------

def _fake_executable(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\nexit 99\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_find_binary_prefers_oc_then_kubectl_and_explains_when_missing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(KubectlNotFound) as missing:
        find_binary()
    assert "--kubectl" in format_error(missing.value)
    kubectl = _fake_executable(bin_dir, "kubectl")
    assert find_binary() == str(kubectl)
    oc = _fake_executable(bin_dir, "oc")
    assert find_binary() == str(oc)
    assert find_binary("kubectl") == str(kubectl) and find_binary(str(kubectl)) == str(kubectl)
    with pytest.raises(KubectlNotFound):
        find_binary(str(tmp_path / "no" / "kubectl"))
    with pytest.raises(KubectlNotFound):
        find_binary("not-a-kubectl")


def test_missing_binary_at_run_time_is_kubectl_not_found(tmp_path: Path) -> None:
    target = Target(binary=str(tmp_path / "gone" / "oc"), context=None, cluster=None, server=None, user=None,
                    namespace="istio-system", name="basic")
    with pytest.raises(KubectlNotFound):
        server_side_diff(target, SMCP)
    with pytest.raises(KubectlNotFound):
        server_side_apply(target, SMCP)


# -- the target -----------------------------------------------------------------------------------------------

def test_describe_target_names_context_cluster_server_user_namespace(kube: KubeStandIn) -> None:
    target = target_for(kube)
    assert target == Target(binary=kube.kubectl, context=CONTEXT, cluster="standin", server=kube.url,
                            user="tester", namespace="istio-system", name="basic")
    no_ns = SMCP.replace("  namespace: istio-system\n", "")
    assert target_for(kube, no_ns).namespace == "istio-system"                 # the context's
    assert target_for(kube, no_ns, namespace="mesh-a").namespace == "mesh-a"   # --namespace
    other = target_for(kube, no_ns, context=OTHER_CONTEXT)
    assert (other.context, other.cluster, other.user, other.namespace) == (OTHER_CONTEXT, "nowhere", "someone",
                                                                           "mesh-two")
    with pytest.raises(UsageError, match="--namespace"):
        target_for(kube, namespace="other")                                     # the file says istio-system
    with pytest.raises(UsageError, match="no context 'nope'"):
        target_for(kube, context="nope")
    assert kube.requests == []                                                  # nothing sent to the cluster


def test_describe_target_without_current_context_says_log_in(kube: KubeStandIn, tmp_path: Path) -> None:
    empty = tmp_path / "empty-kubeconfig"
    empty.write_text("apiVersion: v1\nkind: Config\n")
    with pytest.raises(NotLoggedIn) as err:
        describe_target(kube.kubectl, SMCP, kubeconfig_env=str(empty))
    assert "oc login" in format_error(err.value)
    assert describe_target(kube.kubectl, SMCP.replace("  namespace: istio-system\n", ""),
                           kubeconfig_env=kube.kubeconfig).namespace == "istio-system"


def test_describe_target_refuses_a_manifest_that_is_not_one_smcp(kube: KubeStandIn) -> None:
    for bad in ("kind: ConfigMap\nmetadata: {name: x}\n", "kind: ServiceMeshControlPlane\nmetadata: {}\n", "a: [\n"):
        with pytest.raises(InputError):
            target_for(kube, bad)


# -- diff and apply against the stand-in ---------------------------------------------------------------------

def test_diff_without_live_object_shows_changes_and_persists_nothing(kube: KubeStandIn) -> None:
    result = server_side_diff(target_for(kube), SMCP)
    assert result.changed
    assert "+  version: v2.6" in result.diff and "+kind: ServiceMeshControlPlane" in result.diff
    assert "--- live/" in result.diff and "LIVE-" not in result.diff and "/tmp" not in result.diff
    (patch,) = patches(kube)
    assert patch.path == SMCP_PATH
    assert patch.query["fieldManager"] == FIELD_MANAGER and patch.query["dryRun"] == "All"
    assert patch.query["force"] == "false" and patch.query["timeout"] == "20s"
    assert patch.headers["content-type"] == APPLY_TYPE
    assert patch.json()["spec"] == {"version": "v2.6", "tracing": {"type": "None"}}
    assert kube.get("istio-system", "basic") is None


def test_apply_creates_then_the_next_diff_has_no_change(kube: KubeStandIn) -> None:
    target = target_for(kube)
    result = server_side_apply(target, SMCP)
    assert result.output == "servicemeshcontrolplane.maistra.io/basic serverside-applied"
    assert not result.dry_run
    assert result.watch_command[-6:] == ["get", "smcp", "-n", "istio-system", "--context", CONTEXT]
    (patch,) = patches(kube)
    assert patch.query["fieldManager"] == FIELD_MANAGER and patch.query["fieldValidation"] == "Strict"
    assert "dryRun" not in patch.query and patch.query["force"] == "false"
    assert patch.headers["content-type"] == APPLY_TYPE
    live = kube.get("istio-system", "basic")
    assert live["spec"]["version"] == "v2.6"
    assert [m["manager"] for m in live["metadata"]["managedFields"]] == [FIELD_MANAGER]
    again = server_side_diff(target, SMCP)
    assert again == kube_apply.DiffResult(changed=False, diff="")
    changed = server_side_diff(target, SMCP.replace("v2.6", "v2.5"))
    assert changed.changed and "-  version: v2.6" in changed.diff and "+  version: v2.5" in changed.diff


def test_dry_run_does_not_persist(kube: KubeStandIn) -> None:
    target = target_for(kube)
    result = server_side_apply(target, SMCP, dry_run=True)
    assert result.dry_run and result.output.endswith("(server dry run)")
    (patch,) = patches(kube)
    assert patch.query["dryRun"] == "All" and patch.query["fieldManager"] == FIELD_MANAGER
    assert kube.get("istio-system", "basic") is None
    assert server_side_diff(target, SMCP).changed


def test_forbidden_names_verb_and_resource(kube: KubeStandIn) -> None:
    target = target_for(kube)
    kube.script("forbidden", verb="patch")
    with pytest.raises(Forbidden) as err:
        server_side_apply(target, SMCP)
    assert (err.value.verb, err.value.resource) == ("patch", "servicemeshcontrolplanes.maistra.io")
    assert 'may not patch servicemeshcontrolplanes.maistra.io in namespace "istio-system"' in err.value.message
    kube.script("forbidden", verb="get")
    with pytest.raises(Forbidden) as err:
        server_side_diff(target, SMCP)
    assert err.value.verb == "get"


@pytest.mark.parametrize("mode, kind, words", [
    ("unauthorized", NotLoggedIn, "fix: log in with `oc login"),
    ("crd-missing", CrdMissing, "is the Service Mesh operator installed?"),
])
def test_not_logged_in_and_crd_missing_say_what_to_do(kube: KubeStandIn, mode: str, kind: type, words: str) -> None:
    target = target_for(kube)
    kube.script(mode)
    for call in (server_side_diff, server_side_apply):
        with pytest.raises(kind) as err:
            call(target, SMCP)
        assert words in format_error(err.value)
    assert kube.get("istio-system", "basic") is None


def test_webhook_rejection_shows_the_operators_message(kube: KubeStandIn) -> None:
    target = target_for(kube)
    kube.script("webhook")
    with pytest.raises(WebhookRejected) as err:
        server_side_apply(target, SMCP)
    assert err.value.webhook == "smcp.validation.maistra.io"
    assert err.value.reason == 'cannot define additional gateway named "istio-ingressgateway"'
    assert err.value.reason in format_error(err.value)
    assert kube.get("istio-system", "basic") is None


def test_conflict_lists_manager_and_field_and_force_takes_ownership(kube: KubeStandIn) -> None:
    kube.seed(operator_owned(version="v2.5"), manager="istio-operator")
    target = target_for(kube)
    with pytest.raises(FieldManagerConflict) as err:
        server_side_apply(target, SMCP)
    assert err.value.conflicts == [("istio-operator", ".spec.version")]
    shown = format_error(err.value)
    assert "istio-operator" in shown and ".spec.version" in shown and "--force-conflicts" in shown
    assert all(p.query["force"] == "false" for p in patches(kube))
    assert kube.get("istio-system", "basic")["spec"]["version"] == "v2.5"
    result = server_side_apply(target, SMCP, force_conflicts=True)
    assert result.output.endswith("serverside-applied")
    assert patches(kube)[-1].query["force"] == "true"
    live = kube.get("istio-system", "basic")
    assert live["spec"]["version"] == "v2.6"
    owners = {m["manager"]: m["fieldsV1"] for m in live["metadata"]["managedFields"]}
    assert "f:version" in owners[FIELD_MANAGER]["f:spec"]


def test_diff_reports_every_conflict(kube: KubeStandIn) -> None:
    kube.seed(operator_owned(version="v2.5", tracing="Jaeger"), manager="istio-operator")
    target = target_for(kube)
    with pytest.raises(FieldManagerConflict) as err:
        server_side_diff(target, SMCP)
    assert err.value.conflicts == [("istio-operator", ".spec.tracing.type"), ("istio-operator", ".spec.version")]
    forced = server_side_diff(target, SMCP, force_conflicts=True)
    assert forced.changed and "+    type: None" in forced.diff
    assert kube.get("istio-system", "basic")["spec"]["version"] == "v2.5"


def test_slow_server_times_out_quickly_as_unreachable(kube: KubeStandIn) -> None:
    target = target_for(kube)
    kube.script("slow", delay=30)
    started = time.monotonic()
    with pytest.raises(Unreachable) as err:
        server_side_diff(target, SMCP, timeout="1s")
    assert time.monotonic() - started < 10
    assert "--request-timeout" in format_error(err.value)
    assert {r.query.get("timeout") for r in kube.requests} == {"1s"}


def test_refused_connection_is_unreachable(kube: KubeStandIn) -> None:
    target = target_for(kube, context=OTHER_CONTEXT)
    with pytest.raises(Unreachable) as err:
        server_side_diff(target, SMCP)
    assert "refused" in err.value.message
    assert kube.requests == []


def test_a_name_starting_with_dash_reaches_the_server_as_a_name(kube: KubeStandIn) -> None:
    manifest = SMCP.replace("name: basic", "name: --force-conflicts")
    server_side_diff(target_for(kube, manifest), manifest)
    (patch,) = patches(kube)
    assert patch.path.endswith("/servicemeshcontrolplanes/--force-conflicts")
    assert patch.query["force"] == "false"
