"""`smfed-wizard migrate` on the guide's own scenario: east imports
httpbin from namespaces a and b of west, a as httpbin.a.svc.west-mesh-imports.local, b importAsLocal.
The fixtures (tests/fixtures/migrate/guide) are `oc get -o yaml` output, Lists included."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from smfed_tui import crd_schema
from smfed_tui.cli import main
from smfed_tui.migrate.artifacts import merge_patch
from smfed_tui.migrate.build import migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source

GUIDE = Path(__file__).resolve().parent / "fixtures" / "migrate" / "guide"
ROOTS = Path(__file__).resolve().parent / "fixtures" / "migrate" / "roots"


def guide(**choices):
    return migrate([load_source(str(GUIDE / "east")), load_source(str(GUIDE / "west"))], Choices(**choices))


def docs(migration, file: str) -> list[dict]:
    found = [a for a in migration.artifacts if a.file == file]
    assert found, f"no {file} among {[a.file for a in migration.artifacts]}"
    return list(found[0].documents)


def by_kind(documents, kind: str) -> list[dict]:
    return [d for d in documents if d["kind"] == kind]


@pytest.fixture(scope="module")
def plan():
    return guide(clients={"east-mesh": "client/curl"}, addresses={"west-mesh": "203.0.113.50"})


def test_meshes_are_paired_by_trust_domain_though_both_are_basic_in_istio_system(plan):
    assert [(m.label, m.namespace, m.name, m.trust_domain) for m in plan.meshes] == [
        ("east-mesh", "istio-system", "basic", "east.local"), ("west-mesh", "istio-system", "basic", "west.local")]
    assert plan.refusals == []


def test_imported_services_are_the_status_join(plan):
    assert [(i.hostname, i.namespace, i.name, i.import_as_local, i.service_accounts) for i in plan.imports] == [
        ("httpbin.a.svc.west-mesh-imports.local", "a", "httpbin", False, ("httpbin",)),
        ("httpbin.b.svc.cluster.local", "b", "httpbin", True, ("httpbin",))]


def test_smcp_patch_sets_aliases_network_discovery_and_network_policy(plan):
    east = docs(plan, "east-mesh/1-smcp-merge-patch.json")[0]["spec"]
    west = docs(plan, "west-mesh/1-smcp-merge-patch.json")[0]["spec"]
    assert east["techPreview"]["meshConfig"]["trustDomainAliases"] == ["west.local"]
    assert west["techPreview"]["meshConfig"]["trustDomainAliases"] == ["east.local"]
    assert east["runtime"]["components"]["pilot"]["container"]["env"] == {"PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API": "true"}
    assert (east["cluster"]["network"], west["cluster"]["network"]) == ("network-east-mesh", "network-west-mesh")
    assert east["security"] == {"manageNetworkPolicy": False}


def test_rollback_patch_puts_the_original_smcp_back(plan):
    original = yaml.safe_load((GUIDE / "east" / "smcp.yaml").read_text())
    patched = merge_patch(original, docs(plan, "east-mesh/1-smcp-merge-patch.json")[0])
    assert patched != original
    assert merge_patch(patched, docs(plan, "east-mesh/1-smcp-merge-patch.rollback.json")[0]) == original


def test_exporting_side(plan):
    namespace, eastwest, allow, alias = docs(plan, "west-mesh/2-export.yaml")
    assert namespace == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "istio-ingress"}}
    assert eastwest["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert eastwest["metadata"]["labels"] == {"topology.istio.io/network": "network-west-mesh"}  # the exporter's own network
    assert eastwest["spec"]["listeners"][0]["tls"]["options"] == {"gateway.istio.io/listener-protocol": "auto-passthrough"}
    assert eastwest["spec"]["listeners"][0]["hostname"] == "fake-hostname-to-block-all-by-default"
    assert allow["spec"]["selector"] == {"istio.io/gateway-name": "eastwestgateway"}
    # the hosts the importer uses, not the *-exports.local names
    assert allow["spec"]["servers"][0]["hosts"] == ["httpbin.a.svc.west-mesh-imports.local", "httpbin.b.svc.cluster.local"]
    # an alias only for the host west does not have (b is imported under its own cluster.local name)
    assert alias["metadata"] == {"name": "httpbin-a-svc-east-mesh-exports-local", "namespace": "a"}
    assert alias["spec"]["hosts"] == ["httpbin.a.svc.west-mesh-imports.local"]
    assert alias["spec"]["ports"] == [{"number": 8000, "name": "http", "protocol": "HTTP", "targetPort": 8080}]
    assert alias["spec"]["workloadSelector"] == {"labels": {"app": "httpbin"}}


def test_importing_side(plan):
    remote, = docs(plan, "east-mesh/3-remote-gateways.yaml")
    assert remote["apiVersion"] == "gateway.networking.k8s.io/v1beta1"
    assert remote["metadata"] == {"name": "remote-gateway-west-mesh", "namespace": "istio-system",
                                  "labels": {"topology.istio.io/network": remote["metadata"]["labels"][
                                      "topology.istio.io/network"]}}
    assert remote["spec"]["gatewayClassName"] == "istio-remote"
    assert remote["spec"]["addresses"] == [{"type": "IPAddress", "value": "203.0.113.50"}]
    network = remote["metadata"]["labels"]["topology.istio.io/network"]
    assert network not in ("network-west-mesh", "network-east-mesh")   # never network-<peer>, never the local one
    entries = docs(plan, "east-mesh/3-import.yaml")
    services, workloads = by_kind(entries, "ServiceEntry"), by_kind(entries, "WorkloadEntry")
    assert [s["spec"]["hosts"] for s in services] == [["httpbin.a.svc.west-mesh-imports.local"],
                                                      ["httpbin.b.svc.cluster.local"]]
    assert [s["spec"]["subjectAltNames"] for s in services] == [["spiffe://west.local/ns/a/sa/httpbin"],
                                                                ["spiffe://west.local/ns/b/sa/httpbin"]]
    for se, we in zip(services, workloads):
        assert se["metadata"]["namespace"] == we["metadata"]["namespace"] == "istio-system"
        assert se["spec"]["ports"] == [{"number": 8000, "name": "http", "protocol": "HTTP"}]   # the exporter's port
        assert se["spec"]["exportTo"] == ["*"]          # mesh-wide, as 2.x
        assert se["spec"]["resolution"] == "STATIC" and se["spec"]["location"] == "MESH_INTERNAL"
        assert we["spec"] == {"network": network}       # no address: istiod takes it from the istio-remote Gateway
        assert we["metadata"]["name"] == se["metadata"]["name"] + "-west-mesh"
        assert se["spec"]["workloadSelector"]["labels"].items() <= we["metadata"]["labels"].items()
        assert we["metadata"]["labels"]["security.istio.io/tlsMode"] == "istio"


def test_hostname_address_is_typed_hostname():
    remote, = docs(guide(addresses={"west-mesh": "a1b2.elb.us-east-1.amazonaws.com"}), "east-mesh/3-remote-gateways.yaml")
    assert remote["spec"]["addresses"] == [{"type": "Hostname", "value": "a1b2.elb.us-east-1.amazonaws.com"}]


def test_ossm3_resources(plan):
    istio, = docs(plan, "east-mesh/6-istio.yaml")
    spec = istio["spec"]
    assert (spec["namespace"], spec["version"], spec["updateStrategy"]) == (
        "istio-system", "v1.24-latest", {"type": "RevisionBased"})
    mesh_config = spec["values"]["meshConfig"]
    assert mesh_config["trustDomain"] == "east.local" and mesh_config["trustDomainAliases"] == ["west.local"]
    assert mesh_config["caCertificates"] == [{"pem": (ROOTS / "west-root.pem").read_text()}]   # the peer's root
    assert mesh_config["accessLogFile"] == "/dev/stdout"
    assert mesh_config["defaultConfig"]["proxyMetadata"] == {"ISTIO_META_DNS_CAPTURE": "true", "PROXY_CONFIG_XDS_AGENT": "true"}
    assert spec["values"]["pilot"]["env"] == {"ISTIO_MULTIROOT_MESH": "true", "PILOT_ENABLE_IP_AUTOALLOCATE": "true"}
    assert spec["values"]["global"] == {"network": "network-east-mesh"}
    namespace, cni = docs(plan, "west-mesh/6-istio-cni.yaml")
    assert cni["spec"] == {"version": "v1.24-latest", "namespace": "istio-cni"} and namespace["metadata"]["name"] == "istio-cni"


def test_gateway_removal_is_targeted_by_name(plan):
    ops, = docs(plan, "east-mesh/5-remove-federation-gateways.json")
    assert ops == [{"op": "remove", "path": "/spec/gateways/additionalIngress/federation-ingress"},
                   {"op": "remove", "path": "/spec/gateways/additionalEgress/federation-egress"}]
    back, = docs(plan, "east-mesh/5-remove-federation-gateways.rollback.json")
    assert [op["op"] for op in back] == ["add", "add"] and back[0]["value"]["service"]["type"] == "LoadBalancer"


def test_every_written_object_is_valid_against_the_crds(plan):
    checked = 0
    for artifact in plan.artifacts:
        if artifact.format == "json-patch":
            continue
        objects = list(artifact.documents)
        if artifact.format == "merge-patch":
            objects = [merge_patch(plan.meshes[artifact.mesh].smcp.obj, objects[0])]
        for obj in objects:
            if crd_schema.has_schema(obj["apiVersion"], obj["kind"]):
                checked += 1
            assert crd_schema.validate(obj) == [], (artifact.file, obj["kind"])
    assert checked >= 17


def test_address_placeholder_is_refused_by_the_schema_until_filled_in():
    remote, = docs(guide(), "east-mesh/3-remote-gateways.yaml")
    problems = crd_schema.validate(remote)
    assert [p.where for p in problems] == ["spec.addresses[0]"] and not problems[0].pruned


def steps_of(plan, **match):
    return [s for s in plan.steps if all(getattr(s, k) == v for k, v in match.items())]


def test_plan_order(plan):
    steps = plan.steps
    assert [s.n for s in steps] == list(range(1, len(steps) + 1))
    changing = [s for s in steps if s.action not in ("verify", "wait")]
    assert changing[0].action == "patch" and changing[1].action == "patch"   # the SMCP patches come first
    assert {changing[0].mesh, changing[1].mesh} == {"east-mesh", "west-mesh"}
    export = steps_of(plan, phase="export", action="apply")[0]
    assert export.mesh == "west-mesh" and export.n < steps_of(plan, phase="import", action="apply")[0].n
    deletes = steps_of(plan, action="delete")
    for step in deletes:
        assert steps[step.n - 2].action == "verify", step   # a gate right before every deletion
    federation = [s.command.split()[2:4] for s in deletes if s.phase == "remove-federation"]
    assert federation == [["importedserviceset", "west-mesh"], ["exportedserviceset", "east-mesh"],
                          ["servicemeshpeer", "west-mesh"], ["servicemeshpeer", "east-mesh"]]
    last_federation = max(s.n for s in steps if s.phase in ("remove-federation", "remove-federation-gateways"))
    install = steps_of(plan, phase="install-ossm3")
    assert install and min(s.n for s in install) > last_federation   # OSSM 3 after federation is gone
    restart = steps_of(plan, phase="import", action="restart")
    assert [s.command for s in restart] == ["oc rollout restart deployment -n client"]


def test_pause_for_the_east_west_address_without_it():
    plan = guide()
    pause = [s for s in plan.steps if s.phase == "export" and "loadBalancer" in s.command]
    assert len(pause) == 1 and pause[0].action == "wait"
    assert "eastwestgateway-istio" in pause[0].command and "--address west-mesh=ADDRESS" in pause[0].command
    assert pause[0].files == ("east-mesh/3-remote-gateways.yaml",)


def test_irreversible_steps_are_marked_and_separated(plan):
    irreversible = [s for s in plan.steps if not s.reversible]
    assert {(s.phase, s.action) for s in irreversible} == {("remove-federation-gateways", "patch"), ("cleanup", "delete")}
    runbook = plan.runbook()
    banner = runbook.index("Point of no return")
    assert runbook.index("## Phase 4") < banner < runbook.index("## Phase 5")
    assert "Irreversible steps: " + ", ".join(str(s.n) for s in irreversible) in runbook
    for phase in json.loads(plan.files()["plan.json"])["phases"]:
        assert phase["rollback"]


def test_plan_json_shape(plan):
    data = json.loads(plan.files()["plan.json"])
    assert set(data["steps"][0]) == {"n", "phase", "mesh", "action", "command", "files", "reversible", "why"}
    assert {s["action"] for s in data["steps"]} <= {"patch", "apply", "delete", "restart", "relabel", "verify", "wait"}
    assert "east-mesh/3-import.yaml" in data["written"] and "RUNBOOK.md" in data["written"]


def test_cli_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "migration"
    code = main(["migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(out), "--client", "east-mesh=client/curl"])
    assert code == 0, capsys.readouterr().err
    plan = json.loads((out / "plan.json").read_text())
    for name in plan["written"]:
        assert (out / name).is_file(), name
    runbook = (out / "RUNBOOK.md").read_text()
    assert "httpbin.b.svc.cluster.local" in runbook and "SMF331" in runbook   # the importAsLocal assumption is said
    for step in plan["steps"]:
        for file in step["files"]:
            assert (out / file).is_file() or file.endswith("0-backup.yaml"), file


def test_korean_runbook_and_english_plan(tmp_path, capsys):
    out = tmp_path / "ko"
    assert main(["--lang", "ko", "migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "작성함" in err and "경고 SMF331" in err
    runbook = (out / "RUNBOOK.md").read_text()
    assert runbook.startswith("# 페더레이션을 OpenShift Service Mesh 3으로 마이그레이션")
    assert "되돌릴 수 없는 지점입니다." in runbook and "## 0단계:" in runbook
    plan = json.loads((out / "plan.json").read_text())
    assert plan["steps"][0]["why"].startswith("expect v2.6 True")     # machines read plan.json: English
    assert plan["phases"][0]["title"] == "Check the prerequisites and save the federation resources"
