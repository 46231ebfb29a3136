"""`smfed-wizard migrate SOURCE... -o DIR`: move an OSSM 2.x federation to OSSM 3 multi-cluster with
manual service discovery; writes the artifacts of every phase, DIR/RUNBOOK.md and DIR/plan.json.

Exit codes (the CLI contract): 0 written (warnings allowed, printed and in the runbook); 1 a case the
guide does not cover, or input it cannot work from: every such finding is printed with what to do and
NOTHING is written (a partial runbook could be followed into a broken mesh); 2 unusable input or usage
(a SOURCE that cannot be read, a flag that names no mesh); 130 interrupted.
"""
from __future__ import annotations

import argparse
import os
import sys

from . import apply as kube
from .errors import UsageError, fix_line
from .exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE
from .i18n import _
from .migrate.build import Migration, migrate
from .migrate.decisions import (CNI_NAMESPACE, EASTWEST_NAME, EASTWEST_NAMESPACE, ISTIO_NAME, ISTIO_VERSION,
                                UPDATE_STRATEGIES, Choices)
from .migrate.rerun import LIVE_PREFIX
from .migrate.load import MeshSource, load_source
from .migrate.write import check_output_dir, write_output


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not value:
        raise argparse.ArgumentTypeError(_("{value!r} is not KEY=VALUE").format(value=text))
    return key.strip(), value.strip()


def _maybe_pair(text: str) -> tuple[str, str]:
    """`MESH=NS,NS` or just `NS,NS` (every mesh)."""
    return _pair(text) if "=" in text else ("", text.strip())


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "migrate", help=_("move a federation to OpenShift Service Mesh 3: artifacts and an ordered runbook"),
        description=_(
            "Reads every mesh of a 2.x federation and writes, per mesh and phase, what OSSM 3 multi-cluster with "
            "manual service discovery needs (the SMCP patch, the east-west gateway and its allow-list, the "
            "istio-remote Gateways, ServiceEntries and WorkloadEntries, the Istio and IstioCNI resources, the "
            "targeted removal of the federation gateways), with DIR/RUNBOOK.md and DIR/plan.json: the ordered, "
            "checked steps. It changes nothing on any cluster.\n\n"
            "A SOURCE is one mesh: a file or directory of `oc get -o yaml` output (the SMCP, ServiceMeshPeers, "
            "Exported/ImportedServiceSets with status, the peers' root ConfigMaps, the exported Services and "
            "their pods; Lists are fine), or context:NAME to read it from that cluster, read-only.\n\n"
            "Examples:\n"
            "  smfed-wizard migrate east/ west/ -o migration/\n"
            "  smfed-wizard migrate context:east context:west -o migration/ --client east-mesh=client/curl\n"
            "  smfed-wizard migrate east/ west/ -o migration/ --address west-mesh=203.0.113.50\n\n"
            "Exit codes: 0 written, 1 refused (nothing written: each case and what to do is printed), "
            "2 unusable input or usage."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help=_("one mesh: a file, a directory, or context:NAME"))
    parser.add_argument("-o", "--output", metavar="DIR", help=_("the folder to write (new, empty, or an earlier run's)"))
    group = parser.add_argument_group(_("decisions (a mesh is named by its federation name or trust domain)"))
    group.add_argument("--network", action="append", type=_pair, default=[], metavar="MESH=NAME",
                       help=_("the mesh's own network (default: its SMCP's, else network-<mesh>)"))
    group.add_argument("--remote-network", action="append", type=_pair, default=[], metavar="[IMPORTER:]EXPORTER=NAME",
                       help=_("the network an importer gives an exporter's east-west gateway (default: <exporter>-network)"))
    group.add_argument("--export-to", action="append", type=_maybe_pair, default=[], metavar="[MESH=]NS,NS",
                       help=_("the namespaces that may use the imports (default: *, mesh-wide as in 2.x)"))
    group.add_argument("--eastwest-namespace", default=EASTWEST_NAMESPACE, metavar="NS",
                       help=_("namespace of the east-west gateway (default: %(default)s)"))
    group.add_argument("--eastwest-name", default=EASTWEST_NAME, metavar="NAME",
                       help=_("name of the east-west gateway (default: %(default)s)"))
    group.add_argument("--istio-name", default=ISTIO_NAME, metavar="NAME",
                       help=_("name of the Istio resource (default: %(default)s)"))
    group.add_argument("--istio-version", default=ISTIO_VERSION, metavar="VERSION",
                       help=_("Istio version (default: %(default)s, what OSSM 3.0 serves)"))
    group.add_argument("--update-strategy", default=UPDATE_STRATEGIES[0], choices=UPDATE_STRATEGIES,
                       help=_("how the Istio resource updates (default: %(default)s)"))
    group.add_argument("--cni-namespace", default=CNI_NAMESPACE, metavar="NS",
                       help=_("namespace of IstioCNI (default: %(default)s)"))
    facts = parser.add_argument_group(_("facts of the clusters"))
    facts.add_argument("--address", action="append", type=_pair, default=[], metavar="MESH=ADDRESS",
                       help=_("the east-west gateway's address once phase 2 made it (IPv4 or DNS name)"))
    facts.add_argument("--kube-context", action="append", type=_pair, default=[], metavar="MESH=CTX",
                       help=_("the context the runbook's commands use for the mesh"))
    facts.add_argument("--client", action="append", type=_pair, default=[], metavar="MESH=NS/DEPLOYMENT",
                       help=_("a client deployment of the importing mesh to verify the imports with"))
    facts.add_argument("--kubectl", metavar="PATH", help=_("the oc or kubectl to run (default: oc, else kubectl)"))
    facts.add_argument("--request-timeout", default=kube.DEFAULT_TIMEOUT, metavar="DURATION",
                       help=_("give up on a single request after this long (default: %(default)s)"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--tui", action="store_true", help=_("load the meshes, ask the decisions, preview and write in "
                                                          "the full-screen view"))
    mode.add_argument("--plain", action="store_true", help=_("ask the decisions line by line before writing"))
    parser.set_defaults(run=run)
    return parser


