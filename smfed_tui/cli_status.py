"""`smfed-wizard status`: is each federation peer connected, and if not, why; read-only, from one or
more clusters (one per --context), read in parallel.

Exit codes (the CLI contract): 0 every peer connected and no error; 1 any error, a cluster not read,
or no peer found; 2 usage, or no cluster could be read; 130 interrupted (ctrl+c ends --watch).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

from . import apply as kube
from .errors import SmfedError, UsageError, format_error
from .exit_codes import EXIT_ABORTED
from .i18n import _, set_language
from .status.live import find_client, read_status

DEFAULT_WATCH_SECONDS = 5.0
CLEAR = "\x1b[H\x1b[2J"   # cursor home, clear the screen: a watch redraws in place


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{value!r} is not a number of seconds").format(value=text)) from None
    if not value >= 1:
        raise argparse.ArgumentTypeError(_("refresh at most once a second (got {value!r})").format(value=text))
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "status", help=_("is each federation peer connected, and if not, why (read-only)"),
        description=_("Says for each federation peer whether it is connected and what is wrong. Reads\n"
                      "ServiceMeshControlPlanes, ServiceMeshPeers, Exported/ImportedServiceSets, Services,\n"
                      "ConfigMaps and Pods with `oc get` (kubectl when there is no oc) and changes nothing.\n"
                      "Give one --context per cluster to check both sides of each peering against each other.\n\n"
                      "Examples:\n"
                      "  smfed-wizard status\n"
                      "  smfed-wizard status --context red --context green --namespace istio-system\n"
                      "  smfed-wizard status --format json\n  smfed-wizard status --watch 10"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--context", action="append", default=[], metavar="CTX",
                        help=_("a kubeconfig context to read; repeat for each cluster (default: the current one)"))
    parser.add_argument("--namespace", "-n", metavar="NS",
                        help=_("the control plane's namespace (default: each context's own namespace)"))
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help=_("text for people; json for machines (English messages unless --lang is given)"))
    parser.add_argument("--watch", nargs="?", type=_seconds, const=DEFAULT_WATCH_SECONDS, metavar="SECONDS",
                        help=_("read again every SECONDS (default 5) and show what changed, until ctrl+c"))
    parser.add_argument("--tui", action="store_true", help=_("show the status in the full-screen view"))
    parser.add_argument("--kubectl", metavar="PATH", help=_("the oc or kubectl to run (default: oc, else kubectl)"))
    parser.add_argument("--request-timeout", default=kube.DEFAULT_TIMEOUT, metavar="DURATION",
                        help=_("give up on a single request after this long (default: %(default)s)"))
    parser.set_defaults(run=run)   # smfed_tui.cli.main calls args.run(args)
    return parser


def print_status(kubectl: str | None, context: str | None, namespace: str, stream=None) -> int:
    """The plain wizard's Status step: the same report as `smfed-wizard status --context CTX -n NS`, once.
    Returns its exit code; a missing client is said, not raised."""
    from .status.report import write_text
    stream = stream or sys.stdout
    try:
        report = read_status(find_client(kubectl), [context], namespace, kube.DEFAULT_TIMEOUT)
    except SmfedError as err:
        print(format_error(err), file=stream)
        return err.exit_code
    write_text(stream, report)
    return report.exit_code


def _once(args, binary: str, contexts: list[str | None]) -> int:
    report = read_status(binary, contexts, args.namespace, args.request_timeout)
    from .status.report import write_json, write_text   # after the read: kubectl first (read_status)
    if args.format == "json":
        write_json(sys.stdout, report)
    else:
        write_text(sys.stdout, report)
    return report.exit_code


def _watch(args, binary: str, contexts: list[str | None]) -> int:
    """Read, show, wait, repeat; in place on a terminal, one report after another in a pipe."""
    from .status.changes import changes
    from .status.report import write_json, write_lines, write_text
    before = None
    in_place = sys.stdout.isatty()
    while True:
        report = read_status(binary, contexts, args.namespace, args.request_timeout)
        if in_place:
            sys.stdout.write(CLEAR)
        stamp = datetime.now().strftime("%H:%M:%S")
        if args.format == "json":
            write_json(sys.stdout, report)
        else:
            write_text(sys.stdout, report)
            lines = changes(before, report)
            if before is not None:
                title = _("Changed since the last read ({time}):").format(time=stamp) if lines else \
                    _("Nothing changed ({time}).").format(time=stamp)
                write_lines(sys.stdout, [[(title, "bold")]] + [[("  " + line, "")] for line in lines])
            sys.stdout.write(_("refreshing every {seconds}s; ctrl+c to stop").format(seconds=f"{args.watch:g}") + "\n")
        sys.stdout.flush()
        before = report
        time.sleep(args.watch)


def _status(args) -> int:
    if args.format == "json" and getattr(args, "lang", None) is None:
        set_language("en")   # machines read the JSON: English messages unless --lang asks
    kube.timeout_seconds(args.request_timeout)   # a bad value fails before anything runs
    if args.tui and (args.format == "json" or args.watch):
        raise UsageError(_("--tui shows the status in the full-screen view; it takes no --format json or --watch"),
                         hint=_("drop --tui, or drop the other option"))
    binary = find_client(args.kubectl)
    contexts: list[str | None] = list(dict.fromkeys(args.context)) or [None]
    if args.tui:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(_("--tui needs a terminal"), hint=_("drop --tui to print the report"))
        from .screens.status_app import run_status_app
        return run_status_app(lambda: read_status(binary, contexts, args.namespace, args.request_timeout))
    if args.watch:
        return _watch(args, binary, contexts)
    return _once(args, binary, contexts)


def run(args: argparse.Namespace) -> int:
    try:
        return _status(args)
    except KeyboardInterrupt:
        print("\n" + _("stopped"), file=sys.stderr)
        return EXIT_ABORTED
    except SmfedError as err:
        print(format_error(err), file=sys.stderr)
        return err.exit_code
