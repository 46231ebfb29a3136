"""What each mesh imports from each peer: the exporting Service (namespace, name, ports, selector, the
service accounts of its pods) and the importing hostname: what both sides' artifacts are made of.

Statuses first: `ExportedServiceSet.status.exportedServices` joined with
`ImportedServiceSet.status.importedServices` on `exportedName` is exactly what 2.x did. Without a
status, the names are computed by 2.x's rules (first matching rule wins, aliases, importAsLocal,
domainSuffix), and the user is told so; rules that need the cluster's Service list (label selectors,
wildcards on the exporting side) are refused without the status.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding
from ..i18n import _
from .findings import Where, flagged, refused
from .load import Loaded
from ..object_paths import dig, items_of, mapping_of
from .pairing import Mesh

# Istio's protocol from a port name's prefix or appProtocol (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/)
PROTOCOLS = {"http": "HTTP", "http2": "HTTP2", "https": "HTTPS", "grpc": "GRPC", "grpc-web": "GRPC-Web",
             "tcp": "TCP", "tls": "TLS", "mongo": "Mongo", "mysql": "MySQL", "redis": "Redis"}
WILDCARDS = ("", "*")


@dataclass(frozen=True)
class ServicePort:
    number: int
    name: str
    protocol: str | None     # None: left for Istio to detect
    target_port: int


@dataclass(frozen=True)
class Imported:
    """One service one mesh imports from another."""
    importer: int
    exporter: int
    exported_name: str       # `<name>.<ns>.svc.<peer>-exports.local`, the join key
    namespace: str           # the exporting Service
    name: str
    hostname: str            # what the importer's clients call it
    local_namespace: str
    local_name: str
    import_as_local: bool
    ports: tuple[ServicePort, ...]
    selector: tuple[tuple[str, str], ...]
    service_accounts: tuple[str, ...]


def _fixed(value) -> bool:
    return str(value or "") not in WILDCARDS


def _matches(pattern, value: str) -> bool:
    return not _fixed(pattern) or str(pattern) == value


def _exports(exporter: Mesh, ess: Loaded, peer_name: str, findings: list[Finding]) -> dict[str, tuple[str, str]]:
    """exportedName -> the exporting Service's (namespace, name)."""
    status = dig(ess.obj, "status", "exportedServices")
    if isinstance(status, list):
        return {e["exportedName"]: (str(mapping_of(e, "localService").get("namespace", "")),
                                    str(mapping_of(e, "localService").get("name", "")))
                for e in status if isinstance(e, dict) and e.get("exportedName")}
    out: dict[str, tuple[str, str]] = {}
    for i, rule in enumerate(items_of(ess.obj, "spec", "exportRules")):
        selector = mapping_of(rule, "nameSelector")
        if dig(rule, "type") != "NameSelector" or not (_fixed(selector.get("namespace")) and _fixed(selector.get("name"))):
            findings.append(refused("SMF306", ess.at(f"spec.exportRules[{i}]"), _(
                "{mesh}: export rule {n} of ExportedServiceSet {ess} selects by label or wildcard, and the set has no "
                "status: which Services it exports is only known on the cluster").format(
                    mesh=exporter.source.label, n=i + 1, ess=ess.name),
                _("add the set with its status: oc get exportedserviceset {ess} -n {namespace} -o yaml (status can "
                  "take 5 minutes to appear)").format(ess=ess.name, namespace=exporter.namespace)))
            continue
        alias = selector.get("alias") or {}
        ns = alias.get("namespace") if _fixed(alias.get("namespace")) else selector["namespace"]
        name = alias.get("name") if _fixed(alias.get("name")) else selector["name"]
        out.setdefault(f"{name}.{ns}.svc.{peer_name}-exports.local", (selector["namespace"], selector["name"]))
    return out


