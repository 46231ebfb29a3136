"""`smfed-wizard migrate --plain`: the decisions asked line by line (questionary), each with its default
and the same checks the flags get (`decisions`), before anything is written. The accessible path: one
question at a time, the problem printed above the prompt where a screen reader reads it.

questionary is imported only when this runs (the core stays free of UI libraries).
"""
from __future__ import annotations

import sys
from dataclasses import replace

from ..errors import UsageError
from ..i18n import _
from .decisions import (UPDATE_STRATEGIES, Choices, address_type, client_problem, export_to_problem, is_ipv6,
                        local_network_problem, name_problem, remote_network_problem, resolve, version_problem)
from .load import MeshSource
from .pairing import pair
from .services import all_imports


def _address_problem(text: str) -> str | None:
    if not text or address_type(text):
        return None
    if is_ipv6(text):
        return _("an IPv6 address: the guide does not cover it (give an IPv4 address or a DNS name)")
    return _("neither an IPv4 address nor a DNS name")


class Asker:
    def __init__(self, questionary) -> None:
        self.q = questionary

    def text(self, message: str, default: str, check, instruction: str = "") -> str:
        def validate(value: str):
            problem = check(value.strip())
            if problem is None:
                return True
            from prompt_toolkit.application import run_in_terminal
            run_in_terminal(lambda: print(f"  {problem}"))
            return problem
        answer = self.q.text(message, default=default, instruction=instruction or None, validate=validate,
                             validate_while_typing=False).unsafe_ask()
        return answer.strip()

    def select(self, message: str, options: tuple[str, ...], default: str) -> str:
        return self.q.select(message, choices=list(options), default=default, use_jk_keys=False).unsafe_ask()

    def confirm(self, message: str) -> bool:
        return self.q.confirm(message, default=True).unsafe_ask()


def ask_decisions(sources: list[MeshSource], choices: Choices, asker: Asker | None = None) -> Choices:
    """The decisions, asked with the current values as defaults. Returns the choices to build with."""
    if asker is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(_("--plain asks questions and needs a terminal"),
                             hint=_("give the decisions as flags instead (see smfed-wizard migrate --help)"))
        import questionary   # only this mode pays for it
        asker = Asker(questionary)
    findings: list = []
    meshes, _refused = pair(sources)
    imports = all_imports(meshes, findings)
    pairs = sorted({(i.importer, i.exporter) for i in imports})
    decisions, _more = resolve(meshes, pairs, choices)
    print(_("{meshes} meshes, {imports} imported services; Enter keeps the value shown.").format(
        meshes=len(meshes), imports=len(imports)))
    networks = dict(choices.networks)
    for mesh in meshes:
        remotes = [label for (i, _e), label in decisions.remote_network.items() if i == mesh.index]
        networks[mesh.label] = asker.text(
            _("Network of mesh {mesh}").format(mesh=mesh.label), decisions.network[mesh.index],
            lambda v, m=mesh, r=remotes: local_network_problem(m, v, r),
            _("spec.cluster.network now, values.global.network in OSSM 3"))
    remote_networks = dict(choices.remote_networks)
    chosen: dict[int, list[str]] = {}     # per importer: the labels given to its other exporters
    for importer, exporter in pairs:
        local = networks[meshes[importer].label]
        taken = chosen.setdefault(importer, [])
        label = asker.text(
            _("Network {importer} gives {exporter}'s east-west gateway").format(
                importer=meshes[importer].label, exporter=meshes[exporter].label),
            decisions.remote_network[(importer, exporter)],
            lambda v, m=meshes[importer], lo=local, t=taken: remote_network_problem(m, v, lo, t),
            _("never network-<peer> of this mesh, never its own network"))
        taken.append(label)
        remote_networks[f"{meshes[importer].label}:{meshes[exporter].label}"] = label
    export_to = dict(choices.export_to)
    for importer in sorted({i for i, _e in pairs}):
        mesh = meshes[importer]
        export_to[mesh.label] = asker.text(
            _("Namespaces that may use {mesh}'s imports").format(mesh=mesh.label),
            ",".join(decisions.export_to[importer]), export_to_problem,
            _("* is every namespace, as 2.x was; or namespaces separated by commas"))
    addresses, clients = dict(choices.addresses), dict(choices.clients)
    for exporter in sorted({e for _i, e in pairs}):
        mesh = meshes[exporter]
        value = asker.text(_("East-west gateway address of {mesh} (empty: not made yet)").format(mesh=mesh.label),
                           decisions.address.get(exporter, ""), _address_problem,
                           _("the runbook pauses for it after phase 2 when it is empty"))
        if value:
            addresses[mesh.label] = value
    for importer in sorted({i for i, _e in pairs}):
        mesh = meshes[importer]
        ns, deployment = decisions.client.get(importer, ("", ""))
        value = asker.text(_("Client deployment of {mesh} to verify with, NAMESPACE/DEPLOYMENT (empty: none)").format(
            mesh=mesh.label), f"{ns}/{deployment}" if ns else "", lambda v: client_problem(v) if v else None)
        if value:
            clients[mesh.label] = value
    result = replace(choices, networks=networks, remote_networks=remote_networks, export_to=export_to,
                     addresses=addresses, clients=clients)
    result.eastwest_namespace = asker.text(_("Namespace of the east-west gateway"), choices.eastwest_namespace,
                                           name_problem)
    result.eastwest_name = asker.text(_("Name of the east-west gateway"), choices.eastwest_name, name_problem)
    result.istio_name = asker.text(_("Name of the Istio resource"), choices.istio_name, name_problem)
    result.istio_version = asker.text(_("Istio version"), choices.istio_version, version_problem,
                                      _("v1.24-latest is what OSSM 3.0 serves"))
    result.update_strategy = asker.select(_("Update strategy of the Istio resource"), UPDATE_STRATEGIES,
                                          choices.update_strategy)
    if not asker.confirm(_("Write the artifacts and the runbook?")):
        raise KeyboardInterrupt
    return result
