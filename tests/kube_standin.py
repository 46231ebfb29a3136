"""A loopback stand-in for the Kubernetes API server, enough for the real kubectl to run
`diff --server-side` and `apply --server-side` on a ServiceMeshControlPlane with strict validation.

It answers discovery (/version, /api, /apis, /api/v1, /apis/maistra.io[/v2]), OpenAPI v3 (whose PATCH
operation lists `fieldValidation`, so kubectl sends `fieldValidation=Strict`), namespaces, and GET/PATCH of
servicemeshcontrolplanes with server-side-apply semantics that are good enough for tests:

- the object is stored per (namespace, name); `dryRun=All` computes the answer but persists nothing;
- every applied leaf field is owned by its field manager (lists are atomic); managedFields is rendered from that;
- applying a different value to a field another manager owns is a 409 Conflict with FieldManagerConflict
  causes, worded as the real apiserver words it, unless `force=true`, which takes the field over;
- a no-op apply changes nothing (no new resourceVersion), so a diff after an apply is empty;
- merging is a deep merge of the applied config into the live object (removing a field you applied
  earlier is not modelled).

Every request is recorded (`requests`). Failures are scripted per test with `script(...)`: `unauthorized`
(401 everywhere), `forbidden` (403 on one verb of the SMCP), `crd-missing` (maistra.io absent from discovery
and OpenAPI, 404 on its paths), `webhook` (400 admission denial on PATCH) and `slow` (every answer waits
`delay` seconds, longer than the client's request timeout). Field-manager conflicts need no script: `seed()`
an object owned by another manager and apply a different value.
"""
from __future__ import annotations

import copy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from standin_lists import FEDERATION, LISTED, ListStore, api_resource, group_document

GROUP, VERSION = "maistra.io", "v2"
GROUP_VERSION = f"{GROUP}/{VERSION}"
KIND, PLURAL, SINGULAR = "ServiceMeshControlPlane", "servicemeshcontrolplanes", "servicemeshcontrolplane"
SMCP_PREFIX = f"/apis/{GROUP_VERSION}/namespaces/"
OPENAPI_HASH = "0123456789ABCDEF"
WEBHOOK_DENIAL = ('admission webhook "smcp.validation.maistra.io" denied the request: '
                  'cannot define additional gateway named "istio-ingressgateway"')
MODES = ("unauthorized", "forbidden", "crd-missing", "webhook", "slow")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]   # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Stored:
    obj: dict
    owners: dict[str, dict[str, str]] = field(default_factory=dict)   # field path -> {manager: operation}