def _imported_names(importer: Mesh, iss: Loaded, peer_name: str, exported: list[str]) -> dict[str, tuple[str, str, str]]:
    """exportedName -> (hostname, local namespace, local name), as the importer's status says or 2.x computes."""
    status = dig(iss.obj, "status", "importedServices")
    if isinstance(status, list):
        return {e["exportedName"]: (str(mapping_of(e, "localService").get("hostname", "")),
                                    str(mapping_of(e, "localService").get("namespace", "")),
                                    str(mapping_of(e, "localService").get("name", "")))
                for e in status if isinstance(e, dict) and e.get("exportedName") and dig(e, "localService", "hostname")}
    out = {}
    default_suffix = dig(iss.obj, "spec", "domainSuffix") or f"svc.{peer_name}-imports.local"
    for exported_name in exported:
        name, ns = exported_name.split(".")[:2]
        for rule in items_of(iss.obj, "spec", "importRules"):
            selector = mapping_of(rule, "nameSelector")
            if dig(rule, "type") != "NameSelector" or not (_matches(selector.get("namespace"), ns)
                                                           and _matches(selector.get("name"), name)):
                continue
            alias = selector.get("alias") or {}
            local_ns = alias.get("namespace") if _fixed(alias.get("namespace")) else ns
            local_name = alias.get("name") if _fixed(alias.get("name")) else name
            if rule.get("importAsLocal"):
                if not _fixed(alias.get("namespace")):
                    continue    # 2.x skips an importAsLocal rule without a fixed alias namespace
                out[exported_name] = (f"{local_name}.{local_ns}.svc.{importer.cluster_domain}", local_ns, local_name)
            else:
                suffix = rule.get("domainSuffix") or default_suffix
                out[exported_name] = (f"{local_name}.{local_ns}.{suffix}", local_ns, local_name)
            break
    return out


def _protocol(port: dict) -> str | None:
    app = str(port.get("appProtocol") or "").lower()
    if app in PROTOCOLS:
        return PROTOCOLS[app]
    name = str(port.get("name") or "").lower()
    prefix = "grpc-web" if name.startswith("grpc-web") else name.split("-")[0]
    return PROTOCOLS.get(prefix)


def _pods(exporter: Mesh, namespace: str, selector: dict) -> list[Loaded]:
    return [p for p in exporter.source.of_kind("Pod", namespace)
            if all(mapping_of(p.obj, "metadata", "labels").get(k) == v for k, v in selector.items())]


def _container_port(pods: list[Loaded], name: str) -> int | None:
    for pod in pods:
        for container in items_of(pod.obj, "spec", "containers"):
            for port in items_of(container, "ports"):
                if port.get("name") == name and isinstance(port.get("containerPort"), int):
                    return port["containerPort"]
    return None


def _service_ports(exporter: Mesh, service: Loaded, pods: list[Loaded], findings: list[Finding]) -> tuple[ServicePort, ...]:
    out = []
    ports = items_of(service.obj, "spec", "ports")
    if not ports:
        findings.append(refused("SMF312", service.at("spec.ports"), _(
            "{mesh}: Service {ns}/{name} has no ports").format(mesh=exporter.source.label, ns=service.namespace,
                                                               name=service.name),
            _("give the Service as the cluster holds it: oc get service {name} -n {ns} -o yaml").format(
                name=service.name, ns=service.namespace)))
    for i, port in enumerate(ports):
        number = port.get("port")
        target = port.get("targetPort", number)
        if not (isinstance(number, int) and not isinstance(number, bool) and 0 < number < 65536) or \
                not isinstance(target, (int, str)) or isinstance(target, bool):
            findings.append(refused("SMF312", service.at(f"spec.ports[{i}]"), _(
                "{mesh}: Service {ns}/{name}: port {n} has no port number or target port that can be used").format(
                    mesh=exporter.source.label, ns=service.namespace, name=service.name, n=i + 1),
                _("give the Service as the cluster holds it: oc get service {name} -n {ns} -o yaml").format(
                    name=service.name, ns=service.namespace)))
            continue
        if isinstance(target, str) and not target.isdigit():
            resolved = _container_port(pods, target)
            if resolved is None:
                findings.append(refused("SMF312", service.at(f"spec.ports[{i}].targetPort"), _(
                    "{mesh}: Service {ns}/{name} port {port} targets the port named {target}, which no pod of it "
                    "declares").format(mesh=exporter.source.label, ns=service.namespace, name=service.name,
                                       port=number, target=target),
                    _("add the Service's pods to the SOURCE (oc get pods -n {ns} -o yaml), or give the targetPort "
                      "as a number").format(ns=service.namespace)))
                continue
            target = resolved
        protocol = _protocol(port)
        name = str(port.get("name") or f"port-{number}")
        if protocol is None:
            findings.append(flagged("SMF332", service.at(f"spec.ports[{i}]"), _(
                "{mesh}: Service {ns}/{name} port {port}: neither its name nor appProtocol gives a protocol; the "
                "ServiceEntry ports leave it for Istio to detect").format(
                    mesh=exporter.source.label, ns=service.namespace, name=service.name, port=number),
                _("name the port by its protocol (http-..., grpc-..., tcp-...) or set appProtocol, and run the "
                  "migration again")))
        out.append(ServicePort(int(number), name, protocol, int(target)))
    return tuple(out)


