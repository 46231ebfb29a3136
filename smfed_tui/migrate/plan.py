"""The ordered steps of the migration (the guide's order and what depends on what): patches first, the
exporting side before the importing side, a verification gate before every deletion, the service sets
before the peers (ImportedServiceSet, then ExportedServiceSet, then ServiceMeshPeer), the federation
gateways after that, OSSM 3 only once federation is gone, then the proxies, then 2.6's removal.

Commands are for the user's shell, run from the output folder; each names its cluster with
`--context` when it is known. Nothing here runs them.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..i18n import N_, _
from .artifacts import Artifact, artifact
from .decisions import Decisions
from .pairing import Mesh
from .phases import BY_ID
from .services import Imported

ACTIONS = ("patch", "apply", "delete", "restart", "relabel", "verify", "wait")
CLIENT_PLACEHOLDER = ("<client-namespace>", "<client-deployment>")
CONSUMERS_PLACEHOLDER = "<namespace-of-the-clients>"
HTTP_PROTOCOLS = ("HTTP", "HTTP2", None)
VERSION_AND_READY = 'jsonpath={.spec.version} {.status.conditions[?(@.type=="Ready")].status}'
PEERS_CONNECTED = ('jsonpath={range .items[*]}{.metadata.name} {.status.discoveryStatus.active[*].watch.connected}'
                   '{"\\n"}{end}')


@dataclass(frozen=True)
class Why:
    """A reason, kept as its message id and values so it can be shown in any language."""
    msgid: str
    args: tuple = ()

    def text(self) -> str:
        return _(self.msgid).format(**dict(self.args))


@dataclass(frozen=True)
class Step:
    n: int
    phase: str
    mesh: str
    action: str
    command: str
    files: tuple[str, ...]
    reversible: bool
    why: Why

    def as_json(self) -> dict:
        return {"n": self.n, "phase": self.phase, "mesh": self.mesh, "action": self.action, "command": self.command,
                "files": list(self.files), "reversible": self.reversible, "why": self.why.text()}


RERUN_ADDRESS = "ADDRESS"     # what the user replaces in the re-run command of the address pause


def why(msgid: str, **args) -> Why:
    return Why(msgid, tuple(sorted(args.items())))


class _Steps:
    def __init__(self, meshes: list[Mesh], decisions: Decisions) -> None:
        self.meshes, self.decisions, self.steps = meshes, decisions, []

    def oc(self, mesh: Mesh, *args: str) -> list[str]:
        context = self.decisions.context.get(mesh.index)
        # the context goes before the arguments: after exec's `--` it would be the container command's
        return ["oc", *([f"--context={context}"] if context else []), *args]

    def add(self, phase: str, mesh: Mesh, action: str, command: str, reason: Why, files=(), reversible=None) -> None:
        assert action in ACTIONS
        if reversible is None:   # reading and waiting change nothing, whatever the phase
            reversible = BY_ID[phase].reversible or action in ("verify", "wait")
        self.steps.append(Step(len(self.steps) + 1, phase, mesh.label, action, command, tuple(files), reversible,
                               reason))


def verify_import(steps: _Steps, importer: Mesh, item: Imported) -> str:
    """A command that proves a client of `importer` reaches `item` (curl for HTTP, else its endpoints)."""
    ns, deployment = steps.decisions.client.get(importer.index, CLIENT_PLACEHOLDER)
    port = item.ports[0]
    if port.protocol in HTTP_PROTOCOLS:
        return shlex.join(steps.oc(importer, "exec", "-n", ns, f"deploy/{deployment}", "--", "curl", "-sS",
                                   "-o", "/dev/null", "-w", "%{http_code}\\n", f"http://{item.hostname}:{port.number}/"))
    context = steps.decisions.context.get(importer.index)
    return shlex.join(["istioctl", "proxy-config", "endpoints", f"deploy/{deployment}", "-n", ns,
                       f"--cluster=outbound|{port.number}||{item.hostname}"] + ([f"--context={context}"] if context else []))


def _gates(steps: _Steps, phase: str, imports: list[Imported], before: Why) -> None:
    """A verification step per importing mesh: every import works through the new path."""
    for importer in steps.meshes:
        mine = [i for i in imports if i.importer == importer.index]
        if mine:
            steps.add(phase, importer, "verify", "\n".join(verify_import(steps, importer, i) for i in mine), before)


def _deletion_gate(steps: _Steps, phase: str, imports: list[Imported], mesh: Mesh, before: Why) -> None:
    """The verification before a deletion: every import answers; with no import at all, that the
    mesh the deletion is on imports nothing through federation either."""
    if imports:
        _gates(steps, phase, imports, before)
        return
    steps.add(phase, mesh, "verify", shlex.join(steps.oc(
        mesh, "get", "importedservicesets", "-n", mesh.namespace, "-o",
        "jsonpath={.items[*].status.importedServices[*].localService.hostname}")),
        why(N_("gate: expect nothing (no service is imported through federation, so none can break)")))


def _prepare(s: _Steps, imports: list[Imported]) -> None:
    for mesh in s.meshes:
        s.add("prepare", mesh, "verify", shlex.join(s.oc(mesh, "get", "smcp", mesh.name, "-n", mesh.namespace, "-o",
                                                        VERSION_AND_READY)),
              why(N_("expect v2.6 True: the latest 2.6.z and 3.0.z operators installed (oc get csv -A), the 2.6 "
                  "checklist done (migration-checker.sh), OpenShift 4.19 or later, and the clusters reaching each "
                  "other")))
        s.add("prepare", mesh, "verify", shlex.join(s.oc(mesh, "get", "servicemeshpeers", "-n", mesh.namespace, "-o",
                                                        PEERS_CONNECTED)),
              why(N_("expect every peer connected (true): migrate a healthy federation only")))
        names = [f"smcp/{mesh.name}"] + [f"{kind}/{o.name}" for kind, plural in (
            ("servicemeshpeer", "ServiceMeshPeer"), ("exportedserviceset", "ExportedServiceSet"),
            ("importedserviceset", "ImportedServiceSet")) for o in mesh.source.of_kind(plural, mesh.namespace)]
        names += [f"configmap/{p.ca_config_map}" for p in mesh.peers]
        s.add("prepare", mesh, "verify",
              shlex.join(s.oc(mesh, "get", *names, "-n", mesh.namespace, "-o", "yaml")) + " > "
              + shlex.quote(f"{mesh.label}/0-backup.yaml"),
              why(N_("save what phases 4 and 5 delete: their rollback re-applies this file")), [f"{mesh.label}/0-backup.yaml"])
    _gates(s, "prepare", imports, why(N_("expect 200 (or endpoints) for each import through federation: the baseline")))


def _control_plane(s: _Steps, artifacts: list[Artifact]) -> None:
    for mesh in s.meshes:
        patch = artifact(artifacts, mesh.index, "control-plane", "smcp-merge-patch.json")
        s.add("control-plane", mesh, "patch", shlex.join(s.oc(mesh, "patch", "smcp", mesh.name, "-n", mesh.namespace,
                                                             "--type=merge", f"--patch-file={patch.file}")),
              why(N_("trust domain aliases of the peers, network {network}, Gateway API network discovery on, "
                  "NetworkPolicies no longer managed (recreate yours by hand if you need them)"),
                  network=s.decisions.network[mesh.index]), [patch.file])
        s.add("control-plane", mesh, "wait", shlex.join(s.oc(mesh, "wait", f"smcp/{mesh.name}", "-n", mesh.namespace,
                                                            "--for=condition=Ready", "--timeout=10m")),
              why(N_("istiod rolls out with the new settings")))


def _export(s: _Steps, artifacts: list[Artifact], imports: list[Imported], rerun: str) -> None:
    d = s.decisions
    for mesh in s.meshes:
        export = artifact(artifacts, mesh.index, "export", "export.yaml")
        if export is None:
            continue
        s.add("export", mesh, "apply", shlex.join(s.oc(mesh, "apply", "-f", export.file)),
              why(N_("east-west gateway {ns}/{name} (network {network}), its allow-list of the hosts the importers use, "
                  "and alias ServiceEntries for hosts this cluster does not have"), ns=d.eastwest_namespace,
                  name=d.eastwest_name, network=d.network[mesh.index]), [export.file])
        s.add("export", mesh, "wait", shlex.join(s.oc(mesh, "wait", "-n", d.eastwest_namespace,
                                                     f"gateway.gateway.networking.k8s.io/{d.eastwest_name}",
                                                     "--for=condition=Programmed", "--timeout=10m")),
              why(N_("the gateway's Deployment and LoadBalancer Service are up")))
        fetch = shlex.join(s.oc(mesh, "get", "service", d.eastwest_service, "-n", d.eastwest_namespace, "-o",
                                "jsonpath={.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}"))
        importers = [artifact(artifacts, i, "import", "remote-gateways.yaml").file
                     for i in sorted({i.importer for i in imports if i.exporter == mesh.index})]
        if mesh.index in d.address:
            reason = why(N_("pause: the address must still be {address}, as written in the istio-remote Gateways; if it "
                         "changed, run again with --address {mesh}=<new address>"), address=d.address[mesh.index],
                         mesh=mesh.label)
        else:
            reason = why(N_("pause: read the east-west gateway's address (empty: wait and read again), then run the "
                         "migration again with it: the commented-out command below, with ADDRESS replaced. Until then "
                         "the istio-remote Gateways hold a placeholder the API server refuses"))
            # in the command block, not in the prose: copied from there it is not Markdown-escaped
            fetch += "\n# " + rerun + " " + shlex.join(["--address", f"{mesh.label}={RERUN_ADDRESS}"])
        s.add("export", mesh, "wait", fetch, reason, importers, reversible=True)


def _import(s: _Steps, artifacts: list[Artifact], imports: list[Imported]) -> None:
    d = s.decisions
    for mesh in s.meshes:
        mine = [i for i in imports if i.importer == mesh.index]
        if not mine:
            continue
        remote = artifact(artifacts, mesh.index, "import", "remote-gateways.yaml")
        entries = artifact(artifacts, mesh.index, "import", "import.yaml")
        s.add("import", mesh, "apply", shlex.join(s.oc(mesh, "apply", "-f", remote.file)),
              why(N_("an istio-remote Gateway per exporting mesh: the address of its east-west gateway on the network "
                  "the WorkloadEntries name")), [remote.file])
        s.add("import", mesh, "apply", shlex.join(s.oc(mesh, "apply", "-f", entries.file)),
              why(N_("a ServiceEntry and a WorkloadEntry per imported host (exportTo {export_to})"),
                  export_to=",".join(d.export_to[mesh.index])), [entries.file])
        for ns in consumer_namespaces(d, mesh):
            s.add("import", mesh, "restart", shlex.join(s.oc(mesh, "rollout", "restart", "deployment", "-n", ns)),
                  why(N_("clients must restart: the same hosts exist in the federation registry, and pods injected "
                      "before phase 1 lack the network")))
        _gates(s, "import", mine, why(N_("expect 200 (or endpoints) for each import: traffic now takes the new path")))


def consumer_namespaces(d: Decisions, mesh: Mesh) -> list[str]:
    """The namespaces whose clients use the imports: exportTo's, and the verifying client's; a
    placeholder when every namespace may (exportTo *) and no client was named."""
    found = [ns for ns in d.export_to.get(mesh.index, ()) if ns not in ("*", ".", "~")]
    if mesh.index in d.client and d.client[mesh.index][0] not in found:
        found.append(d.client[mesh.index][0])
    return found or [CONSUMERS_PLACEHOLDER]


def _remove_federation(s: _Steps, imports: list[Imported]) -> None:
    gate = why(N_("gate: do not delete unless every import answers through the new path"))
    order = [("ImportedServiceSet", "importedserviceset", s.meshes),
             ("ExportedServiceSet", "exportedserviceset", s.meshes),
             ("ServiceMeshPeer", "servicemeshpeer",
              sorted(s.meshes, key=lambda m: not m.source.of_kind("ImportedServiceSet", m.namespace)))]
    for kind, resource, meshes in order:
        for mesh in meshes:
            for obj in mesh.source.of_kind(kind, mesh.namespace):
                _deletion_gate(s, "remove-federation", imports, mesh, gate)
                s.add("remove-federation", mesh, "delete",
                      shlex.join(s.oc(mesh, "delete", resource, obj.name, "-n", mesh.namespace)),
                      why(N_("{kind} {name} goes (the guide's order: imported sets, exported sets, then peers)"),
                          kind=kind, name=obj.name))


def _remove_gateways(s: _Steps, artifacts: list[Artifact], imports: list[Imported]) -> None:
    for mesh in s.meshes:
        patch = artifact(artifacts, mesh.index, "remove-federation-gateways", ".json")
        if patch is None:
            continue
        _deletion_gate(s, "remove-federation-gateways", imports, mesh,
                       why(N_("gate: the point of no return; every import must answer")))
        names = ", ".join(op["path"].rsplit("/", 1)[-1] for op in patch.documents[0])
        s.add("remove-federation-gateways", mesh, "patch",
              shlex.join(s.oc(mesh, "patch", "smcp", mesh.name, "-n", mesh.namespace, "--type=json",
                              f"--patch-file={patch.file}")),
              why(N_("removes only the federation gateways {names}, by name (the guide's patch removes every "
                  "additional gateway)"), names=names), [patch.file])
        s.add("remove-federation-gateways", mesh, "wait",
              shlex.join(s.oc(mesh, "wait", f"smcp/{mesh.name}", "-n", mesh.namespace, "--for=condition=Ready",
                              "--timeout=10m")), why(N_("the control plane reconciles without the gateways")))
    _gates(s, "remove-federation-gateways", imports, why(N_("the imports still answer without federation")))


def _install(s: _Steps, artifacts: list[Artifact]) -> None:
    d = s.decisions
    for mesh in s.meshes:
        cni = artifact(artifacts, mesh.index, "install-ossm3", "istio-cni.yaml")
        istio = artifact(artifacts, mesh.index, "install-ossm3", "istio.yaml")
        s.add("install-ossm3", mesh, "apply", shlex.join(s.oc(mesh, "apply", "-f", cni.file)),
              why(N_("IstioCNI {version} in {ns}"), version=d.istio_version, ns=d.cni_namespace), [cni.file])
        s.add("install-ossm3", mesh, "apply", shlex.join(s.oc(mesh, "apply", "-f", istio.file)),
              why(N_("Istio {name} {version} in {ns}: trust domain, aliases and the peers' roots, DNS capture, network "
                  "{network}. Map the rest of the SMCP by the general 2.6 to 3.0 guide before this step"),
                  name=d.istio_name, version=d.istio_version, ns=mesh.namespace, network=d.network[mesh.index]),
              [istio.file])
        s.add("install-ossm3", mesh, "wait", shlex.join(s.oc(mesh, "wait", f"istio/{d.istio_name}",
                                                            "--for=condition=Ready", "--timeout=10m")),
              why(N_("revision {revision} is ready"), revision=d.revision))


def _migrate_proxies(s: _Steps, imports: list[Imported]) -> None:
    d = s.decisions
    for mesh in s.meshes:
        namespaces = sorted({i.namespace for i in imports if i.exporter == mesh.index})
        if any(i.importer == mesh.index for i in imports):
            namespaces += [ns for ns in consumer_namespaces(d, mesh) if ns not in namespaces]
        for ns in namespaces:
            s.add("migrate-proxies", mesh, "relabel",
                  shlex.join(s.oc(mesh, "label", "namespace", ns, f"istio.io/rev={d.revision}",
                                  "maistra.io/ignore-namespace=true", "istio-injection-", "--overwrite")),
                  why(N_("the namespace's new pods get OSSM 3 sidecars; 2.6 leaves it alone. Every other mesh "
                      "namespace moves too, as the general guide says")))
            s.add("migrate-proxies", mesh, "restart", shlex.join(s.oc(mesh, "rollout", "restart", "deployment", "-n", ns)),
                  why(N_("the pods restart onto revision {revision}"), revision=d.revision))
        if any(i.exporter == mesh.index for i in imports):
            s.add("migrate-proxies", mesh, "relabel",
                  shlex.join(s.oc(mesh, "label", f"gateway.gateway.networking.k8s.io/{d.eastwest_name}", "-n",
                                  d.eastwest_namespace, f"istio.io/rev={d.revision}", "maistra.io/ignore=true",
                                  "--overwrite")),
                  why(N_("the east-west gateway moves to OSSM 3 (the label goes on the Gateway itself: a namespace "
                      "label does not reach it)")))
    _gates(s, "migrate-proxies", imports, why(N_("the imports answer with both ends on OSSM 3")))


def _cleanup(s: _Steps, imports: list[Imported]) -> None:
    _gates(s, "cleanup", imports, why(N_("gate: everything works on OSSM 3 before 2.6 goes")))
    for mesh in s.meshes:
        s.add("cleanup", mesh, "verify", shlex.join(["istioctl", "proxy-status", f"--istioNamespace={mesh.namespace}"]
                                                    + ([f"--context={s.decisions.context[mesh.index]}"]
                                                       if mesh.index in s.decisions.context else [])),
              why(N_("gate: every proxy must report to revision {revision}, none to 2.6's istiod"),
                  revision=s.decisions.revision))
        s.add("cleanup", mesh, "delete", shlex.join(s.oc(mesh, "delete", "smcp", mesh.name, "-n", mesh.namespace)),
              why(N_("2.6's control plane goes; then follow docs/ossm/ossm2-migration/cleaning-2.6 for the member roll, "
                  "the 2.6 operator and the maistra.io CRDs (the federation CRDs among them)")))


def build_plan(meshes: list[Mesh], imports: list[Imported], decisions: Decisions, artifacts: list[Artifact],
               rerun: str) -> list[Step]:
    """Every step in order. `rerun`: the command line that produced this plan (the address pause says to
    run it again with the address)."""
    s = _Steps(meshes, decisions)
    _prepare(s, imports)
    _control_plane(s, artifacts)
    _export(s, artifacts, imports, rerun)
    _import(s, artifacts, imports)
    _remove_federation(s, imports)
    _remove_gateways(s, artifacts, imports)
    _install(s, artifacts)
    _migrate_proxies(s, imports)
    _cleanup(s, imports)
    return s.steps

