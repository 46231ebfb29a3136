"""`smfed-wizard bundle` and `smfed-wizard topology`: the peer resources of one mesh, or every file of a
whole federation. Both check what they produce with the cross-file rules before writing anything.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from .errors import InputError, SmfedError, UsageError, format_error
from .findings import ERROR, sort_key

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def add_parser(subparsers) -> None:
    bundle = subparsers.add_parser(
        "bundle", help="the peer resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet, ImportedServiceSet)",
        description="For each peer of the SMCP: the ConfigMap <peer>-ca-root-cert, the ServiceMeshPeer, the "
                    "ExportedServiceSet and the ImportedServiceSet, in the SMCP's namespace. What is not given about a "
                    "peer follows the conventions (namespace <peer>-system, trust domain <peer>.local, its egress "
                    "gateway egress-<this mesh>, a LoadBalancer ingress on 15443/8188).\n\nExample:\n"
                    "  smfed-wizard bundle red/smcp.yaml --peer-address green-mesh=203.0.113.20 "
                    "--peer-ca green-mesh=green-root.pem --export bookinfo/ratings --import green-mesh:bookinfo/reviews",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bundle.add_argument("smcp_file", metavar="SMCP_FILE")
    facts = bundle.add_argument_group("what this mesh knows about a peer")
    facts.add_argument("--peer-smcp", action="append", default=[], metavar="FILE",
                       help="read a peer's namespace, trust domain, gateways for us and exposure from its SMCP")
    facts.add_argument("--peer-address", action="append", default=[], metavar="PEER=ADDR[,ADDR]",
                       help="how to reach the peer's ingress: load balancer address, or node IPs for NodePort")
    facts.add_argument("--peer-namespace", action="append", default=[], metavar="PEER=NS")
    facts.add_argument("--peer-trust-domain", action="append", default=[], metavar="PEER=TD")
    facts.add_argument("--peer-ca", action="append", default=[], metavar="PEER=PEM_FILE",
                       help="the peer's root certificate (checked to be a PEM certificate)")
    facts.add_argument("--peer-egress", action="append", default=[], metavar="PEER=NAME",
                       help="the peer's egress gateway for this mesh (for the clientID)")
    facts.add_argument("--peer-node-ports", action="append", default=[], metavar="PEER=TLS,DISCOVERY",
                       help="the peer's ingress is NodePort on these node ports")
    sets = bundle.add_argument_group("services")
    sets.add_argument("--export", action="append", default=[], metavar="[PEER:]NS/NAME",
                      help="export a service to every peer (or to PEER); NAME or NS may be *")
    sets.add_argument("--import", dest="imports", action="append", default=[], metavar="PEER:NS/NAME",
                      help="import a service PEER exports")
    bundle.add_argument("-o", "--output", metavar="DIR", help="write DIR/federation.yaml instead of printing")
    bundle.add_argument("--allow-errors", action="store_true", help="write even when the result has errors")
    bundle.set_defaults(run=run_bundle)

    from .topology import FORMAT
    topo = subparsers.add_parser(
        "topology", help="every SMCP and peer resource of a federation, from one small file",
        description="Write DIR/<mesh>/smcp.yaml and DIR/<mesh>/federation.yaml for every mesh of the topology, "
                    "consistent on both sides of each pair. Node ports are assigned without collisions.\n\n"
                    "Example:\n  smfed-wizard topology federation.yaml -o out/\n\n"
                    "The topology file:\n" + FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    topo.add_argument("topology_file", metavar="TOPOLOGY.yaml")
    topo.add_argument("-o", "--output", metavar="DIR", help="write the files under DIR instead of printing them")
    topo.add_argument("--allow-errors", action="store_true", help="write even when the result has errors")
    topo.set_defaults(run=run_topology)


# --- bundle ------------------------------------------------------------------------------------------

def _peer_values(flag: str, values: list[str], peers: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        peer, sep, value = text.partition("=")
        peer, value = peer.strip(), value.strip()
        if not sep or not value:
            raise UsageError(f"{flag} {text!r} is not PEER=VALUE")
        if peer not in peers:
            raise UsageError(f"{flag} {text!r}: {peer!r} is not a peer of this SMCP",
                             hint=f"its peers: {', '.join(peers) or 'none'}")
        if peer in out and flag != "--peer-address":
            raise UsageError(f"{flag} is given twice for {peer!r}")
        out[peer] = f"{out[peer]},{value}" if peer in out else value
    return out


def _read_text(path: str) -> str:
    from .safe_files import read_file
    try:
        return read_file(path).data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", path=path) from None


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
            raise UsageError(f"--peer-smcp {path}: mesh {remote.name!r} is not a peer of {local.name!r}",
                             hint=f"its peers: {', '.join(peers) or 'none'}")
        try:
            out[remote.name] = remote_from_mesh(local.name, remote)
        except KeyError as exc:
            raise InputError(exc.args[0], path=path, hint=f"add peer {local.name!r} to that SMCP first") from None
    return out


def build_remotes(args, local) -> dict:
    """Each peer's facts: the conventions, then --peer-smcp, then the explicit flags."""
    from dataclasses import replace

    from .bundle import CertificateError, address_problem, default_remote, normalize_certificates, remote_ports
    from .model import Exposure
    from .rules import dns1035_problem
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
                    raise UsageError(f"--peer-address {peer.name}: {problem}")
            changes["addresses"] = addresses
        for flag, attr, problem_of in (("namespace", "namespace", lambda v: mesh_field_problem("namespace", v)),
                                       ("trust-domain", "trust_domain", lambda v: mesh_field_problem("trust-domain", v)),
                                       ("egress", "egress_for_us", dns1035_problem)):
            if peer.name in flags[flag]:
                value = flags[flag][peer.name]
                problem = problem_of(value)
                if flag == "trust-domain" and value == local.trust_domain:
                    problem = "is this mesh's own trust domain; each mesh needs its own (§6.4)"
                if problem:
                    raise UsageError(f"--peer-{flag} {peer.name}: {value!r}: {problem}")
                changes[attr] = value
        if peer.name in flags["node-ports"]:
            tls, _, discovery = flags["node-ports"][peer.name].partition(",")
            if not (tls.strip().isdigit() and discovery.strip().isdigit()):
                raise UsageError(f"--peer-node-ports {peer.name}: give TLS,DISCOVERY node ports, e.g. 30510,32359")
            service, disc, known = remote_ports(Exposure("NodePort", int(tls), int(discovery)))
            changes.update(service_port=service, discovery_port=disc, ports_known=known)
        if peer.name in flags["ca"]:
            path = flags["ca"][peer.name]
            try:
                changes["ca_pem"] = normalize_certificates(_read_text(path))
            except CertificateError as exc:
                raise InputError(f"--peer-ca {peer.name}: {exc}", path=path,
                                 hint="give the peer's root CA certificate in PEM") from None
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
                raise UsageError(f"{flag} {text!r} needs the peer: PEER:NS/NAME")
            if peer is not None and peer not in peers:
                raise UsageError(f"{flag} {text!r}: {peer!r} is not a peer of this SMCP",
                                 hint=f"its peers: {', '.join(peers) or 'none'}")
            try:
                ref = parse_service_ref(ref_text)
            except ValueError as exc:
                raise UsageError(f"{flag} {exc}") from None
            for name in ([peer] if peer else peers):
                if ref not in target[name]:
                    target[name].append(ref)
    return exports, imports