def _exporting_service(exporter: Mesh, ns: str, name: str, where: Where, findings: list[Finding]):
    """(ports, selector, service accounts) of the exporting Service, or None when refused."""
    service = exporter.source.find("Service", ns, name)
    if service is None:
        findings.append(refused("SMF310", where, _(
            "{mesh}: the exported Service {ns}/{name} is not in the SOURCE: its ports and selector are needed").format(
                mesh=exporter.source.label, ns=ns, name=name),
            _("add it and its pods: oc get service,pods -n {ns} -o yaml").format(ns=ns)))
        return None
    selector = {k: v for k, v in mapping_of(service.obj, "spec", "selector").items() if isinstance(v, str)}
    if not selector:
        findings.append(refused("SMF317", service.at("spec.selector"), _(
            "{mesh}: Service {ns}/{name} has no selector: no workloads to route to through the east-west "
            "gateway").format(mesh=exporter.source.label, ns=ns, name=name),
            _("the guide covers Services that select pods; migrate this one by hand")))
        return None
    pods = _pods(exporter, ns, selector)
    accounts = sorted({str(dig(p.obj, "spec", "serviceAccountName") or dig(p.obj, "spec", "serviceAccount")
                           or "default") for p in pods})
    if not accounts:
        findings.append(refused("SMF311", service.at("spec.selector"), _(
            "{mesh}: no pod of Service {ns}/{name} in the SOURCE: its service account gives the importers' "
            "subjectAltNames").format(mesh=exporter.source.label, ns=ns, name=name),
            _("add its pods: oc get pods -n {ns} -o yaml (they must be running)").format(ns=ns)))
        return None
    ports = _service_ports(exporter, service, pods, findings)
    if not ports:
        return None
    return ports, tuple(sorted(selector.items())), tuple(accounts)


def _check_local(importer: Mesh, exporter: Mesh, item: Imported, where: Where, findings: list[Finding]) -> bool:
    """importAsLocal: allowed only under the exporting Service's own name, and not over a local Service."""
    if (item.local_namespace, item.local_name) != (item.namespace, item.name) or \
            importer.cluster_domain != exporter.cluster_domain:
        findings.append(refused("SMF308", where, _(
            "{mesh} imports {ns}/{name} from {peer} as local {host}: under another name the east-west gateway "
            "would need a cluster.local host that the exporting cluster may already use").format(
                mesh=importer.source.label, ns=item.namespace, name=item.name, peer=exporter.label, host=item.hostname),
            _("import it under its own namespace and name, or without importAsLocal (the guide does not cover "
              "renamed local imports)")))
        return False
    local = importer.source.find("Service", item.local_namespace, item.local_name)
    if local is not None:
        findings.append(refused("SMF309", local.where, _(
            "{mesh} has its own Service {ns}/{name}, and imports {host} from {peer} as local: in 2.x their endpoints "
            "were merged; an OSSM 3 ServiceEntry with the same host is a conflict the guide does not cover").format(
                mesh=importer.source.label, ns=item.local_namespace, name=item.local_name, host=item.hostname,
                peer=exporter.label),
            _("import it without importAsLocal (a *.svc.<peer>-imports.local name), or migrate it by hand")))
        return False
    if ("Service", item.local_namespace) in importer.source.listed:
        return True    # read whole from the cluster: there is none
    findings.append(flagged("SMF331", where, _(
        "{mesh}: assumed there is no local Service {ns}/{name} beside the imported {host} (the SOURCE holds none)").format(
            mesh=importer.source.label, ns=item.local_namespace, name=item.local_name, host=item.hostname),
        _("check with oc get service {name} -n {ns} on that cluster; if it exists, do not migrate this import "
          "as it is").format(name=item.local_name, ns=item.local_namespace)))
    return True


