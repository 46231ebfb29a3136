"""RUNBOOK.md: the plan for a person, in the language of the run. What was derived and from what, the
decisions and how to change them, the warnings, then every step by phase with its command, its files,
why, and how to roll the phase back; the irreversible phases stand apart, behind a warning.

User text (names from the SOURCEs) goes into code spans or tables as data; Markdown in it is escaped.
"""
from __future__ import annotations

from ..findings import Finding, severity_label
from ..i18n import N_, _
from .decisions import EXPORT_TO_ALL, Decisions
from .pairing import Mesh
from .phases import PHASES
from .plan import Step
from .services import Imported

GUIDE = ("https://github.com/openshift-service-mesh/sail-operator/blob/main/docs/ossm/ossm2-migration/"
         "federation/README.md")

# What this plan rests on that the guide does not state (read from Maistra's code or inferred): said, so the
# reader can check them
INFERENCES = (
    N_("The ServiceEntry port numbers equal the exporting Service's ports on both sides: the east-west gateway "
       "routes on the SNI, which carries the port."),
    N_("Only the federation gateways the ServiceMeshPeers name are removed (the guide removes every additional "
       "gateway)."),
    N_("Between removing the peers (phase 4) and moving the proxies (phase 7), 2.6 proxies that restart no longer "
       "trust the peers' roots (from Maistra's code, not the guide): keep that window short and do not restart "
       "workloads that call across meshes in it."),
    N_("Existing DestinationRules or VirtualServices on imported hosts written for the egress gateway path may "
       "break the end-to-end mTLS path: review them before phase 3."),
    N_("One east-west gateway serves every importer: per-peer export scoping is gone; restrict callers with "
       "AuthorizationPolicies once both ends are on OSSM 3 (principals now reach the server)."),
)


def md(text: str) -> str:
    """Text from a SOURCE, safe inside a Markdown table or sentence."""
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def code(text: str) -> str:
    """A code span that holds any text (a longer backtick fence than the text has)."""
    text = str(text).replace("\n", " ")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out + [""]


def _meshes(meshes: list[Mesh], d: Decisions) -> list[str]:
    rows = [[code(m.label), code(m.source.label), code(f"{m.namespace}/{m.name}"), code(m.trust_domain),
             code(d.network[m.index]), code(d.context.get(m.index, "")) if m.index in d.context else "—"]
            for m in meshes]
    return [f"## {_('Meshes')}", ""] + _table(
        [_("mesh"), _("SOURCE"), _("SMCP"), _("trust domain"), _("network"), _("kube context")], rows)


def _imports(meshes: list[Mesh], imports: list[Imported]) -> list[str]:
    out = [f"## {_('Imported services')}", ""]
    if not imports:
        return out + [_("No mesh imports a service: there is nothing to carry over, only the control planes."), ""]
    rows = []
    for i in imports:
        peer = meshes[i.importer].peer_for(i.exporter)
        ports = ", ".join(f"{p.number}/{p.protocol or '?'}→{p.target_port}" for p in i.ports)
        sans = " ".join(code(f"spiffe://{peer.trust_domain}/ns/{i.namespace}/sa/{sa}") for sa in i.service_accounts)
        rows.append([code(meshes[i.importer].label), code(i.hostname), code(meshes[i.exporter].label),
                     code(f"{i.namespace}/{i.name}"), code(ports), sans,
                     _("yes") if i.import_as_local else _("no")])
    return out + _table([_("importer"), _("host"), _("from"), _("Service"), _("ports"), _("subjectAltNames"),
                         _("importAsLocal")], rows)


