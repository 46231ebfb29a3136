"""The CRD schema check (smfed_tui.crd_schema) and the derivation of its data (smfed_tui.schemas.derive).

Objects that pass are the ones the OSSM 3 migration guide and the 2.x federation docs write; each broken
one changes one thing and must be caught with the right path and the right consequence (dropped or
rejected)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import yaml

from smfed_tui import crd_schema
from smfed_tui.cli import main
from smfed_tui.i18n import language
from smfed_tui.schemas import derive

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(text: str) -> dict:
    return yaml.safe_load(text)


EAST_WEST = load("""
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: eastwestgateway
  namespace: istio-ingress
  labels:
    topology.istio.io/network: network-west-mesh
spec:
  gatewayClassName: istio
  listeners:
  - name: cross-network
    hostname: fake-hostname-to-block-all-by-default
    port: 15443
    protocol: TLS
    tls:
      mode: Passthrough
      options:
        gateway.istio.io/listener-protocol: auto-passthrough
""")

REMOTE = load("""
apiVersion: gateway.networking.k8s.io/v1beta1
kind: Gateway
metadata:
  name: remote-gateway-network-west-mesh
  namespace: istio-system
  labels:
    topology.istio.io/network: west-network
spec:
  gatewayClassName: istio-remote
  addresses:
  - type: IPAddress
    value: 192.0.2.10
  listeners:
  - name: cross-network
    port: 15443
    protocol: TLS
    tls:
      mode: Passthrough
      options:
        gateway.istio.io/listener-protocol: auto-passthrough
""")

ALLOW_LIST = load("""
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: expose-services, namespace: istio-ingress}
spec:
  selector:
    istio.io/gateway-name: eastwestgateway
  servers:
  - port: {number: 15443, name: tls, protocol: TLS}
    tls: {mode: AUTO_PASSTHROUGH}
    hosts: [httpbin.a.svc.west-mesh-imports.local, httpbin.b.svc.cluster.local]
""")

SERVICE_ENTRY = load("""
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: httpbin-a-svc-west-mesh-imports-local, namespace: istio-system}
spec:
  exportTo: ["*"]
  hosts: [httpbin.a.svc.west-mesh-imports.local]
  location: MESH_INTERNAL
  ports: [{number: 8000, name: http, protocol: HTTP}]
  resolution: STATIC
  subjectAltNames: ["spiffe://west.local/ns/a/sa/httpbin"]
  workloadSelector:
    labels: {app: httpbin-a-svc-west-mesh-imports-local}
""")

WORKLOAD_ENTRY = load("""
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata:
  name: httpbin-a-svc-west-mesh-imports-local
  namespace: istio-system
  labels: {app: httpbin-a-svc-west-mesh-imports-local, security.istio.io/tlsMode: istio}
spec:
  network: west-network
""")

ISTIO = load("""
apiVersion: sailoperator.io/v1
kind: Istio
metadata: {name: default}
spec:
  namespace: istio-system
  version: v1.24-latest
  updateStrategy: {type: RevisionBased}
  values:
    meshConfig:
      accessLogFile: /dev/stdout
      trustDomain: east.local
      trustDomainAliases: [west.local]
      caCertificates:
      - pem: |
          -----BEGIN CERTIFICATE-----
          MIIB
          -----END CERTIFICATE-----
      defaultConfig:
        proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true", PROXY_CONFIG_XDS_AGENT: "true"}
    pilot:
      env: {ISTIO_MULTIROOT_MESH: "true", PILOT_ENABLE_IP_AUTOALLOCATE: "true"}
    global: {network: network-east-mesh}
""")

ISTIO_CNI = load("""
apiVersion: sailoperator.io/v1
kind: IstioCNI
metadata: {name: default}
spec: {version: v1.24-latest, namespace: istio-cni}
""")

PEER = load("""
apiVersion: federation.maistra.io/v1
kind: ServiceMeshPeer
metadata: {name: west-mesh, namespace: istio-system}
spec:
  remote:
    addresses: [west-ingress.example.com]
    discoveryPort: 8188
    servicePort: 15443
  gateways:
    ingress: {name: federation-ingress}
    egress: {name: federation-egress}
  security:
    trustDomain: west.local
    clientID: west.local/ns/istio-system/sa/federation-egress-service-account
    certificateChain: {kind: ConfigMap, name: west-mesh-ca-root-cert}
