"""What this mesh knows about each peer, for the peer resources: declared once, read once, parsed once.

- `BUNDLE_FIELDS`: the per-peer values as `fields.Field`s (scope "bundle"). The wizard's federation-resources
  form renders them like every other field; `add_bundle_flags` makes the `smfed-wizard bundle` flags
  from the same declarations (`--peer-<key> PEER=VALUE`, `--export`, `--import`), and
  `parse_bundle_flags` parses them with `Field.parse`, the form's own parser.
- `read_peer_smcp`: the one reader of a peer's own SMCP (`--peer-smcp`, and the form's file field):
  which of this mesh's peers it is, which of its gateway pairs serve this mesh, and what it says;
  whatever had to be inferred is an `Assumption`.
- `remote_for`: a peer's facts from the conventions (`bundle.default_remote`, all assumptions), what
  its SMCP said, then the values given, which are no longer assumptions.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace

from .bundle import (Assumption, CertificateError, Remote, ServiceRef, address_problem, default_remote,
                     normalize_certificates, parse_service_ref, remote_from_mesh, remote_ports)
from .checks.values import dns1035_problem, dns1123_problem
from .errors import InputError, UsageError
from .fields import LIST, MESH_FIELD_BY_KEY, Field
from .i18n import N_, _
from .model import Exposure, Mesh, Peer, default_namespace, default_trust_domain

SCOPE = "bundle"


def _service_ref_problem(text: str) -> str | None:
    try:
        parse_service_ref(text)
    except ValueError as exc:
        return str(exc)
    return None


def _node_ports_problem(text: str) -> str | None:
    # str.isdigit() accepts '²' and other digits int() refuses: ASCII digits only
    tls, comma, discovery = (part.strip() for part in text.partition(","))
    if not (comma and tls.isascii() and tls.isdigit() and discovery.isascii() and discovery.isdigit()
            and len(tls) <= 5 and len(discovery) <= 5):
        return _("give TLS,DISCOVERY node ports, e.g. 30510,32359")
    return None


def node_ports(value: str) -> tuple[int, int]:
    """A value `_node_ports_problem` accepted -> (tls, discovery)."""
    tls, _comma, discovery = value.partition(",")
    return int(tls), int(discovery)


# The order is the form's; `key` names the flag: --peer-<key>, or --export / --import.
BUNDLE_FIELDS = (
    Field("smcp", SCOPE, "smcp_file", N_("Peer's SMCP file"),
          N_("The peer mesh's own ServiceMeshControlPlane file, when you have it: its namespace, trust domain, "
             "egress gateway for this mesh and, for a NodePort ingress, its node ports are read from it. In the "
             "wizard a relative path is relative to the SMCP's directory."),
          optional=True),
    Field("address", SCOPE, "addresses", N_("Peer's ingress addresses"),
          N_("spec.remote.addresses of the ServiceMeshPeer: how this mesh reaches the peer's federation ingress "
             "gateway, its load balancer's address or, for a NodePort ingress, node IPs. Without one the resource "
             "holds a placeholder."),
          kind=LIST, optional=True, check=address_problem),
    Field("node-ports", SCOPE, "node_ports", N_("Node ports of the peer's ingress, which this mesh dials (tls,discovery)"),
          N_("spec.remote.servicePort and discoveryPort: empty for a LoadBalancer ingress (15443 and 8188); the "
             "two node ports when the peer exposes its ingress as NodePort."),
          optional=True, check=_node_ports_problem),
    Field("namespace", SCOPE, "namespace", N_("Peer's namespace"),
          N_("The namespace of the peer's control plane: part of the clientID of its egress gateway."),
          check=dns1123_problem),
    Field("trust-domain", SCOPE, "trust_domain", N_("Peer's trust domain"),
          N_("spec.security.trustDomain: the peer mesh's own trust domain, never this mesh's."),
          check=MESH_FIELD_BY_KEY["trust-domain"].check),
    Field("egress", SCOPE, "egress_for_us", N_("Peer's egress gateway for us"),
          N_("The name of the peer's egress gateway that serves this mesh: its service account is in the clientID."),
          check=dns1035_problem),
    Field("ca", SCOPE, "ca_file", N_("Peer's root CA (PEM file)"),
          N_("The peer's root CA certificate, for the ConfigMap <peer>-ca-root-cert (root-cert.pem). Read it with "
             "oc get configmap istio-ca-root-cert -n <peer namespace> on the peer's cluster. In the wizard a "
             "relative path is relative to the SMCP's directory. Without one the ConfigMap holds a placeholder."),
          optional=True),
    Field("export", SCOPE, "exports", N_("Exported to the peer"),
          N_("ExportedServiceSet rules: NAMESPACE/NAME of services this mesh exports to the peer (either may be *)."),
          kind=LIST, optional=True, check=_service_ref_problem),
    Field("import", SCOPE, "imports", N_("Imported from the peer"),
          N_("ImportedServiceSet rules: NAMESPACE/NAME of services the peer exports that this mesh imports."),
          kind=LIST, optional=True, check=_service_ref_problem),
)
FIELD_BY_KEY = {f.key: f for f in BUNDLE_FIELDS}
SERVICE_KEYS = ("export", "import")
# The facts a peer's SMCP gives, as field keys (what `read_peer_smcp` fills in).
SMCP_KEYS = ("namespace", "trust-domain", "egress", "node-ports")


def check_value(local: Mesh, fld: Field, value) -> None:
    """What one value cannot be given what else is known (ValueError); `Field.parse` checked the rest."""
    if fld.key == "trust-domain" and value == local.trust_domain:
        raise ValueError(_("is this mesh's own trust domain; each mesh needs its own"))


def read_certificate(path: str) -> str:
    """The checked, canonical PEM in the file at `path`; ValueError (or InputError) says why not."""
    from .safe_files import read_file
    try:
        return normalize_certificates(read_file(path).data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(_("not a UTF-8 text file")) from None
    except CertificateError as exc:
        raise ValueError(_("not a root certificate: {problem}").format(problem=exc)) from None


# --- the peer's own SMCP ------------------------------------------------------------------------------

class PeerSmcpError(ValueError):
    """The file is an SMCP, but not one this mesh can use for that peer."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class PeerSmcp:
    peer: str                        # which of this mesh's peers the file is
    remote: Remote                   # what it says; what it does not, or what was inferred, is assumed
    values: dict = field(default_factory=dict)   # field key -> value, for the form's fields (SMCP_KEYS)
    federation_name: str | None = None           # this mesh's name in that file, when it was inferred


