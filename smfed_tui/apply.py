"""Applying a ServiceMeshControlPlane to the cluster: the one implementation the CLI and the TUI share.

It shells out to `oc` (else `kubectl`), which reuses the admin's login, proxies and credential plugins:
never through a shell, always with an argument list, the manifest on stdin (`-f -`, so no temp file and
nothing from the manifest on the command line), an explicit `--request-timeout`, and `--context` /
`--namespace` pinned to the target that was shown to the user. Flow: `describe_target` (what will be
changed), `server_side_diff` (exit 0 none, 1 changes, >1 error), the caller confirms, `server_side_apply`.
Every failure becomes an `ApplyError` subclass with a message and a fix (`classify_failure`).
This module must not import any UI library.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass

from .errors import (ApplyError, CrdMissing, FieldManagerConflict, Forbidden, InputError, KubectlNotFound,
                     NotLoggedIn, Unreachable, UsageError, WebhookRejected)
from .i18n import N_, _, ngettext

FIELD_MANAGER = "smfed-wizard"
DEFAULT_TIMEOUT = "20s"
KIND = "ServiceMeshControlPlane"

_INSTALL_HINT = N_("install the OpenShift CLI (oc) or kubectl and put it on PATH, or pass its path with --kubectl")


def find_binary(explicit: str | None = None) -> str:
    """The client to run: `explicit` (a path or a name on PATH), else `oc` on PATH, else `kubectl`."""
    if explicit:
        if os.sep in explicit or (os.altsep and os.altsep in explicit):
            if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
                return explicit
            raise KubectlNotFound(_("{path} is not an executable file").format(path=explicit), hint=_(_INSTALL_HINT))
        found = shutil.which(explicit)
        if found:
            return found
        raise KubectlNotFound(_("{name!r} was not found on PATH").format(name=explicit), hint=_(_INSTALL_HINT))
    for name in ("oc", "kubectl"):
        found = shutil.which(name)
        if found:
            return found
    raise KubectlNotFound(_("neither oc nor kubectl was found on PATH"), hint=_(_INSTALL_HINT))


@dataclass(frozen=True)
class Target:
    """Where an apply goes; shown to the user before anything is sent."""

    binary: str
    context: str | None
    cluster: str | None
    server: str | None
    user: str | None
    namespace: str
    name: str
    kubeconfig: str | None = None   # KUBECONFIG for the client; None: inherit the environment's


@dataclass(frozen=True)
class DiffResult:
    changed: bool
    diff: str                        # unified diff, temp-dir names replaced by live/ and merged/
    warnings: tuple[str, ...] = ()   # the server's `Warning:` lines


@dataclass(frozen=True)
class ApplyResult:
    output: str                      # the cluster's answer: "servicemeshcontrolplane.maistra.io/basic serverside-applied"
    dry_run: bool
    watch_command: list[str]         # e.g. ["oc", "get", "smcp", "-n", "istio-system", "--context", "admin"]
    warnings: tuple[str, ...] = ()


# -- argv -------------------------------------------------------------------------------------------------

_DURATION = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def timeout_seconds(timeout: str) -> float:
    """Seconds in a --request-timeout value ("20s", "1m30s", or plain seconds "20"); zero is refused."""
    text = str(timeout).strip()
    if text.isdigit():
        seconds = float(text)
    elif text and _DURATION.sub("", text) == "":
        seconds = sum(float(m.group(0).rstrip("nsuµmh")) * _UNIT_SECONDS[m.group(0).lstrip("0123456789.")]
                      for m in _DURATION.finditer(text))
    else:
        raise UsageError(_("--request-timeout {value!r} is not a duration").format(value=timeout),
                         hint=_("use a number with a unit, e.g. 20s, 1m or 1m30s"))
    if seconds <= 0:
        raise UsageError(_("--request-timeout must be more than zero (zero would wait forever)"),
                         hint=_("use e.g. 20s"))
    return seconds


def build_argv(binary: str, action: str, *, context: str | None = None, namespace: str | None = None,
               timeout: str = DEFAULT_TIMEOUT, dry_run: bool = False, force_conflicts: bool = False) -> list[str]:
    """The argument list for `action` ("config-view", "diff" or "apply"). Values are attached as
    `--flag=value`, so none of them (a context or namespace starting with '-') can be read as a flag;
    the manifest is never on the command line: it goes to stdin (`-f -`)."""
    if action == "config-view":
        argv = [binary, "config", "view", "--minify", "--output=json"]
    elif action in ("diff", "apply"):
        argv = [binary, action, "--server-side", f"--field-manager={FIELD_MANAGER}"]
        if action == "apply":
            argv.append("--validate=strict")   # oc defaults to ignore, which drops unknown fields silently
            if dry_run:
                argv.append("--dry-run=server")
        if force_conflicts:
            argv.append("--force-conflicts")
        argv += ["-f", "-", f"--request-timeout={timeout}"]
    else:
        raise ValueError(f"unknown action {action!r}")
    if dry_run and action != "apply":
        raise ValueError("dry_run is for apply only")
    if context:
        argv.append(f"--context={context}")
    if namespace and action != "config-view":
        argv.append(f"--namespace={namespace}")
    return argv


def _run(argv: list[str], stdin: str, *, kubeconfig: str | None, seconds: float) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("KUBECTL_EXTERNAL_DIFF", None)   # a user's GUI or colour differ would hang or garble the captured diff
    if kubeconfig:
        env["KUBECONFIG"] = kubeconfig
    # kubectl makes several requests (discovery, OpenAPI, then the object), each bounded by --request-timeout;
    # this outer bound only catches a hang outside them (e.g. a credential plugin waiting for a browser).
    limit = 8 * seconds + 10
    try:
        return subprocess.run(argv, input=stdin.encode(), capture_output=True, env=env, timeout=limit,
                              shell=False, close_fds=True)
    except FileNotFoundError:
        raise KubectlNotFound(_("{program} was not found").format(program=argv[0]), hint=_(_INSTALL_HINT)) from None
    except PermissionError:
        raise KubectlNotFound(_("{program} cannot be run (permission denied)").format(program=argv[0]),
                              hint=_(_INSTALL_HINT)) from None
    except subprocess.TimeoutExpired:
        raise Unreachable(_("{program} did not finish within {seconds:.0f} seconds").format(
                              program=os.path.basename(argv[0]), seconds=limit),
                          hint=_("check the cluster address, your network or VPN, and any login plugin "
                                 "that may be waiting for input")) from None


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _warnings(stderr: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in stderr.splitlines() if line.strip().startswith("Warning:"))


# -- target -------------------------------------------------------------------------------------------------

def yaml_input_error(exc, path: str | None = None) -> InputError:
    """A YAML syntax error as an InputError at its line and column."""
    mark = getattr(exc, "problem_mark", None)
    return InputError(_("not valid YAML: {problem}").format(problem=getattr(exc, "problem", None) or exc), path=path,
                      line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                      hint=_("fix the YAML syntax at that place"))


def _manifest_object(manifest_yaml: str) -> dict:
    import yaml   # here, not at the top: `status` uses this module's kubectl runner and needs no YAML
    try:
        obj = yaml.safe_load(manifest_yaml)
    except yaml.YAMLError as exc:
        raise yaml_input_error(exc) from None
    if not isinstance(obj, dict) or obj.get("kind") != KIND:
        raise InputError(_("the manifest is not a {kind}").format(kind=KIND),
                         hint=_("apply one document with kind: {kind}").format(kind=KIND))
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise InputError(_("the manifest has no metadata.name"), hint=_("set metadata.name, e.g. basic"))
    return obj


def describe_target(binary: str, manifest_yaml: str, *, context: str | None = None, namespace: str | None = None,
                    kubeconfig_env: str | None = None) -> Target:
    """Which context, cluster, server, user and namespace an apply of `manifest_yaml` would change.
    Reads only the kubeconfig (`config view --minify`): nothing is sent to the cluster."""
    meta = _manifest_object(manifest_yaml)["metadata"]
    ns_in_file = meta.get("namespace") or None
    if ns_in_file is not None and not isinstance(ns_in_file, str):
        raise InputError(_("metadata.namespace is not a string"), hint=_("write it as a plain name, e.g. istio-system"))
    if ns_in_file and namespace and ns_in_file != namespace:
        raise UsageError(_("the file says namespace {file!r} but --namespace says {flag!r}").format(
                             file=ns_in_file, flag=namespace),
                         hint=_("drop --namespace, or pass --namespace {namespace}").format(namespace=ns_in_file))
    argv = build_argv(binary, "config-view", context=context)
    proc = _run(argv, "", kubeconfig=kubeconfig_env, seconds=timeout_seconds(DEFAULT_TIMEOUT))
    stderr = _text(proc.stderr)
    if proc.returncode != 0:
        if "current-context must exist" in stderr:
            raise NotLoggedIn(_("no current context in the kubeconfig: not logged in to any cluster"),
                              hint=_("log in with `oc login <api-url>`, or pass --context"), stderr=stderr)
        if context and re.search(r"cannot locate context|context .* (does not exist|not found)", stderr):
            raise UsageError(_("no context {context!r} in the kubeconfig").format(context=context),
                             hint=_("list the contexts with `oc config get-contexts`"))
        raise classify_failure(proc.returncode, stderr)
    try:
        config = json.loads(proc.stdout)
        ctx = (config.get("contexts") or [{}])[0]
        ctx_body = ctx.get("context") or {}
        cluster = (config.get("clusters") or [{}])[0]
        user = (config.get("users") or [{}])[0]
    except (ValueError, AttributeError, IndexError, TypeError):
        raise ApplyError(_("could not read the kubeconfig (`config view` printed no usable JSON)"),
                         hint=_("check the kubeconfig with `oc config view`"), stderr=stderr) from None
    return Target(binary=binary, context=ctx.get("name") or context, cluster=cluster.get("name"),
                  server=(cluster.get("cluster") or {}).get("server"), user=user.get("name"),
                  namespace=ns_in_file or namespace or ctx_body.get("namespace") or "default",
                  name=meta["name"], kubeconfig=kubeconfig_env)


# -- diff and apply --------------------------------------------------------------------------------------------

_DIFF_HEADER = re.compile(r"^(---|\+\+\+) \S*?\b(LIVE|MERGED)-\d+/(\S+)")


def _tidy_diff(text: str) -> str:
    """kubectl's diff with its temp-dir names and timestamps replaced: `--- live/<object>`, `+++ merged/<object>`."""
    lines = []
    for line in text.splitlines():
        if line.startswith("diff -u -N "):
            continue
        if m := _DIFF_HEADER.match(line):
            line = f"{m.group(1)} {'live' if m.group(2) == 'LIVE' else 'merged'}/{m.group(3)}"
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def server_side_diff(target: Target, manifest_yaml: str, *, timeout: str = DEFAULT_TIMEOUT,
                     force_conflicts: bool = False) -> DiffResult:
    """What an apply would change, computed by the server (a dry-run apply). Changes nothing."""
    argv = build_argv(target.binary, "diff", context=target.context, namespace=target.namespace,
                      timeout=timeout, force_conflicts=force_conflicts)
    proc = _run(argv, manifest_yaml, kubeconfig=target.kubeconfig, seconds=timeout_seconds(timeout))
    stdout, stderr = _text(proc.stdout), _text(proc.stderr)
    if proc.returncode == 0:
        return DiffResult(changed=False, diff="", warnings=_warnings(stderr))
    if proc.returncode == 1 and stdout.strip():
        return DiffResult(changed=True, diff=_tidy_diff(stdout), warnings=_warnings(stderr))
    raise classify_failure(proc.returncode, stderr)


