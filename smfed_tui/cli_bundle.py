"""`smfed-wizard bundle` and `smfed-wizard topology`: the peer resources of one mesh, or every file of a
whole federation. Both check what they produce with the cross-file rules before writing anything.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from .errors import InputError, SmfedError, UsageError, fix_line, format_error
from .findings import ERROR, severity_label, sort_key
from .i18n import _

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def add_parser(subparsers) -> None:
    bundle = subparsers.add_parser(
        "bundle", help=_("the peer resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet, ImportedServiceSet)"),
        description=_("For each peer of the SMCP: the ConfigMap <peer>-ca-root-cert, the ServiceMeshPeer, the "
                      "ExportedServiceSet and the ImportedServiceSet, in the SMCP's namespace. What is not given about "
                      "a peer follows the conventions (namespace <peer>-system, trust domain <peer>.local, its egress "
                      "gateway egress-<this mesh>, a LoadBalancer ingress on 15443/8188).\n\nExample:\n"
                      "  smfed-wizard bundle red/smcp.yaml --peer-address green-mesh=203.0.113.20 "
                      "--peer-ca green-mesh=green-root.pem --export bookinfo/ratings --import green-mesh:bookinfo/reviews"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bundle.add_argument("smcp_file", metavar="SMCP_FILE")
    facts = bundle.add_argument_group(_("what this mesh knows about a peer"))
    facts.add_argument("--peer-smcp", action="append", default=[], metavar="FILE",
                       help=_("read a peer's namespace, trust domain, gateways for us and exposure from its SMCP"))
    facts.add_argument("--peer-address", action="append", default=[], metavar="PEER=ADDR[,ADDR]",
                       help=_("how to reach the peer's ingress: load balancer address, or node IPs for NodePort"))
    facts.add_argument("--peer-namespace", action="append", default=[], metavar="PEER=NS")
    facts.add_argument("--peer-trust-domain", action="append", default=[], metavar="PEER=TD")
    facts.add_argument("--peer-ca", action="append", default=[], metavar="PEER=PEM_FILE",
                       help=_("the peer's root certificate (checked to be a PEM certificate)"))
    facts.add_argument("--peer-egress", action="append", default=[], metavar="PEER=NAME",
                       help=_("the peer's egress gateway for this mesh (for the clientID)"))
    facts.add_argument("--peer-node-ports", action="append", default=[], metavar="PEER=TLS,DISCOVERY",
                       help=_("the peer's ingress is NodePort on these node ports"))
    sets = bundle.add_argument_group(_("services"))
    sets.add_argument("--export", action="append", default=[], metavar="[PEER:]NS/NAME",
                      help=_("export a service to every peer (or to PEER); NAME or NS may be *"))
    sets.add_argument("--import", dest="imports", action="append", default=[], metavar="PEER:NS/NAME",
                      help=_("import a service PEER exports"))
    bundle.add_argument("-o", "--output", metavar="DIR", help=_("write DIR/federation.yaml instead of printing"))
    bundle.add_argument("--allow-errors", action="store_true", help=_("write even when the result has errors"))
    bundle.set_defaults(run=run_bundle)

    from .topology import FORMAT
    topo = subparsers.add_parser(
        "topology", help=_("every SMCP and peer resource of a federation, from one small file"),
        description=_("Write DIR/<mesh>/smcp.yaml and DIR/<mesh>/federation.yaml for every mesh of the topology, "
                      "consistent on both sides of each pair. Node ports are assigned without collisions.\n\n"
                      "Example:\n  smfed-wizard topology federation.yaml -o out/\n\n"
                      "The topology file:\n") + _(FORMAT),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    topo.add_argument("topology_file", metavar="TOPOLOGY.yaml")
    topo.add_argument("-o", "--output", metavar="DIR", help=_("write the files under DIR instead of printing them"))
    topo.add_argument("--allow-errors", action="store_true", help=_("write even when the result has errors"))
    topo.set_defaults(run=run_topology)


# --- bundle ------------------------------------------------------------------------------------------

def _peer_values(flag: str, values: list[str], peers: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        peer, sep, value = text.partition("=")
        peer, value = peer.strip(), value.strip()
        if not sep or not value:
            raise UsageError(_("{flag} {text!r} is not PEER=VALUE").format(flag=flag, text=text))
        if peer not in peers:
            raise UsageError(_("{flag} {text!r}: {peer!r} is not a peer of this SMCP").format(flag=flag, text=text, peer=peer),
                             hint=_peers_hint(peers))
        if peer in out and flag != "--peer-address":
            raise UsageError(_("{flag} is given twice for {peer!r}").format(flag=flag, peer=peer))
        out[peer] = f"{out[peer]},{value}" if peer in out else value
    return out


def _peers_hint(peers: list[str]) -> str:
    return _("its peers: {peers}").format(peers=", ".join(peers) or _("none"))


def _read_text(path: str) -> str:
    from .safe_files import read_file
    try:
        return read_file(path).data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(_("not a UTF-8 text file"), path=path) from None


def _peer_smcps(paths: list[str], local) -> dict:
    from .bundle import remote_from_mesh
    from .reader import read_mesh
    from .safe_files import read_file
    from .source import parse
    peers = [p.name for p in local.peers]
    out = {}
    for path in paths:
        remote = read_mesh(parse(read_file(path).data, path))
        if remote.name not in peers:
            raise UsageError(_("--peer-smcp {path}: mesh {mesh!r} is not a peer of {local!r}").format(
                path=path, mesh=remote.name, local=local.name), hint=_peers_hint(peers))
        try:
            out[remote.name] = remote_from_mesh(local.name, remote)
        except KeyError as exc:
            raise InputError(exc.args[0], path=path,
                             hint=_("add peer {peer!r} to that SMCP first").format(peer=local.name)) from None
    return out


def build_remotes(args, local) -> dict:
    """Each peer's facts: the conventions, then --peer-smcp, then the explicit flags."""
    from dataclasses import replace

    from .bundle import CertificateError, address_problem, default_remote, normalize_certificates, remote_ports
    from .model import Exposure
    from .checks.values import dns1035_problem
    from .topology import mesh_field_problem
    peers = [p.name for p in local.peers]
    read = _peer_smcps(args.peer_smcp, local)
    flags = {name: _peer_values(f"--peer-{name}", getattr(args, f"peer_{name.replace('-', '_')}"), peers)
             for name in ("address", "namespace", "trust-domain", "ca", "egress", "node-ports")}
    remotes = {}
    for peer in local.peers:
        remote = read.get(peer.name) or default_remote(local, peer)
        changes: dict = {}
        if peer.name in flags["address"]:
            addresses = tuple(a.strip() for a in flags["address"][peer.name].split(",") if a.strip())
            for address in addresses:
                problem = address_problem(address)
                if problem:
                    raise UsageError(_("--peer-address {peer}: {problem}").format(peer=peer.name, problem=problem))
            changes["addresses"] = addresses
        for flag, attr, problem_of in (("namespace", "namespace", lambda v: mesh_field_problem("namespace", v)),
                                       ("trust-domain", "trust_domain", lambda v: mesh_field_problem("trust-domain", v)),
                                       ("egress", "egress_for_us", dns1035_problem)):
            if peer.name in flags[flag]:
                value = flags[flag][peer.name]
                problem = problem_of(value)
                if flag == "trust-domain" and value == local.trust_domain:
                    problem = _("is this mesh's own trust domain; each mesh needs its own (§6.4)")
                if problem:
                    raise UsageError(_("--peer-{flag} {peer}: {value!r}: {problem}").format(
                        flag=flag, peer=peer.name, value=value, problem=problem))
                changes[attr] = value
        if peer.name in flags["node-ports"]:
            tls, _comma, discovery = flags["node-ports"][peer.name].partition(",")
            if not (tls.strip().isdigit() and discovery.strip().isdigit()):
                raise UsageError(_("--peer-node-ports {peer}: give TLS,DISCOVERY node ports, e.g. 30510,32359").format(
                    peer=peer.name))
            service, disc, known = remote_ports(Exposure("NodePort", int(tls), int(discovery)))
            changes.update(service_port=service, discovery_port=disc, ports_known=known)
        if peer.name in flags["ca"]:
            path = flags["ca"][peer.name]
            try:
                changes["ca_pem"] = normalize_certificates(_read_text(path))
            except CertificateError as exc:
                raise InputError(_("--peer-ca {peer}: {problem}").format(peer=peer.name, problem=exc), path=path,
                                 hint=_("give the peer's root CA certificate in PEM")) from None
        remotes[peer.name] = replace(remote, **changes)
    return remotes


