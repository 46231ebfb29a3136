"""The values the user owns, with safe defaults, each checked against the guide's rules.

- the local network of each mesh (`spec.cluster.network`, then `values.global.network`): default the
  SMCP's own when set, else `network-<federation name>` (the guide's pattern); never the name 2.x gives a
  peer's federation network in that mesh (`network-<ServiceMeshPeer name>`), never a remote label;
- the network label an importer gives each exporter's east-west gateway (`istio-remote` Gateway,
  WorkloadEntries): default `<exporter's federation name>-network`; never `network-<peer>` in the
  importer (the istio-remote address would overwrite the federation ingress: imports break), never
  the importer's local network (local traffic would hairpin), unique per exporter;
- the namespaces that may use the imports (ServiceEntry `exportTo`): default `*`, mesh-wide as 2.x was;
- the east-west gateway's namespace and name, the Istio resource's name, version, update strategy;
- facts only the cluster knows: the east-west gateway's address (after phase 2), the kube context of
  each mesh, a client deployment to verify with.
Flags name a mesh by its label (federation name) or its trust domain.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from .. import crd_schema
from ..checks.values import dns1123_problem
from ..checks.values import label_value_problem as label_syntax_problem
from ..errors import UsageError
from ..findings import Finding
from ..i18n import _
from .findings import decision, flagged, refused
from ..object_paths import dig
from .pairing import Mesh

EASTWEST_NAMESPACE = "istio-ingress"
EASTWEST_NAME = "eastwestgateway"
ISTIO_NAME = "default"
ISTIO_VERSION = "v1.24-latest"          # OSSM 3.0, the release a 2.6 federation migrates to
UPDATE_STRATEGIES = ("RevisionBased", "InPlace")
CNI_NAMESPACE = "istio-cni"
EXPORT_TO_ALL = ("*",)

_HOSTNAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_VERSION = re.compile(r"v1\.(\d+)(\.\d+|-latest)")


@dataclass
class Choices:
    """What the user said (flags, prompts, the TUI form), before defaults. Keys name a mesh."""
    networks: dict[str, str] = field(default_factory=dict)
    remote_networks: dict[str, str] = field(default_factory=dict)   # "[IMPORTER:]EXPORTER" -> label
    export_to: dict[str, str] = field(default_factory=dict)         # "" (every importer) or MESH -> "ns,ns"
    addresses: dict[str, str] = field(default_factory=dict)
    contexts: dict[str, str] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)           # MESH -> "namespace/deployment"
    eastwest_namespace: str = EASTWEST_NAMESPACE
    eastwest_name: str = EASTWEST_NAME
    istio_name: str = ISTIO_NAME
    istio_version: str = ISTIO_VERSION
    update_strategy: str = UPDATE_STRATEGIES[0]
    cni_namespace: str = CNI_NAMESPACE


@dataclass
class Decisions:
    """Every value the artifacts use, defaults filled in, by mesh index."""
    network: dict[int, str]
    remote_network: dict[tuple[int, int], str]      # (importer, exporter) -> label
    export_to: dict[int, tuple[str, ...]]
    address: dict[int, str]                         # exporter -> east-west address, when known
    context: dict[int, str]
    client: dict[int, tuple[str, str]]              # importer -> (namespace, deployment)
    eastwest_namespace: str
    eastwest_name: str
    istio_name: str
    istio_version: str
    update_strategy: str
    cni_namespace: str
    defaulted: set[str] = field(default_factory=set)   # which decisions took their default

    @property
    def revision(self) -> str:
        """The IstioRevision the data plane is labelled with (<name>-<version, dots as dashes> when
        RevisionBased, the Sail operator's naming; <name> when InPlace)."""
        if self.update_strategy == "InPlace":
            return self.istio_name
        return f"{self.istio_name}-{self.istio_version.replace('.', '-')}"

    @property
    def eastwest_service(self) -> str:
        return f"{self.eastwest_name}-istio"

    @property
    def istio_minor(self) -> int | None:
        m = _VERSION.fullmatch(self.istio_version)
        return int(m.group(1)) if m else None


# --- checks a front end can run as the user types -----------------------------------------------------

def federation_networks(mesh: Mesh) -> dict[str, str]:
    """The networks 2.x federation uses in this mesh: `network-<peer>` -> the peer's name."""
    return {f"network-{p.name}": p.name for p in mesh.peers}


def label_value_problem(value: str) -> str | None:
    """A network name is a label value (topology.istio.io/network), and not an empty one."""
    if not value:
        return _("give a name")
    problem = label_syntax_problem(value)
    return _("{value!r}: {problem}").format(value=value, problem=problem) if problem else None


def local_network_problem(mesh: Mesh, value: str, remote_labels: list[str]) -> str | None:
    problem = label_value_problem(value)
    if problem:
        return problem
    if value in federation_networks(mesh):
        return _("{value} is the network 2.x federation gives peer {peer} in this mesh; local endpoints would "
                 "look like the peer's").format(value=value, peer=federation_networks(mesh)[value])
    if value in remote_labels:
        return _("{value} is already the network of a remote east-west gateway here").format(value=value)
    return None


def remote_network_problem(importer: Mesh, value: str, local: str, other_remote_labels: list[str]) -> str | None:
    problem = label_value_problem(value)
    if problem:
        return problem
    if value in federation_networks(importer):
        return _("{value} is the network 2.x federation gives peer {peer} in this mesh: the istio-remote address "
                 "would overwrite the federation ingress and imports would break before the new ones work").format(
                     value=value, peer=federation_networks(importer)[value])
    if value == local:
        return _("{value} is this mesh's own network: local traffic would go through the remote gateway").format(
            value=value)
    if value in other_remote_labels:
        return _("{value} is already the network of another peer's gateway here; each remote mesh needs its "
                 "own").format(value=value)
    return None


def name_problem(value: str) -> str | None:
    problem = dns1123_problem(value or "")
    return _("{value!r}: {problem}").format(value=value, problem=problem) if problem else None


def export_to_problem(value: str) -> str | None:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts:
        return _("give * (every namespace) or namespaces separated by commas")
    for part in parts:
        if part not in ("*", ".", "~") and name_problem(part):
            return name_problem(part)
    return None


def served_versions() -> list[str]:
    """The versions the shipped Sail operator CRD (OSSM 3.0) allows for an Istio resource."""
    schema = crd_schema.schema_for("sailoperator.io/v1", "Istio") or {}
    return list(dig(schema, "properties", "spec", "properties", "version", "enum", default=[]))


def version_problem(value: str) -> str | None:
    if not _VERSION.fullmatch(value or ""):
        return _("{value!r} is not an Istio version such as v1.24-latest or v1.24.6").format(value=value)
    served = served_versions()
    if served and value not in served:
        return _("{value!r} is not served by the OSSM 3.0 operator this migration targets; it serves {served}").format(
            value=value, served=", ".join(served))
    return None


def address_type(value: str) -> str | None:
    """"IPAddress" or "Hostname" for a Gateway API address; None when it is neither (or IPv6, refused)."""
    try:
        return "IPAddress" if ipaddress.ip_address(value).version == 4 else None
    except ValueError:
        return "Hostname" if _HOSTNAME.fullmatch(value) and len(value) <= 253 else None


def is_ipv6(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).version == 6
    except ValueError:
        return False


def client_problem(value: str) -> str | None:
    ns, _sep, deployment = value.partition("/")
    if not deployment:
        return _("give NAMESPACE/DEPLOYMENT")
    return name_problem(ns) or name_problem(deployment)


# --- resolving --------------------------------------------------------------------------------------

def mesh_by_ref(meshes: list[Mesh], ref: str, flag: str) -> Mesh:
    for mesh in meshes:
        if ref in (mesh.label, mesh.trust_domain):
            return mesh
    raise UsageError(_("{flag}: no mesh {ref!r}; the meshes are {known}").format(
        flag=flag, ref=ref, known=", ".join(f"{m.label} ({m.trust_domain})" for m in meshes)),
        hint=_("name a mesh by its federation name or its trust domain"))


def _default_network(mesh: Mesh) -> str:
    return str(dig(mesh.spec, "cluster", "network") or f"network-{mesh.label}")


def _checked(problem: str | None, flag: str, value: str) -> None:
    if problem:
        raise UsageError(_("{flag} {value!r}: {problem}").format(flag=flag, value=value, problem=problem))


def resolve(meshes: list[Mesh], pairs: list[tuple[int, int]], choices: Choices) -> tuple[Decisions, list[Finding]]:
    """The decisions for these meshes and (importer, exporter) pairs; UsageError for a value that cannot be
    used as typed, findings for what breaks a rule of the guide or rests on an assumption."""
    findings: list[Finding] = []
    for flag, value, check in (("--eastwest-namespace", choices.eastwest_namespace, name_problem),
                               ("--eastwest-name", choices.eastwest_name, name_problem),
                               ("--istio-name", choices.istio_name, name_problem),
                               ("--cni-namespace", choices.cni_namespace, name_problem),
                               ("--istio-version", choices.istio_version, version_problem)):
        _checked(check(value), flag, value)
    if choices.update_strategy not in UPDATE_STRATEGIES:
        _checked(_("choose {choices}").format(choices=" or ".join(UPDATE_STRATEGIES)), "--update-strategy",
                 choices.update_strategy)
    network = {m.index: _default_network(m) for m in meshes}
    defaulted = {"network:" + m.label for m in meshes}
    for ref, value in choices.networks.items():
        mesh = mesh_by_ref(meshes, ref, "--network")
        network[mesh.index] = value
        defaulted.discard("network:" + mesh.label)
    remote = {(i, e): f"{meshes[e].label}-network" for i, e in pairs}
    defaulted |= {f"remote-network:{meshes[i].label}:{meshes[e].label}" for i, e in pairs}
    for ref, value in choices.remote_networks.items():
        importer_ref, _sep, exporter_ref = ref.rpartition(":")
        exporter = mesh_by_ref(meshes, exporter_ref, "--remote-network")
        importers = [mesh_by_ref(meshes, importer_ref, "--remote-network")] if importer_ref else meshes
        for importer in importers:
            if (importer.index, exporter.index) in remote:
                remote[(importer.index, exporter.index)] = value
                defaulted.discard(f"remote-network:{importer.label}:{exporter.label}")
    export_to = {m.index: EXPORT_TO_ALL for m in meshes}
    for ref, value in sorted(choices.export_to.items()):   # "" (every mesh) first, then per mesh
        _checked(export_to_problem(value), "--export-to", value)
        targets = [mesh_by_ref(meshes, ref, "--export-to")] if ref else meshes
        for mesh in targets:
            export_to[mesh.index] = tuple(p.strip() for p in value.split(",") if p.strip())
    if not choices.export_to:
        defaulted.add("export-to")
    address, context, client = {}, {}, {}
    given = {mesh_by_ref(meshes, ref, "--address").index: value for ref, value in choices.addresses.items()}
    for mesh in meshes:
        value = given.get(mesh.index) or mesh.source.eastwest_address   # a flag, else what the cluster says
        if not value:
            continue
        if is_ipv6(value):
            findings.append(refused("SMF313", decision(f"address:{mesh.label}"), _(
                "{mesh}: the east-west gateway address {value} is IPv6; the guide types addresses with an IPv4 "
                "pattern and was not tried with IPv6").format(mesh=mesh.label, value=value),
                _("give the gateway an IPv4 or DNS-name LoadBalancer address, or write the istio-remote Gateway "
                  "by hand (type IPAddress) and test it")))
            continue
        _checked(None if address_type(value) else _("neither an IPv4 address nor a DNS name"), "--address", value)
        address[mesh.index] = value
    for ref, value in choices.contexts.items():
        context[mesh_by_ref(meshes, ref, "--kube-context").index] = value
    for mesh in meshes:
        if mesh.context and mesh.index not in context:
            context[mesh.index] = mesh.context
    for ref, value in choices.clients.items():
        _checked(client_problem(value), "--client", value)
        ns, _sep, deployment = value.partition("/")
        client[mesh_by_ref(meshes, ref, "--client").index] = (ns, deployment)
    decisions = Decisions(network, remote, export_to, address, context, client, choices.eastwest_namespace,
                          choices.eastwest_name, choices.istio_name, choices.istio_version, choices.update_strategy,
                          choices.cni_namespace, defaulted)
    findings += check_networks(meshes, decisions)
    if decisions.istio_minor != 24:
        findings.append(flagged("SMF331", decision("istio-version"), _(
            "Istio {version}: the guide migrates 2.6 to OSSM 3.0, which serves v1.24; other versions need the "
            "OSSM 3 release that serves them, and PILOT_ENABLE_IP_AUTOALLOCATE is left at its default").format(
                version=decisions.istio_version),
            _("keep --istio-version v1.24-latest unless the installed OSSM 3 operator serves another version")))
    return decisions, findings


def check_networks(meshes: list[Mesh], decisions: Decisions) -> list[Finding]:
    """The guide's network-name rules over the whole set of decisions."""
    out = []
    for mesh in meshes:
        local = decisions.network[mesh.index]
        remotes = {e: label for (i, e), label in decisions.remote_network.items() if i == mesh.index}
        problem = local_network_problem(mesh, local, list(remotes.values()))
        if problem:
            out.append(refused("SMF315", mesh.smcp.at("spec.cluster.network"), _(
                "{mesh}: local network {value}: {problem}").format(mesh=mesh.label, value=local, problem=problem),
                _("choose another with --network {mesh}=NAME").format(mesh=mesh.label)))
        existing = dig(mesh.spec, "cluster", "network")
        if existing and existing != local:
            out.append(flagged("SMF331", mesh.smcp.at("spec.cluster.network"), _(
                "{mesh}: the SMCP's network {old} becomes {new}: pods injected later get the new network; the guide "
                "does not cover changing it").format(mesh=mesh.label, old=existing, new=local),
                _("keep the SMCP's network unless you have a reason (--network {mesh}={old})").format(
                    mesh=mesh.label, old=existing)))
        for exporter, label in remotes.items():
            others = [v for e, v in remotes.items() if e != exporter]
            problem = remote_network_problem(mesh, label, local, others)
            if problem:
                out.append(refused("SMF315", decision(f"remote-network:{mesh.label}:{meshes[exporter].label}"), _(
                    "{importer}: network of {exporter}'s east-west gateway {value}: {problem}").format(
                        importer=mesh.label, exporter=meshes[exporter].label, value=label, problem=problem),
                    _("choose another with --remote-network {importer}:{exporter}=NAME").format(
                        importer=mesh.label, exporter=meshes[exporter].label)))
    return out