def read_peer_smcp(local: Mesh, path: str, data: bytes, peer: str | None = None, taken=()) -> PeerSmcp:
    """What the SMCP in `data` (the file `path`) says about this mesh's peer `peer` (None: find out
    which peer it is, among those not `taken`). InputError when it is no SMCP, PeerSmcpError when it
    is not one this mesh can use."""
    from .reader import read_mesh
    from .source import parse
    remote = read_mesh(parse(data, path))
    name, which = _which_peer(local, remote, path, peer, taken)
    ours, inferred = _gateways_for_us(local, remote, path)
    remote = replace(remote, federation_name=name)
    facts = remote_from_mesh(ours.name, remote)
    assumptions = list(facts.assumptions)
    if which is not None:
        assumptions.append(which)
    if inferred:
        assumptions.append(Assumption(name, "egress", ours.egress, _(
            "the gateways {file} has for {name!r} ({egress}, {ingress}), the name this mesh's namespace or trust "
            "domain has by the conventions").format(file=path, egress=ours.egress, ingress=ours.ingress, name=ours.name)))
    if ours.exposure.service_type == "NodePort" and not facts.ports_known:
        raise PeerSmcpError(_("its ingress for this mesh ({gateway}) is NodePort without fixed node ports").format(
            gateway=ours.ingress), hint=_("set both node ports in that SMCP first"))
    values = {"namespace": facts.namespace, "trust-domain": facts.trust_domain, "egress": facts.egress_for_us,
              "node-ports": (f"{facts.service_port},{facts.discovery_port}"
                             if ours.exposure.service_type == "NodePort" else None)}
    return PeerSmcp(name, replace(facts, assumptions=tuple(assumptions)), values,
                    ours.name if inferred else None)


