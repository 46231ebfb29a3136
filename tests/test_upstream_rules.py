"""The rules of the reference's "wrong or silent" list (what Maistra's code does), each with a case that
fires and a clean case that stays quiet; upstream's own samples validate clean; the tool's own defaults
draw no finding; every object generate, bundle and topology write meets the CRD schemas."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from smfed_tui import crd_schema
from smfed_tui.cli import main

UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
MESH1, MESH2 = UPSTREAM / "mesh1-smcp.yaml", UPSTREAM / "mesh2-smcp.yaml"
PEM = Path(__file__).parent / "fixtures" / "federation" / "green-root-cert.pem"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def validate(*files) -> tuple[int, list[dict]]:
    rc, out, _err = run("validate", "--format", "json", *map(str, files))
    return rc, json.loads(out)


@pytest.fixture
def upstream_pair(tmp_path) -> tuple[Path, Path, Path]:
    """Both samples and mesh1's peer resources for mesh2, as `bundle` writes them (with a real certificate)."""
    mesh1, mesh2 = tmp_path / "mesh1.yaml", tmp_path / "mesh2.yaml"
    mesh1.write_bytes(MESH1.read_bytes())
    mesh2.write_bytes(MESH2.read_bytes())
    rc, out, err = run("bundle", str(mesh1), "--peer-smcp", f"mesh2={mesh2}", "--federation-name", "mesh1",
                       "--peer-address", "mesh2=198.51.100.20", "--peer-ca", f"mesh2={PEM}")
    assert rc == 0, err
    federation = tmp_path / "mesh1-federation.yaml"
    federation.write_text(out)
    return mesh1, mesh2, federation


def codes(findings: list[dict], severity: str | None = None) -> list[str]:
    return [f["code"] for f in findings if severity is None or f["severity"] == severity]


def test_upstreams_samples_and_their_bundle_have_no_errors_or_warnings(upstream_pair):
    rc, findings = validate(*upstream_pair)
    assert rc == 0
    # peer-name labels, https-discovery on an egress, SMCP names that are not federation names: all fine;
    # only the samples' own choice to leave routeConfig to the operator is a hint
    assert set(codes(findings)) == {"SMF092"} and codes(findings, "error") == codes(findings, "warning") == []


def test_a_fresh_file_draws_no_finding_about_the_tools_own_defaults():
    rc, out, err = run("generate", "--name", "red-mesh", "--peer", "green-mesh", "--peer", "blue-mesh:service=NodePort,"
                       "tls-node-port=30510,discovery-node-port=32359")
    assert rc == 0 and err == ""
    assert yaml.safe_load(out)["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"]["routeConfig"] == {
        "enabled": False}


# --- network view vs ServiceMeshPeer name (SMF109) ------------------------------------------------------

def test_an_egress_view_without_the_peers_network_hides_its_endpoints(upstream_pair):
    mesh1, mesh2, federation = upstream_pair
    mesh1.write_text(mesh1.read_text().replace("- network-mesh2", "- mesh2-network"))
    rc, findings = validate(mesh1, mesh2, federation)
    [found] = [f for f in findings if f["code"] == "SMF109"]
    assert rc == 1 and found["severity"] == "error" and found["file"] == str(mesh1)
    assert found["path"] == "spec.gateways.additionalEgress.mesh2-egress.requestedNetworkView"
    assert found["line"] == 16 and "network network-mesh2" in found["message"]


def test_an_egress_without_a_view_sees_every_network(upstream_pair):
    mesh1, mesh2, federation = upstream_pair
    mesh1.write_text(mesh1.read_text().replace("        requestedNetworkView:\n        - network-mesh2\n", ""))
    rc, findings = validate(mesh1, mesh2, federation)
    assert "SMF109" not in codes(findings) and rc == 0


# --- ServiceMeshPeer values the federation controller cannot use -----------------------------------------