def imports_between(importer: Mesh, exporter: Mesh, findings: list[Finding]) -> list[Imported]:
    """The services `importer` imports from `exporter` (both linked by `pairing.pair`)."""
    to_exporter, to_importer = importer.peer_for(exporter.index), exporter.peer_for(importer.index)
    if to_exporter is None or to_importer is None:
        return []
    iss = importer.source.find("ImportedServiceSet", importer.namespace, to_exporter.name)
    if iss is None:
        return []
    ess = exporter.source.find("ExportedServiceSet", exporter.namespace, to_importer.name)
    if ess is None:
        findings.append(refused("SMF306", iss.where, _(
            "{importer} imports from {exporter}, whose ExportedServiceSet {ess} is not in its SOURCE").format(
                importer=importer.source.label, exporter=exporter.source.label, ess=to_importer.name),
            _("add it with its status: oc get exportedserviceset {ess} -n {namespace} -o yaml").format(
                ess=to_importer.name, namespace=exporter.namespace)))
        return []
    exports = _exports(exporter, ess, to_importer.name, findings)
    computed = not isinstance(dig(ess.obj, "status", "exportedServices"), list) or \
        not isinstance(dig(iss.obj, "status", "importedServices"), list)
    if computed and exports:
        findings.append(flagged("SMF330", iss.where, _(
            "{importer} <- {exporter}: without both sets' status, the exported and imported names are computed by "
            "2.x's rules").format(importer=importer.source.label, exporter=exporter.source.label),
            _("give the ExportedServiceSet and ImportedServiceSet with their status to take the names 2.x really "
              "uses")))
    out = []
    for exported_name, (hostname, local_ns, local_name) in _imported_names(importer, iss, to_exporter.name,
                                                                          list(exports)).items():
        if exported_name not in exports:
            findings.append(flagged("SMF331", iss.where, _(
                "{importer} imports {exported} from {exporter}, which does not export it (any more): not carried "
                "over").format(importer=importer.label, exported=exported_name, exporter=exporter.label),
                _("if it is still wanted, export it in {exporter}'s ExportedServiceSet {ess} and run again").format(
                    exporter=exporter.label, ess=to_importer.name)))
            continue
        ns, name = exports[exported_name]
        found = _exporting_service(exporter, ns, name, ess.where, findings)
        if found is None:
            continue
        ports, selector, accounts = found
        as_local = hostname.endswith(f".svc.{importer.cluster_domain}")
        item = Imported(importer.index, exporter.index, exported_name, ns, name, hostname, local_ns, local_name,
                        as_local, ports, selector, accounts)
        if as_local and not _check_local(importer, exporter, item, iss.where, findings):
            continue
        out.append(item)
    return out


def all_imports(meshes: list[Mesh], findings: list[Finding]) -> list[Imported]:
    """Every import of every mesh from every peer, importer by importer in SOURCE order. One host
    imported from two meshes (2.x merged their endpoints) is refused: the guide has one exporter a host."""
    out: list[Imported] = []
    for importer in meshes:
        for peer in importer.peers:
            if peer.remote is not None:
                out += imports_between(importer, meshes[peer.remote], findings)
    first: dict[tuple[int, str], Imported] = {}
    doubled: set[tuple[int, str]] = set()
    for item in out:
        key = (item.importer, item.hostname)
        if first.setdefault(key, item) is item:
            continue
        doubled.add(key)
        importer = meshes[item.importer]
        findings.append(refused("SMF318", importer.smcp.where, _(
            "{mesh} imports {host} from both {first} and {second}: 2.x merged their endpoints; the guide gives a "
            "host one exporting mesh").format(mesh=importer.label, host=item.hostname,
                                              first=meshes[first[key].exporter].label, second=meshes[item.exporter].label),
            _("import it from one of them, or under a name of its own from each (no importAsLocal, or another "
              "domainSuffix)")))
    return [i for i in out if (i.importer, i.hostname) not in doubled]