def shown_binary(binary: str) -> str:
    """The client as a command to paste: its bare name when that name on PATH is this very binary."""
    name = os.path.basename(binary)
    return name if shutil.which(name) == binary else binary


def watch_command(target: Target) -> list[str]:
    """A command the user can paste to watch the control plane come up."""
    argv = [shown_binary(target.binary), "get", "smcp", "-n", target.namespace]
    if target.context:
        argv += ["--context", target.context]
    return argv


def client_name(kubectl: str | None = None) -> str:
    """The client as commands to paste name it: the one apply would run (`oc` on PATH, else `kubectl`;
    `kubectl`: the user's choice), or `oc` when none is found (the one to install)."""
    try:
        return shown_binary(find_binary(kubectl))
    except KubectlNotFound:
        return kubectl or "oc"


def by_hand_commands(file: str, *, kubectl: str | None = None, context: str | None = None) -> tuple[str, ...]:
    """What to paste in a shell to do the same later (each already quoted): the client's diff and
    apply reading `file` on stdin, then the same through `smfed-wizard apply`, with the client and
    context the user chose (the wizard's --kubectl and --context). The client is the one apply would
    run (`oc` when none is found: the one to install). `file` is quoted here."""
    client = client_name(kubectl)
    quoted = shlex.quote(file)
    by_client = [f"{shlex.join(build_argv(client, action, context=context))} < {quoted}"
                 for action in ("diff", "apply")]
    ours = ["smfed-wizard", "apply", file]
    if context:
        ours.append(f"--context={context}")
    if kubectl:
        ours.append(f"--kubectl={client}")
    return (*by_client, shlex.join(ours))