@pytest.mark.parametrize("old,new,code", [
    ("- 198.51.100.20", "- https://203.0.113.20:15443", "SMF113"),          # a URL never resolves
    ("- 198.51.100.20", "- 203.0.113.20:15443", "SMF113"),                  # nor does host:port
    ("trustDomain: mesh2.local", "trustDomain: mesh_2.local", "SMF103"),     # Istio's ValidateTrustDomain
    ("kind: ServiceMeshPeer\nmetadata:\n  name: mesh2\n", "kind: ServiceMeshPeer\nmetadata:\n  name: m" + "x" * 59 + "\n",
     "SMF132"),   # <name>-imports must stay a DNS label
])
def test_a_service_mesh_peer_value_the_code_cannot_use_is_an_error(upstream_pair, old, new, code):
    mesh1, mesh2, federation = upstream_pair
    text = federation.read_text()
    assert text.count(old) == 1
    federation.write_text(text.replace(old, new))
    rc, findings = validate(mesh1, mesh2, federation)
    assert rc == 1 and code in codes(findings, "error")


def test_a_55_character_service_mesh_peer_name_is_fine(tmp_path):
    name = "m" * 55
    smcp = tmp_path / "red.yaml"
    # short gateway names labelled with the peer's name (upstream's style), or `<gateway>.<ns>` is too long
    assert run("generate", "--name", "red-mesh", "--peer",
               f"{name}:egress=out,ingress=in,egress-label={name},ingress-label={name}", "-o", str(smcp))[0] == 0
    rc, out, err = run("bundle", str(smcp), "--peer-address", f"{name}=198.51.100.20", "--peer-ca", f"{name}={PEM}")
    assert rc == 0, err
    federation = tmp_path / "federation.yaml"
    federation.write_text(out)
    assert "SMF132" not in codes(validate(smcp, federation)[1])
    assert "at most 55" in run("generate", "--name", "red-mesh", "--peer", "m" * 56 + ":egress=out,ingress=in")[2]


# --- SMCP rules from the list ----------------------------------------------------------------------------

def test_a_v2_0_mesh_that_does_not_federate_is_not_told_it_cannot_federate(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: old\n"
                    "  namespace: old-system\nspec:\n  version: v2.0\n")
    rc, findings = validate(path)
    assert codes(findings) == ["SMF002"] and rc == 0


def test_service_fields_the_smcp_crd_does_not_have_are_dropped_fields_not_typos(tmp_path):
    path = tmp_path / "mesh1.yaml"
    text = MESH1.read_text()
    for field_line in ("loadBalancerClass: nlb", "allocateLoadBalancerNodePorts: false", "internalTrafficPolicy: Local",
                       "ipFamilyPolicy: SingleStack", "ipFamilies: [IPv4]", "clusterIPs: [10.0.0.1]"):
        text = text.replace("          type: LoadBalancer\n", f"          type: LoadBalancer\n          {field_line}\n", 1)
    path.write_text(text)
    rc, findings = validate(path)
    dropped = [f for f in findings if f["code"] == "SMF084"]
    assert len(dropped) == 6 and all("the API server drops it" in f["message"] for f in dropped)
    assert "SMF081" not in codes(findings) and rc == 0


def test_the_same_node_port_in_meshes_of_different_clusters_is_fine(tmp_path):
    paths = []
    for name, peer, cluster in (("red-mesh", "green-mesh", "east"), ("green-mesh", "red-mesh", "west")):
        path = tmp_path / f"{name}.yaml"
        assert run("generate", "--name", name, "--cluster-name", cluster, "--peer",
                   f"{peer}:service=NodePort,tls-node-port=30510,discovery-node-port=32359", "-o", str(path))[0] == 0
        paths.append(path)
    assert "SMF052" not in codes(validate(*paths)[1])
    assert "SMF052" in codes(validate("--same-cluster", *paths)[1], "error")
    paths[1].write_text(paths[1].read_text().replace("name: west", "name: east"))   # declared: one cluster
    assert "SMF052" in codes(validate(*paths)[1], "error")


# --- every object written meets the CRD schemas -----------------------------------------------------------

def _schema_problems(text: str) -> list:
    docs = [d for d in yaml.safe_load_all(text) if d]
    assert docs and all(crd_schema.has_schema(d["apiVersion"], d["kind"]) or d["kind"] == "ConfigMap" for d in docs)
    return [p for d in docs for p in crd_schema.validate(d)]


