"""One side of a federation: a ServiceMeshPeer as one cluster holds it, with the objects around it
(its mesh's SMCP, gateway Services and pods, CA ConfigMaps, service sets), and what can be said about
it from that cluster alone (`local_problems`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..i18n import _
from ..model import DISCOVERY_PORT, TLS_PORT
from ..object_paths import dig
from ..smcp_paths import TRUST_DOMAIN
from .certs import Certificate, NotACertificate, read_pem_bundle
from .codes import problem
from .model import Problem
from .reader import ClusterRead

GATEWAY_LABEL = "maistra.io/gateway"
ROOT_CERT_KEY = "root-cert.pem"
MESH_ROOT_CONFIGMAP = "istio-ca-root-cert"
NLB_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"
EXPIRY_WARNING = timedelta(days=30)


def parse_time(text) -> datetime | None:
    """An RFC 3339 timestamp as the cluster writes it; None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def age_text(then: datetime | None, now: datetime) -> str:
    if then is None:
        return _("never")
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return _("{n}s ago").format(n=seconds)
    if seconds < 3600:
        return _("{n}m ago").format(n=seconds // 60)
    if seconds < 86400:
        return _("{n}h ago").format(n=seconds // 3600)
    return _("{n}d ago").format(n=seconds // 86400)


@dataclass(frozen=True)
class Discovery:
    """`.status.discoveryStatus`, de-duplicated by pod (merge patches can repeat entries)."""

    reported: bool                     # any istiod pod wrote an entry
    connected: bool                    # an active pod's watch is connected
    remotes_connected: int             # distinct inbound sources connected
    last_full_sync: str | None
    last_disconnect: str | None
    last_disconnect_status: str | None


def discovery_of(smp: dict) -> Discovery:
    status = dig(smp, "status", "discoveryStatus", default={})
    by_pod: dict[str, tuple[bool, dict]] = {}
    for active, entries in ((False, dig(status, "inactive", default=[])), (True, dig(status, "active", default=[]))):
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                pod = str(entry.get("pod", ""))
                if active or pod not in by_pod:      # a pod listed in both: active wins
                    by_pod[pod] = (active, entry)
    watches = [(active, dig(e, "watch", default={})) for active, e in by_pod.values()]
    connected = any(active and w.get("connected") is True for active, w in watches)
    sources = {str(r.get("source", "")) for active, e in by_pod.values() if active
               for r in dig(e, "remotes", default=[]) if isinstance(r, dict) and r.get("connected") is True}
    syncs = [w.get("lastFullSync") for active, w in watches if active and parse_time(w.get("lastFullSync"))]
    disconnects = sorted((parse_time(w.get("lastDisconnect")), w) for _a, w in watches
                         if parse_time(w.get("lastDisconnect")))
    last = disconnects[-1][1] if disconnects else {}
    return Discovery(bool(by_pod), connected, len(sources), max(syncs, key=parse_time) if syncs else None,
                     last.get("lastDisconnect"), last.get("lastDisconnectStatus") or None)


@dataclass(frozen=True)
class Side:
    read: ClusterRead
    smp: dict

    @property
    def name(self) -> str:
        return str(dig(self.smp, "metadata", "name", default=""))

    @property
    def namespace(self) -> str:
        return str(dig(self.smp, "metadata", "namespace", default=self.read.namespace or ""))

    @property
    def label(self) -> str:
        return f"{self.read.label}/{self.namespace}/{self.name}"

    @property
    def peer_trust_domain(self) -> str:
        return str(dig(self.smp, "spec", "security", "trustDomain", default=""))

    @property
    def client_id_namespace(self) -> str | None:
        """The peer's namespace as the clientID names it (`<td>/ns/<namespace>/sa/<account>`)."""
        parts = str(dig(self.smp, "spec", "security", "clientID", default="")).split("/")
        return parts[2] if len(parts) >= 4 and parts[1] == "ns" else None

    @property
    def mesh_trust_domain(self) -> str | None:
        """This side's own mesh's trust domain, from its SMCP (None when the SMCP was not read)."""
        smcp = self.smcp
        if smcp is None:
            return None
        return str(dig(smcp, *TRUST_DOMAIN, default="cluster.local"))

    @property
    def smcp(self) -> dict | None:
        found = [o for o in self.read.items("ServiceMeshControlPlane") if dig(o, "metadata", "namespace") == self.namespace]
        return found[0] if found else None

    def gateway(self, kind: str) -> str:
        return str(dig(self.smp, "spec", "gateways", kind, "name", default=""))

    @property
    def addresses(self) -> tuple[str, ...]:
        value = dig(self.smp, "spec", "remote", "addresses", default=[])
        return tuple(str(a) for a in value) if isinstance(value, list) else ()

    @property
    def service_port(self) -> int:
        return int(dig(self.smp, "spec", "remote", "servicePort", default=TLS_PORT))

    @property
    def discovery_port(self) -> int:
        return int(dig(self.smp, "spec", "remote", "discoveryPort", default=DISCOVERY_PORT))

    @property
    def ca_configmap(self) -> str:
        return str(dig(self.smp, "spec", "security", "certificateChain", "name", default=f"{self.name}-ca-root-cert"))

    def named(self, kind: str, name: str) -> dict | None:
        for obj in self.read.items(kind):
            if dig(obj, "metadata", "name") == name and dig(obj, "metadata", "namespace", default=self.namespace) == self.namespace:
                return obj
        return None

    def service_names(self, kind: str, status_key: str) -> tuple[dict, ...]:
        """The entries of this peer's ExportedServiceSet (`exportedServices`) or ImportedServiceSet status."""
        obj = self.named(kind, self.name)
        entries = dig(obj, "status", status_key, default=[]) if obj else []
        return tuple(e for e in entries if isinstance(e, dict)) if isinstance(entries, list) else ()

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(str(e.get("exportedName", "")) for e in self.service_names("ExportedServiceSet", "exportedServices"))

    @property
    def imported(self) -> tuple[str, ...]:
        """The names clients here use for what is imported (entries no rule matched have no local name)."""
        return tuple(str(dig(e, "localService", "hostname")) for e in
                     self.service_names("ImportedServiceSet", "importedServices")
                     if dig(e, "localService", "hostname"))


def sides_of(read: ClusterRead) -> list[Side]:
    return [Side(read, smp) for smp in sorted(read.items("ServiceMeshPeer"), key=lambda o: dig(o, "metadata", "name", default=""))]


def ingress_addresses(service: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(IPs, host names) of a LoadBalancer Service's status."""
    entries = dig(service, "status", "loadBalancer", "ingress", default=[])
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    return tuple(str(e["ip"]) for e in entries if e.get("ip")), tuple(str(e["hostname"]) for e in entries if e.get("hostname"))


def root_certificates(configmap: dict) -> tuple[Certificate, ...]:
    """The certificates in a ConfigMap's root-cert.pem; NotACertificate says why there are none."""
    return read_pem_bundle(str(dig(configmap, "data", ROOT_CERT_KEY, default="")))


def _pods_ready(side: Side, gateway: str) -> tuple[int, int]:
    label = f"{gateway}.{side.namespace}"
    pods = [p for p in side.read.items("Pod") if dig(p, "metadata", "labels", GATEWAY_LABEL) == label]
    ready = sum(1 for p in pods if any(c.get("type") == "Ready" and c.get("status") == "True"
                                       for c in dig(p, "status", "conditions", default=[]) if isinstance(c, dict)))
    return ready, len(pods)


def _disconnect_hint(status: str | None) -> str | None:
    if not status:
        return None
    if status.startswith("503"):
        return _("the peer's ingress gateway answered 503: nothing behind it serves discovery (port 8188): check the "
                 "peer's istiod and ingress gateway pods, and that its ingress gateway exposes 8188")
    if status.startswith(("401", "403")):
        return _("the peer refused this mesh's identity: its ServiceMeshPeer's clientID and trustDomain must name "
                 "this mesh's egress gateway service account")
    return None


def _connection_problems(side: Side, now: datetime) -> list[Problem]:
    found = discovery_of(side.smp)
    if not found.reported:
        return [problem("SMF201", _("no istiod pod has reported on {peer} yet (the ServiceMeshPeer has no "
                                    "discovery status)").format(peer=side.name))]
    out = []
    if not found.connected:
        if found.last_disconnect_status:
            message = _("not connected to {peer}: last disconnect {status} ({age})").format(
                peer=side.name, status=found.last_disconnect_status, age=age_text(parse_time(found.last_disconnect), now))
        else:
            message = _("not connected to {peer}: no istiod pod's watch is connected").format(peer=side.name)
        out.append(problem("SMF200", message, _disconnect_hint(found.last_disconnect_status)))
    elif found.last_full_sync is None:
        out.append(problem("SMF203", _("connected to {peer}, but no full sync has been recorded").format(peer=side.name)))
    if found.remotes_connected == 0:
        out.append(problem("SMF202", _("{peer} does not watch this mesh: no connected inbound remote").format(peer=side.name)))
    return out


def _gateway_problems(side: Side) -> list[Problem]:
    out = []
    if side.read.has_read("Pod"):
        for kind in ("egress", "ingress"):
            gateway = side.gateway(kind)
            if not gateway:
                continue
            ready, total = _pods_ready(side, gateway)
            if total == 0:
                out.append(problem("SMF214", _("gateway {gateway}: no pod (label {label}={gateway}.{namespace})").format(
                    gateway=gateway, label=GATEWAY_LABEL, namespace=side.namespace)))
            elif ready < total:
                out.append(problem("SMF214", _("gateway {gateway}: {ready} of {total} pods ready").format(
                    gateway=gateway, ready=ready, total=total)))
    ingress = side.gateway("ingress")
    if side.read.has_read("Service") and ingress:
        service = side.named("Service", ingress)
        if service is None:
            out.append(problem("SMF219", _("no Service {name} in {namespace}: the peer has nothing to connect to").format(
                name=ingress, namespace=side.namespace)))
        elif dig(service, "spec", "type") == "LoadBalancer":
            ips, hosts = ingress_addresses(service)
            if not ips and not hosts:
                out.append(problem("SMF206", _("ingress gateway {name} has no external address yet: the peer cannot "
                                               "reach this mesh").format(name=ingress)))
            annotations = dig(service, "metadata", "annotations", default={})
            if any(h.endswith(".amazonaws.com") for h in hosts) and annotations.get(NLB_ANNOTATION) != "nlb":
                out.append(problem("SMF216", _("ingress gateway {name} is an AWS load balancer without {annotation}: "
                                               "nlb").format(name=ingress, annotation=NLB_ANNOTATION)))
    return out


def _control_plane_problems(side: Side) -> list[Problem]:
    smcp = side.smcp
    if smcp is None:
        return []
    conditions = [c for c in dig(smcp, "status", "conditions", default=[]) if isinstance(c, dict)]
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    if ready is not None and ready.get("status") == "True":
        return []
    name = dig(smcp, "metadata", "name", default="")
    why = ": ".join(str(ready.get(k)) for k in ("reason", "message") if ready and ready.get(k)) if ready else ""
    return [problem("SMF215", _("ServiceMeshControlPlane {name} is not Ready{why}").format(
        name=name, why=f" ({why})" if why else ""))]


def _certificate_problems(side: Side, now: datetime) -> list[Problem]:
    if not side.read.has_read("ConfigMap"):
        return []
    name = side.ca_configmap
    configmap = side.named("ConfigMap", name)
    try:
        if configmap is None:
            raise NotACertificate(_("it does not exist"))
        certs = root_certificates(configmap)
    except NotACertificate as err:
        reason = (str(err) if configmap is None else
                  _("its {key} holds no readable certificate ({why})").format(key=ROOT_CERT_KEY, why=err))
        return [problem("SMF210", _("CA ConfigMap {name} for {peer}: {reason}").format(name=name, peer=side.name,
                                                                                     reason=reason))]
    out = []
    for cert in certs:
        if cert.not_after is None:
            continue
        if cert.not_after <= now:
            out.append(problem("SMF208", _("the root certificate in {name} ({cn}) expired on {date}").format(
                name=name, cn=cert.common_name or cert.short, date=cert.not_after.date().isoformat())))
        elif cert.not_after - now <= EXPIRY_WARNING:
            out.append(problem("SMF209", _("the root certificate in {name} ({cn}) expires on {date}").format(
                name=name, cn=cert.common_name or cert.short, date=cert.not_after.date().isoformat())))
    return out


def local_problems(side: Side, now: datetime) -> list[Problem]:
    """What this cluster alone says about this peer."""
    return (_connection_problems(side, now) + _gateway_problems(side) + _control_plane_problems(side)
            + _certificate_problems(side, now))