def server_side_apply(target: Target, manifest_yaml: str, *, dry_run: bool = False, force_conflicts: bool = False,
                      timeout: str = DEFAULT_TIMEOUT) -> ApplyResult:
    """`apply --server-side --field-manager=smfed-wizard`; `--force-conflicts` only when asked."""
    argv = build_argv(target.binary, "apply", context=target.context, namespace=target.namespace,
                      timeout=timeout, dry_run=dry_run, force_conflicts=force_conflicts)
    proc = _run(argv, manifest_yaml, kubeconfig=target.kubeconfig, seconds=timeout_seconds(timeout))
    stderr = _text(proc.stderr)
    if proc.returncode != 0:
        raise classify_failure(proc.returncode, stderr)
    return ApplyResult(output=_text(proc.stdout).strip(), dry_run=dry_run, watch_command=watch_command(target),
                       warnings=_warnings(stderr))


# -- failures ----------------------------------------------------------------------------------------------------

_KLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] ")
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_MANY_HEAD = re.compile(r"conflicts with " + _QUOTED + r"[^\n]*:\s*$")
_ONE = re.compile(r"conflict with " + _QUOTED + r".*?: (\S.*)$")
_ITEM = re.compile(r"^\s*- (\S.*)$")
_FORBIDDEN = re.compile(r'User "(?P<user>[^"]*)" cannot (?P<verb>\S+) resource "(?P<resource>[^"]+)"'
                        r'(?: in API group "(?P<group>[^"]*)")?(?: in the namespace "(?P<ns>[^"]*)")?')