def _gateways_for_us(local: Mesh, remote: Mesh, path: str) -> tuple[Peer, bool]:
    """The peer of `remote` that is this mesh, and whether that had to be inferred: a file names this
    mesh by its federation name, which need not be its SMCP name and is in no field of its SMCP. Without
    a given federation name, the one peer whose conventional namespace or trust domain is this mesh's
    is taken (upstream's `fed-export` in `mesh1-system` is `mesh1`)."""
    ours = remote.peer(local.federation)
    if ours is not None:
        return ours, False
    if local.federation_name is None:
        fitting = [p for p in remote.peers if local.peer(p.name) is None and (
            local.namespace == default_namespace(p.name) or local.trust_domain == default_trust_domain(p.name))]
        if len(fitting) == 1:
            return fitting[0], True
    known = ", ".join(p.name for p in remote.peers) or _("none")
    raise PeerSmcpError(_("mesh {mesh!r} has no peer named {name!r} (its peers: {known})").format(
        mesh=remote.name, name=local.federation, known=known), hint=_(
            "add this mesh as a peer to that SMCP, or give this mesh's federation name (what its peers call it)"))


def _which_peer(local: Mesh, remote: Mesh, path: str, peer: str | None, taken) -> tuple[str, Assumption | None]:
    """Which of this mesh's peers the file is: the one named, else the one of its SMCP name, else
    the one whose conventional namespace or trust domain it has, else the only one left."""
    names = [p.name for p in local.peers]
    if peer is not None:
        if remote.name != peer and remote.name in names:
            raise PeerSmcpError(_("this is the SMCP of {mesh!r}, not of {peer!r}").format(mesh=remote.name, peer=peer))
        return peer, None
    left = [n for n in names if n not in taken]
    if remote.name in left:
        return remote.name, None
    hint = _("name the peer it is: PEER={file}").format(file=path)
    by_convention = [n for n in left if remote.namespace == default_namespace(n)
                     or remote.trust_domain == default_trust_domain(n)]
    if len(by_convention) == 1:
        return by_convention[0], Assumption(by_convention[0], "smcp", path, _(
            "the namespace or trust domain of its SMCP {smcp!r}, which the conventions give {peer!r}").format(
                smcp=remote.name, peer=by_convention[0]))
    if len(left) == 1 and not by_convention:
        return left[0], Assumption(left[0], "smcp", path, _(
            "its SMCP {smcp!r} being taken for the only peer no other file is named for").format(smcp=remote.name))
    raise PeerSmcpError(_("cannot tell which peer {file} (SMCP {smcp!r}) is; this mesh's peers: {peers}").format(
        file=path, smcp=remote.name, peers=", ".join(names) or _("none")), hint=hint)


# --- a peer's facts --------------------------------------------------------------------------------

def remote_for(local: Mesh, peer: Peer, values: dict, *, certificate: str | None = None,
               read: PeerSmcp | None = None, confirmed=()) -> Remote:
    """The peer's facts: the conventions (or what its SMCP said), then `values` (field key -> value).
    A value that differs from the start, or whose key is in `confirmed`, is given: no assumption."""
    start = read.remote if read is not None else default_remote(local, peer)
    changes: dict = {}
    for key, value in values.items():
        if key == "address":
            changes["addresses"] = tuple(value)
        elif key == "node-ports" and value:
            service, discovery, known = remote_ports(Exposure("NodePort", *node_ports(value)))
            changes.update(service_port=service, discovery_port=discovery, ports_known=known)
        elif key == "ca" and certificate is not None:
            changes["ca_pem"] = certificate
        elif key in ("namespace", "trust-domain", "egress"):
            attr = FIELD_BY_KEY[key].attr
            if value != getattr(start, attr) or key in confirmed:
                changes[attr] = value
    return start.given(**changes)


