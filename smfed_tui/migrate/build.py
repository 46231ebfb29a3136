"""The migration from SOURCEs to artifacts, plan and runbook, in one call (`migrate`), and what it writes.

Every object written is checked against the CRD schemas it will meet (`smfed_tui.crd_schema`), the SMCP
patch as the SMCP it makes: a problem there is refused like any other, so a plan never holds an object
the API server would reject or prune. The one exception is on purpose: the east-west address
placeholder, which must be rejected until the user fills it in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .. import crd_schema
from ..findings import Finding, sort_key
from ..i18n import _, language
from .artifacts import Artifact, build_artifacts, gateway_removal, merge_patch
from .caveats import exporter_exposure, no_context, several_peers
from .decisions import Choices, Decisions, resolve
from .findings import NOWHERE, decision, flagged, is_refusal, refused
from .load import MeshSource
from .pairing import Mesh, pair
from .phases import PHASES
from .plan import Step, build_plan
from .rerun import rerun_command
from .runbook import render_runbook
from .services import Imported, all_imports
from .write import GENERATOR, PLAN, RUNBOOK


@dataclass
class Migration:
    sources: list[str]
    meshes: list[Mesh]
    imports: list[Imported]
    decisions: Decisions | None
    artifacts: list[Artifact]
    steps: list[Step]
    findings: list[Finding]

    @property
    def refusals(self) -> list[Finding]:
        return [f for f in self.findings if is_refusal(f)]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not is_refusal(f)]

    def plan_json(self) -> dict:
        """plan.json: the steps (English, for machines), the phases, and the files of this run."""
        with language("en"):
            return {"generator": GENERATOR,
                    "steps": [s.as_json() for s in self.steps],
                    "phases": [{"phase": p.id, "number": p.number, "title": _(p.title), "reversible": p.reversible,
                                "rollback": _(p.rollback)} for p in PHASES],
                    "meshes": [{"label": m.label, "source": m.source.label, "smcp": f"{m.namespace}/{m.name}",
                                "trustDomain": m.trust_domain} for m in self.meshes],
                    "written": sorted([a.file for a in self.artifacts] + [RUNBOOK, PLAN])}

    def runbook(self) -> str:
        return render_runbook(self.meshes, self.imports, self.decisions, self.steps, self.warnings, self.sources)

    def files(self) -> dict[str, str]:
        out = {a.file: a.text() for a in self.artifacts}
        out[RUNBOOK] = self.runbook()
        out[PLAN] = json.dumps(self.plan_json(), indent=2, ensure_ascii=False) + "\n"
        return out


def _placeholder_problem(artifact: Artifact, problem: crd_schema.SchemaProblem, decisions: Decisions) -> bool:
    """The east-west address placeholder: rejected on purpose until it is filled in."""
    return artifact.file.endswith("remote-gateways.yaml") and problem.path[:2] == ("spec", "addresses")


def schema_findings(artifacts: list[Artifact], meshes: list[Mesh], decisions: Decisions) -> list[Finding]:
    out = []
    for artifact in artifacts:
        if artifact.format == "json-patch" or artifact.file.endswith(".rollback.json") or artifact.phase == "prepare":
            continue    # patches are checked as the object they make; restores are the user's own objects
        if artifact.format == "merge-patch":
            objects = [merge_patch(meshes[artifact.mesh].smcp.obj, artifact.documents[0])]
        else:
            objects = list(artifact.documents)
        for obj in objects:
            for problem in crd_schema.validate(obj):
                if _placeholder_problem(artifact, problem, decisions):
                    continue
                out.append(refused("SMF316", NOWHERE, _(
                    "{file}: {kind} {name}: {problem}").format(file=artifact.file, kind=obj.get("kind"),
                                                             name=(obj.get("metadata") or {}).get("name"),
                                                             problem=problem.message),
                    _("a value given to the migration does not fit the {kind} schema: change it and run again").format(
                        kind=obj.get("kind"))))
    return out


def migrate(sources: list[MeshSource], choices: Choices, output: str | None = None) -> Migration:
    """Everything the migration derives (`output`: the folder it is for, named in the re-run command).
    Refused cases are in `findings` (severity error): then nothing should be written. Raises UsageError
    for a flag that names no mesh or cannot be used as typed."""
    meshes, findings = pair(sources)
    imports = all_imports(meshes, findings)
    pairs = sorted({(i.importer, i.exporter) for i in imports})
    decisions, more = resolve(meshes, pairs, choices)
    findings += more + several_peers(meshes) + exporter_exposure(meshes, imports) + no_context(meshes, decisions)
    for mesh in meshes:
        for missing in gateway_removal(mesh)[1]:
            findings.append(flagged("SMF333", mesh.smcp.at("spec.gateways"), _(
                "{mesh}: a ServiceMeshPeer names the gateway {gateway}, which the SMCP does not have: nothing to "
                "remove for it").format(mesh=mesh.label, gateway=missing),
                _("check the ServiceMeshPeer's gateways against the SMCP's additionalIngress/additionalEgress")))
    for importer in sorted({i.importer for i in imports}):
        if importer not in decisions.client:
            mesh = meshes[importer]
            findings.append(flagged("SMF334", decision(f"client:{mesh.label}"), _(
                "{mesh}: no client deployment named: the runbook's checks of the imports hold <client-namespace> and "
                "<client-deployment>, and its restarts the namespaces of the clients, to fill in").format(
                    mesh=mesh.label),
                _("name one with --client {mesh}=NAMESPACE/DEPLOYMENT (and the namespaces that use the imports with "
                  "--export-to {mesh}=NS,NS)").format(mesh=mesh.label)))
    artifacts = build_artifacts(meshes, imports, decisions)
    findings += schema_findings(artifacts, meshes, decisions)
    steps = build_plan(meshes, imports, decisions, artifacts,
                       rerun_command([s.label for s in sources], output, choices))
    return Migration([s.label for s in sources], meshes, imports, decisions, artifacts, steps,
                     sorted(findings, key=sort_key))
