"""The meshes and who peers with whom: each ServiceMeshPeer stands for the SOURCE mesh whose SMCP has
its trust domain (a ServiceMeshPeer does not name the SMCP it stands for, so the trust domain is the
key; two SMCPs may both be `basic` in `istio-system`). A mesh's label is its federation name, what its peers call it
(their ServiceMeshPeer for it), used for its output folder and in flags.

The control plane cases the guide does not cover are refused here (it covers ClusterWide 2.6 meshes with
distinct trust domains only):
MultiTenant, older than v2.6, equal trust domains, a peer no SOURCE stands for, a peer that does not
peer back, a root certificate that is not among the sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import crd_schema
from ..checks.values import version_tuple
from ..findings import Finding
from ..i18n import _
from ..object_paths import dig
from ..smcp_paths import TRUST_DOMAIN
from .findings import flagged, refused
from .load import Loaded, MeshSource

DEFAULT_TRUST_DOMAIN = "cluster.local"
DEFAULT_CLUSTER_DOMAIN = "cluster.local"
ROOT_CERT_KEY = "root-cert.pem"
MIN_VERSION = (2, 6)


@dataclass
class Peer:
    """One ServiceMeshPeer of a mesh: the remote mesh as this mesh knows it."""
    loaded: Loaded
    name: str
    trust_domain: str
    ingress_gateway: str
    egress_gateway: str
    ca_config_map: str
    root_pem: str | None = None
    remote: int | None = None        # index of the mesh it stands for


@dataclass
class Mesh:
    index: int
    source: MeshSource
    smcp: Loaded
    trust_domain: str
    cluster_domain: str
    peers: list[Peer] = field(default_factory=list)
    label: str = ""

    @property
    def name(self) -> str:
        return self.smcp.name

    @property
    def namespace(self) -> str:
        return self.smcp.namespace

    @property
    def spec(self) -> dict:
        return self.smcp.obj.get("spec") or {}

    @property
    def context(self) -> str | None:
        return self.source.context

    def peer_for(self, remote: int) -> Peer | None:
        return next((p for p in self.peers if p.remote == remote), None)


def _mesh(index: int, src: MeshSource, findings: list[Finding]) -> Mesh:
    smcp = src.smcp()
    spec = smcp.obj.get("spec") or {}
    domain = dig(spec, *TRUST_DOMAIN[1:])   # the path below spec
    if not domain:
        domain = DEFAULT_TRUST_DOMAIN
        findings.append(flagged("SMF330", smcp.at("spec.security.trust.domain"), _(
            "{smcp}: no trust domain set; taken as the default {domain}").format(smcp=smcp.name, domain=domain),
            _("check it on the cluster: oc get smcp {name} -n {namespace} -o jsonpath='{{.status.appliedValues}}'").format(
                name=smcp.name, namespace=smcp.namespace)))
    mode = spec.get("mode") or "MultiTenant"
    if mode != "ClusterWide":
        findings.append(refused("SMF301", smcp.at("spec.mode"), _(
            "{smcp} is a {mode} control plane; the migration guide covers ClusterWide meshes only").format(
                smcp=smcp.name, mode=mode),
            _("move the mesh to ClusterWide mode first (OSSM 2.6 docs, 'cluster-wide deployment'), then migrate")))
    if not spec.get("version"):
        findings.append(flagged("SMF330", smcp.at("spec.version"), _(
            "{smcp}: no spec.version: taken as the operator's own version, which must be v2.6").format(smcp=smcp.name),
            _("check it: oc get smcp {name} -n {namespace} -o jsonpath='{{.status.chartVersion}}' (2.6.x)").format(
                name=smcp.name, namespace=smcp.namespace)))
    version = version_tuple(str(spec.get("version") or ""))
    if version is not None and version < MIN_VERSION:
        findings.append(refused("SMF302", smcp.at("spec.version"), _(
            "{smcp} is {version}; the migration needs v2.6 (WorkloadEntries without an address and Gateway "
            "API network gateways need Istio 1.20)").format(smcp=smcp.name, version=spec.get("version")),
            _("upgrade the control plane to the latest 2.6 first (spec.version: v2.6)")))
    cluster_domain = dig(spec, "proxy", "networking", "clusterDomain") or DEFAULT_CLUSTER_DOMAIN
    mesh = Mesh(index, src, smcp, str(domain), str(cluster_domain))
    for loaded in src.of_kind("ServiceMeshPeer", smcp.namespace):
        peer_spec = loaded.obj.get("spec") or {}
        mesh.peers.append(Peer(
            loaded, loaded.name, str(dig(peer_spec, "security", "trustDomain", default="")),
            str(dig(peer_spec, "gateways", "ingress", "name", default="")),
            str(dig(peer_spec, "gateways", "egress", "name", default="")),
            str(dig(peer_spec, "security", "certificateChain", "name", default=f"{loaded.name}-ca-root-cert"))))
    return mesh


def _link(meshes: list[Mesh], findings: list[Finding]) -> None:
    by_domain: dict[str, list[Mesh]] = {}
    for mesh in meshes:
        by_domain.setdefault(mesh.trust_domain, []).append(mesh)
    for domain, same in by_domain.items():
        if len(same) > 1:
            findings.append(refused("SMF303", same[1].smcp.at("spec.security.trust.domain"), _(
                "{count} meshes have the trust domain {domain} ({sources}): SPIFFE names and principals would be "
                "ambiguous across them").format(count=len(same), domain=domain,
                                                sources=", ".join(m.source.label for m in same)),
                _("give each mesh a trust domain of its own before migrating (the guide does not cover equal "
                  "ones)")))
    for mesh in meshes:
        for peer in mesh.peers:
            if peer.trust_domain == mesh.trust_domain:
                findings.append(refused("SMF303", peer.loaded.at("spec.security.trustDomain"), _(
                    "ServiceMeshPeer {peer} has this mesh's own trust domain {domain}").format(
                        peer=peer.name, domain=peer.trust_domain),
                    _("give the peer mesh a trust domain of its own before migrating")))
                continue
            remotes = by_domain.get(peer.trust_domain, [])
            if not remotes:
                findings.append(refused("SMF304", peer.loaded.at("spec.security.trustDomain"), _(
                    "{mesh}: ServiceMeshPeer {peer} is for trust domain {domain}, and no SOURCE has that "
                    "trust domain").format(mesh=mesh.source.label, peer=peer.name, domain=peer.trust_domain or "''"),
                    _("give the resources of that mesh as a SOURCE too (each peer's side is needed)")))
                continue
            peer.remote = remotes[0].index


def _check_back(meshes: list[Mesh], findings: list[Finding]) -> None:
    for mesh in meshes:
        if not mesh.peers:
            findings.append(refused("SMF305", mesh.smcp.where, _(
                "{source}: no ServiceMeshPeer in {namespace}: this mesh does not federate").format(
                    source=mesh.source.label, namespace=mesh.namespace),
                _("add its ServiceMeshPeers to the SOURCE (oc get servicemeshpeers -n {namespace} -o yaml), or "
                  "leave this mesh out").format(namespace=mesh.namespace)))
        for peer in mesh.peers:
            if peer.remote is not None and meshes[peer.remote].peer_for(mesh.index) is None:
                findings.append(refused("SMF305", peer.loaded.where, _(
                    "{mesh} peers with {remote} (ServiceMeshPeer {peer}), but {remote} has no ServiceMeshPeer for "
                    "trust domain {domain}").format(mesh=mesh.source.label, remote=meshes[peer.remote].source.label,
                                                    peer=peer.name, domain=mesh.trust_domain),
                    _("add the other side's ServiceMeshPeer to its SOURCE; a federation has a peer on both sides")))


def _root_certificates(meshes: list[Mesh], findings: list[Finding]) -> None:
    """Each peer's root, from the ConfigMap its certificateChain names (for the Istio resource's caCertificates)."""
    for mesh in meshes:
        for peer in mesh.peers:
            config_map = mesh.source.find("ConfigMap", mesh.namespace, peer.ca_config_map)
            pem = dig(config_map.obj, "data", ROOT_CERT_KEY) if config_map else None
            if isinstance(pem, str) and "-----BEGIN CERTIFICATE-----" in pem:
                peer.root_pem = pem
                continue
            findings.append(refused("SMF314", (config_map or peer.loaded).at(
                f"data.{ROOT_CERT_KEY}" if config_map else "spec.security.certificateChain"), _(
                "{mesh}: no root certificate for peer {peer} (ConfigMap {config_map}, key {key}); the OSSM 3 Istio "
                "resource must trust it in meshConfig.caCertificates").format(
                    mesh=mesh.source.label, peer=peer.name, config_map=peer.ca_config_map, key=ROOT_CERT_KEY),
                _("add it to the SOURCE: oc get configmap {config_map} -n {namespace} -o yaml").format(
                    config_map=peer.ca_config_map, namespace=mesh.namespace)))


def _labels(meshes: list[Mesh]) -> None:
    """Each mesh's label: the name its first peer (in SOURCE order) gives it, else its SMCP's name;
    made unique with the mesh's position when two would be equal."""
    taken: set[str] = set()
    for mesh in meshes:
        names = [p.name for other in meshes for p in other.peers if p.remote == mesh.index]
        label = names[0] if names else mesh.name
        if label in taken:
            label = f"{label}-{mesh.index + 1}"
        taken.add(label)
        mesh.label = label


def input_findings(sources: list[MeshSource]) -> list[Finding]:
    """Objects of the SOURCEs that their CRD schema rejects (a hand-edited file: the API server would not
    hold them). A field it would drop is no matter here: the cluster never had it."""
    out = []
    for src in sources:
        for loaded in src.objects:
            for problem in crd_schema.validate(loaded.obj):
                if not problem.pruned:
                    out.append(refused("SMF319", loaded.at(problem.where), _(
                        "{kind} {name}: {problem}").format(kind=loaded.kind, name=loaded.name, problem=problem.message),
                        _("give the object as the cluster holds it (oc get -o yaml)")))
    return out


def pair(sources: list[MeshSource]) -> tuple[list[Mesh], list[Finding]]:
    """The meshes of the SOURCEs (in order), linked to each other, and what is refused about them. When
    an input object is not what the API server would hold, that is all it says (nothing is derived)."""
    findings = input_findings(sources)
    if findings:
        return [], findings
    meshes = [_mesh(i, src, findings) for i, src in enumerate(sources)]
    _link(meshes, findings)
    _check_back(meshes, findings)
    _root_certificates(meshes, findings)
    _labels(meshes)
    return meshes, findings
