"""The objects and patches each phase applies, per mesh, each value derived from both meshes' resources:
the SMCP patch, the exporting side, the importing side, the targeted gateway removal, OSSM 3.

API versions are the guide's: Istio `v1beta1` ServiceEntry/WorkloadEntry and `v1alpha3` Gateway, which
the 2.6 istiod (Istio 1.20) reads (the `v1` Istio APIs come only with OSSM 3's CRDs); Gateway API `v1`
east-west and `v1beta1` istio-remote.
Names are deterministic: a ServiceEntry is named after its host with dots as dashes (the guide's own
names are inconsistent).
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass

from ..bundle import render
from .decisions import Decisions, address_type
from ..object_paths import dig
from .pairing import Mesh
from .phases import file_prefix
from .services import Imported

NETWORK_LABEL = "topology.istio.io/network"
PORT = 15443
ALLOW_LIST_NAME = "expose-services"
BLOCK_ALL_HOSTNAME = "fake-hostname-to-block-all-by-default"
LISTENER = {"name": "cross-network", "port": PORT, "protocol": "TLS",
            "tls": {"mode": "Passthrough", "options": {"gateway.istio.io/listener-protocol": "auto-passthrough"}}}
ISTIO_CNI_NAME = "default"   # the Sail operator reconciles only the IstioCNI named default


def address_placeholder(exporter_label: str) -> dict:
    """Stands where the east-west address goes until it is known: typed IPAddress, which the API server
    rejects for a value that is no IP address, so the file cannot be applied by mistake before it is
    filled in."""
    return {"type": "IPAddress", "value": f"REPLACE WITH THE EAST-WEST ADDRESS OF {exporter_label.upper()}"}


@dataclass(frozen=True)
class Artifact:
    mesh: int
    phase: str
    file: str                 # relative to the output folder
    documents: tuple          # the objects (YAML), or one patch (JSON)
    format: str               # "yaml" | "merge-patch" | "json-patch"

    def text(self) -> str:
        if self.format == "yaml":
            return render(list(self.documents))
        return json.dumps(self.documents[0], indent=2) + "\n"


def _meta(name: str, namespace: str | None = None, labels: dict | None = None) -> dict:
    meta = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    return meta


def dashed(host: str) -> str:
    return host.replace(".", "-")


def label_value(name: str) -> str:
    """A label value for a name (labels hold at most 63 characters: a longer name is cut and hashed)."""
    if len(name) <= 63:
        return name
    return name[:54].rstrip("-.") + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]


# --- phase 1: the SMCP merge patch (both sides) -----------------------------------------------------

def _merged(existing, extra: list[str]) -> list[str]:
    out = [str(x) for x in existing] if isinstance(existing, list) else []
    return out + [x for x in extra if x not in out]


def smcp_patch(mesh: Mesh, decisions: Decisions) -> dict:
    """The merge patch of phase 1. A merge patch replaces lists: existing aliases are kept in it."""
    spec = mesh.spec
    aliases = [p.trust_domain for p in mesh.peers]
    tech_aliases = dig(spec, "techPreview", "meshConfig", "trustDomainAliases")
    additional = dig(spec, "security", "trust", "additionalDomains")
    patch: dict = {"spec": {}}
    if isinstance(additional, list) and additional:
        # the operator lets security.trust.additionalDomains overwrite meshConfig.trustDomainAliases (its
        # conversion starts from techPreview and lets the real field win): extend that one instead
        patch["spec"]["security"] = {"trust": {"additionalDomains": _merged(additional, _merged(tech_aliases, aliases))}}
    else:
        patch["spec"]["techPreview"] = {"meshConfig": {"trustDomainAliases": _merged(tech_aliases, aliases)}}
    patch["spec"]["runtime"] = {"components": {"pilot": {"container": {"env": {
        "PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API": "true"}}}}}
    patch["spec"]["cluster"] = {"network": decisions.network[mesh.index]}
    patch["spec"].setdefault("security", {})["manageNetworkPolicy"] = False
    return patch


def reverse_patch(original: dict, patch: dict) -> dict:
    """The merge patch that undoes `patch` on `original`: each key it touched back to its old value,
    or removed (null) where `original` had none."""
    out = {}
    for key, value in patch.items():
        if not isinstance(original, dict) or key not in original:
            out[key] = None
        elif isinstance(value, dict) and isinstance(original[key], dict):
            out[key] = reverse_patch(original[key], value)
        else:
            out[key] = copy.deepcopy(original[key])
    return out


def merge_patch(target, patch):
    """RFC 7386: what the API server makes of `target` with `patch` applied."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


# --- phase 2: the exporting side ----------------------------------------------------------------