@pytest.mark.parametrize("peer", [
    "green-mesh",
    "green-mesh:service=NodePort,tls-node-port=30510,discovery-node-port=32359,route=true,router-mode=sni-dnat",
    "green-mesh:service=LoadBalancer,nlb=true,network=,egress-label=green,ingress-label=green,route=",
    "green-mesh:service=ClusterIP,egress=out-green,ingress=in-green,network=network-green-mesh+network-x",
])
def test_every_smcp_generate_writes_meets_the_crd_schema(peer):
    rc, out, err = run("generate", "--name", "red-mesh", "--version", "v2.5", "--cluster-name", "east",
                       "--network", "net1", "--image-pull-policy", "IfNotPresent", "--peer", peer)
    assert rc in (0, 1), err
    assert _schema_problems(out) == []


def test_every_object_bundle_writes_meets_the_crd_schemas(upstream_pair):
    _mesh1, _mesh2, federation = upstream_pair
    rc, out, _err = run("bundle", str(MESH1), "--export", "bookinfo/*", "--import", "mesh2:bookinfo/reviews")
    assert rc == 0
    assert _schema_problems(out) == [] and _schema_problems(federation.read_text()) == []


def test_every_object_topology_writes_meets_the_crd_schemas(tmp_path):
    topo = tmp_path / "topo.yaml"
    topo.write_text("meshes:\n  - name: mesh1\n    smcpName: fed-export\n    exposure: NodePort\n"
                    "    addresses: [198.51.100.10]\n    exports: [bookinfo/ratings]\n"
                    "  - name: mesh2\n    addresses: [mesh2.example.com]\nfederate: all\n")
    rc, out, err = run("topology", str(topo))
    assert rc == 0, err
    assert _schema_problems(out) == []


def test_review_order_lists_errors_then_warnings_then_hints(tmp_path):
    from smfed_tui.checks.smcp import check_source
    from smfed_tui.findings import review_key
    from smfed_tui.source import parse
    text = MESH1.read_text().replace("name: http-discovery", "name: discovery").replace(
        "domain: mesh1.local", "domain: mesh_1.local")   # a warning high up, a hint, an error at the end
    findings = sorted(check_source(parse(text.encode(), "mesh1.yaml")), key=review_key)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "hint"].index)
    assert severities[0] == "error" and {"warning", "hint"} <= set(severities)


def test_bundle_says_what_is_wrong_in_the_smcp_and_still_writes_the_peer_resources(tmp_path):
    mesh1 = tmp_path / "mesh1.yaml"
    mesh1.write_text(MESH1.read_text().replace("- network-mesh2", "- mesh2-network"))
    rc, out, err = run("bundle", str(mesh1), "--peer-smcp", f"mesh2={MESH2}", "--peer-address", "mesh2=198.51.100.20")
    assert rc == 0 and "kind: ServiceMeshPeer" in out
    assert f"{mesh1}:16:9: error SMF109 mesh2-egress sees only mesh2-network" in err


@pytest.mark.parametrize("members,found", [(["bookinfo"], False), (["shop"], True)])
def test_an_export_from_a_namespace_outside_the_mesh_is_said(tmp_path, members, found):
    mesh1, mesh2 = tmp_path / "mesh1.yaml", tmp_path / "mesh2.yaml"
    mesh1.write_bytes(MESH1.read_bytes())
    mesh2.write_bytes(MESH2.read_bytes())
    rc, out, err = run("bundle", str(mesh1), "--peer-smcp", f"mesh2={mesh2}", "--federation-name", "mesh1",
                       "--peer-address", "mesh2=198.51.100.20", "--peer-ca", f"mesh2={PEM}", "--export", "bookinfo/ratings")
    assert rc == 0, err
    federation = tmp_path / "federation.yaml"
    federation.write_text(out)
    roll = tmp_path / "smmr.yaml"
    roll.write_text("apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata:\n  name: default\n"
                    f"  namespace: mesh1-system\nspec:\n  members: [{', '.join(members)}]\n")
    rc, findings = validate(mesh1, mesh2, federation, roll)
    assert rc == 0 and ("SMF136" in codes(findings, "warning")) == found


