"""`smfed-wizard apply FILE`: say where, show the server-side diff, confirm, apply.

Exit codes (the CLI contract): 0 applied, dry run done or nothing to do; 1 the validator or the cluster
refused (conflicts included); 2 unusable input or usage (also: no --yes without a terminal); 130 aborted.
"""
from __future__ import annotations

import argparse
import shlex
import sys

from . import apply as kube
from .apply_plan import DECLINED, NOT_NEEDED, apply_blockers, carry_out, plan_apply
from .errors import SmfedError, UsageError, fix_line, format_error
from .exit_codes import EXIT_ABORTED, EXIT_FINDINGS, EXIT_OK
from .findings import Finding
from .i18n import _, cell_width, ljust_cells, ngettext
from .checks.smcp import check_source
from .safe_files import read_file
from .source import parse, require_smcp_v2


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "apply", help=_("apply a ServiceMeshControlPlane file to the cluster (server-side apply)"),
        description=_("Shows which cluster and namespace will change and the server-side diff, asks, then runs "
                      "`oc apply --server-side --field-manager={manager}` (kubectl when there is no oc).\n\n"
                      "Examples:\n  smfed-wizard apply red-mesh.yaml --context prod --dry-run\n"
                      "  smfed-wizard apply red-mesh.yaml --yes").format(manager=kube.FIELD_MANAGER),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help=_("YAML file holding one ServiceMeshControlPlane"))
    parser.add_argument("--context", metavar="CTX", help=_("kubeconfig context (default: the current one)"))
    parser.add_argument("--namespace", "-n", metavar="NS",
                        help=_("namespace when the file sets none (default: the context's, else default)"))
    parser.add_argument("--kubectl", metavar="PATH", help=_("the oc or kubectl to run (default: oc, else kubectl)"))
    parser.add_argument("--smcp", metavar="NAME", help=_(
        "which ServiceMeshControlPlane to apply when FILE holds several: NAME or NAMESPACE/NAME"))
    parser.add_argument("--request-timeout", default=kube.DEFAULT_TIMEOUT, metavar="DURATION",
                        help=_("give up on a single request after this long (default: %(default)s)"))
    parser.add_argument("--dry-run", action="store_true", help=_("let the server check the apply; change nothing"))
    parser.add_argument("--yes", "-y", action="store_true", help=_("apply without asking"))
    parser.add_argument("--force-conflicts", action="store_true",
                        help=_("take ownership of fields another field manager owns (never done without this flag)"))
    parser.set_defaults(run=run)   # smfed_tui.cli.main calls args.run(args)
    return parser


def _checked_manifest(path: str, smcp: str | None = None) -> tuple[str, list[Finding]]:
    """The file's ServiceMeshControlPlane document as it will be sent, and the validator's errors.
    The same loader as every other command: guards, one SMCP (or the one `smcp` names), maistra.io/v2."""
    src = parse(read_file(path).data, path, smcp=smcp)
    require_smcp_v2(src)
    errors = apply_blockers(check_source(src))
    return src.smcp_text(), errors


def _print_target(target: kube.Target) -> None:
    server = f" ({target.server})" if target.server else ""
    print(_("Will apply {kind} {namespace}/{name} (nothing sent yet):").format(
        kind=kube.KIND, namespace=target.namespace, name=target.name))
    rows = ((_("client:"), target.binary), (_("context:"), target.context or _("(current)")),
            (_("cluster:"), f"{target.cluster or '?'}{server}"), (_("user:"), target.user or "?"),
            (_("namespace:"), target.namespace))
    width = max(cell_width(label) for label, _value in rows) + 1
    for label, value in rows:
        print(f"  {ljust_cells(label, width)}{value}")


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        print(warning, file=sys.stderr)


def _confirmed(target: kube.Target) -> bool:
    if not (sys.stdin is not None and sys.stdin.isatty()):
        raise UsageError(_("not applying without confirmation: stdin is not a terminal"),
                         hint=_("review the diff above, then pass --yes to apply without asking"))
    try:
        answer = input(_("Apply to {context}/{namespace}? [y/N] ").format(
            context=target.context, namespace=target.namespace))
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _apply(args: argparse.Namespace) -> int:
    kube.timeout_seconds(args.request_timeout)   # a bad value fails before anything runs
    manifest, problems = _checked_manifest(args.file, args.smcp)
    if problems:
        for problem in problems:
            print(problem.compiler_line(), file=sys.stderr)
            print("  " + fix_line(problem.hint), file=sys.stderr)
        print(ngettext("{file}: error: not applied: the file has {count} validation error",
                       "{file}: error: not applied: the file has {count} validation errors", len(problems)).format(
            file=args.file, count=len(problems)), file=sys.stderr)
        return EXIT_FINDINGS
    plan = plan_apply(manifest, kubectl=args.kubectl, context=args.context, namespace=args.namespace,
                      timeout=args.request_timeout, force_conflicts=args.force_conflicts, on_target=_print_target)
    target = plan.target
    _print_warnings(plan.diff.warnings)
    if plan.needed:
        print(_("Changes (server-side diff):"))
        print(plan.diff.diff, end="")
    outcome, result = carry_out(plan, lambda shown: args.yes or _confirmed(shown.target), dry_run=args.dry_run)
    if outcome == NOT_NEEDED:
        print(_("nothing to do: {context}/{namespace} already matches {file}").format(
            context=target.context, namespace=target.namespace, file=args.file))
        return EXIT_OK
    if outcome == DECLINED:
        print(_("not applied"), file=sys.stderr)
        return EXIT_ABORTED
    _print_warnings(result.warnings)
    print(result.output)
    if result.dry_run:
        print(_("server dry run: nothing was changed"))
    else:
        print(_("watch the operator reconcile it: {command}").format(command=shlex.join(result.watch_command)))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    try:
        return _apply(args)
    except KeyboardInterrupt:
        print("\n" + _("aborted"), file=sys.stderr)
        return EXIT_ABORTED
    except SmfedError as err:
        if err.path is None:
            err.path = args.file
        print(format_error(err), file=sys.stderr)
        return err.exit_code
