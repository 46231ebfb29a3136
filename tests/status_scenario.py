"""Two federated meshes as their clusters hold them, for the `status` tests: red-mesh (SMCP red-mesh in
red-mesh-system) and green-mesh (SMCP `basic` in green-mesh-system: the federation name differs from
the SMCP name). `healthy()` is a working pair; its arguments break one thing at a time.

Also `two_clusters`: two loopback stand-ins (tests/kube_standin.py) and a kubeconfig with contexts
`red`, `green` and `down` (a port nobody listens on), used with the real kubectl.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kube_fixtures import _dead_port, kubectl_path
from kube_standin import KubeStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "status"
ROOT = {name: (FIXTURES / f"{name}-root.pem").read_text() for name in ("red", "green", "other")}
SYNCED = "2026-12-06T17:59:00Z"
RED_LB_IP, GREEN_LB_IP = "198.51.100.10", "203.0.113.20"
AWS_HOSTNAME = "a1b2c3-0123456789.elb.us-east-1.amazonaws.com"


@dataclass(frozen=True)
class Mesh:
    smcp: str
    namespace: str
    federation_name: str      # what its peers call it

    @property
    def trust_domain(self) -> str:
        return f"{self.federation_name}.local"


RED = Mesh("red-mesh", "red-mesh-system", "red-mesh")
GREEN = Mesh("basic", "green-mesh-system", "green-mesh")


def _meta(name: str, namespace: str, **extra) -> dict:
    return {"name": name, "namespace": namespace, **extra}


def smcp(mesh: Mesh, ready: bool = True) -> dict:
    condition = {"type": "Ready", "status": "True" if ready else "False",
                 "reason": "ComponentsReady" if ready else "ComponentsNotReady",
                 "message": "All component deployments are Available" if ready else "istiod is not ready"}
    return {"kind": "ServiceMeshControlPlane", "metadata": _meta(mesh.smcp, mesh.namespace),
            "spec": {"version": "v2.6", "security": {"trust": {"domain": mesh.trust_domain}}},
            "status": {"conditions": [condition]}}


def discovery(connected: bool, disconnect: str | None = None, remotes: int = 1) -> dict:
    watch = {"connected": connected, "lastConnected": "2026-12-06T17:00:00Z"}
    if connected:
        watch["lastFullSync"] = SYNCED
    if disconnect:
        watch.update(lastDisconnect="2026-12-06T17:57:00Z", lastDisconnectStatus=disconnect)
    entry = {"pod": "istiod-basic-6f9c7d-abcde", "watch": watch,
             "remotes": [{"source": f"10.128.0.{n}", "connected": True, "lastFullSync": SYNCED} for n in range(remotes)]}
    # the same pod twice, as merge patches can leave it: must count once
    return {"active": [entry, entry] if connected else [], "inactive": [] if connected else [entry]}


def smp(mesh: Mesh, peer: Mesh, addresses: list[str], status: dict, ports: tuple[int, int] = (15443, 8188)) -> dict:
    return {"kind": "ServiceMeshPeer", "metadata": _meta(peer.federation_name, mesh.namespace),
            "spec": {"remote": {"addresses": addresses, "servicePort": ports[0], "discoveryPort": ports[1]},
                     "gateways": {"ingress": {"name": f"ingress-{peer.federation_name}"},
                                  "egress": {"name": f"egress-{peer.federation_name}"}},
                     "security": {"trustDomain": peer.trust_domain,
                                  "clientID": f"{peer.trust_domain}/ns/{peer.namespace}/sa/"
                                              f"egress-{mesh.federation_name}-service-account",
                                  "certificateChain": {"kind": "ConfigMap",
                                                       "name": f"{peer.federation_name}-ca-root-cert"}}},
            "status": {"discoveryStatus": status}}


def ingress_service(mesh: Mesh, peer: Mesh, *, ip: str | None = None, hostname: str | None = None,
                    node_ports: tuple[int, int] | None = None, nlb: bool = False) -> dict:
    ports = [{"name": "tls", "port": 15443, "targetPort": 15443, "protocol": "TCP"},
             {"name": "https-discovery", "port": 8188, "targetPort": 8188, "protocol": "TCP"}]
    if node_ports:
        ports[0]["nodePort"], ports[1]["nodePort"] = node_ports
    ingress = [{"ip": ip}] if ip else [{"hostname": hostname}] if hostname else []
    annotations = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"} if nlb else {}
    return {"kind": "Service", "metadata": _meta(f"ingress-{peer.federation_name}", mesh.namespace,
                                                 annotations=annotations),
            "spec": {"type": "NodePort" if node_ports else "LoadBalancer", "ports": ports},
            "status": {"loadBalancer": {"ingress": ingress}}}


def gateway_pod(mesh: Mesh, gateway: str, ready: bool = True) -> dict:
    return {"kind": "Pod", "metadata": _meta(f"{gateway}-7d9f8-x1", mesh.namespace,
                                             labels={"maistra.io/gateway": f"{gateway}.{mesh.namespace}"}),
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def configmap(mesh: Mesh, name: str, pem: str) -> dict:
    return {"kind": "ConfigMap", "metadata": _meta(name, mesh.namespace), "data": {"root-cert.pem": pem}}


def exported(service: str, namespace: str, to: Mesh) -> str:
    return f"{service}.{namespace}.svc.{to.federation_name}-exports.local"


def ess(mesh: Mesh, peer: Mesh, services: list[tuple[str, str]]) -> dict:
    return {"kind": "ExportedServiceSet", "metadata": _meta(peer.federation_name, mesh.namespace),
            "spec": {"exportRules": [{"type": "NameSelector", "nameSelector": {"namespace": ns, "name": name}}
                                     for ns, name in services]},
            "status": {"exportedServices": [
                {"exportedName": exported(name, ns, peer),
                 "localService": {"name": name, "namespace": ns, "hostname": f"{name}.{ns}.svc.cluster.local"}}
                for ns, name in services]}}


def iss(mesh: Mesh, peer: Mesh, rules: list[tuple[str, str]], held: list[tuple[str, str]]) -> dict:
    return {"kind": "ImportedServiceSet", "metadata": _meta(peer.federation_name, mesh.namespace),
            "spec": {"importRules": [{"type": "NameSelector", "importAsLocal": False,
                                      "nameSelector": {"namespace": ns, "name": name}} for ns, name in rules]},
            "status": {"importedServices": [
                {"exportedName": exported(name, ns, mesh),
                 "localService": {"name": name, "namespace": ns,
                                  "hostname": f"{name}.{ns}.svc.{peer.federation_name}-imports.local"}}
                for ns, name in held]}}


def side(mesh: Mesh, peer: Mesh, *, own_lb: dict, peer_addresses: list[str], status: dict, peer_root: str,
         exports: list[tuple[str, str]], import_rules: list[tuple[str, str]], imported: list[tuple[str, str]],
         own_root: str) -> list[dict]:
    """Everything `mesh`'s cluster holds about its peering with `peer`."""
    return [smcp(mesh), smp(mesh, peer, peer_addresses, status), ingress_service(mesh, peer, **own_lb),
            gateway_pod(mesh, f"ingress-{peer.federation_name}"), gateway_pod(mesh, f"egress-{peer.federation_name}"),
            configmap(mesh, "istio-ca-root-cert", own_root),
            configmap(mesh, f"{peer.federation_name}-ca-root-cert", peer_root),
            ess(mesh, peer, exports), iss(mesh, peer, import_rules, imported)]


