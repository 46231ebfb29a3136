"""The two sides of one peering, read from two clusters, checked against each other.

Sides pair by trust domain: A's ServiceMeshPeer names B's trust domain and B's names A's. A mesh's
federation name (what its peers call it) may differ from its SMCP name, so names are not compared;
when a side's SMCP could not be read, the namespace in the other side's clientID stands in for it.
From A's point of view (problems are A's to fix): A's remote addresses and ports against B's real
ingress Service, A's CA ConfigMap against B's istio-ca-root-cert, and what B exports to A against what
A's ImportedServiceSet wants and holds.
"""
from __future__ import annotations

import ipaddress

from ..i18n import _
from ..model import DISCOVERY_PORT, TLS_PORT
from ..smcp_paths import TRUST_DOMAIN
from .certs import NotACertificate
from .codes import problem
from .model import Problem
from ..object_paths import dig
from .sides import MESH_ROOT_CONFIGMAP, Side, ingress_addresses, root_certificates

_ANY = ("", "*", None)


def _names_mesh(side: Side, other: Side) -> bool:
    """Does `side`'s ServiceMeshPeer point at `other`'s mesh?"""
    if other.mesh_trust_domain is not None:
        return side.peer_trust_domain == other.mesh_trust_domain
    return side.client_id_namespace == other.namespace


def pair_sides(sides: list[Side]) -> dict[int, int]:
    """index -> index of the other side, for sides that point at each other from different clusters."""
    pairs: dict[int, int] = {}
    for i, a in enumerate(sides):
        for j, b in enumerate(sides):
            if i < j and a.read is not b.read and i not in pairs and j not in pairs \
                    and _names_mesh(a, b) and _names_mesh(b, a):
                pairs[i], pairs[j] = j, i
    return pairs


def names_a_read_mesh(side: Side, sides: list[Side], reads) -> bool:
    """Is the mesh `side` points at among the clusters read (so its missing ServiceMeshPeer is a fault)?"""
    for read in reads:
        if read is side.read or not read.has_read("ServiceMeshPeer"):   # not read is not missing
            continue
        for smcp in read.items("ServiceMeshControlPlane"):
            if str(dig(smcp, *TRUST_DOMAIN, default="cluster.local")) == side.peer_trust_domain:
                return True
    return False


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _address_problems(a: Side, b: Side) -> list[Problem]:
    ingress = b.gateway("ingress")
    if not b.read.has_read("Service") or not ingress:
        return []
    service = b.named("Service", ingress)
    if service is None:
        return []   # b's own report says the Service is missing
    kind = dig(service, "spec", "type", default="ClusterIP")
    ports = [p for p in dig(service, "spec", "ports", default=[]) if isinstance(p, dict)]
    out = []
    if kind == "LoadBalancer":
        ips, hosts = ingress_addresses(service)
        real = ips + hosts
        names = [address for address in a.addresses if not _is_ip(address)]
        if real and not set(a.addresses) & set(real) and names and not hosts:
            # a DNS name of one's own may point at the load balancer's IP: where it resolves is not ours to guess
            out.append(problem("SMF220", _("remote.addresses {names} is a name and {peer}'s ingress has the address "
                                           "{real}: not checked whether the name resolves to it").format(
                names=", ".join(names), peer=a.name, real=", ".join(real)),
                _("check on this cluster that {name} resolves to {real}").format(name=names[0], real=", ".join(real))))
        elif real and not set(a.addresses) & set(real):
            hint = None
            if hosts and not ips and a.addresses:
                hint = _("the peer's load balancer has a host name (AWS gives one, and its IPs can change): put "
                         "{host} into remote.addresses, not an IP").format(host=hosts[0])
            out.append(problem("SMF204", _("remote.addresses {mine} is not {peer}'s ingress address {real}").format(
                mine=", ".join(a.addresses) or _("(none)"), peer=a.name, real=", ".join(real)), hint))
        wanted = {(a.service_port, TLS_PORT), (a.discovery_port, DISCOVERY_PORT)}
        served = {int(p.get("port", 0)) for p in ports}
        for port, role in sorted(wanted):
            if port not in served:
                out.append(problem("SMF205", _("remote port {port} is not a port of {peer}'s ingress {name} "
                                               "({served})").format(port=port, peer=a.name, name=ingress,
                                                                    served=", ".join(map(str, sorted(served))))))
    elif kind == "NodePort":
        # nodes are cluster-wide and not read: the addresses are not checked, and that is said
        out.append(problem("SMF220", _("{peer}'s ingress {name} is a NodePort: remote.addresses {mine} should be "
                                       "addresses of its nodes, which status does not read; its node ports were "
                                       "checked").format(peer=a.name, name=ingress,
                                                         mine=", ".join(a.addresses) or _("(none)")),
                           _("check remote.addresses against `oc get nodes -o wide` on the peer's cluster")))
        node_ports = {int(p.get("port", 0)): p.get("nodePort") for p in ports}
        for mine, port, field in ((a.service_port, TLS_PORT, "servicePort"), (a.discovery_port, DISCOVERY_PORT,
                                                                              "discoveryPort")):
            real = node_ports.get(port)
            if real is not None and int(real) != mine:
                out.append(problem("SMF205", _("remote.{field} is {mine}, but {peer}'s ingress {name} exposes {port} on "
                                               "node port {real}").format(field=field, mine=mine, peer=a.name,
                                                                          name=ingress, port=port, real=real)))
    else:
        out.append(problem("SMF220", _("{peer}'s ingress {name} is a {kind} Service, reachable from another cluster "
                                       "only through something in front of it: remote.addresses {mine} not checked")
                           .format(peer=a.name, name=ingress, kind=kind, mine=", ".join(a.addresses) or _("(none)"))))
    return out