def _decisions(meshes: list[Mesh], d: Decisions) -> list[str]:
    def mark(key: str) -> str:
        return " " + _("(default)") if key in d.defaulted else ""
    lines = [f"## {_('Decisions')}", "", _("Change any of them with the flag shown and run the migration again."), ""]
    for m in meshes:
        lines.append("- " + _("network of {mesh}: {value}{default} (--network {mesh}=NAME)").format(
            mesh=code(m.label), value=code(d.network[m.index]), default=mark("network:" + m.label)))
    for (i, e), label in sorted(d.remote_network.items()):
        key = f"remote-network:{meshes[i].label}:{meshes[e].label}"
        lines.append("- " + _("network {importer} gives {exporter}'s east-west gateway: {value}{default} "
                              "(--remote-network {importer}:{exporter}=NAME)").format(
            importer=code(meshes[i].label), exporter=code(meshes[e].label), value=code(label), default=mark(key)))
    for m in meshes:
        scope = d.export_to[m.index]
        lines.append("- " + _("namespaces that may use {mesh}'s imports (exportTo): {value}{default} "
                              "(--export-to {mesh}=NS,NS)").format(
            mesh=code(m.label), value=code(",".join(scope)),
            default=" " + _("(default: mesh-wide, as in 2.x)") if scope == EXPORT_TO_ALL else ""))
    lines += ["- " + _("east-west gateway: {value} (--eastwest-namespace, --eastwest-name)").format(
                  value=code(f"{d.eastwest_namespace}/{d.eastwest_name}")),
              "- " + _("Istio resource: {name}, version {version}, {strategy}, revision {revision} (--istio-name, "
                       "--istio-version, --update-strategy)").format(
                  name=code(d.istio_name), version=code(d.istio_version), strategy=code(d.update_strategy),
                  revision=code(d.revision)), ""]
    return lines


def _findings(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = [f"## {_('Warnings and assumptions')}", ""]
    for f in findings:
        where = f" ({md(f.file)}:{f.line})" if f.file and f.line else ""
        lines.append(f"- **{severity_label(f.severity)} {f.code}**{where}: {md(f.message)}  ")
        lines.append(f"  {_('fix: {hint}').format(hint=md(f.hint))}")
    return lines + [""]


def _step(step: Step) -> list[str]:
    mark = "" if step.reversible else " ⚠ " + _("irreversible")
    pad = " " * (len(str(step.n)) + 2)   # a list item's blocks start under its text
    lines = [f"{step.n}. **{md(step.mesh)}** · {step.action}{mark}: {md(step.why.text())}", "", pad + "```sh"]
    lines += [pad + line for line in step.command.split("\n")]
    lines += [pad + "```", ""]
    if step.files:
        lines += [pad + _("Files: {files}").format(files=", ".join(code(f) for f in step.files)), ""]
    return lines


def render_runbook(meshes: list[Mesh], imports: list[Imported], decisions: Decisions, steps: list[Step],
                   findings: list[Finding], sources: list[str]) -> str:
    lines = [f"# {_('Migrating federation to OpenShift Service Mesh 3')}", "",
             _("Written by smfed-wizard migrate from {sources}. Run every command from this folder, on the cluster "
               "of the mesh it names. The procedure is the Sail operator's federation migration guide ({guide}); "
               "the values are derived from your meshes as that guide and Maistra's code say.").format(
                 sources=", ".join(code(s) for s in sources), guide=GUIDE), ""]
    irreversible = [s.n for s in steps if not s.reversible]
    if irreversible:
        lines += ["> ⚠ " + _("Irreversible steps: {steps}. Each phase that holds them stands apart below, behind "
                             "a warning; take the backups of phase 0 first.").format(
                      steps=", ".join(map(str, irreversible))), ""]
    lines += _meshes(meshes, decisions) + _imports(meshes, imports) + _decisions(meshes, decisions)
    lines += _findings(findings)
    lines += [f"## {_('Inferences this plan relies on')}", "",
              _("The guide does not state these; they come from the reference's reading of the code. Check them "
                "in a test environment first."), ""]
    lines += ["- " + _(text) for text in INFERENCES] + [""]
    for phase in PHASES:
        mine = [s for s in steps if s.phase == phase.id]
        if not mine:
            continue
        if not phase.reversible:
            lines += ["---", "", "> ⚠ **" + _("Point of no return.") + "** " + _(
                "The steps of this phase cannot be undone by re-applying a file. Go on only when every gate before "
                "them passed."), ""]
        state = _("reversible") if phase.reversible else _("irreversible")
        lines += [f"## {_('Phase {number}: {title}').format(number=phase.number, title=_(phase.title))} ({state})", "",
                  f"*{_('Rollback')}:* {_(phase.rollback)}", ""]
        for step in mine:
            lines += _step(step)
        if not phase.reversible:
            lines += ["---", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
