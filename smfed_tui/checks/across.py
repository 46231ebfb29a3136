"""Rules that compare SMCP texts: several files at once (`check_across`: node ports are
cluster-wide, trust domains federation-wide), and a file before and after an edit (`check_edit`).
"""
from __future__ import annotations

from yaml.nodes import ScalarNode

from ..findings import ERROR, WARNING, Finding, Rule
from ..i18n import N_, _
from ..model import EGRESS_LABEL, INGRESS_LABEL, service_account
from ..reader import federation_gateways
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP, TRUST_DOMAIN, Item
from ..source import Source
from ..yaml_nodes import content, get, get_value, scalar_at
from .checker import Checker, Options
from .smcp_ports import SMF052, node_ports_of


SMF012 = Rule("SMF012", ERROR, N_("two meshes share a trust domain"),
              N_("give each mesh its own trust domain; with equal domains the peer CA is ignored"))


def check_across(sources: list[Source], same_cluster: bool = False) -> list[Finding]:
    """Rules that need several SMCPs: node ports are cluster-wide, trust domains federation-wide.

    Federated meshes usually live in different clusters, where one node port may serve each: ports
    collide only between meshes known to share a cluster, those whose SMCPs name the same
    spec.cluster.name, or all of them when the caller says so (`validate --same-cluster`)."""
    findings: list[Finding] = []
    ports: dict[tuple, str] = {}
    domains: dict[str, str] = {}
    first_file: dict = {}
    for src in sources:
        # the same SMCP in a second file (a topology's policy.yaml wraps its smcp.yaml) is no second mesh
        if src.smcp is None or first_file.setdefault(content(src.smcp), src.path) != src.path:
            continue
        checker = Checker(src, Options())
        cluster = "" if same_cluster else scalar_at(src.smcp, "spec", "cluster", "name")
        for gw in federation_gateways(src.smcp, "ingress"):
            for number, port, node in node_ports_of(gw):
                if port is None or cluster is None:
                    continue
                path = INGRESS_MAP + (gw.name, "service", "ports", Item("port", number), "nodePort")
                owner = f"{src.path} ({gw.name})"
                taken = ports.get((cluster, port))
                if taken and not taken.startswith(src.path + " "):
                    checker.report(SMF052, node, path,
                                   _("nodePort {port} is also used by {owner}, in the same cluster").format(
                                       port=port, owner=taken))
                ports.setdefault((cluster, port), owner)
        domain = get_value(src.smcp, *TRUST_DOMAIN)
        if isinstance(domain, ScalarNode) and domain.value and domain.value != "cluster.local":
            if domain.value in domains:
                checker.report(SMF012, domain, TRUST_DOMAIN,
                               _("trust domain {domain!r} is also used by {owner}").format(
                                   domain=domain.value, owner=domains[domain.value]))
            domains.setdefault(domain.value, src.path)
        findings.extend(checker.findings)
    return findings


SMF013 = Rule("SMF013", WARNING, N_("the trust domain of a deployed mesh changes"),
              N_("keep it, or update every peer's ServiceMeshPeer for this mesh at the same time (their trustDomain "
                 "and clientID name it)"))
SMF098 = Rule("SMF098", WARNING, N_("editing gateway labels recreates the gateway"),
              N_("expect the gateway Deployment to be deleted and recreated (a short outage)"))
SMF099 = Rule("SMF099", WARNING, N_("the control plane is renamed or moved"),
              N_("keep the name and namespace of a deployed control plane; to change them, delete it first (the "
                 "mesh goes with it) and create the new one"))


def check_edit(old, new, src: Source) -> list[Finding]:
    """Findings about the change itself (old and new are model.Mesh): a label edit on an existing
    gateway changes an immutable Deployment selector, so the operator deletes and recreates the
    gateway; a new name or namespace makes `apply` create a second control plane
    (the webhook allows one per namespace); a new trust domain no longer matches what each peer's
    ServiceMeshPeer says of this mesh. `src` is the edited text, for positions."""
    checker = Checker(src, Options())
    smcp = src.smcp
    for key, message in (
            ("name", _("metadata.name was {old!r}: applying this creates a second ServiceMeshControlPlane, "
                       "and the operator allows one per namespace")),
            ("namespace", _("metadata.namespace was {old!r}: applying this installs another control plane in "
                            "{new!r} and leaves the one in {old!r} running"))):
        was, now = getattr(old, key), getattr(new, key)
        if was and now and was != now:
            checker.report(SMF099, get_value(smcp, "metadata", key) if smcp is not None else None,
                           ("metadata", key), message.format(old=was, new=now))
    if old.trust_domain and new.trust_domain and old.trust_domain != new.trust_domain:
        path = TRUST_DOMAIN
        checker.report(SMF013, get_value(smcp, *path) if smcp is not None else None, path,
                       _("the trust domain was {old!r}: every peer's ServiceMeshPeer for this mesh names it, so "
                         "federation stops until each peer is updated").format(old=old.trust_domain))
    before = {p.read_from_gateways: p for p in old.peers if p.read_from_gateways is not None}
    for peer in new.peers:
        was = before.get(peer.read_from_gateways) if peer.read_from_gateways is not None else None
        if was is None:
            continue
        for kind, label_key, old_value, new_value, gmap, name, old_name in (
                ("egress", EGRESS_LABEL, was.egress_label, peer.egress_label, EGRESS_MAP, peer.egress, was.egress),
                ("ingress", INGRESS_LABEL, was.ingress_label, peer.ingress_label, INGRESS_MAP, peer.ingress, was.ingress)):
            # a renamed gateway is a new Deployment anyway: its label change recreates nothing more
            if old_value != new_value and old_value is not None and name == old_name:
                path = gmap + (name, "service", "metadata", "labels", label_key)
                node = get_value(src.smcp, *path) if src.smcp is not None else None
                checker.report(SMF098, node, path, _("changing {label} on the existing {kind} gateway {name} "
                                                     "recreates its Deployment").format(
                    label=label_key, kind=_(kind), name=name))
            if name != old_name:
                _report_renamed_gateway(checker, src, kind, gmap, old_name, name, peer.name)
    return checker.findings


SMF088 = Rule("SMF088", WARNING, N_("a federation gateway is renamed"),
              N_("keep the name, or update both ServiceMeshPeers at the same time"))


def _report_renamed_gateway(checker: Checker, src: Source, kind: str, gmap: tuple, old_name: str, name: str,
                            peer: str) -> None:
    """A federation gateway's name is in ServiceMeshPeers: this mesh's for the peer names both gateways,
    and the peer's for this mesh names the egress's service account in its clientID (its DENY policies
    then refuse the renamed one)."""
    node = src.smcp and get(get_value(src.smcp, *gmap), name)
    where = node[0] if node else None
    if kind == "egress":
        message = _("renamed from {old!r}: {peer}'s ServiceMeshPeer for this mesh has {account} in its clientID "
                    "and this mesh's ServiceMeshPeer {peer} names {old!r}; {peer} refuses this mesh until both "
                    "are updated").format(old=old_name, peer=peer, account=service_account(old_name))
    else:
        message = _("renamed from {old!r}: this mesh's ServiceMeshPeer {peer} names {old!r}; federation with "
                    "{peer} stops until it is updated").format(old=old_name, peer=peer)
    checker.report(SMF088, where, gmap + (name,), message)