def _status(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": message, "reason": reason, "code": code}
    if details:
        status["details"] = details
    return status


def _leaves(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Leaf field paths of an applied config; lists and scalars are atomic leaves."""
    if isinstance(value, dict) and value:
        out: dict[tuple[str, ...], Any] = {}
        for key, sub in value.items():
            out.update(_leaves(sub, prefix + (str(key),)))
        return out
    return {prefix: value}


def _get_path(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return _MISSING
        obj = obj[key]
    return obj


_MISSING = object()


def _merge(live: Any, applied: Any) -> Any:
    if isinstance(live, dict) and isinstance(applied, dict):
        merged = dict(live)
        for key, value in applied.items():
            merged[key] = _merge(live.get(key), value) if key in live else copy.deepcopy(value)
        return merged
    return copy.deepcopy(applied)


def _path_text(path: str) -> str:
    return "".join(f".{part}" for part in path.split("\x00"))


class KubeStandIn:
    """Start with `start()`, stop with `stop()`; `url` is http://127.0.0.1:PORT."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.namespaces = {"default", "istio-system"}
        self.mode: str | None = None
        self.forbidden_verb = "patch"
        self.webhook_message = WEBHOOK_DENIAL
        self.delay = 0.0
        self.version_minor = "37"
        self._objects: dict[tuple[str, str], _Stored] = {}
        self.lists = ListStore()            # read-only lists for `status` (tests/standin_lists.py)
        self.federation_served = True       # federation.maistra.io in discovery
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._resource_version = 1000
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # set by the fixture for the tests' convenience
        self.kubeconfig = ""
        self.context = ""
        self.kubectl = ""
        self.tmpdir = ""

    # -- life cycle --------------------------------------------------------------------------------------
    def start(self) -> "KubeStandIn":
        standin = self

        class Handler(_Handler):
            server_state = standin

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda request, client_address: None   # clients that gave up: not our concern
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="kube-standin",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()   # wakes slow answers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- scripting -------------------------------------------------------------------------------------------
    def script(self, mode: str | None, *, verb: str = "patch", message: str = WEBHOOK_DENIAL,
               delay: float = 5.0) -> None:
        """Make the next requests fail: one of MODES, or None for a healthy server."""
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode, self.forbidden_verb, self.webhook_message, self.delay = mode, verb, message, delay

    def seed(self, obj: dict, *, manager: str = "istio-operator", operation: str = "Update") -> None:
        """Store an object as if `manager` had written it, owning every leaf it set."""
        with self._lock:
            meta = obj["metadata"]
            stored = _Stored(copy.deepcopy(obj))
            self._stamp_new(stored.obj, meta["namespace"])
            self._own(stored, obj, manager, operation)
            self._render_managed_fields(stored)
            self._objects[(meta["namespace"], meta["name"])] = stored

    def get(self, namespace: str, name: str) -> dict | None:
        with self._lock:
            stored = self._objects.get((namespace, name))
            return copy.deepcopy(stored.obj) if stored else None

    def requests_for(self, method: str, path_part: str = "") -> list[RecordedRequest]:
        return [r for r in list(self.requests) if r.method == method and path_part in r.path]

    # -- object store with server-side-apply semantics ------------------------------------------------------
    def _next_version(self) -> str:
        self._resource_version += 1
        return str(self._resource_version)

    def _stamp_new(self, obj: dict, namespace: str) -> None:
        meta = obj.setdefault("metadata", {})
        meta["namespace"] = namespace
        meta.setdefault("uid", f"00000000-0000-4000-8000-{self._resource_version:012d}")
        meta.setdefault("creationTimestamp", "2025-01-01T00:00:00Z")
        meta["generation"] = 1
        meta["resourceVersion"] = self._next_version()

    @staticmethod
    def _own(stored: _Stored, applied: dict, manager: str, operation: str) -> None:
        for path in _leaves({k: v for k, v in applied.items() if k not in ("apiVersion", "kind", "status")}):
            if path[:1] == ("metadata",) and path[1:2] not in (("labels",), ("annotations",)):
                continue
            stored.owners.setdefault("\x00".join(path), {})[manager] = operation

    @staticmethod
    def _render_managed_fields(stored: _Stored) -> None:
        by_manager: dict[tuple[str, str], dict] = {}
        for path, managers in sorted(stored.owners.items()):
            for manager, operation in managers.items():
                tree = by_manager.setdefault((manager, operation), {})
                for part in path.split("\x00"):
                    tree = tree.setdefault(f"f:{part}", {})
        stored.obj["metadata"]["managedFields"] = [
            {"manager": manager, "operation": operation, "apiVersion": GROUP_VERSION,
             "time": "2025-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": tree}
            for (manager, operation), tree in by_manager.items()]

    def apply(self, namespace: str, name: str, applied: dict, query: dict[str, str]) -> tuple[int, dict]:
        manager = query.get("fieldManager", "")
        if not manager:
            return 400, _status(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: "
                                "Required value: is required for apply patch")
        meta = applied.get("metadata") or {}
        if applied.get("apiVersion") != GROUP_VERSION or applied.get("kind") != KIND or meta.get("name") != name:
            return 400, _status(400, "BadRequest", "the body of the request does not match the URL")
        if meta.get("namespace", namespace) != namespace:
            return 400, _status(400, "BadRequest", "the namespace of the provided object does not match the "
                                "namespace sent on the request")
        force, dry_run = query.get("force") == "true", query.get("dryRun") == "All"
        with self._lock:
            live = self._objects.get((namespace, name))
            stored = copy.deepcopy(live) if live else _Stored({})
            conflicts = []
            for path, value in _leaves({k: v for k, v in applied.items() if k not in ("apiVersion", "kind")}).items():
                key = "\x00".join(path)
                others = {m: op for m, op in stored.owners.get(key, {}).items() if m != manager}
                if others and _get_path(stored.obj, path) != value:
                    if not force:
                        conflicts.extend((m, op, key) for m, op in sorted(others.items()))
                    else:
                        stored.owners[key] = {}
            if conflicts:
                return 409, self._conflict_status(conflicts, name)
            merged = _merge(stored.obj, applied)
            if live is None:
                self._stamp_new(merged, namespace)
            elif merged.get("spec") != live.obj.get("spec"):
                merged["metadata"]["generation"] = live.obj["metadata"].get("generation", 1) + 1
            stored.obj = merged
            self._own(stored, applied, manager, "Apply")
            self._render_managed_fields(stored)
            if live is not None and stored.obj == live.obj:
                return 200, copy.deepcopy(live.obj)   # a no-op: nothing changes, not even resourceVersion
            if live is not None:
                stored.obj["metadata"]["resourceVersion"] = self._next_version()
            if not dry_run:
                self._objects[(namespace, name)] = stored
            return (201 if live is None else 200), copy.deepcopy(stored.obj)

    @staticmethod
    def _conflict_status(conflicts: list[tuple[str, str, str]], name: str) -> dict:
        def who(manager: str, operation: str) -> str:
            return f'"{manager}" using {GROUP_VERSION}' if operation == "Update" else f'"{manager}"'

        causes = [{"reason": "FieldManagerConflict", "message": f"conflict with {who(m, op)}",
                   "field": _path_text(path)} for m, op, path in conflicts]
        if len(conflicts) == 1:
            m, op, path = conflicts[0]
            text = f"conflict with {who(m, op)}: {_path_text(path)}"
        else:
            lines = []
            for m, op in sorted({(m, op) for m, op, _ in conflicts}):
                lines.append(f"conflicts with {who(m, op)}:")
                lines.extend(f"- {_path_text(p)}" for mm, oo, p in conflicts if (mm, oo) == (m, op))
            text = "\n".join(lines)
        plural = "" if len(conflicts) == 1 else "s"
        return _status(409, "Conflict", f"Apply failed with {len(conflicts)} conflict{plural}: {text}",
                       {"name": name, "group": GROUP, "kind": PLURAL, "causes": causes})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: KubeStandIn

    def log_message(self, format: str, *args: Any) -> None:   # quiet
        pass

    def setup(self) -> None:
        # As Go's net/http (the real API server) does: without it the headers and the body go out in two
        # segments and the client's delayed ACK holds every request after the first ~40 ms (kubectl
        # keeps the connection alive), which a benchmark of several lists would measure instead of us.
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, code: int, payload: Any, content_type: str = "application/json") -> None:
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _not_found(self, what: str = "the server could not find the requested resource") -> None:
        self._send(404, _status(404, "NotFound", what, {}))

    def _handle(self) -> None:
        state = self.server_state
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        state.requests.append(RecordedRequest(self.command, split.path, query,
                                              {k.lower(): v for k, v in self.headers.items()}, body))
        if state.mode == "slow" and state._stopping.wait(state.delay):
            return
        if state.mode == "unauthorized":
            return self._send(401, _status(401, "Unauthorized", "Unauthorized"))
        try:
            self._route(split.path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_PATCH = do_POST = do_PUT = do_DELETE = _handle

    def _route(self, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.server_state
        crd = state.mode != "crd-missing"
        port = self.server.server_address[1]
        if self.command != "GET" and not path.startswith(SMCP_PREFIX):
            return self._send(405, _status(405, "MethodNotAllowed", "the server does not allow this method"))
        if path == "/version":
            return self._send(200, {"major": "1", "minor": state.version_minor,
                                    "gitVersion": f"v1.{state.version_minor}.0", "platform": "linux/amd64"})
        if path == "/api":
            return self._send(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{port}"}]})
        if path == "/apis":
            groups = [self._group()] if crd else []
            groups += [group_document(FEDERATION)] if state.federation_served else []
            return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        if path == "/api/v1":
            return self._send(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
                 "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
                *[api_resource(r) for r in LISTED if not r.group]]})
        if path.startswith("/api/v1/namespaces/") and path.count("/") == 4:
            namespace = path.rsplit("/", 1)[1]
            if namespace not in state.namespaces:
                return self._not_found(f'namespaces "{namespace}" not found')
            return self._send(200, {"kind": "Namespace", "apiVersion": "v1",
                                    "metadata": {"name": namespace, "uid": f"ns-{namespace}"},
                                    "status": {"phase": "Active"}})
        if path == "/openapi/v3":
            paths = {f"apis/{GROUP_VERSION}": {"serverRelativeURL": f"/openapi/v3/apis/{GROUP_VERSION}?hash="
                                                                    f"{OPENAPI_HASH}"}} if crd else {}
            return self._send(200, {"paths": paths})
        if crd and path == f"/openapi/v3/apis/{GROUP_VERSION}":
            return self._send(200, _openapi_document())
        if crd and path == f"/apis/{GROUP}":
            return self._send(200, {"kind": "APIGroup", "apiVersion": "v1", **self._group()})
        if crd and path == f"/apis/{GROUP_VERSION}":
            return self._send(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": GROUP_VERSION,
                                    "resources": [{"name": PLURAL, "singularName": SINGULAR, "namespaced": True,
                                                   "kind": KIND, "shortNames": ["smcp"], "categories": ["maistra-io"],
                                                   "verbs": ["delete", "deletecollection", "get", "list", "patch",
                                                             "create", "update", "watch"]}]})
        if crd and path.startswith(SMCP_PREFIX):
            parts = path[len(SMCP_PREFIX):].split("/")
            if len(parts) == 3 and parts[1] == PLURAL:
                return self._object(parts[0], parts[2], query, body)
        if state.federation_served and path == f"/apis/{FEDERATION}":
            return self._send(200, {"kind": "APIGroup", "apiVersion": "v1", **group_document(FEDERATION)})
        if state.federation_served and path == f"/apis/{FEDERATION}/v1":
            return self._send(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{FEDERATION}/v1",
                                    "resources": [api_resource(r) for r in LISTED if r.group == FEDERATION]})
        served = crd if path.startswith(f"/apis/{GROUP}/") else (
            state.federation_served if path.startswith(f"/apis/{FEDERATION}/") else True)
        if served and (answer := state.lists.list_answer(path)) is not None:
            code, payload = answer
            if code == 200 and path.startswith(SMCP_PREFIX):   # the SMCPs applied or seeded are listed too
                namespace = path[len(SMCP_PREFIX):].split("/")[0]
                applied = [state.get(ns, name) for ns, name in list(state._objects) if ns == namespace]
                payload["items"] = applied + payload["items"]
            return self._send(code, payload)
        return self._not_found()

    @staticmethod
    def _group() -> dict:
        version = {"groupVersion": GROUP_VERSION, "version": VERSION}
        return {"name": GROUP, "versions": [version], "preferredVersion": version}

    def _object(self, namespace: str, name: str, query: dict[str, str], body: bytes) -> None:
        state = self.server_state
        verb = {"GET": "get", "PATCH": "patch"}.get(self.command)
        if verb is None:
            return self._send(405, _status(405, "MethodNotAllowed", "the server does not allow this method"))
        if state.mode == "forbidden" and verb == state.forbidden_verb:
            return self._send(403, _status(
                403, "Forbidden", f'{PLURAL}.{GROUP} "{name}" is forbidden: User "developer" cannot {verb} '
                f'resource "{PLURAL}" in API group "{GROUP}" in the namespace "{namespace}"',
                {"name": name, "group": GROUP, "kind": PLURAL}))
        if verb == "get":
            obj = state.get(namespace, name)
            if obj is None:
                return self._send(404, _status(404, "NotFound", f'{PLURAL}.{GROUP} "{name}" not found',
                                               {"name": name, "group": GROUP, "kind": PLURAL}))
            return self._send(200, obj)
        if self.headers.get("Content-Type", "").split(";")[0] != "application/apply-patch+yaml":
            return self._send(415, _status(415, "UnsupportedMediaType", "only server-side apply is served here"))
        if namespace not in state.namespaces:
            return self._not_found(f'namespaces "{namespace}" not found')
        if state.mode == "webhook":
            return self._send(400, _status(400, "BadRequest", state.webhook_message))
        try:
            applied = json.loads(body)
        except ValueError:
            return self._send(400, _status(400, "BadRequest", "the body is not JSON (kubectl sends JSON)"))
        code, payload = state.apply(namespace, name, applied, query)
        self._send(code, payload)


def _openapi_document() -> dict:
    def param(name: str) -> dict:
        return {"name": name, "in": "query", "schema": {"type": "string"}, "uniqueItems": True}

    ref = {"$ref": f"#/components/schemas/io.maistra.v2.{KIND}"}
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}}}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.37.0"},
        "paths": {f"/apis/{GROUP_VERSION}/namespaces/{{namespace}}/{PLURAL}/{{name}}": {
            "get": {"operationId": f"readMaistraIoV2Namespaced{KIND}", "responses": ok},
            "patch": {"operationId": f"patchMaistraIoV2Namespaced{KIND}", "x-kubernetes-action": "patch",
                      "x-kubernetes-group-version-kind": {"group": GROUP, "version": VERSION, "kind": KIND},
                      "parameters": [param(n) for n in ("dryRun", "fieldManager", "fieldValidation", "force")],
                      "responses": {**ok, "201": ok["200"]}},
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "namespace", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "components": {"schemas": {f"io.maistra.v2.{KIND}": {
            "type": "object",
            "x-kubernetes-group-version-kind": [{"group": GROUP, "kind": KIND, "version": VERSION}],
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                           "metadata": {"type": "object"},
                           "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                           "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}},
    }
