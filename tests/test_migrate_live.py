"""`smfed-wizard migrate context:NAME ...`: the meshes read live with the real kubectl from two loopback
stand-in API servers (tests/status_scenario.py's `two_clusters`: contexts red and green), read-only."""
from __future__ import annotations

import json
from pathlib import Path

from status_scenario import Clusters, two_clusters  # noqa: F401
from smfed_tui.cli import main
from smfed_tui.migrate.load import load_source

GUIDE = Path(__file__).resolve().parent / "fixtures" / "migrate" / "guide"
EASTWEST_IP = "198.51.100.77"


def load_guide(clusters: Clusters, *, eastwest_ip: str | None = EASTWEST_IP) -> None:
    """east (the importer) on the red stand-in, west (the exporter) on the green one; west's east-west
    gateway Service exists with a load balancer address, as after phase 2."""
    for server, mesh in ((clusters.red, "east"), (clusters.green, "west")):
        for loaded in load_source(str(GUIDE / mesh)).objects:
            server.lists.put(loaded.obj)
    if eastwest_ip:
        clusters.green.lists.put({"kind": "Service", "metadata": {"name": "eastwestgateway-istio",
                                                                   "namespace": "istio-ingress"},
                                  "spec": {"type": "LoadBalancer", "ports": [{"name": "tls", "port": 15443}]},
                                  "status": {"loadBalancer": {"ingress": [{"ip": eastwest_ip}]}}})


def test_live_read_fills_in_the_address_and_sends_only_gets(two_clusters: Clusters, tmp_path, capsys):
    load_guide(two_clusters)
    out = tmp_path / "migration"
    code = main(["migrate", "context:red", "context:green", "-o", str(out), "--kubectl", two_clusters.kubectl])
    err = capsys.readouterr().err
    assert code == 0, err
    remote = (out / "east-mesh" / "3-remote-gateways.yaml").read_text()
    assert EASTWEST_IP in remote and "REPLACE WITH" not in remote
    imported = (out / "east-mesh" / "3-import.yaml").read_text()
    assert "spiffe://west.local/ns/a/sa/httpbin" in imported and "httpbin.b.svc.cluster.local" in imported
    plan = json.loads((out / "plan.json").read_text())
    commands = [s["command"] for s in plan["steps"] if s["mesh"] == "west-mesh"]
    assert commands and all("--context=green" in c for c in commands if c.startswith("oc "))
    # east's namespace b was read whole: no assumption about a local Service b/httpbin is left to say
    assert "SMF331" not in err
    assert two_clusters.methods() == {"GET"}
    paths = {r.path for r in two_clusters.green.requests}
    assert "/api/v1/namespaces/a/pods" in paths and "/api/v1/namespaces/istio-ingress/services" in paths


def test_live_read_without_the_gateway_keeps_the_placeholder(two_clusters: Clusters, tmp_path, capsys):
    load_guide(two_clusters, eastwest_ip=None)
    out = tmp_path / "migration"
    assert main(["migrate", "context:red", "context:green", "-o", str(out), "--kubectl", two_clusters.kubectl]) == 0
    assert "REPLACE WITH THE EAST-WEST ADDRESS OF WEST-MESH" in (out / "east-mesh" / "3-remote-gateways.yaml").read_text()


def test_unreachable_cluster_is_one_clear_line_exit_2(two_clusters: Clusters, tmp_path, capsys):
    load_guide(two_clusters)
    out = tmp_path / "migration"
    code = main(["migrate", "context:red", "context:down", "-o", str(out), "--kubectl", two_clusters.kubectl,
                 "--request-timeout", "2s"])
    err = capsys.readouterr().err
    assert code == 2
    assert "context:down" in err and "Traceback" not in err
    assert not out.exists()


def test_a_source_with_two_control_planes_is_refused(two_clusters: Clusters, tmp_path, capsys):
    load_guide(two_clusters)
    second = json.loads(json.dumps(load_source(str(GUIDE / "east")).smcp().obj))
    second["metadata"]["namespace"] = "other-system"
    two_clusters.red.lists.put(second)
    code = main(["migrate", "context:red", "context:green", "-o", str(tmp_path / "o"), "--kubectl",
                 two_clusters.kubectl])
    err = capsys.readouterr().err
    assert code == 2 and "2 ServiceMeshControlPlanes (istio-system, other-system)" in err


def test_without_cluster_wide_list_the_contexts_namespace_is_read(two_clusters: Clusters, tmp_path, capsys):
    """A mesh admin who may not list SMCPs across namespaces: the context's own namespace is read."""
    for loaded in load_source(str(GUIDE / "east")).objects:
        obj = json.loads(json.dumps(loaded.obj))
        if obj["metadata"].get("namespace") == "istio-system":
            obj["metadata"]["namespace"] = "red-mesh-system"     # the red context's namespace
        two_clusters.red.lists.put(obj)
    for loaded in load_source(str(GUIDE / "west")).objects:
        two_clusters.green.lists.put(loaded.obj)
    two_clusters.red.lists.forbid("servicemeshcontrolplanes", "list-all")
    out = tmp_path / "migration"
    code = main(["migrate", "context:red", "context:green", "-o", str(out), "--kubectl", two_clusters.kubectl])
    assert code == 0, capsys.readouterr().err
    assert "namespace: red-mesh-system" in (out / "east-mesh" / "3-import.yaml").read_text()
    assert any(r.path == "/apis/maistra.io/v2/servicemeshcontrolplanes" for r in two_clusters.red.requests)
