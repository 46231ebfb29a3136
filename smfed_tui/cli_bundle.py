"""`smfed-wizard bundle` and `smfed-wizard topology`: the peer resources of one mesh, or every file of a
whole federation. Both check what they produce with the cross-file rules before writing anything.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from .errors import InputError, SmfedError, UsageError, fix_line, format_error
from .exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from .findings import ERROR, severity_label, sort_key
from .i18n import _, ngettext
from .peer_facts import add_bundle_flags, parse_bundle_flags, remotes_from_flags


def add_parser(subparsers) -> None:
    bundle = subparsers.add_parser(
        "bundle", help=_("the peer resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet, ImportedServiceSet)"),
        description=_("For each peer of the SMCP: the ConfigMap <peer>-ca-root-cert, the ServiceMeshPeer, the "
                      "ExportedServiceSet and the ImportedServiceSet, in the SMCP's namespace. What is not given about "
                      "a peer follows the conventions (namespace <peer>-system, trust domain <peer>.local, its egress "
                      "gateway for this mesh named as this file names its own, egress-<this mesh> or <this "
                      "mesh>-egress, a LoadBalancer ingress on 15443/8188), and each such value is printed as an "
                      "assumption.\n\nExample:\n"
                      "  smfed-wizard bundle red/smcp.yaml --peer-address green-mesh=203.0.113.20 "
                      "--peer-ca green-mesh=green-root.pem --export bookinfo/ratings --import green-mesh:bookinfo/reviews"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bundle.add_argument("smcp_file", metavar="SMCP_FILE")
    bundle.add_argument("--smcp", metavar="NAME", help=_(
        "which ServiceMeshControlPlane of SMCP_FILE, when it holds several: NAME or NAMESPACE/NAME"))
    add_bundle_flags(bundle)
    bundle.add_argument("-o", "--output", metavar="DIR", help=_("write DIR/federation.yaml instead of printing"))
    bundle.add_argument("--allow-errors", action="store_true", help=_("write even when the result has errors"))
    bundle.set_defaults(run=run_bundle)

    from .gitops import add_gitops_flags
    from .topology import FORMAT
    topo = subparsers.add_parser(
        "topology", help=_("every SMCP and peer resource of a federation, from one small file"),
        description=_("Write DIR/<mesh>/smcp.yaml and DIR/<mesh>/federation.yaml for every mesh of the topology, "
                      "consistent on both sides of each pair, and DIR/<mesh>/kustomization.yaml for kustomize, "
                      "Argo CD or Flux. Node ports are assigned without collisions.\n\n"
                      "Examples:\n  smfed-wizard topology federation.yaml -o out/\n"
                      "  smfed-wizard topology federation.yaml -o out/ --acm rhacm-policies\n"
                      "  smfed-wizard topology federation.yaml -o out/ --argocd openshift-gitops "
                      "--repo-url https://git.example.com/fleet.git\n\n"
                      "The topology file:\n") + _(FORMAT),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    topo.add_argument("topology_file", metavar="TOPOLOGY.yaml")
    topo.add_argument("-o", "--output", metavar="DIR", help=_("write the files under DIR instead of printing them"))
    topo.add_argument("--allow-errors", action="store_true", help=_("write even when the result has errors"))
    add_gitops_flags(topo)
    topo.set_defaults(run=run_topology)


# --- bundle ------------------------------------------------------------------------------------------

def _read_bytes(path: str) -> bytes:
    from .safe_files import read_file
    return read_file(path).data


def run_bundle(args) -> int:
    from dataclasses import replace

    from .bundle import build_bundle, is_own_placeholder
    from .checks.federation import check_federation
    from .checks.schema import check_schema
    from .checks.values import dns1123_problem
    from .reader import read_mesh
    from .safe_files import read_file
    from .source import parse

    loaded = read_file(args.smcp_file)
    src = parse(loaded.data, args.smcp_file, smcp=args.smcp)
    local = read_mesh(src)
    if not local.peers:
        raise InputError(_("this SMCP has no federation gateway pairs, so there is no peer to bundle for"),
                         path=args.smcp_file,
                         hint=_("add one first: smfed-wizard edit {file} --peer NAME").format(file=args.smcp_file))
    if args.federation_name is not None:
        problem = dns1123_problem(args.federation_name)
        if problem:
            raise UsageError(_("--federation-name {name!r}: {problem}").format(name=args.federation_name,
                                                                              problem=problem))
        local = replace(local, federation_name=args.federation_name)
    given = parse_bundle_flags(args, local)
    local, remotes = remotes_from_flags(given, local, _read_bytes)
    bundle = build_bundle(local, remotes, given.exports, given.imports)
    text = bundle.text()
    target = os.path.join(args.output, "federation.yaml") if args.output else "<bundle>"
    if not local.namespace:
        _warn(_("{file} sets no metadata.namespace; the peer resources have none either").format(file=args.smcp_file))
    for warning in bundle.warnings:
        _warn(warning)
    for assumption in bundle.assumptions:
        _warn(_assumption_text(assumption, remotes[assumption.peer], local))
    generated = parse(text.encode("utf-8"), target, trusted=True)
    src = _without_replaced(src, bundle.documents)
    errors = sorted((f for f in check_federation([src, generated]) + check_schema(generated)
                     if f.severity == ERROR and not is_own_placeholder(f, target)), key=sort_key)
    for f in errors:
        print(f.compiler_line() + "\n  " + fix_line(f.hint), file=sys.stderr)
    # what is wrong in the SMCP itself (an egress view that hides the peer, SMF109) is said, and `validate`
    # refuses it; it does not stop the peer resources, which are right for the SMCP once it is fixed
    if any(f.file == target for f in errors) and not args.allow_errors:
        print(_("not written: fix the errors above (or pass --allow-errors)"), file=sys.stderr)
        return EXIT_FINDINGS
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    path = os.path.join(args.output, "federation.yaml")
    _write(path, text)
    print(ngettext("wrote {path} ({resources} resources for {peers} peer)",
                   "wrote {path} ({resources} resources for {peers} peers)", len(local.peers)).format(
        path=path, resources=len(bundle.documents), peers=len(local.peers)), file=sys.stderr)
    return EXIT_OK


def _without_replaced(src, documents: list[dict]):
    """The SMCP's file without the federation resources the bundle makes anew (a List or a policy that
    holds them already), said as a warning: the bundle is checked against the SMCP, not against the
    copies it replaces (which would be reported as defined twice)."""
    from dataclasses import replace

    from .yaml_nodes import scalar_at
    made = {(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in documents}
    kept, replaced = [], []
    for obj in src.objects:
        identity = (obj.kind, scalar_at(obj.node, "metadata", "namespace"), scalar_at(obj.node, "metadata", "name"))
        (replaced if identity in made else kept).append(obj)
    if not replaced:
        return src
    _warn(_("{file} already holds {resources}: what bundle writes replaces them; keep one copy (remove them from "
            "{file}, or leave this output unapplied)").format(
        file=src.path, resources=", ".join(_("{kind} {name} (line {line})").format(
            kind=obj.kind, name=scalar_at(obj.node, "metadata", "name"), line=obj.node.start_mark.line + 1)
            for obj in replaced)))
    return replace(src, objects=kept)


def _assumption_text(assumption, remote, local) -> str:
    """One assumption, as `bundle` says it: the value, what it was derived from, the flag with the real one."""
    from .model import client_id
    from .peer_facts import FIELD_BY_KEY, flag, value_metavar
    fld = FIELD_BY_KEY[assumption.key]
    how = (_("--peer-smcp PEER=FILE names the peer a file is") if assumption.key == "smcp" else
           _("give the real one: {flag} {peer}={metavar} (or --peer-smcp {peer}=FILE)").format(
               flag=flag(fld), peer=assumption.peer, metavar=value_metavar(fld)))
    if assumption.key == "egress" and local.federation_name is None:
        how += "; " + _("if the peers know this mesh by another name than its SMCP's, --federation-name NAME")
    return _("{peer}: {what} {value!r} is assumed, derived from {source}; the clientID {client_id} rests on it: "
             "{how}").format(peer=assumption.peer, what=fld.label, value=assumption.value, source=assumption.derived_from,
                             client_id=client_id(remote.trust_domain, remote.namespace, remote.egress_for_us), how=how)


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
    from .gitops import gitops_files, options_from_args, policy_path
    from .topology import TopologyError, build, check_outputs, load_topology
    gitops = options_from_args(args)
    # with --acm a mesh's policy holds its objects again: each placeholder root is said once, naming both files
    enforced_by = (lambda mesh: policy_path(args.output, mesh)) if gitops.acm_namespace else None
    try:
        topo = load_topology(args.topology_file)
        outputs = build(topo, enforced_by)
        # printed to stdout, the stream stays one `oc apply -f -` can take: no Kustomization in it
        gitops_extra, gitops_notes = gitops_files(topo, outputs, args.output, gitops) if args.output else ([], [])
    except TopologyError as err:
        for problem in err.errors:
            print(format_error(problem), file=sys.stderr)
        return EXIT_UNUSABLE
    for warning in topo.warnings:
        _warn(warning)
    for out in outputs:   # what each mesh's peer resources hold in place of a fact (a placeholder root)
        for warning in out.warnings:
            _warn(_("{file}: {warning}").format(file=out.files(args.output or "")[1][0], warning=warning))
    directory = args.output or ""
    findings = sorted(check_outputs(outputs, directory), key=sort_key)
    errors = [f for f in findings if f.severity == ERROR]
    for f in errors:
        print(f.compiler_line() + "\n  " + fix_line(f.hint), file=sys.stderr)
    from .checks.rulebook import RULES
    for (code, severity), n in sorted(Counter((f.code, f.severity) for f in findings if f.severity != ERROR).items()):
        print(f"{severity_label(severity)} {code} ×{n}: {RULES[code].title} ({RULES[code].fix})", file=sys.stderr)
    if errors and not args.allow_errors:
        print(_("not written: fix the errors above (or pass --allow-errors)"), file=sys.stderr)
        return EXIT_FINDINGS
    files = [pair for out in outputs for pair in out.files(directory)] + gitops_extra
    for note in gitops_notes:   # assumptions (a placeholder repository URL) and what the cluster side needs
        _warn(note)
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
    print(ngettext("wrote {files} files for {meshes} mesh under {directory}",
                   "wrote {files} files for {meshes} meshes under {directory}", len(outputs)).format(
        files=len(files), meshes=len(outputs), directory=args.output), file=sys.stderr)
    return EXIT_OK