def service_sets(args, local) -> tuple[dict, dict]:
    from .bundle import parse_service_ref
    peers = [p.name for p in local.peers]
    exports: dict[str, list] = {p: [] for p in peers}
    imports: dict[str, list] = {p: [] for p in peers}
    for flag, values, target, peer_required in (("--export", args.export, exports, False),
                                                ("--import", args.imports, imports, True)):
        for text in values:
            head, colon, rest = text.partition(":")
            peer, ref_text = (head, rest) if colon else (None, head)
            if peer_required and peer is None:
                raise UsageError(_("{flag} {text!r} needs the peer: PEER:NS/NAME").format(flag=flag, text=text))
            if peer is not None and peer not in peers:
                raise UsageError(_("{flag} {text!r}: {peer!r} is not a peer of this SMCP").format(
                    flag=flag, text=text, peer=peer), hint=_peers_hint(peers))
            try:
                ref = parse_service_ref(ref_text)
            except ValueError as exc:
                raise UsageError(_("{flag} {problem}").format(flag=flag, problem=exc)) from None
            for name in ([peer] if peer else peers):
                if ref not in target[name]:
                    target[name].append(ref)
    return exports, imports


def run_bundle(args) -> int:
    from .bundle import build_bundle
    from .checks.federation import check_federation
    from .reader import read_mesh
    from .safe_files import read_file
    from .source import parse

    loaded = read_file(args.smcp_file)
    src = parse(loaded.data, args.smcp_file)
    local = read_mesh(src)
    if not local.peers:
        raise InputError(_("this SMCP has no federation gateway pairs, so there is no peer to bundle for"),
                         path=args.smcp_file,
                         hint=_("add one first: smfed-wizard edit {file} --peer NAME").format(file=args.smcp_file))
    exports, imports = service_sets(args, local)
    bundle = build_bundle(local, build_remotes(args, local), exports, imports)
    text = bundle.text()
    target = os.path.join(args.output, "federation.yaml") if args.output else "<bundle>"
    if not local.namespace:
        _warn(_("{file} sets no metadata.namespace; the peer resources have none either").format(file=args.smcp_file))
    for warning in bundle.warnings:
        _warn(warning)
    generated = parse(text.encode("utf-8"), target, trusted=True)
    errors = sorted((f for f in check_federation([src, generated]) if f.severity == ERROR), key=sort_key)
    for f in errors:
        print(f.compiler_line() + "\n  " + fix_line(f.hint), file=sys.stderr)
    if errors and not args.allow_errors:
        print(_("not written: fix the errors above (or pass --allow-errors)"), file=sys.stderr)
        return EXIT_FINDINGS
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    path = os.path.join(args.output, "federation.yaml")
    _write(path, text)
    print(_("wrote {path} ({resources} resources for {peers} peers)").format(
        path=path, resources=len(bundle.documents), peers=len(local.peers)), file=sys.stderr)
    return EXIT_OK


