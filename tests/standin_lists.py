"""Read-only lists for the loopback stand-in (tests/kube_standin.py): the kinds `smfed-wizard status`
reads, served the way the API server serves them to `kubectl get KIND,KIND -n NS -o json`.

Discovery (the legacy /api/v1 and /apis/<group>/<version> documents kubectl falls back to) names every
kind below; `GET .../namespaces/NS/<plural>` answers a List of what a test `put()`; `forbid()` makes one
resource answer 403 to one verb, worded as the real apiserver words it (kubectl prints that text).
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    group: str          # "" for the core group
    version: str
    plural: str
    singular: str
    kind: str
    short_names: tuple[str, ...] = ()

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def prefix(self) -> str:
        return f"/apis/{self.group_version}" if self.group else f"/api/{self.version}"


FEDERATION = "federation.maistra.io"
LISTED = (
    Resource("maistra.io", "v2", "servicemeshcontrolplanes", "servicemeshcontrolplane", "ServiceMeshControlPlane",
             ("smcp",)),
    Resource(FEDERATION, "v1", "servicemeshpeers", "servicemeshpeer", "ServiceMeshPeer"),
    Resource(FEDERATION, "v1", "exportedservicesets", "exportedserviceset", "ExportedServiceSet"),
    Resource(FEDERATION, "v1", "importedservicesets", "importedserviceset", "ImportedServiceSet"),
    Resource("", "v1", "services", "service", "Service", ("svc",)),
    Resource("", "v1", "configmaps", "configmap", "ConfigMap", ("cm",)),
    Resource("", "v1", "pods", "pod", "Pod", ("po",)),
)
BY_KIND = {r.kind: r for r in LISTED}
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def api_resource(resource: Resource) -> dict:
    entry = {"name": resource.plural, "singularName": resource.singular, "namespaced": True,
             "kind": resource.kind, "verbs": VERBS}
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    return entry


def group_document(group: str) -> dict:
    version = {"groupVersion": f"{group}/v1", "version": "v1"}
    return {"name": group, "versions": [version], "preferredVersion": version}


class ListStore:
    """Objects by (resource, namespace); what a test put, each stamped like the server stamps it."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], list[dict]] = {}
        self._forbidden: dict[str, set[str]] = {}   # plural -> verbs answered with 403
        self._lock = threading.Lock()
        self._version = 5000

    def put(self, obj: dict) -> None:
        resource = BY_KIND[obj["kind"]]
        meta = obj["metadata"]
        stored = copy.deepcopy(obj)
        stored["apiVersion"] = resource.group_version
        with self._lock:
            self._version += 1
            stored["metadata"].setdefault("uid", f"uid-{self._version}")
            stored["metadata"].setdefault("creationTimestamp", "2025-01-01T00:00:00Z")
            stored["metadata"]["resourceVersion"] = str(self._version)
            items = self._items.setdefault((resource.plural, meta["namespace"]), [])
            items[:] = [o for o in items if o["metadata"]["name"] != meta["name"]] + [stored]

    def forbid(self, plural: str, verb: str = "list") -> None:
        self._forbidden.setdefault(plural, set()).add(verb)

    def forbidden(self, plural: str, verb: str) -> bool:
        return verb in self._forbidden.get(plural, set())

    def items(self, plural: str, namespace: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._items.get((plural, namespace), []))

    def all_namespaces(self, plural: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy([o for (p, _ns), items in sorted(self._items.items()) if p == plural for o in items])

    def list_answer(self, path: str) -> tuple[int, dict] | None:
        """(status, body) for a list path of a LISTED resource, namespaced or across all namespaces
        (`get --all-namespaces`; forbid(plural, "list-all") answers it with 403); None for any other path."""
        for resource in LISTED:
            if path == f"{resource.prefix}/{resource.plural}":
                if self.forbidden(resource.plural, "list-all"):
                    group = resource.group
                    name = f"{resource.plural}.{group}" if group else resource.plural
                    return 403, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                 "reason": "Forbidden", "code": 403,
                                 "message": f'{name} is forbidden: User "developer" cannot list resource '
                                            f'"{resource.plural}" in API group "{group}" at the cluster scope',
                                 "details": {"group": group, "kind": resource.plural}}
                return 200, {"kind": f"{resource.kind}List", "apiVersion": resource.group_version,
                             "metadata": {"resourceVersion": "1"}, "items": self.all_namespaces(resource.plural)}
            head = f"{resource.prefix}/namespaces/"
            if not path.startswith(head):
                continue
            parts = path[len(head):].split("/")
            if len(parts) != 2 or parts[1] != resource.plural:
                continue
            namespace = parts[0]
            if self.forbidden(resource.plural, "list"):
                group = f' in API group "{resource.group}"' if resource.group else ' in API group ""'
                name = f"{resource.plural}.{resource.group}" if resource.group else resource.plural
                return 403, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                             "reason": "Forbidden", "code": 403,
                             "message": f'{name} is forbidden: User "developer" cannot list resource '
                                        f'"{resource.plural}"{group} in the namespace "{namespace}"',
                             "details": {"group": resource.group, "kind": resource.plural}}
            with self._lock:
                self._version += 1
                version = str(self._version)
            return 200, {"kind": f"{resource.kind}List", "apiVersion": resource.group_version,
                         "metadata": {"resourceVersion": version}, "items": self.items(resource.plural, namespace)}
        return None