_WEBHOOK = re.compile(r'admission webhook "(?P<hook>[^"]+)" denied the request:?\s*(?P<reason>.*)')
_NAMESPACE_MISSING = re.compile(r'namespaces "([^"]+)" not found')
_SERVER_URL = re.compile(r'(https?://[^/"\s?]+)')
_LOGIN = ("Unauthorized", "You must be logged in to the server", "provide credentials")
_CRD = ("no matches for kind", "the server doesn't have a resource type", "ensure CRDs are installed",
        "could not find the requested resource", "(NotFound)")
# (what kubectl prints, why the cluster cannot be reached: a message id, translated where it is shown)
_SLOW = N_("no answer within the request timeout")
_UNREACHABLE = (("Client.Timeout", _SLOW), ("context deadline exceeded", _SLOW), ("i/o timeout", _SLOW),
                ("TLS handshake timeout", _SLOW), ("connection refused", N_("the connection was refused")),
                # kubectl's own wording when it has discovery cached and the list itself is refused
                ("was refused - did you specify the right host or port", N_("the connection was refused")),
                ("no such host", N_("its host name does not resolve")), ("no route to host", N_("there is no route to it")),
                ("network is unreachable", N_("the network is unreachable")),
                ("x509:", N_("its TLS certificate is not trusted")), ("Unable to connect to the server", N_("no connection")))


def _unquote(go_quoted: str) -> str:
    try:
        return json.loads(f'"{go_quoted}"')
    except ValueError:
        return go_quoted


def parse_conflicts(stderr: str) -> list[tuple[str, str]]:
    """(manager, field path) pairs from a server-side apply conflict, in either of the server's wordings:
    `conflict with "m" using v: .path` or `conflicts with "m" using v:` followed by `- .path` lines."""
    found: list[tuple[str, str]] = []
    manager = None
    for line in stderr.splitlines():
        if m := _MANY_HEAD.search(line):
            manager = _unquote(m.group(1))
        elif m := _ONE.search(line):
            found.append((_unquote(m.group(1)), m.group(2).strip()))
            manager = None
        elif manager is not None and (m := _ITEM.match(line)):
            found.append((manager, m.group(1).strip()))
        else:
            manager = None
    return list(dict.fromkeys(found))


def _clean(stderr: str) -> str:
    """kubectl's message without klog noise and without the `error: ` prefix."""
    lines = [line for line in stderr.strip().splitlines() if line.strip() and not _KLOG.match(line)]
    return "\n".join(line[len("error: "):] if line.startswith("error: ") else line for line in lines)


def readable_output(stderr: str) -> str:
    """What kubectl printed, as a user reads it: without its log lines (timestamps, process ids)."""
    return _clean(stderr)