def choices_from(args) -> Choices:
    return Choices(networks=dict(args.network), remote_networks=dict(args.remote_network),
                   export_to=dict(args.export_to), addresses=dict(args.address), contexts=dict(args.kube_context),
                   clients=dict(args.client), eastwest_namespace=args.eastwest_namespace,
                   eastwest_name=args.eastwest_name, istio_name=args.istio_name, istio_version=args.istio_version,
                   update_strategy=args.update_strategy, cni_namespace=args.cni_namespace)


def load_sources(args, choices: Choices) -> list[MeshSource]:
    """Each SOURCE: read from its files, or live from its context (read-only)."""
    seen: dict[str, str] = {}
    for text in args.sources:   # the same mesh twice would pair with itself (equal trust domains)
        key = text if text.startswith(LIVE_PREFIX) else os.path.realpath(text)
        if key in seen:
            raise UsageError(_("SOURCE {source} is given twice (as {first!r} and {again!r})").format(
                                 source=key, first=seen[key], again=text),
                             hint=_("give each mesh once"))
        seen[key] = text
    live = [s for s in args.sources if s.startswith(LIVE_PREFIX)]
    sources: dict[str, MeshSource] = {}
    if live:
        from .migrate.live import read_live
        kube.timeout_seconds(args.request_timeout)   # a bad value fails before anything runs
        binary = kube.find_binary(args.kubectl)
        for source in read_live(binary, [s[len(LIVE_PREFIX):] for s in live], choices, args.request_timeout):
            sources[LIVE_PREFIX + source.context] = source
    for text in args.sources:
        if not text.startswith(LIVE_PREFIX):
            sources[text] = load_source(text)
    return [sources[text] for text in args.sources]


def print_findings(migration: Migration) -> None:
    for finding in migration.findings:
        print(finding.compiler_line() + "\n  " + fix_line(finding.hint), file=sys.stderr)


def write_migration(migration: Migration, directory: str) -> int:
    """Write DIR when nothing is refused; the exit code."""
    if migration.refusals:
        print(_("not written: {count} case(s) above are not covered by the migration guide or lack input; each "
                "says what to do").format(count=len(migration.refusals)), file=sys.stderr)
        return EXIT_REFUSED
    files = migration.files()
    write_output(directory, files)
    print(_("wrote {dir}: RUNBOOK.md, plan.json and {count} files for {meshes} meshes ({steps} steps)").format(
        dir=directory, count=len(files) - 2, meshes=len(migration.meshes), steps=len(migration.steps)),
        file=sys.stderr)
    return EXIT_OK


def run(args) -> int:
    if not args.output and not args.tui:
        raise UsageError(_("migrate needs -o DIR, the folder to write"), hint=_("e.g. -o migration/"))
    if args.output:
        check_output_dir(args.output)   # before anything is read: a wrong folder fails fast
    choices = choices_from(args)
    sources = load_sources(args, choices)
    if args.tui:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(_("--tui needs a terminal (stdin and stdout are not both TTYs)"),
                             hint=_("give the decisions as flags instead (see smfed-wizard migrate --help)"))
        from .screens.migrate_view import run_migrate_app
        return run_migrate_app(sources, choices, args.output)
    if args.plain:
        from .migrate.prompts import ask_decisions
        choices = ask_decisions(sources, choices)
    migration = migrate(sources, choices, args.output)
    print_findings(migration)
    if args.plain and not migration.refusals:
        from .migrate.prompts import confirm_write
        if not confirm_write():
            raise KeyboardInterrupt     # main says "aborted; nothing written", exit 130
    return write_migration(migration, args.output)