def test_edit_checks_the_file_it_writes_against_the_crd_schema(tmp_path):
    path = tmp_path / "mesh1.yaml"
    path.write_text(MESH1.read_text().replace("  security:\n", "  addons:\n    kiali:\n      enabledd: true\n  security:\n"))
    rc, _out, err = run("edit", str(path), "--peer", "mesh3")
    assert rc == 0 and "warning SMF084 spec.addons.kiali.enabledd is not a field of this kind: the API server drops" in err
    assert "mesh3-egress" in path.read_text()


@pytest.mark.parametrize("text", [
    MESH1.read_text(),
    "a: &x {b: 1, c: [yes, ~, 1.5, 0x1F, '2']}\nd: *x\ne:\n  <<: *x\n  f: 2\n",   # merge key: the constructor's way
    "a: !!binary aGVsbG8=\n",                                                       # a tag of its own: the same
])
def test_the_schema_check_reads_objects_as_pyyamls_constructor_does(text):
    from yaml.constructor import SafeConstructor

    from smfed_tui.checks.schema import _python
    from smfed_tui.source import parse
    node = parse(text.encode(), "x.yaml", trusted=True).documents[0]
    assert _python(node) == SafeConstructor().construct_document(node)


@pytest.fixture
def exporting_pair(tmp_path) -> tuple[Path, Path]:
    """mesh1 importing from mesh2, and mesh2 exporting bookinfo/ratings to mesh1 as shared/ratings."""
    mesh1, mesh2 = tmp_path / "mesh1.yaml", tmp_path / "mesh2.yaml"
    mesh1.write_bytes(MESH1.read_bytes())
    mesh2.write_bytes(MESH2.read_bytes())
    for local, peer, federation_name, peer_smcp in ((mesh1, "mesh2", "mesh1", mesh2), (mesh2, "mesh1", "mesh2", mesh1)):
        rc, out, err = run("bundle", str(local), "--peer-smcp", f"{peer}={peer_smcp}", "--federation-name", federation_name,
                           "--peer-address", f"{peer}=198.51.100.20", "--peer-ca", f"{peer}={PEM}")
        assert rc == 0, err
        (tmp_path / f"{federation_name}-federation.yaml").write_text(out)
    exports = tmp_path / "mesh2-federation.yaml"
    exports.write_text(exports.read_text().replace("  exportRules: []", "  exportRules:\n  - type: NameSelector\n"
                                                   "    nameSelector:\n      namespace: bookinfo\n      name: ratings\n"
                                                   "      alias:\n        namespace: shared\n        name: ratings\n"))
    return tmp_path / "mesh1-federation.yaml", exports


def _imports(federation: Path, *rules: tuple[str, str]) -> None:
    text = "".join(f"  - type: NameSelector\n    importAsLocal: false\n    nameSelector:\n      namespace: '{ns}'\n"
                   f"      name: '{name}'\n" for ns, name in rules)
    federation.write_text(federation.read_text().replace("  importRules: []\n", "  importRules:\n" + text))


@pytest.mark.parametrize("rules,found", [
    ([("shared", "ratings")], False),          # the exported (aliased) name: imported
    ([("bookinfo", "*")], True),               # the service's own name: the alias hides it
    ([("*", "ratings")], False),
])
def test_an_import_must_name_what_the_peer_exports(exporting_pair, rules, found):
    imports, exports = exporting_pair
    _imports(imports, *rules)
    rc, findings = validate(MESH1, MESH2, imports, exports)
    assert ("SMF137" in codes(findings, "warning")) == found
    assert "SMF137" not in codes(validate(MESH1, imports)[1])   # without the peer's exports nothing is known


@pytest.mark.parametrize("rules,found", [
    ([("*", "*"), ("shared", "ratings")], True),      # the second rule (and any alias it had) never applies
    ([("shared", "ratings"), ("*", "*")], False),     # narrower first: both apply
])
def test_a_rule_covered_by_an_earlier_one_never_applies(exporting_pair, rules, found):
    imports, exports = exporting_pair
    _imports(imports, *rules)
    covered = [f for f in validate(MESH1, MESH2, imports, exports)[1] if f["code"] == "SMF138"]
    assert bool(covered) == found
    assert all(f["severity"] == "warning" and "rule 1 above" in f["message"] for f in covered)