""")

EXPORTED_WITH_STATUS = load("""
apiVersion: federation.maistra.io/v1
kind: ExportedServiceSet
metadata: {name: east-mesh, namespace: istio-system}
spec:
  exportRules:
  - type: NameSelector
    nameSelector: {namespace: a, name: httpbin}
  - type: LabelSelector
    labelSelector:
      namespace: b
      selector: {matchLabels: {export: "true"}}
status:
  exportedServices:
  - exportedName: httpbin.a.svc.east-mesh-exports.local
    localService: {hostname: httpbin.a.svc.cluster.local, name: httpbin, namespace: a}
""")

IMPORTED = load("""
apiVersion: federation.maistra.io/v1
kind: ImportedServiceSet
metadata: {name: west-mesh, namespace: istio-system}
spec:
  importRules:
  - type: NameSelector
    importAsLocal: true
    nameSelector:
      namespace: b
      name: httpbin
      alias: {namespace: b}
""")

SMCP = yaml.safe_load((FIXTURES / "seed" / "seed-1.18.9-red-mesh-smcp.yaml").read_text(encoding="utf-8"))

VALID = {"east-west Gateway": EAST_WEST, "istio-remote Gateway": REMOTE, "Istio Gateway": ALLOW_LIST,
         "ServiceEntry": SERVICE_ENTRY, "WorkloadEntry": WORKLOAD_ENTRY, "Istio": ISTIO, "IstioCNI": ISTIO_CNI,
         "ServiceMeshPeer": PEER, "ExportedServiceSet with status": EXPORTED_WITH_STATUS,
         "ImportedServiceSet": IMPORTED, "SMCP (the docs' red-mesh)": SMCP}


def changed(obj: dict, path: tuple, value) -> dict:
    """A deep copy of obj with the value at path set (a missing key is created; DELETE removes it)."""
    copy = json.loads(json.dumps(obj))
    node = copy
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return copy


DELETE = object()


@pytest.mark.parametrize("name", sorted(VALID))
def test_real_objects_pass(name):
    obj = VALID[name]
    assert crd_schema.has_schema(obj["apiVersion"], obj["kind"])
    assert crd_schema.validate(obj) == []


# (what is broken, the object, the path, the value, the problem's path, its reason)
BROKEN = [
    ("a listener field the schema lacks", EAST_WEST, ("spec", "listeners", 0, "weight"), 3,
     'spec.listeners[0].weight', crd_schema.UNKNOWN_FIELD),
    ("a misspelt SMCP key", SMCP, ("spec", "gateways", "additionalIgress"), {},
     "spec.gateways.additionalIgress", crd_schema.UNKNOWN_FIELD),
    ("a null field", SERVICE_ENTRY, ("spec", "exportTo"), None, "spec.exportTo", crd_schema.NULL_DROPPED),
    ("a port number as a string", EAST_WEST, ("spec", "listeners", 0, "port"), "15443",
     "spec.listeners[0].port", crd_schema.WRONG_TYPE),
    ("a port out of range", EAST_WEST, ("spec", "listeners", 0, "port"), 70000,
     "spec.listeners[0].port", crd_schema.OUT_OF_RANGE),
    ("a label value YAML reads as a boolean", WORKLOAD_ENTRY, ("metadata", "labels", "maistra.io/ignore"), True,
     'metadata.labels["maistra.io/ignore"]', crd_schema.WRONG_TYPE),
    ("a location outside the enum", SERVICE_ENTRY, ("spec", "location"), "INTERNAL",
     "spec.location", crd_schema.NOT_IN_ENUM),
    ("a ServiceEntry without hosts", SERVICE_ENTRY, ("spec", "hosts"), DELETE,
     "spec.hosts", crd_schema.MISSING),
    ("a port without a name", SERVICE_ENTRY, ("spec", "ports", 0, "name"), DELETE,
     "spec.ports[0].name", crd_schema.MISSING),
    ("an IPAddress that is a host name", REMOTE, ("spec", "addresses", 0, "value"), "gw.example.com",
     "spec.addresses[0]", crd_schema.NO_FORM_MATCHES),
    ("a listener name against the pattern", REMOTE, ("spec", "listeners", 0, "name"), "Cross_Network",
     "spec.listeners[0].name", crd_schema.PATTERN),
    ("an update strategy outside the enum", ISTIO, ("spec", "updateStrategy", "type"), "Rolling",
     "spec.updateStrategy.type", crd_schema.NOT_IN_ENUM),
    ("a certificate chain without a name", PEER, ("spec", "security", "certificateChain", "name"), DELETE,
     "spec.security.certificateChain.name", crd_schema.MISSING),
    ("a discovery port beyond int32", PEER, ("spec", "remote", "discoveryPort"), 2 ** 31,
     "spec.remote.discoveryPort", crd_schema.OUT_OF_RANGE),
    ("exportRules as a mapping", EXPORTED_WITH_STATUS, ("spec", "exportRules"), {"type": "NameSelector"},
     "spec.exportRules", crd_schema.WRONG_TYPE),
    ("a gateway namespace as a list", SMCP, ("spec", "gateways", "additionalIngress", "ingress-green-mesh", "namespace"),
     ["x"], "spec.gateways.additionalIngress.ingress-green-mesh.namespace", crd_schema.WRONG_TYPE),
]


@pytest.mark.parametrize("what,obj,path,value,where,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_objects_fail_at_their_path(what, obj, path, value, where, reason):
    problems = crd_schema.validate(changed(obj, path, value))
    assert [(p.where, p.reason) for p in problems] == [(where, reason)]
    assert problems[0].pruned == (reason in (crd_schema.UNKNOWN_FIELD, crd_schema.NULL_DROPPED))


def test_pruned_and_rejected_are_told_apart_in_the_message():
    pruned, = crd_schema.validate(changed(EAST_WEST, ("spec", "listeners", 0, "weight"), 3))
    assert "the API server drops it" in pruned.message
    rejected, = crd_schema.validate(changed(EAST_WEST, ("spec", "listeners", 0, "port"), "15443"))
    assert "drops" not in rejected.message and "integer" in rejected.message


def test_a_field_one_level_too_deep_is_told_where_the_schema_has_it(tmp_path):
    """A key indented under its sibling (proxy.networking.accessLogging for proxy.accessLogging): the
    finding's fix names the level where the schema has it; a field the schema has nowhere keeps the
    rule's fix."""
    assert crd_schema.level_with_field("maistra.io/v2", "ServiceMeshControlPlane",
                                       ("spec", "proxy", "networking", "accessLogging")) == ("spec", "proxy", "accessLogging")
    assert crd_schema.level_with_field("maistra.io/v2", "ServiceMeshControlPlane", ("spec", "proxy", "resourcez")) is None
    smcp = changed(SMCP, ("spec", "proxy"), {"networking": {"accessLogging": {"file": {"name": "/dev/stdout"}}},
                                             "resourcez": {}})
    path = tmp_path / "smcp.yaml"
    path.write_text(yaml.safe_dump(smcp))
    out = io.StringIO()
    with redirect_stdout(out):
        main(["validate", "--format", "json", str(path)])
    fixes = {f["path"]: f["hint"] for f in json.loads(out.getvalue()) if f["code"] == "SMF084"}
    assert fixes["spec.proxy.networking.accessLogging"] == ("the schema has it at spec.proxy.accessLogging: move it "
                                                          "there (is it indented too deep?)")
    assert "move it there" not in fixes["spec.proxy.resourcez"]