# --- the `smfed-wizard bundle` flags, from the declarations above -------------------------------------

_METAVARS = {"smcp": "[PEER=]FILE", "address": "PEER=ADDR[,ADDR]", "node-ports": "PEER=TLS,DISCOVERY",
             "namespace": "PEER=NS", "trust-domain": "PEER=TD", "egress": "PEER=NAME", "ca": "PEER=PEM_FILE",
             "export": "[PEER:]NS/NAME", "import": "PEER:NS/NAME"}


def flag(fld: Field) -> str:
    return f"--{fld.key}" if fld.key in SERVICE_KEYS else f"--peer-{fld.key}"


def value_metavar(fld: Field) -> str:
    """What the flag takes after `PEER=` (`NS`, `NAME`, ...), as its help shows it."""
    return _METAVARS[fld.key].partition("=")[2] or _METAVARS[fld.key]


def _dest(fld: Field) -> str:
    return "bundle_" + fld.key.replace("-", "_")


def add_bundle_flags(parser: argparse.ArgumentParser) -> None:
    facts = parser.add_argument_group(_("what this mesh knows about a peer"))
    facts.add_argument("--federation-name", metavar="NAME", help=_(
        "this mesh's federation name, what its peers call it (their ServiceMeshPeer for it, their gateways for "
        "it), when it is not the SMCP's name"))
    sets = parser.add_argument_group(_("services"))
    for fld in BUNDLE_FIELDS:
        extra = " " + _("Without PEER: to every peer.") if fld.key == "export" else ""
        (sets if fld.key in SERVICE_KEYS else facts).add_argument(
            flag(fld), dest=_dest(fld), action="append", default=[], metavar=_METAVARS[fld.key],
            help=fld.help + extra)


@dataclass
class GivenFacts:
    """The bundle flags, parsed: per peer, field key -> value (as the form holds them)."""

    values: dict[str, dict] = field(default_factory=dict)
    smcps: list[tuple[str | None, str]] = field(default_factory=list)   # (peer or None, path)
    exports: dict[str, list[ServiceRef]] = field(default_factory=dict)
    imports: dict[str, list[ServiceRef]] = field(default_factory=dict)


def _peers_hint(peers: list[str]) -> str:
    return _("its peers: {peers}").format(peers=", ".join(peers) or _("none"))


def parse_bundle_flags(args: argparse.Namespace, local: Mesh) -> GivenFacts:
    """Every per-peer flag, through the same `Field.parse` and `check_value` as the form."""
    peers = [p.name for p in local.peers]
    given = GivenFacts(exports={p: [] for p in peers}, imports={p: [] for p in peers})
    for fld in BUNDLE_FIELDS:
        name = flag(fld)
        for text in getattr(args, _dest(fld)):
            if fld.key in SERVICE_KEYS:
                _service_flag(given, fld, name, text, peers)
                continue
            peer, sep, raw = (part.strip() for part in text.partition("="))
            if fld.key == "smcp":
                given.smcps.append((peer, raw) if sep else (None, peer))
                if sep and peer not in peers:
                    raise UsageError(_("{flag} {text!r}: {peer!r} is not a peer of this SMCP").format(
                        flag=name, text=text, peer=peer), hint=_peers_hint(peers))
                continue
            if not sep or not raw:
                raise UsageError(_("{flag} {text!r} is not PEER=VALUE").format(flag=name, text=text))
            if peer not in peers:
                raise UsageError(_("{flag} {text!r}: {peer!r} is not a peer of this SMCP").format(
                    flag=name, text=text, peer=peer), hint=_peers_hint(peers))
            own = given.values.setdefault(peer, {})
            if fld.key in own and fld.kind != LIST:
                raise UsageError(_("{flag} is given twice for {peer!r}").format(flag=name, peer=peer))
            try:
                value = fld.parse(raw)
                check_value(local, fld, value)
            except ValueError as exc:
                raise UsageError(_("{flag} {peer}: {value!r}: {problem}").format(
                    flag=name, peer=peer, value=raw, problem=exc), hint=fld.help) from None
            own[fld.key] = tuple(dict.fromkeys(own.get(fld.key, ()) + value)) if fld.kind == LIST else value
    return given


