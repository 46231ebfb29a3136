"""Reading the federation's live state from clusters, read-only: `oc`/`kubectl get ... -o json`.

One call per cluster lists every kind `status` needs in the mesh's namespace; clusters are read in
parallel threads. kubectl goes on after a kind it may not list and prints the others: each such
`Forbidden` line becomes a named gap (the RBAC verb and resource). Any other failure of the batch (a
kind the cluster does not serve fails it as a whole) falls back to one call per kind, so the gap is
named precisely. An unreachable cluster, or one we are not logged in to, is one gap for the cluster.
Every call is an argument list with --request-timeout and a subprocess timeout (smfed_tui.apply._run).
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import apply as kube
from ..errors import CrdMissing, Forbidden, NotLoggedIn, SmfedError, Unreachable, UsageError
from ..i18n import N_, _
from .model import Gap

# (kind, the resource as kubectl names it unambiguously, what is not checked without it: a message id).
# resource.version.group: kubectl maps it from its discovery cache at once; `resource.group` is first
# read as resource.version.group (version "federation", group "maistra.io"), misses, and makes kubectl
# throw its discovery cache away and read it again on every call.
KINDS = (
    ("ServiceMeshControlPlane", "servicemeshcontrolplanes.v2.maistra.io",
     N_("the control plane's Ready condition and trust domain")),
    ("ServiceMeshPeer", "servicemeshpeers.v1.federation.maistra.io", N_("every peer of this mesh")),
    ("ExportedServiceSet", "exportedservicesets.v1.federation.maistra.io", N_("what this mesh exports")),
    ("ImportedServiceSet", "importedservicesets.v1.federation.maistra.io", N_("what this mesh imports")),
    ("Service", "services", N_("ingress gateway addresses and ports")),
    ("ConfigMap", "configmaps", N_("root certificates")),
    ("Pod", "pods", N_("gateway pods")),
)



def rbac_resource(argument: str) -> str:
    """`resource.group` as RBAC and `oc auth can-i` name it (the version taken out)."""
    parts = argument.split(".")
    return ".".join(parts[:1] + parts[2:]) if len(parts) > 2 else argument


RESOURCE_OF = {kind: rbac_resource(resource) for kind, resource, _what in KINDS}
_MISSED = {kind: what for kind, _resource, what in KINDS}
_KIND_OF_RESOURCE = {resource: kind for kind, resource in RESOURCE_OF.items()}
_ERROR_LINE = re.compile(r"^(?:Error from server|error:)", re.MULTILINE)
_MISSING_CONTEXT = re.compile(r'context "[^"]*" does not exist|cannot locate context|context was not found')


@dataclass(frozen=True)
class ClusterRead:
    """What one context's cluster holds in one namespace, and what could not be read."""

    context: str | None                 # None: the kubeconfig's current context
    namespace: str | None               # as asked; None: the context's own namespace
    objects: dict[str, tuple[dict, ...]] = field(default_factory=dict)   # kind -> items
    gaps: tuple[Gap, ...] = ()
    failed: bool = False                # nothing could be read from this cluster

    def items(self, kind: str) -> tuple[dict, ...]:
        return self.objects.get(kind, ())

    def has_read(self, kind: str) -> bool:
        return kind in self.objects

    @property
    def label(self) -> str:
        return self.context or _("(current context)")


def get_argv(binary: str, resources: list[str], *, context: str | None, namespace: str | None,
             timeout: str) -> list[str]:
    """`get R1,R2 --output=json`; values attached with '=' so none can be read as a flag."""
    argv = [binary, "get", ",".join(resources), "--output=json", f"--request-timeout={timeout}"]
    if context:
        argv.append(f"--context={context}")
    if namespace:
        argv.append(f"--namespace={namespace}")
    return argv


def _listed(stdout: bytes) -> list[dict] | None:
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    items = data.get("items") if "items" in data else [data]
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else None


def _kind_of_forbidden(err: Forbidden) -> str | None:
    return _KIND_OF_RESOURCE.get(err.resource) or _KIND_OF_RESOURCE.get((err.resource or "").split(".")[0])


def _gap_for(kind: str, err: SmfedError, context: str | None, namespace: str | None) -> Gap:
    resource = RESOURCE_OF[kind]
    where = namespace or _("the context's namespace")
    if isinstance(err, Forbidden):
        check = f"oc auth can-i list {resource}" + (f" -n {namespace}" if namespace else "")
        return Gap(context, namespace, _("may not list {resource} in {namespace}: not checked: {what}").format(
                       resource=resource, namespace=where, what=_(_MISSED[kind])),
                   _("ask for a role that allows list on {resource} in that namespace; check with `{check}`").format(
                       resource=resource, check=check), resource=resource, verb="list")
    if isinstance(err, CrdMissing):
        return Gap(context, namespace, _("the cluster does not serve {kind}: not checked: {what}").format(
                       kind=kind, what=_(_MISSED[kind])),
                   _("is OpenShift Service Mesh 2.x installed on this cluster?"), resource=resource, verb="list")
    return Gap(context, namespace, _("could not list {resource}: {reason}").format(resource=resource, reason=err.message),
               err.hint or _("run `oc get {resource}` to see the full error").format(resource=resource),
               resource=resource, verb="list")


