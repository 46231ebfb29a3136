"""What an SMCP edit breaks in its own file: a file that holds the SMCP and its federation resources
(a List, an RHACM policy, a multi-document file) keeps the ServiceMeshPeer of a peer whose gateways
the edit removed. The cross-file federation rules, run on the file before and after the edit, find
it (its gateways are gone: SMF101 on `validate`); this names it with the service sets and the CA
ConfigMap that go with it, so the edit says so at once instead of exiting 0 without a word.
"""
from __future__ import annotations

import shlex

from yaml.nodes import MappingNode, ScalarNode

from ..bundle import ca_config_map_name
from ..findings import WARNING, Finding, Rule
from ..i18n import N_, _
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP
from ..source import Source
from ..yaml_nodes import get_value
from .checker import Checker, Options
from .federation import check_federation
from .inventory import CONFIG_MAP, EXPORT, IMPORT, PEER, Doc, collect


SMF089 = Rule("SMF089", WARNING, N_("federation resources of a removed peer are left in the file"),
              N_("delete the peer's ServiceMeshPeer, ExportedServiceSet, ImportedServiceSet and CA ConfigMap too"))


def check_left_behind(before: Source, after: Source) -> list[Finding]:
    """The federation findings the edit brings into its own file: SMF089 for each ServiceMeshPeer whose
    gateways the edit removed (with the resources that go with it), and as they are the others (a
    ServiceMeshPeer naming a gateway the edit renamed)."""
    known = {(f.code, f.message) for f in check_federation([before])}
    introduced = [f for f in check_federation([after]) if (f.code, f.message) not in known]
    if not introduced:
        return []
    inv = collect([after])
    checker = Checker(after, Options())
    gone = _gateway_names(before) - _gateway_names(after)
    covered = []
    for peer in inv.of(PEER):
        first, last = peer.node.start_mark.line + 1, peer.node.end_mark.line + 1
        named = {peer.at("spec", "gateways", kind, "name") for kind in ("egress", "ingress")} - {None}
        if peer.name is None or not named or not named <= gone:
            continue
        covered.append((first, last))
        chain = _chain(peer)
        shared = {_chain(other) for other in inv.of(PEER) if other is not peer and other.namespace == peer.namespace}
        kept = [doc for doc in inv.docs if doc.namespace == peer.namespace and (
            (doc.kind in (EXPORT, IMPORT) and doc.name == peer.name)
            or (doc.kind == CONFIG_MAP and doc.name == chain and chain not in shared))]   # another peer's CA stays
        checker.report(SMF089, peer.node, "metadata.name", _(
            "ServiceMeshPeer {name} is left for a peer whose gateways this edit removed (validate says SMF101); "
            "with it in this file: {others}").format(name=peer.name, others=_listing(kept)),
            _("delete these from {file} too and, if they were applied, from the cluster: {command}").format(
                file=after.path, command=_delete_command(peer, kept)))
    others = [f for f in introduced if not any(first <= (f.line or 0) <= last for first, last in covered)]
    return checker.findings + others


def _gateway_names(src: Source) -> set[str]:
    """The keys of the SMCP's additionalEgress and additionalIngress maps."""
    maps = [get_value(src.smcp, *path) for path in (EGRESS_MAP, INGRESS_MAP)] if src.smcp is not None else []
    return {key.value for gmap in maps if isinstance(gmap, MappingNode) for key, _value in gmap.value
            if isinstance(key, ScalarNode)}


def _chain(peer: Doc) -> str | None:
    """The CA ConfigMap a ServiceMeshPeer reads (the code's default when certificateChain names none)."""
    return peer.at("spec", "security", "certificateChain", "name") or (ca_config_map_name(peer.name) if peer.name else None)


def _listing(docs: list[Doc]) -> str:
    if not docs:
        return _("nothing else")
    return ", ".join(_("{kind} {name} (line {line})").format(kind=doc.kind, name=doc.name,
                                                             line=doc.node.start_mark.line + 1) for doc in docs)


def _delete_command(peer: Doc, docs: list[Doc]) -> str:
    """The oc commands, each name quoted for a shell (a name is the file's text)."""
    namespace = ["-n", peer.namespace] if peer.namespace else []
    kinds = ",".join(k.lower() for k in (PEER, EXPORT, IMPORT) if k == PEER or any(d.kind == k for d in docs))
    commands = [["oc", "delete", kinds, peer.name, *namespace]]
    commands += [["oc", "delete", "configmap", doc.name, *namespace] for doc in docs if doc.kind == CONFIG_MAP]
    return "; ".join(shlex.join(command) for command in commands)
