"""The decisions as a form, for the front ends that ask them (`--plain`, `--tui`): one field per value
the user owns, in the order they are asked, each with its current value, a line of help, and the check
that runs as it is typed (the same rules `decisions.resolve` applies to flags; a check may look at the
other fields, as the network names do). `choices_with` turns the answers back into Choices.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..i18n import N_, _
from .decisions import (UPDATE_STRATEGIES, Choices, address_type, client_problem, export_to_problem, is_ipv6,
                        local_network_problem, mesh_by_ref, name_problem, remote_network_problem, resolve,
                        version_problem)
from .load import MeshSource
from .pairing import Mesh, pair
from .services import all_imports

Check = Callable[[str, dict[str, str]], "str | None"]


@dataclass(frozen=True)
class DecisionField:
    key: str                 # "network:<mesh>", "remote-network:<importer>:<exporter>", "export-to:<mesh>", ...
    label: str               # in the current language
    value: str               # the current value (the default, or what the flags said)
    instruction: str
    check: Check
    options: tuple[str, ...] = ()    # a choice among these when not empty
    optional: bool = False           # empty is an answer


def _address_problem(text: str) -> str | None:
    if not text or address_type(text):
        return None
    if is_ipv6(text):
        return _("an IPv6 address: the guide does not cover it (give an IPv4 address or a DNS name)")
    return _("neither an IPv4 address nor a DNS name")


def _local(mesh: Mesh, remote_keys: list[str]) -> Check:
    return lambda value, values: local_network_problem(mesh, value, [values.get(k, "") for k in remote_keys])


def _remote(importer: Mesh, local_key: str, key: str, sibling_keys: list[str]) -> Check:
    def check(value: str, values: dict[str, str]) -> str | None:
        others = [values.get(k, "") for k in sibling_keys if k != key]
        return remote_network_problem(importer, value, values.get(local_key, ""), others)
    return check


def _alone(check: Callable[[str], "str | None"]) -> Check:
    return lambda value, _values: check(value)


LABELS = {
    "eastwest-namespace": (N_("Namespace of the east-west gateway"), ""),
    "eastwest-name": (N_("Name of the east-west gateway"), ""),
    "istio-name": (N_("Name of the Istio resource"), ""),
    "istio-version": (N_("Istio version"), N_("v1.24-latest is what OSSM 3.0 serves")),
    "update-strategy": (N_("Update strategy of the Istio resource"), ""),
}


def decision_fields(sources: list[MeshSource], choices: Choices) -> list[DecisionField]:
    """Every decision for these meshes, with the values `choices` give them (defaults filled in)."""
    meshes, _refused = pair(sources)
    imports = all_imports(meshes, [])
    pairs = sorted({(i.importer, i.exporter) for i in imports})
    decisions, _findings = resolve(meshes, pairs, choices)
    remote_keys = {(i, e): f"remote-network:{meshes[i].label}:{meshes[e].label}" for i, e in pairs}
    fields = []
    for mesh in meshes:
        mine = [k for (i, _e), k in remote_keys.items() if i == mesh.index]
        fields.append(DecisionField(f"network:{mesh.label}", _("Network of mesh {mesh}").format(mesh=mesh.label),
                                    decisions.network[mesh.index],
                                    _("spec.cluster.network now, values.global.network in OSSM 3"), _local(mesh, mine)))
    for (i, e), key in remote_keys.items():
        siblings = [k for (i2, _e2), k in remote_keys.items() if i2 == i]
        fields.append(DecisionField(key, _("Network {importer} gives {exporter}'s east-west gateway").format(
                                        importer=meshes[i].label, exporter=meshes[e].label),
                                    decisions.remote_network[(i, e)],
                                    _("never network-<peer> of this mesh, never its own network"),
                                    _remote(meshes[i], f"network:{meshes[i].label}", key, siblings)))
    for i in sorted({i for i, _e in pairs}):
        fields.append(DecisionField(f"export-to:{meshes[i].label}",
                                    _("Namespaces that may use {mesh}'s imports").format(mesh=meshes[i].label),
                                    ",".join(decisions.export_to[i]),
                                    _("* is every namespace, as 2.x was; or namespaces separated by commas"),
                                    _alone(export_to_problem)))
    # the address as given (flag or cluster), not as resolved: resolve leaves out one it refuses (IPv6),
    # and the form would then show it empty and write the placeholder instead of saying why
    given = {mesh_by_ref(meshes, ref, "--address").index: value for ref, value in choices.addresses.items()}
    for e in sorted({e for _i, e in pairs}):
        address = given.get(e) or meshes[e].source.eastwest_address or ""
        fields.append(DecisionField(f"address:{meshes[e].label}",
                                    _("East-west gateway address of {mesh} (empty: not made yet)").format(
                                        mesh=meshes[e].label), address,
                                    _("the runbook pauses for it after phase 2 when it is empty"),
                                    _alone(_address_problem), optional=True))
    for i in sorted({i for i, _e in pairs}):
        ns, deployment = decisions.client.get(i, ("", ""))
        fields.append(DecisionField(f"client:{meshes[i].label}",
                                    _("Client deployment of {mesh} to verify with, NAMESPACE/DEPLOYMENT (empty: none)").format(
                                        mesh=meshes[i].label), f"{ns}/{deployment}" if ns else "", "",
                                    _alone(lambda v: client_problem(v) if v else None), optional=True))
    for key, value, check, options in (
            ("eastwest-namespace", decisions.eastwest_namespace, name_problem, ()),
            ("eastwest-name", decisions.eastwest_name, name_problem, ()),
            ("istio-name", decisions.istio_name, name_problem, ()),
            ("istio-version", decisions.istio_version, version_problem, ()),
            ("update-strategy", decisions.update_strategy, lambda v: None, UPDATE_STRATEGIES)):
        label, instruction = LABELS[key]
        fields.append(DecisionField(key, _(label), value, _(instruction) if instruction else "", _alone(check), options))
    return fields


def problems(fields: list[DecisionField], values: dict[str, str]) -> dict[str, str]:
    """key -> what is wrong with its value, for every field whose value does not pass."""
    out = {}
    for field in fields:
        problem = field.check(values.get(field.key, "").strip(), values)
        if problem:
            out[field.key] = problem
    return out


def choices_with(choices: Choices, values: dict[str, str]) -> Choices:
    """`choices` with the form's answers (`values`: key -> text)."""
    result = replace(choices, networks=dict(choices.networks), remote_networks=dict(choices.remote_networks),
                     export_to=dict(choices.export_to), addresses=dict(choices.addresses),
                     clients=dict(choices.clients))
    maps = {"network": result.networks, "remote-network": result.remote_networks, "export-to": result.export_to,
            "address": result.addresses, "client": result.clients}
    scalars = {"eastwest-namespace": "eastwest_namespace", "eastwest-name": "eastwest_name",
               "istio-name": "istio_name", "istio-version": "istio_version", "update-strategy": "update_strategy"}
    for key, text in values.items():
        text = text.strip()
        kind, _sep, ref = key.partition(":")
        if kind in maps:
            if text:
                maps[kind][ref] = text
            else:
                maps[kind].pop(ref, None)
        elif key in scalars:
            setattr(result, scalars[key], text)
    return result