def exporter_objects(exporter: Mesh, imports: list[Imported], decisions: Decisions) -> list[dict]:
    """Namespace, east-west Gateway, allow-list Gateway, alias ServiceEntries (imports: from this exporter)."""
    ns, name = decisions.eastwest_namespace, decisions.eastwest_name
    hosts = sorted({i.hostname for i in imports})
    docs = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(ns)},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
         "metadata": _meta(name, ns, {NETWORK_LABEL: decisions.network[exporter.index]}),
         "spec": {"gatewayClassName": "istio", "listeners": [dict(LISTENER, hostname=BLOCK_ALL_HOSTNAME)]}},
        {"apiVersion": "networking.istio.io/v1alpha3", "kind": "Gateway", "metadata": _meta(ALLOW_LIST_NAME, ns),
         "spec": {"selector": {"istio.io/gateway-name": name},
                  "servers": [{"port": {"number": PORT, "name": "tls", "protocol": "TLS"},
                               "tls": {"mode": "AUTO_PASSTHROUGH"}, "hosts": hosts}]}},
    ]
    by_service: dict[tuple[str, str], list[Imported]] = {}
    for item in imports:
        by_service.setdefault((item.namespace, item.name), []).append(item)
    for (svc_ns, svc_name), items in sorted(by_service.items()):
        own = f"{svc_name}.{svc_ns}.svc.{exporter.cluster_domain}"
        aliases = sorted({i.hostname for i in items if i.hostname != own})
        if not aliases:
            continue   # clients ask for the Service's own name: the gateway finds it without an alias
        first = items[0]
        ports = [dict({"number": p.number, "name": p.name}, **({"protocol": p.protocol} if p.protocol else {}),
                      targetPort=p.target_port) for p in first.ports]
        docs.append({"apiVersion": "networking.istio.io/v1beta1", "kind": "ServiceEntry",
                     "metadata": _meta(dashed(min(i.exported_name for i in items)), svc_ns),
                     "spec": {"hosts": aliases, "location": "MESH_INTERNAL", "ports": ports, "resolution": "STATIC",
                              "workloadSelector": {"labels": dict(first.selector)}}})
    return docs


# --- phase 3: the importing side ----------------------------------------------------------------

def remote_gateway(importer: Mesh, exporter: Mesh, decisions: Decisions) -> dict:
    address = decisions.address.get(exporter.index)
    entry = {"type": address_type(address), "value": address} if address else address_placeholder(exporter.label)
    return {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "Gateway",
            "metadata": _meta(f"remote-gateway-{exporter.label}", importer.namespace,   # unique per importer
                              {NETWORK_LABEL: decisions.remote_network[(importer.index, exporter.index)]}),
            "spec": {"gatewayClassName": "istio-remote", "addresses": [entry], "listeners": [dict(LISTENER)]}}


def imported_objects(importer: Mesh, meshes: list[Mesh], item: Imported, decisions: Decisions) -> list[dict]:
    """The ServiceEntry and WorkloadEntry of one imported service."""
    exporter = meshes[item.exporter]
    peer = importer.peer_for(exporter.index)
    name = dashed(item.hostname)
    selector = {"app": label_value(name)}
    ports = [dict({"number": p.number, "name": p.name}, **({"protocol": p.protocol} if p.protocol else {}))
             for p in item.ports]
    sans = [f"spiffe://{peer.trust_domain}/ns/{item.namespace}/sa/{sa}" for sa in item.service_accounts]
    return [
        {"apiVersion": "networking.istio.io/v1beta1", "kind": "ServiceEntry", "metadata": _meta(name, importer.namespace),
         "spec": {"exportTo": list(decisions.export_to[importer.index]), "hosts": [item.hostname],
                  "location": "MESH_INTERNAL", "ports": ports, "resolution": "STATIC", "subjectAltNames": sans,
                  "workloadSelector": {"labels": selector}}},
        {"apiVersion": "networking.istio.io/v1beta1", "kind": "WorkloadEntry",
         "metadata": _meta(f"{name}-{exporter.label}", importer.namespace,
                           dict(selector, **{"security.istio.io/tlsMode": "istio"})),
         "spec": {"network": decisions.remote_network[(importer.index, exporter.index)]}},
    ]


# --- phase 5: the targeted removal of the federation gateways -------------------------------------

def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def gateway_removal(mesh: Mesh) -> tuple[list[dict], list[str]]:
    """(JSON patch removing each peer's federation gateways by name, names not found in the SMCP)."""
    ops, missing = [], []
    gateways = dig(mesh.spec, "gateways", default={})
    for peer in mesh.peers:
        for key, name in (("additionalIngress", peer.ingress_gateway), ("additionalEgress", peer.egress_gateway)):
            op = {"op": "remove", "path": _pointer("spec", "gateways", key, name)}
            if name and name in (dig(gateways, key, default={}) or {}):
                if op not in ops:
                    ops.append(op)
            elif name:
                missing.append(f"{key}/{name}")
    return ops, missing


def gateway_restore(mesh: Mesh, ops: list[dict]) -> list[dict]:
    """The JSON patch that adds the removed gateways back as the SOURCE's SMCP had them."""
    gateways = dig(mesh.spec, "gateways", default={})
    out = []
    for op in ops:
        key, name = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[-2:]]
        out.append({"op": "add", "path": op["path"], "value": gateways[key][name]})
    return out