def _service_flag(given: GivenFacts, fld: Field, name: str, text: str, peers: list[str]) -> None:
    head, colon, rest = text.partition(":")
    peer, ref_text = (head.strip(), rest) if colon else (None, head)
    if fld.key == "import" and peer is None:
        raise UsageError(_("{flag} {text!r} needs the peer: PEER:NS/NAME").format(flag=name, text=text))
    if peer is not None and peer not in peers:
        raise UsageError(_("{flag} {text!r}: {peer!r} is not a peer of this SMCP").format(
            flag=name, text=text, peer=peer), hint=_peers_hint(peers))
    try:
        refs = [parse_service_ref(item) for item in fld.parse(ref_text) or ()] or [parse_service_ref(ref_text)]
    except ValueError as exc:
        raise UsageError(_("{flag} {problem}").format(flag=name, problem=exc)) from None
    target = given.exports if fld.key == "export" else given.imports
    for each in ([peer] if peer else peers):
        target[each] += [ref for ref in refs if ref not in target[each]]


def remotes_from_flags(given: GivenFacts, local: Mesh, read_file) -> tuple[Mesh, dict[str, Remote]]:
    """Each peer's facts from the parsed flags: the conventions, then `--peer-smcp`, then the other flags
    (each of which is a value given, not assumed). `read_file(path) -> bytes`. Returns the mesh with
    the federation name a peer SMCP showed (when none was given), and the facts by peer name."""
    reads: dict[str, PeerSmcp] = {}
    named = {peer for peer, _path in given.smcps if peer}
    for peer, path in sorted(given.smcps, key=lambda item: item[0] is None):   # the named ones first
        try:
            read = read_peer_smcp(local, path, read_file(path), peer, taken=named | set(reads))
        except PeerSmcpError as exc:
            raise InputError(str(exc), path=path, hint=exc.hint) from None
        if read.peer in reads:
            raise UsageError(_("--peer-smcp: two files for peer {peer!r}").format(peer=read.peer))
        reads[read.peer] = read
    inferred = {r.federation_name for r in reads.values() if r.federation_name}
    if local.federation_name is None and len(inferred) == 1:
        local = replace(local, federation_name=inferred.pop())   # the better guess for the other peers
    remotes = {}
    for peer in local.peers:
        values = given.values.get(peer.name, {})
        certificate = None
        if "ca" in values:
            try:
                certificate = read_certificate(values["ca"])
            except ValueError as exc:
                raise InputError(_("--peer-ca {peer}: {problem}").format(peer=peer.name, problem=exc),
                                 path=values["ca"], hint=_("give the peer's root CA certificate in PEM")) from None
        remotes[peer.name] = remote_for(local, peer, values, certificate=certificate, read=reads.get(peer.name),
                                        confirmed=set(values))
    return local, remotes


__all__ = ["BUNDLE_FIELDS", "FIELD_BY_KEY", "SMCP_KEYS", "PeerSmcp", "PeerSmcpError", "add_bundle_flags",
           "check_value", "parse_bundle_flags", "read_certificate", "read_peer_smcp", "remote_for",
           "remotes_from_flags"]