def healthy() -> tuple[list[dict], list[dict]]:
    """red exports bookinfo/ratings to green, green exports bookinfo/reviews to red; both connected."""
    red = side(RED, GREEN, own_lb={"ip": RED_LB_IP}, peer_addresses=[GREEN_LB_IP], status=discovery(True),
               peer_root=ROOT["green"], exports=[("bookinfo", "ratings")], import_rules=[("bookinfo", "reviews")],
               imported=[("bookinfo", "reviews")], own_root=ROOT["red"])
    green = side(GREEN, RED, own_lb={"ip": GREEN_LB_IP}, peer_addresses=[RED_LB_IP], status=discovery(True),
                 peer_root=ROOT["red"], exports=[("bookinfo", "reviews")], import_rules=[("bookinfo", "ratings")],
                 imported=[("bookinfo", "ratings")], own_root=ROOT["green"])
    return red, green


def broken() -> tuple[list[dict], list[dict]]:
    """red: disconnected with 503, red's address for green is an IP while green's AWS load balancer has a
    host name, red holds a root that is not green's; green exports bookinfo/details, red imports only reviews."""
    red = side(RED, GREEN, own_lb={"ip": RED_LB_IP}, peer_addresses=[GREEN_LB_IP],
               status=discovery(False, "503 Service Unavailable", remotes=0), peer_root=ROOT["other"],
               exports=[("bookinfo", "ratings")], import_rules=[("bookinfo", "reviews")],
               imported=[("bookinfo", "reviews")], own_root=ROOT["red"])
    green = side(GREEN, RED, own_lb={"hostname": AWS_HOSTNAME, "nlb": True}, peer_addresses=[RED_LB_IP],
                 status=discovery(True), peer_root=ROOT["red"],
                 exports=[("bookinfo", "reviews"), ("bookinfo", "details")], import_rules=[("bookinfo", "ratings")],
                 imported=[("bookinfo", "ratings")], own_root=ROOT["green"])
    return red, green


KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: red
  cluster: {{server: "{red}"}}
- name: green
  cluster: {{server: "{green}"}}
- name: down
  cluster: {{server: "http://127.0.0.1:{dead}"}}
users:
- name: admin
  user: {{token: standin-token}}
contexts:
- name: red
  context: {{cluster: red, user: admin, namespace: red-mesh-system}}
- name: green
  context: {{cluster: green, user: admin, namespace: green-mesh-system}}
- name: down
  context: {{cluster: down, user: admin, namespace: red-mesh-system}}
current-context: red
"""


@dataclass
class Clusters:
    red: KubeStandIn
    green: KubeStandIn
    kubectl: str
    kubeconfig: str

    def load(self, red: list[dict], green: list[dict]) -> None:
        for server, objects in ((self.red, red), (self.green, green)):
            for obj in objects:
                server.lists.put(obj)

    def methods(self) -> set[str]:
        return {r.method for server in (self.red, self.green) for r in server.requests}


@pytest.fixture
def two_clusters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clusters]:
    binary = kubectl_path()
    red, green = KubeStandIn().start(), KubeStandIn().start()
    try:
        home = tmp_path / "home"
        home.mkdir()
        config = tmp_path / "kubeconfig"
        config.write_text(KUBECONFIG.format(red=red.url, green=green.url, dead=_dead_port()))
        monkeypatch.setenv("KUBECONFIG", str(config))
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.setenv("NO_COLOR", "1")
        yield Clusters(red, green, binary, str(config))
    finally:
        red.stop()
        green.stop()