# --- phase 0: what phase 4 deletes, ready to apply again ------------------------------------------

SERVER_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                   "deletionTimestamp", "deletionGracePeriodSeconds")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def restorable(obj: dict) -> dict:
    """The object without what the server owns (status, uid, resourceVersion...): it can be created again."""
    out = {k: copy.deepcopy(v) for k, v in obj.items() if k != "status"}
    meta = {k: v for k, v in (out.get("metadata") or {}).items() if k not in SERVER_METADATA}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    meta.pop("annotations", None)
    if annotations:
        meta["annotations"] = annotations
    out["metadata"] = meta
    return out


def federation_restore(mesh: Mesh) -> list[dict]:
    return [restorable(o.obj) for kind in ("ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet")
            for o in mesh.source.of_kind(kind, mesh.namespace)]


# --- phase 6: OSSM 3 ----------------------------------------------------------------------------

def istio_cni(decisions: Decisions) -> list[dict]:
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(decisions.cni_namespace)},
            {"apiVersion": "sailoperator.io/v1", "kind": "IstioCNI", "metadata": _meta(ISTIO_CNI_NAME),
             "spec": {"version": decisions.istio_version, "namespace": decisions.cni_namespace}}]


def istio(mesh: Mesh, decisions: Decisions) -> dict:
    mesh_config: dict = {}
    access_log = dig(mesh.spec, "proxy", "accessLogging", "file", "name")
    if access_log:
        mesh_config["accessLogFile"] = str(access_log)
    mesh_config.update({
        "trustDomain": mesh.trust_domain,
        "trustDomainAliases": [p.trust_domain for p in mesh.peers],
        "caCertificates": [{"pem": p.root_pem} for p in mesh.peers if p.root_pem],
        "defaultConfig": {"proxyMetadata": {"ISTIO_META_DNS_CAPTURE": "true", "PROXY_CONFIG_XDS_AGENT": "true"}},
    })
    env = {"ISTIO_MULTIROOT_MESH": "true"}
    if decisions.istio_minor == 24:
        env["PILOT_ENABLE_IP_AUTOALLOCATE"] = "true"   # off by default in 1.24: imported names would not resolve
    global_values: dict = {"network": decisions.network[mesh.index]}
    cluster_name = dig(mesh.spec, "cluster", "name")
    if cluster_name:
        global_values["multiCluster"] = {"clusterName": str(cluster_name)}
    return {"apiVersion": "sailoperator.io/v1", "kind": "Istio", "metadata": _meta(decisions.istio_name),
            "spec": {"namespace": mesh.namespace, "version": decisions.istio_version,
                     "updateStrategy": {"type": decisions.update_strategy},
                     "values": {"meshConfig": mesh_config, "pilot": {"env": env}, "global": global_values}}}


# --- every artifact -------------------------------------------------------------------------------

def build_artifacts(meshes: list[Mesh], imports: list[Imported], decisions: Decisions) -> list[Artifact]:
    out: list[Artifact] = []

    def add(mesh: Mesh, phase: str, name: str, documents, fmt: str = "yaml") -> None:
        out.append(Artifact(mesh.index, phase, f"{mesh.label}/{file_prefix(phase)}{name}", tuple(documents), fmt))

    for mesh in meshes:
        add(mesh, "prepare", "restore-federation.yaml", federation_restore(mesh))
    for mesh in meshes:
        patch = smcp_patch(mesh, decisions)
        add(mesh, "control-plane", "smcp-merge-patch.json", [patch], "merge-patch")
        add(mesh, "control-plane", "smcp-merge-patch.rollback.json", [reverse_patch(mesh.smcp.obj, patch)], "merge-patch")
    for mesh in meshes:
        exported = [i for i in imports if i.exporter == mesh.index]
        if exported:
            add(mesh, "export", "export.yaml", exporter_objects(mesh, exported, decisions))
    for mesh in meshes:
        imported = [i for i in imports if i.importer == mesh.index]
        if not imported:
            continue
        exporters = sorted({i.exporter for i in imported})
        add(mesh, "import", "remote-gateways.yaml", [remote_gateway(mesh, meshes[e], decisions) for e in exporters])
        add(mesh, "import", "import.yaml", [doc for i in imported for doc in imported_objects(mesh, meshes, i, decisions)])
    for mesh in meshes:
        ops, _missing = gateway_removal(mesh)
        if ops:
            add(mesh, "remove-federation-gateways", "remove-federation-gateways.json", [ops], "json-patch")
            add(mesh, "remove-federation-gateways", "remove-federation-gateways.rollback.json",
                [gateway_restore(mesh, ops)], "json-patch")
    for mesh in meshes:
        add(mesh, "install-ossm3", "istio-cni.yaml", istio_cni(decisions))
        add(mesh, "install-ossm3", "istio.yaml", [istio(mesh, decisions)])
    return out


def artifact(artifacts: list[Artifact], mesh: int, phase: str, suffix: str) -> Artifact | None:
    return next((a for a in artifacts if a.mesh == mesh and a.phase == phase and a.file.endswith(suffix)), None)