def test_free_form_parts_take_anything():
    # techPreview is x-kubernetes-preserve-unknown-fields; a Service port's targetPort is int-or-string
    smcp = changed(SMCP, ("spec", "techPreview"), {"meshConfig": {"trustDomainAliases": ["west.local"]}, "x": 1})
    assert crd_schema.validate(smcp) == []
    gateway = SMCP["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"]
    for target in (15443, "tls"):
        port = dict(gateway["service"]["ports"][0], targetPort=target)
        assert crd_schema.validate(changed(SMCP, ("spec", "gateways", "additionalIngress", "ingress-green-mesh",
                                                  "service", "ports"), [port])) == []
    bad = dict(gateway["service"]["ports"][0], targetPort=True)
    problems = crd_schema.validate(changed(SMCP, ("spec", "gateways", "additionalIngress", "ingress-green-mesh",
                                                  "service", "ports"), [bad]))
    assert [p.reason for p in problems] == [crd_schema.WRONG_TYPE]


def test_ipv6_and_hostname_addresses():
    v6 = changed(REMOTE, ("spec", "addresses", 0), {"type": "IPAddress", "value": "2001:db8::1"})
    host = changed(REMOTE, ("spec", "addresses", 0), {"type": "Hostname", "value": "gw.example.com"})
    assert crd_schema.validate(v6) == [] and crd_schema.validate(host) == []