def run_bundle(args) -> int:
    from .bundle import build_bundle
    from .federation_rules import check_federation
    from .reader import read_mesh
    from .safe_files import read_file
    from .source import parse

    loaded = read_file(args.smcp_file)
    src = parse(loaded.data, args.smcp_file)
    local = read_mesh(src)
    if not local.peers:
        raise InputError("this SMCP has no federation gateway pairs, so there is no peer to bundle for",
                         path=args.smcp_file, hint=f"add one first: smfed-wizard edit {args.smcp_file} --peer NAME")
    exports, imports = service_sets(args, local)
    bundle = build_bundle(local, build_remotes(args, local), exports, imports)
    text = bundle.text()
    target = os.path.join(args.output, "federation.yaml") if args.output else "<bundle>"
    if not local.namespace:
        print(f"warning: {args.smcp_file} sets no metadata.namespace; the peer resources have none either",
              file=sys.stderr)
    for warning in bundle.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    generated = parse(text.encode("utf-8"), target, trusted=True)
    errors = sorted((f for f in check_federation([src, generated]) if f.severity == ERROR), key=sort_key)
    for f in errors:
        print(f.compiler_line() + f"\n  fix: {f.hint}", file=sys.stderr)
    if errors and not args.allow_errors:
        print("not written: fix the errors above (or pass --allow-errors)", file=sys.stderr)
        return EXIT_FINDINGS
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    path = os.path.join(args.output, "federation.yaml")
    _write(path, text)
    print(f"wrote {path} ({len(bundle.documents)} resources for {len(local.peers)} peers)", file=sys.stderr)
    return EXIT_OK


def _write(path: str, text: str) -> None:
    from .safe_files import read_file, write_file
    directory = os.path.dirname(path)
    if directory:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the directory: {exc.strerror}", path=directory) from None
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
        print(f"warning: {warning}", file=sys.stderr)
    directory = args.output or ""
    findings = sorted(check_outputs(outputs, directory), key=sort_key)
    errors = [f for f in findings if f.severity == ERROR]
    for f in errors:
        print(f.compiler_line() + f"\n  fix: {f.hint}", file=sys.stderr)
    from .rules import RULES
    for (code, severity), n in sorted(Counter((f.code, f.severity) for f in findings if f.severity != ERROR).items()):
        print(f"{severity} {code} ×{n}: {RULES[code].title} ({RULES[code].fix})", file=sys.stderr)
    if errors and not args.allow_errors:
        print("not written: fix the errors above (or pass --allow-errors)", file=sys.stderr)
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
    print(f"wrote {len(files)} files for {len(outputs)} meshes under {args.output}", file=sys.stderr)
    return EXIT_OK