def _certificate_problems(a: Side, b: Side) -> list[Problem]:
    if not (a.read.has_read("ConfigMap") and b.read.has_read("ConfigMap")):
        return []
    mine_map, theirs_map = a.named("ConfigMap", a.ca_configmap), b.named("ConfigMap", MESH_ROOT_CONFIGMAP)
    if mine_map is None or theirs_map is None:
        return []   # a missing ConfigMap is reported by its own side
    try:
        mine, theirs = root_certificates(mine_map), root_certificates(theirs_map)
    except NotACertificate:
        return []   # a missing or broken ConfigMap is reported by its own side
    if {c.fingerprint for c in mine} & {c.fingerprint for c in theirs}:
        return []
    return [problem("SMF207", _("{name} holds {mine}, but {peer}'s root ({configmap} in {namespace}) is {theirs}").format(
        name=a.ca_configmap, mine=", ".join(f"{c.common_name} [{c.short}]" for c in mine), peer=a.name,
        configmap=MESH_ROOT_CONFIGMAP, namespace=b.namespace,
        theirs=", ".join(f"{c.common_name} [{c.short}]" for c in theirs)),
        _("copy {peer}'s root into {name}: `oc get configmap {configmap} -n {namespace} -o jsonpath='{{.data.root-cert\\.pem}}'` "
          "on the peer's cluster").format(peer=a.name, name=a.ca_configmap, configmap=MESH_ROOT_CONFIGMAP,
                                          namespace=b.namespace))]


def _exported_parts(exported_name: str) -> tuple[str, str]:
    """(namespace, name) of `<name>.<namespace>.svc.<peer>-exports.local`."""
    parts = exported_name.split(".")
    return (parts[1] if len(parts) > 1 else "", parts[0])


def _rules(side: Side) -> list[tuple[str | None, str | None]]:
    iss = side.named("ImportedServiceSet", side.name)
    rules = dig(iss, "spec", "importRules", default=[]) if iss else []
    return [(dig(r, "nameSelector", "namespace"), dig(r, "nameSelector", "name")) for r in rules
            if isinstance(r, dict) and r.get("type") == "NameSelector"]


def _matches(rule: tuple[str | None, str | None], namespace: str, name: str) -> bool:
    return (rule[0] in _ANY or rule[0] == namespace) and (rule[1] in _ANY or rule[1] == name)


def _service_problems(importer: Side, exporter: Side) -> list[Problem]:
    if not (exporter.read.has_read("ExportedServiceSet") and importer.read.has_read("ImportedServiceSet")):
        return []
    exported = exporter.exported
    rules = _rules(importer)
    held = {str(e.get("exportedName", "")) for e in importer.service_names("ImportedServiceSet", "importedServices")
            if dig(e, "localService", "hostname")}
    out = []
    for name in exported:
        namespace, service = _exported_parts(name)
        if not any(_matches(rule, namespace, service) for rule in rules):
            out.append(problem("SMF211", _("{service} is exported by {peer} but no importRule of ImportedServiceSet "
                                           "{iss} takes it").format(service=name, peer=importer.name, iss=importer.name),
                               _("add an importRule (type NameSelector, namespace {namespace}, name {name}) to "
                                 "ImportedServiceSet {iss}, or stop exporting it").format(
                                   namespace=namespace, name=service, iss=importer.name)))
        elif name not in held:
            out.append(problem("SMF213", _("{service} is exported by {peer} and an importRule wants it, but "
                                           "ImportedServiceSet {iss} does not hold it").format(
                service=name, peer=importer.name, iss=importer.name)))
    for rule in rules:
        if rule[0] in _ANY or rule[1] in _ANY:
            continue
        if not any(_exported_parts(name) == (rule[0], rule[1]) for name in exported):
            out.append(problem("SMF212", _("ImportedServiceSet {iss} wants {namespace}/{name}, but {peer} does not "
                                           "export it (ExportedServiceSet {ess} on its cluster)").format(
                iss=importer.name, namespace=rule[0], name=rule[1], peer=importer.name, ess=exporter.name)))
    return out


def cross_problems(a: Side, b: Side) -> list[Problem]:
    """What is wrong with side `a` given what its peer's cluster holds (side `b`)."""
    return _address_problems(a, b) + _certificate_problems(a, b) + _service_problems(a, b)
