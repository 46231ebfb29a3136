"""A SOURCE read from a cluster (`context:NAME`), read-only: `oc get ... -o json` and nothing else.

The control plane's namespace comes from the cluster's ServiceMeshControlPlanes (all namespaces; the
context's own namespace when listing them cluster-wide is not allowed). That namespace is read by the
status reader (`smfed_tui.status.reader.read_cluster`: the SMCP, peers, service sets, ConfigMaps,
Services, Pods in one call). Then, each namespace once: the exported Services with their pods, the
importAsLocal targets (their Services, to find a collision), and the east-west gateway's namespace (its
address, once phase 2 made it, goes into the istio-remote Gateways without a placeholder). What is read
whole is marked, so its absence counts as a fact. Clusters are read in parallel.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from .. import apply as kube
from ..errors import InputError
from ..i18n import _
from ..status.reader import RESOURCE_OF, get_argv, read_cluster
from .decisions import Choices
from .findings import Where
from .load import Loaded, MeshSource
from ..object_paths import dig

SMCP_RESOURCE = RESOURCE_OF["ServiceMeshControlPlane"]
NEEDED = ("ServiceMeshControlPlane", "ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet", "ConfigMap")


def _items(stdout: bytes) -> list[dict]:
    try:
        data = json.loads(stdout)
    except ValueError:
        return []
    items = data.get("items") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _get(binary: str, resources: list[str], context: str, namespace: str | None, timeout: str,
         all_namespaces: bool = False) -> tuple[list[dict] | None, str]:
    """(the items, or None when the call failed; kubectl's error text)."""
    argv = get_argv(binary, resources, context=context, namespace=namespace, timeout=timeout)
    if all_namespaces:
        argv.append("--all-namespaces")
    proc = kube._run(argv, "", kubeconfig=None, seconds=kube.timeout_seconds(timeout))
    if proc.returncode != 0:
        return None, proc.stderr.decode("utf-8", errors="replace")
    return _items(proc.stdout), ""


def _failed(context: str, stderr: str) -> InputError:
    err = kube.classify_failure(1, stderr)
    return InputError(_("context:{context}: {problem}").format(context=context, problem=err.message),
                      hint=err.hint or _("check the context with oc --context {context} get smcp -A").format(
                          context=context))


def _control_plane_namespace(binary: str, context: str, timeout: str) -> str | None:
    """Where the cluster's one SMCP is; None: not allowed to list them cluster-wide (then the context's own)."""
    items, stderr = _get(binary, [SMCP_RESOURCE], context, None, timeout, all_namespaces=True)
    if items is None:
        if "forbidden" in stderr.lower():
            return None
        raise _failed(context, stderr)
    places = sorted({str(dig(i, "metadata", "namespace", default="")) for i in items})
    if len(items) != 1:
        raise InputError(_("context:{context} has {count} ServiceMeshControlPlanes ({where}); a SOURCE is one mesh").format(
                             context=context, count=len(items), where=", ".join(places) or _("none")),
                         hint=_("save the mesh's resources with oc get -o yaml and give that folder as its SOURCE"))
    return places[0]


def _loaded(context: str, obj: dict) -> Loaded:
    meta = obj.get("metadata") or {}
    return Loaded(obj, Where(f"context:{context}", path=f"{obj.get('kind')}/{meta.get('namespace', '')}/{meta.get('name')}"))


def _namespaces_to_read(source: MeshSource, namespace: str, choices: Choices) -> list[str]:
    found = {choices.eastwest_namespace}
    for ess in source.of_kind("ExportedServiceSet", namespace):
        found |= {str(dig(e, "localService", "namespace", default="")) for e in dig(ess.obj, "status", "exportedServices",
                                                                                   default=[])}
        found |= {str(dig(r, "nameSelector", "namespace", default="")) for r in dig(ess.obj, "spec", "exportRules",
                                                                                   default=[])}
    for iss in source.of_kind("ImportedServiceSet", namespace):
        found |= {str(dig(e, "localService", "namespace", default="")) for e in dig(iss.obj, "status", "importedServices",
                                                                                   default=[])}
    return sorted(ns for ns in found if ns and ns != "*" and ns != namespace)


def eastwest_address(source: MeshSource, choices: Choices) -> str | None:
    """The east-west gateway Service's load balancer address, when it has one (after phase 2)."""
    service = source.find("Service", choices.eastwest_namespace, f"{choices.eastwest_name}-istio")
    ingress = dig(service.obj, "status", "loadBalancer", "ingress", default=[]) if service else []
    first = ingress[0] if ingress and isinstance(ingress[0], dict) else {}
    return first.get("ip") or first.get("hostname") or None


def read_one(binary: str, context: str, choices: Choices, timeout: str) -> MeshSource:
    namespace = _control_plane_namespace(binary, context, timeout)
    read = read_cluster(binary, context, namespace, timeout)
    missing = [g for g in read.gaps if g.unreachable or any(RESOURCE_OF[k] == g.resource for k in NEEDED)]
    if read.failed or missing:
        gap = missing[0] if missing else read.gaps[0]
        raise InputError(_("context:{context}: {problem}").format(context=context, problem=gap.message),
                         hint=gap.hint or None)
    source = MeshSource(f"context:{context}", context=context)
    for kind, items in read.objects.items():
        source.objects += [_loaded(context, obj) for obj in items]
    smcp_namespace = source.smcp().namespace
    source.listed |= {("Service", smcp_namespace), ("Pod", smcp_namespace)}
    for ns in _namespaces_to_read(source, smcp_namespace, choices):
        items, stderr = _get(binary, ["services", "pods"], context, ns, timeout)
        if items is None:
            if "NotFound" in stderr or "not found" in stderr:
                continue   # the namespace does not exist (yet): nothing in it
            raise _failed(context, stderr)
        source.objects += [_loaded(context, obj) for obj in items if obj.get("kind") in ("Service", "Pod")]
        source.listed |= {("Service", ns), ("Pod", ns)}
    source.eastwest_address = eastwest_address(source, choices)
    return source


def read_live(binary: str, contexts: list[str], choices: Choices, timeout: str) -> list[MeshSource]:
    """Each context's mesh, read in parallel, in the order given."""
    with ThreadPoolExecutor(max_workers=max(1, len(contexts))) as pool:
        return list(pool.map(lambda ctx: read_one(binary, ctx, choices, timeout), contexts))