def _warn(message: str) -> None:
    print(_("warning: {message}").format(message=message), file=sys.stderr)


def _write(path: str, text: str) -> None:
    from .safe_files import read_file, write_file
    directory = os.path.dirname(path)
    if directory:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise InputError(_("cannot create the directory: {reason}").format(reason=exc.strerror), path=directory) from None
    expected = read_file(path) if os.path.lexists(path) else None
    if expected is not None and expected.data == text.encode("utf-8"):
        return
    write_file(path, text.encode("utf-8"), expected=expected)


# --- topology ---------------------------------------------------------------------------------------

def run_topology(args) -> int:
    from .topology import TopologyError, build, check_outputs, load_topology
    try:
        topo = load_topology(args.topology_file)
        outputs = build(topo)
    except TopologyError as err:
        for problem in err.errors:
            print(format_error(problem), file=sys.stderr)
        return EXIT_UNUSABLE
    for warning in topo.warnings:
        _warn(warning)
    directory = args.output or ""
    findings = sorted(check_outputs(outputs, directory), key=sort_key)
    errors = [f for f in findings if f.severity == ERROR]
    for f in errors:
        print(f.compiler_line() + "\n  " + fix_line(f.hint), file=sys.stderr)
    from .checks.catalogue import RULES
    for (code, severity), n in sorted(Counter((f.code, f.severity) for f in findings if f.severity != ERROR).items()):
        print(f"{severity_label(severity)} {code} ×{n}: {RULES[code].title} ({RULES[code].fix})", file=sys.stderr)
    if errors and not args.allow_errors:
        print(_("not written: fix the errors above (or pass --allow-errors)"), file=sys.stderr)
        return EXIT_FINDINGS
    files = [pair for out in outputs for pair in out.files(directory)]
    if not args.output:
        for index, (path, text) in enumerate(files):
            sys.stdout.write(("---\n" if index else "") + f"# {path}\n" + text)
        return EXIT_OK
    try:
        for path, text in files:
            _write(path, text)
    except SmfedError as err:
        print(format_error(err), file=sys.stderr)
        return err.exit_code
    print(_("wrote {files} files for {meshes} meshes under {directory}").format(
        files=len(files), meshes=len(outputs), directory=args.output), file=sys.stderr)
    return EXIT_OK