def _cluster_gap(err: SmfedError, context: str | None, namespace: str | None) -> Gap:
    name = context or _("(current context)")
    return Gap(context, namespace, _("cluster {context} not read: {reason}").format(context=name, reason=err.message),
               err.hint or "", unreachable=True)


_NAMESPACE_NAMED = re.compile(r'in the namespace "([^"]*)"')


def _namespace_named(text: str) -> str | None:
    """The namespace a Forbidden line names: the context's own, when the user gave none."""
    m = _NAMESPACE_NAMED.search(text)
    return m.group(1) if m else None


def _run_get(binary: str, resources: list[str], context: str | None, namespace: str | None, timeout: str):
    argv = get_argv(binary, resources, context=context, namespace=namespace, timeout=timeout)
    proc = kube._run(argv, "", kubeconfig=None, seconds=kube.timeout_seconds(timeout))
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace")


def _cluster_failure(returncode: int, stderr: str, context: str | None) -> SmfedError | None:
    """The failure that means this cluster cannot be read at all, else None."""
    if _MISSING_CONTEXT.search(stderr):
        return UsageError(_("no context {context!r} in the kubeconfig").format(context=context),
                          hint=_("list the contexts with `oc config get-contexts`"))
    err = kube.classify_failure(returncode, stderr)
    return err if isinstance(err, (Unreachable, NotLoggedIn)) else None


def _group(items: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {kind: [] for kind, _r, _w in KINDS}
    for item in items:
        if item.get("kind") in grouped:
            grouped[item["kind"]].append(item)
    return grouped


def read_cluster(binary: str, context: str | None, namespace: str | None, timeout: str) -> ClusterRead:
    """Every kind in KINDS from one cluster (one kubectl call unless something fails)."""
    resources = [resource for _k, resource, _w in KINDS]
    code, stdout, stderr = _run_get(binary, resources, context, namespace, timeout)
    if code == 0 and (items := _listed(stdout)) is not None:
        return ClusterRead(context, namespace, {k: tuple(v) for k, v in _group(items).items()})
    items = _listed(stdout) if stdout.strip() else None
    if items is None and (failure := _cluster_failure(code, stderr, context)) is not None:
        return ClusterRead(context, namespace, gaps=(_cluster_gap(failure, context, namespace),), failed=True)
    if items is not None and (forbidden := _forbidden_kinds(stderr)):
        ns = namespace or _namespace_named(stderr)
        return ClusterRead(context, namespace, {k: tuple(v) for k, v in _group(items).items() if k not in forbidden},
                           gaps=tuple(_gap_for(k, e, context, ns) for k, e in forbidden.items()))
    return _read_each(binary, context, namespace, timeout)


def _forbidden_kinds(stderr: str) -> dict[str, Forbidden] | None:
    """kubectl listed what it could and complained about the rest: the kinds it names as 403, or None
    when any complaint is something else (then each kind is read on its own to tell them apart)."""
    forbidden: dict[str, Forbidden] = {}
    for block in _ERROR_LINE.split(stderr)[1:]:
        err = kube.classify_failure(1, block)
        kind = _kind_of_forbidden(err) if isinstance(err, Forbidden) else None
        if kind is None:
            return None
        forbidden[kind] = err
    return forbidden or None


def _read_each(binary: str, context: str | None, namespace: str | None, timeout: str) -> ClusterRead:
    """One call per kind (in parallel), when the batch failed for a reason it does not name per kind."""
    def one(kind: str, resource: str):
        return kind, *_run_get(binary, [resource], context, namespace, timeout)

    results = in_parallel([lambda k=k: one(k[0], k[1]) for k in KINDS])
    objects: dict[str, tuple[dict, ...]] = {}
    gaps: list[Gap] = []
    for kind, code, stdout, stderr in results:
        items = _listed(stdout) if code == 0 else None
        if items is not None:
            objects[kind] = tuple(i for i in items if i.get("kind") == kind)
            continue
        if (failure := _cluster_failure(code, stderr, context)) is not None:
            return ClusterRead(context, namespace, gaps=(_cluster_gap(failure, context, namespace),), failed=True)
        gaps.append(_gap_for(kind, kube.classify_failure(code, stderr), context,
                             namespace or _namespace_named(stderr)))
    return ClusterRead(context, namespace, objects, tuple(gaps))


def start_reading(binary: str, contexts: list[str | None], namespace: str | None,
                  timeout: str) -> Callable[[], list[ClusterRead]]:
    """Start reading each context's cluster now, in parallel; the call returned waits for them (in the
    order given). The caller can do its own work meanwhile."""
    return start_parallel([lambda ctx=ctx: read_cluster(binary, ctx, namespace, timeout) for ctx in contexts])


def read_clusters(binary: str, contexts: list[str | None], namespace: str | None, timeout: str) -> list[ClusterRead]:
    """Each context's cluster, in parallel; in the order given."""
    return start_reading(binary, contexts, namespace, timeout)()


def in_parallel(calls: list) -> list:
    return start_parallel(calls)()


def start_parallel(calls: list) -> Callable[[], list]:
    """Each call in its own thread (they wait on kubectl processes), started now; the function returned
    waits and gives the results in order. Plain threads: concurrent.futures would add its imports
    (logging) to every `status` start."""
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except BaseException as err:   # handed to the caller below, as ThreadPoolExecutor.map would
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()

    def finish() -> list:
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results
    return finish