def test_unknown_kinds_and_versions_are_not_checked():
    assert not crd_schema.has_schema("v1", "ConfigMap")
    assert crd_schema.validate({"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": 1}}) == []
    assert not crd_schema.has_schema("federation.maistra.io/v2", "ServiceMeshPeer")


def test_every_version_the_migration_writes_ships():
    for key in [("networking.istio.io/v1", "ServiceEntry"), ("networking.istio.io/v1beta1", "WorkloadEntry"),
                ("networking.istio.io/v1alpha3", "Gateway"), ("gateway.networking.k8s.io/v1", "Gateway"),
                ("gateway.networking.k8s.io/v1beta1", "Gateway"), ("sailoperator.io/v1", "Istio"),
                ("sailoperator.io/v1", "IstioCNI"), ("maistra.io/v2", "ServiceMeshControlPlane")]:
        assert crd_schema.has_schema(*key), key
    assert crd_schema.scope("sailoperator.io/v1", "Istio") == "Cluster"
    assert crd_schema.scope("networking.istio.io/v1beta1", "ServiceEntry") == "Namespaced"


def test_provenance_names_the_source_file_its_hash_and_the_date():
    prov = crd_schema.provenance("maistra.io/v2", "ServiceMeshControlPlane")
    assert prov["source"] == "smcp-2.5.1.crd.yaml"
    assert len(prov["sha256"]) == 64 and "maistra/istio-operator" in prov["from"]
    assert prov["derived"][:4].isdigit()


def test_messages_are_translated():
    with language("ko"):
        problem, = crd_schema.validate(changed(EAST_WEST, ("spec", "listeners", 0, "weight"), 3))
    assert "spec.listeners[0].weight" in problem.message and "API" in problem.message
    assert "drops" not in problem.message


def test_schemas_load_per_kind_on_first_use():
    # a fresh interpreter: checking a ServiceEntry must not read the 165 kB SMCP schema
    code = ("import yaml, sys; from smfed_tui import crd_schema as c; "
            "c.validate(yaml.safe_load(sys.stdin)); print(c._kind_file.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], input=yaml.safe_dump(SERVICE_ENTRY), text=True,
                         capture_output=True, check=True, timeout=60).stdout
    assert out.strip() == "1"


def test_derive_writes_compact_deduplicated_schemas_with_provenance(tmp_path):
    index = derive.derive(FIXTURES / "crd", tmp_path, "2026-01-02")
    source = FIXTURES / "crd" / "widgets.example.com.crd.yaml"
    import hashlib
    assert index["derived"] == "2026-01-02"
    assert index["sources"]["widgets.example.com.crd.yaml"] == {
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "from": "example/widgets tag v1.0 (abc123) (Widget (v1, v1beta1))"}
    assert set(index["kinds"]) == {"example.com/v1 Widget", "example.com/v1beta1 Widget"}   # v1alpha1 is not served
    data = json.loads((tmp_path / "example.com_Widget.json").read_text())
    # the two versions differ only in descriptions: one schema, without descriptions, defaults, CEL
    assert data["versions"] == {"v1": 0, "v1beta1": 0}
    assert data["schemas"] == [{"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "size": {"type": "integer", "minimum": 1}}}}}]
    assert "\n" not in (tmp_path / "example.com_Widget.json").read_text().strip()


def test_derive_runs_as_a_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "smfed_tui.schemas.derive", str(FIXTURES / "crd"),
                             "--out", str(tmp_path), "--date", "2026-01-02"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "index.json").read_text())["kinds"]["example.com/v1 Widget"]["scope"] == "Cluster"


def test_shipped_index_is_complete():
    index = json.loads((crd_schema.SCHEMA_DIR / "index.json").read_text())
    assert len(index["sources"]) == 10
    for entry in index["kinds"].values():
        assert (crd_schema.SCHEMA_DIR / entry["file"]).is_file()
        assert entry["source"] in index["sources"]