def classify_failure(returncode: int, stderr: str) -> ApplyError:
    """The error a failed oc/kubectl run means, with a message and a fix; the raw text stays in `.stderr`."""
    text = stderr or ""
    clean = _clean(text)
    if returncode == 127:
        return KubectlNotFound(clean or _("oc/kubectl could not be started"), hint=_(_INSTALL_HINT), stderr=text)
    if 'failed to run "diff"' in text:
        return ApplyError(_("`diff --server-side` needs the `diff` program, which is not on PATH"),
                          hint=_("install diffutils (e.g. `dnf install diffutils`)"), stderr=text)
    if re.search(r"Apply failed with \d+ conflicts?", text):
        conflicts = parse_conflicts(text)
        width = max((len(path) for _p, path in conflicts), default=0)
        listing = "".join("\n  " + _("{path:<{width}}  owned by {manager}").format(path=path, width=width, manager=manager)
                          for manager, path in conflicts)
        count = (ngettext("{n} field", "{n} fields", len(conflicts)).format(n=len(conflicts)) if conflicts
                 else _("fields"))
        return FieldManagerConflict(
            ngettext("the cluster refused the apply: {count} in the file is managed by another field manager:{listing}",
                     "the cluster refused the apply: {count} in the file are managed by another field manager:{listing}",
                     len(conflicts)).format(count=count, listing=listing or " " + clean),
            conflicts=conflicts, stderr=text,
            hint=_("--force-conflicts takes ownership of these fields for {manager} (the other manager may "
                   "set them back); or remove them from the file, or set them to the values on the cluster").format(
                       manager=FIELD_MANAGER))
    if m := _WEBHOOK.search(text):
        reason = m.group("reason").strip()
        return WebhookRejected(_('rejected by admission webhook "{webhook}": {reason}').format(
                                   webhook=m.group("hook"), reason=reason),
                               webhook=m.group("hook"), reason=reason, stderr=text,
                               hint=_("change the file as the message says, then apply again; nothing was changed"))
    if any(p in text for p in _LOGIN):
        return NotLoggedIn(_("not logged in to the cluster (401 Unauthorized)"), stderr=text,
                           hint=_("log in with `oc login <api-url>` (your token may have expired), then retry"))
    if "forbidden" in text.lower() and (m := _FORBIDDEN.search(text)):
        resource = m.group("resource") + (f".{m.group('group')}" if m.group("group") else "")
        check = f"oc auth can-i {m.group('verb')} {resource}" + (f" -n {m.group('ns')}" if m.group("ns") else "")
        values = dict(user=m.group("user"), verb=m.group("verb"), resource=resource, namespace=m.group("ns"),
                      check=check)
        if m.group("ns"):
            message = _('user "{user}" may not {verb} {resource} in namespace "{namespace}" (403 Forbidden)')
            hint = _('ask a cluster administrator for a role that allows {verb} on {resource} in namespace '
                     '"{namespace}"; check with `{check}`')
        else:
            message = _('user "{user}" may not {verb} {resource} (403 Forbidden)')
            hint = _("ask a cluster administrator for a role that allows {verb} on {resource}; check with `{check}`")
        return Forbidden(message.format(**values), verb=m.group("verb"), resource=resource, stderr=text,
                         hint=hint.format(**values))
    if "forbidden" in text.lower():
        return Forbidden(_("forbidden: {details}").format(details=clean), stderr=text,
                         hint=_("ask a cluster administrator for the permission named above"))
    if m := _NAMESPACE_MISSING.search(text):
        return ApplyError(_('namespace "{namespace}" does not exist on the cluster').format(namespace=m.group(1)),
                          stderr=text,
                          hint=_("create it first (`oc new-project {namespace}`) or set metadata.namespace").format(
                              namespace=m.group(1)))
    for needle, reason in _UNREACHABLE:
        if needle in text:
            url = _SERVER_URL.search(text)
            hint = (_("raise --request-timeout if the cluster is just slow; otherwise check your network or VPN")
                    if reason == _SLOW else
                    _("log in again with `oc login` (it offers to trust the certificate) or fix the CA in the kubeconfig")
                    if needle == "x509:" else
                    _("check the server address (`oc whoami --show-server`), your network or VPN, then retry"))
            message = (_("cannot reach the cluster at {server}: {reason}") if url else
                       _("cannot reach the cluster: {reason}"))
            return Unreachable(message.format(server=url.group(1) if url else None, reason=_(reason)), hint=hint,
                               stderr=text)
    if any(p in text for p in _CRD):
        return CrdMissing(_("the cluster does not serve {kind} (maistra.io/v2)").format(kind=KIND), stderr=text,
                          hint=_("is the Service Mesh operator installed? Install OpenShift Service Mesh 2.x "
                                 "from OperatorHub (it adds the CRD), then retry"))
    return ApplyError(clean or _("oc/kubectl failed with exit status {status} and printed nothing").format(
        status=returncode), stderr=text)
