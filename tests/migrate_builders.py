"""Federations for the migration tests, as `oc get -o yaml` would print them: one folder per mesh.

`Federation` holds meshes (label, trust domain) and imports (importer <- exporter, namespace/name,
importAsLocal or not); `write()` produces each mesh's SMCP, ServiceMeshPeers, service sets with their
status, root ConfigMaps, and the exported Services with their pods. Tests change the objects before
writing to make each refused case. The guide's own scenario is kept as plain files in
tests/fixtures/migrate/guide (this builder reproduces it, see test_migrate.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOTS = Path(__file__).resolve().parent / "fixtures" / "migrate" / "roots"
PEMS = {"east.local": "east-root.pem", "west.local": "west-root.pem", "north.local": "north-root.pem"}


def root_pem(trust_domain: str) -> str:
    return (ROOTS / PEMS[trust_domain]).read_text()


def smcp(trust_domain: str, peers: list[str], *, name="basic", namespace="istio-system", mode="ClusterWide",
         version="v2.6") -> dict:
    spec = {"version": version, "security": {"trust": {"domain": trust_domain}},
            "gateways": {"additionalEgress": {}, "additionalIngress": {}}}
    if mode is not None:
        spec["mode"] = mode
    for peer in peers:
        spec["gateways"]["additionalEgress"][f"egress-{peer}"] = {
            "enabled": True, "requestedNetworkView": [f"network-{peer}"],
            "service": {"ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "http-discovery"}]}}
        spec["gateways"]["additionalIngress"][f"ingress-{peer}"] = {
            "enabled": True, "service": {"type": "LoadBalancer",
                                         "ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "https-discovery"}]}}
    return {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def peer(name: str, trust_domain: str, namespace: str = "istio-system") -> dict:
    return {"apiVersion": "federation.maistra.io/v1", "kind": "ServiceMeshPeer",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"remote": {"addresses": [f"{name}.example.com"], "discoveryPort": 8188, "servicePort": 15443},
                     "gateways": {"ingress": {"name": f"ingress-{name}"}, "egress": {"name": f"egress-{name}"}},
                     "security": {"trustDomain": trust_domain,
                                  "clientID": f"{trust_domain}/ns/{namespace}/sa/egress-{name}-service-account",
                                  "certificateChain": {"kind": "ConfigMap", "name": f"{name}-ca-root-cert"}}}}


def config_map(peer_name: str, trust_domain: str, namespace: str = "istio-system") -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{peer_name}-ca-root-cert", "namespace": namespace},
            "data": {"root-cert.pem": root_pem(trust_domain)}}


def service(namespace: str, name: str, *, port: int = 8000, target="http", port_name="http") -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace},
            "spec": {"ports": [{"name": port_name, "port": port, "protocol": "TCP", "targetPort": target}],
                     "selector": {"app": name}, "type": "ClusterIP"}}


def pod(namespace: str, name: str, account: str, *, container_port: int = 8080) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"{name}-abc12", "namespace": namespace,
                                                             "labels": {"app": name}},
            "spec": {"serviceAccountName": account, "containers": [
                {"name": name, "image": "example/app:1", "ports": [{"name": "http", "containerPort": container_port}]}]}}


@dataclass
class Import:
    importer: str
    exporter: str
    namespace: str
    name: str
    as_local: bool = False


@dataclass
class Federation:
    meshes: dict[str, str]                    # label -> trust domain
    imports: list[Import] = field(default_factory=list)
    objects: dict[str, list[dict]] = field(default_factory=dict)

    def peers_of(self, label: str) -> list[str]:
        """Every other mesh: a full mesh of peers."""
        return [other for other in self.meshes if other != label]

    def build(self) -> "Federation":
        for label, domain in self.meshes.items():
            objs = [smcp(domain, self.peers_of(label))]
            for other in self.peers_of(label):
                objs += [peer(other, self.meshes[other]), config_map(other, self.meshes[other])]
            self.objects[label] = objs
        for label in self.meshes:
            for other in self.peers_of(label):
                self._service_sets(exporter=label, importer=other)
        return self

    def _service_sets(self, exporter: str, importer: str) -> None:
        wanted = [i for i in self.imports if i.exporter == exporter and i.importer == importer]
        if not wanted:
            return
        exported, imported, rules = [], [], []
        for item in wanted:
            exported_name = f"{item.name}.{item.namespace}.svc.{importer}-exports.local"
            exported.append({"exportedName": exported_name, "localService": {
                "hostname": f"{item.name}.{item.namespace}.svc.cluster.local", "name": item.name,
                "namespace": item.namespace}})
            host = (f"{item.name}.{item.namespace}.svc.cluster.local" if item.as_local
                    else f"{item.name}.{item.namespace}.svc.{exporter}-imports.local")
            imported.append({"exportedName": exported_name, "localService": {
                "hostname": host, "name": item.name, "namespace": item.namespace}})
            rule = {"type": "NameSelector", "nameSelector": {"namespace": item.namespace, "name": item.name}}
            if item.as_local:
                rule["importAsLocal"] = True
                rule["nameSelector"]["alias"] = {"namespace": item.namespace}
            rules.append(rule)
            if not any(o["kind"] == "Service" and o["metadata"] == {"name": item.name, "namespace": item.namespace}
                       for o in self.objects[exporter]):
                self.objects[exporter] += [service(item.namespace, item.name),
                                           pod(item.namespace, item.name, f"{item.name}-sa")]
        self.objects[exporter].append({
            "apiVersion": "federation.maistra.io/v1", "kind": "ExportedServiceSet",
            "metadata": {"name": importer, "namespace": "istio-system"},
            "spec": {"exportRules": [{"type": "NameSelector", "nameSelector": {"namespace": i.namespace, "name": i.name}}
                                     for i in wanted]},
            "status": {"exportedServices": exported}})
        self.objects[importer].append({
            "apiVersion": "federation.maistra.io/v1", "kind": "ImportedServiceSet",
            "metadata": {"name": exporter, "namespace": "istio-system"},
            "spec": {"importRules": rules}, "status": {"importedServices": imported}})

    def find(self, label: str, kind: str, name: str | None = None) -> dict:
        return next(o for o in self.objects[label] if o["kind"] == kind and (name is None or o["metadata"]["name"] == name))

    def write(self, root: Path) -> list[str]:
        """One folder per mesh, all objects in one List (as `oc get a,b,c -o yaml` prints them)."""
        paths = []
        for label, objs in self.objects.items():
            folder = root / label
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "resources.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objs},
                                                                  sort_keys=False))
            paths.append(str(folder))
        return paths
