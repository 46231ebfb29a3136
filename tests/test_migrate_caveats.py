"""Risks the guide does not mention, said as warnings (nothing refused, the same files written): a mesh
with several peers loses a deleted peer's root on its running 2.6 proxies in phase 4, and an exporting
mesh whose federation ingress is no LoadBalancer may never get the east-west gateway's address."""
from __future__ import annotations

from migrate_builders import Federation, Import
from smfed_tui.migrate.build import migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source


def run(fed: Federation, tmp_path):
    return migrate([load_source(p) for p in fed.write(tmp_path / "in")], Choices())


def warnings_about(migration, words: str) -> list:
    return [f for f in migration.warnings if f.code == "SMF331" and words in f.message]


def test_each_mesh_with_several_peers_is_warned_about_the_trust_bundles_of_phase_4(tmp_path):
    fed = Federation({"east-mesh": "east.local", "west-mesh": "west.local", "north-mesh": "north.local"},
                     [Import("east-mesh", "west-mesh", "a", "httpbin")]).build()
    m = run(fed, tmp_path)
    assert not m.refusals
    found = warnings_about(m, "peers (")
    assert sorted(f.message.split(" ")[0] for f in found) == ["east-mesh", "north-mesh", "west-mesh"]
    assert "until phase 7" in found[0].message and "0-restore-federation.yaml" in found[0].hint
    assert "peers (" in m.runbook()


def test_a_pair_has_no_such_warning(tmp_path):
    fed = Federation({"east-mesh": "east.local", "west-mesh": "west.local"},
                     [Import("east-mesh", "west-mesh", "a", "httpbin")]).build()
    assert not warnings_about(run(fed, tmp_path), "peers (")


def test_an_exporter_whose_federation_ingress_is_a_node_port_is_warned(tmp_path):
    fed = Federation({"east-mesh": "east.local", "west-mesh": "west.local"},
                     [Import("east-mesh", "west-mesh", "a", "httpbin")]).build()
    for label in fed.meshes:
        smcp = fed.find(label, "ServiceMeshControlPlane")
        for gateway in smcp["spec"]["gateways"]["additionalIngress"].values():
            gateway["service"]["type"] = "NodePort"
    m = run(fed, tmp_path)
    assert not m.refusals
    found = warnings_about(m, "not a LoadBalancer")
    # only the exporter: east exports nothing, so no east-west gateway is made there
    assert [f.message.split(":")[0] for f in found] == ["west-mesh"]
    assert "type: NodePort" in found[0].message
    assert found[0].path == "spec.gateways.additionalIngress.ingress-east-mesh.service.type"


def test_a_load_balancer_ingress_is_not_warned(tmp_path):
    fed = Federation({"east-mesh": "east.local", "west-mesh": "west.local"},
                     [Import("east-mesh", "west-mesh", "a", "httpbin")]).build()
    assert not warnings_about(run(fed, tmp_path), "not a LoadBalancer")


def test_meshes_without_a_kube_context_are_named_once(tmp_path):
    fed = Federation({"east-mesh": "east.local", "west-mesh": "west.local"},
                     [Import("east-mesh", "west-mesh", "a", "httpbin")]).build()
    sources = [load_source(p) for p in fed.write(tmp_path / "in")]
    about_context = [f for f in migrate(sources, Choices(contexts={"east-mesh": "east"})).warnings
                     if "kube context" in f.message]
    assert len(about_context) == 1 and about_context[0].code == "SMF330"
    assert "for west-mesh run on the cluster oc is logged in to" in about_context[0].message
    assert "--kube-context" in about_context[0].hint
    both = Choices(contexts={"east-mesh": "east", "west-mesh": "west"})
    assert not [f for f in migrate(sources, both).warnings if "kube context" in f.message]
