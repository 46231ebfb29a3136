"""Check Kubernetes objects against the upstream CRD schemas, as the API server would.

The schemas are the compact JSON in `smfed_tui/schemas/` (derived from the upstream CRDs by
`python -m smfed_tui.schemas.derive CRD_DIR`; `index.json` holds each one's source file, sha256 and the
date of the derivation). A kind's schema is read the first time an object of that kind is checked.

The check is structural OpenAPI v3, the subset the CRDs use: type, properties, additionalProperties,
items, required, enum, pattern, minimum/maximum, min/maxLength, min/maxItems, min/maxProperties,
nullable, x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string, the formats ipv4/ipv6/int32,
and anyOf/oneOf/allOf/not as value checks. CEL rules (x-kubernetes-validations) are not evaluated.

What the API server does with a problem decides how it is told (`SchemaProblem.pruned`):
- a field the schema does not know, or a null where null is not allowed, is dropped ("pruned") on
  write: the object is accepted without it, which is why it is easy to miss;
- a wrong type, a value outside an enum or a range, a missing required field: the object is rejected.
"""
from __future__ import annotations

import functools
import ipaddress
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .i18n import _

SCHEMA_DIR = Path(__file__).with_name("schemas")

UNKNOWN_FIELD = "unknown-field"
NULL_DROPPED = "null-dropped"
WRONG_TYPE = "type"
NOT_IN_ENUM = "enum"
MISSING = "required"
PATTERN = "pattern"
OUT_OF_RANGE = "range"
BAD_SIZE = "size"
BAD_FORMAT = "format"
NO_FORM_MATCHES = "alternatives"
PRUNED_REASONS = frozenset({UNKNOWN_FIELD, NULL_DROPPED})

Path_ = tuple  # of str (a key) and int (a list index)


@dataclass(frozen=True)
class SchemaProblem:
    path: Path_
    reason: str          # one of the constants above
    message: str         # in the language chosen when the check ran

    @property
    def pruned(self) -> bool:
        """True: the API server keeps the object and drops this field. False: it rejects the object."""
        return self.reason in PRUNED_REASONS

    @property
    def where(self) -> str:
        return path_text(self.path)


def path_text(path: Path_) -> str:
    """`spec.servers[0].hosts[1]`; a key holding a dot is quoted: `metadata.labels["app.kubernetes.io/name"]`."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif "." in seg or not seg:
            out += f'["{seg}"]'
        else:
            out += f".{seg}" if out else seg
    return out


# --- the shipped schemas ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _index() -> dict:
    return json.loads((SCHEMA_DIR / "index.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _kind_file(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _entry(api_version: str, kind: str) -> dict | None:
    return _index()["kinds"].get(f"{api_version} {kind}")


def known_kinds() -> list[tuple[str, str]]:
    """Every (apiVersion, kind) a schema ships for."""
    return [tuple(key.split(" ", 1)) for key in sorted(_index()["kinds"])]


def has_schema(api_version: str, kind: str) -> bool:
    return _entry(api_version, kind) is not None


def scope(api_version: str, kind: str) -> str | None:
    """"Namespaced" or "Cluster" (None: no schema here)."""
    entry = _entry(api_version, kind)
    return entry["scope"] if entry else None


def provenance(api_version: str, kind: str) -> dict | None:
    """Where the schema of this kind comes from: {source, sha256, from, derived}."""
    entry = _entry(api_version, kind)
    if entry is None:
        return None
    source = _index()["sources"][entry["source"]]
    return {"source": entry["source"], "sha256": source["sha256"], "from": source["from"],
            "derived": _index()["derived"]}


def schema_for(api_version: str, kind: str) -> dict | None:
    """The compact openAPIV3Schema of this apiVersion and kind (read on first use), or None."""
    entry = _entry(api_version, kind)
    if entry is None:
        return None
    data = _kind_file(entry["file"])
    return data["schemas"][data["versions"][api_version.rsplit("/", 1)[-1]]]


def level_with_field(api_version: str, kind: str, path: Path_) -> Path_ | None:
    """For a field the schema does not have at `path`: the nearest shallower path where the schema has a
    field of that name, as its parents' own field (a key indented one level too deep lands under its
    sibling: `spec.proxy.networking.accessLogging` for `spec.proxy.accessLogging`); None if none does."""
    root = schema_for(api_version, kind)
    key = path[-1]
    for depth in range(len(path) - 2, -1, -1):
        parent = _schema_at(root, path[:depth])
        if isinstance(parent, dict) and key in (parent.get("properties") or {}):
            return path[:depth] + (key,)
    return None


def _schema_at(schema: dict | None, path: Path_) -> dict | None:
    for key in path:
        if not isinstance(schema, dict):
            return None
        if isinstance(key, int):
            schema = schema.get("items")
        elif key in (schema.get("properties") or {}):
            schema = schema["properties"][key]
        else:
            extra = schema.get("additionalProperties")
            schema = extra if isinstance(extra, dict) else None
    return schema


# --- the check --------------------------------------------------------------------------------------

def validate(obj) -> list[SchemaProblem]:
    """The problems of one object (a dict as parsed from YAML or JSON) against the schema of its
    apiVersion and kind; [] when it has none, or when no schema ships for its kind (see `has_schema`)."""
    if not isinstance(obj, dict):
        return [SchemaProblem((), WRONG_TYPE, _("a Kubernetes object must be a mapping"))]
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    schema = schema_for(api_version, kind)
    if schema is None:
        return []
    out: list[SchemaProblem] = []
    properties = dict(schema.get("properties") or {})
    properties["metadata"] = OBJECT_META
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    _check({**schema, "properties": properties}, obj, (), out, branch=False)
    return out


# ObjectMeta as the API server reads it: the fields a manifest sets; the server fills in the rest.
# Label and annotation values must be strings (an unquoted `true` is rejected).
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
OBJECT_META = {"type": "object", "properties": {
    "name": {"type": "string"}, "generateName": {"type": "string"}, "namespace": {"type": "string"},
    "labels": _STRING_MAP, "annotations": _STRING_MAP,
    "finalizers": {"type": "array", "items": {"type": "string"}},
    "ownerReferences": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
    "uid": {"type": "string"}, "resourceVersion": {"type": "string"}, "generation": {"type": "integer"},
    "creationTimestamp": {"type": "string", "nullable": True}, "deletionTimestamp": {"type": "string"},
    "deletionGracePeriodSeconds": {"type": "integer"}, "selfLink": {"type": "string"},
    "managedFields": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
}}

_INT32 = (-2 ** 31, 2 ** 31 - 1)


def _type_ok(expected: str, value) -> bool:
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        # YAML reads an unquoted timestamp as a date; the API server gets it as a JSON string
        return isinstance(value, (str, date))
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def _type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for kind, name in ((dict, "object"), (list, "array"), (int, "integer"), (float, "number")):
        if isinstance(value, kind):
            return name
    return "string"


def _check(schema: dict, value, path: Path_, out: list, *, branch: bool) -> None:
    """Append the problems of `value` at `path`. `branch`: checking one form of an anyOf/oneOf/not,
    where only the value counts (the fields of the enclosing schema decide what is pruned)."""
    if value is None:
        if not schema.get("nullable"):
            out.append(SchemaProblem(path, WRONG_TYPE, _("{path} is null; a value is required here").format(
                path=path_text(path) or _("the object"))))
        return
    if schema.get("x-kubernetes-int-or-string"):
        if not (isinstance(value, (int, str)) and not isinstance(value, bool)):
            out.append(_wrong_type(path, value, _("an integer or a string")))
            return
    elif "type" in schema and not _type_ok(schema["type"], value):
        out.append(_wrong_type(path, value, schema["type"]))
        return
    if "enum" in schema and value not in schema["enum"]:
        out.append(SchemaProblem(path, NOT_IN_ENUM, _("{path} is {value!r}; allowed: {choices}").format(
            path=path_text(path), value=value, choices=", ".join(map(str, schema["enum"])))))
    if isinstance(value, str):
        _check_string(schema, value, path, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(schema, value, path, out)
    elif isinstance(value, list):
        _check_size(schema, len(value), "minItems", "maxItems", path, out, _("items"))
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                _check(schema["items"], item, path + (i,), out, branch=branch)
    elif isinstance(value, dict):
        _check_object(schema, value, path, out, branch=branch)
    _check_forms(schema, value, path, out)


def _wrong_type(path: Path_, value, expected: str) -> SchemaProblem:
    return SchemaProblem(path, WRONG_TYPE, _("{path} is {actual}; the schema wants {expected}").format(
        path=path_text(path) or _("the object"), actual=_type_name(value), expected=expected))


def _check_string(schema: dict, value: str, path: Path_, out: list) -> None:
    _check_size(schema, len(value), "minLength", "maxLength", path, out, _("characters"))
    pattern = schema.get("pattern")
    if pattern and _compiled(pattern).search(value) is None:
        out.append(SchemaProblem(path, PATTERN, _("{path} is {value!r}, which does not match {pattern}").format(
            path=path_text(path), value=value, pattern=pattern)))
    fmt = schema.get("format")
    if fmt in ("ipv4", "ipv6") and not _is_ip(value, 4 if fmt == "ipv4" else 6):
        out.append(SchemaProblem(path, BAD_FORMAT, _("{path} is {value!r}, not an {format} address").format(
            path=path_text(path), value=value, format=fmt.replace("ip", "IP"))))


def _check_number(schema: dict, value, path: Path_, out: list) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if schema.get("format") == "int32" and isinstance(value, int):
        low = _INT32[0] if low is None else max(low, _INT32[0])
        high = _INT32[1] if high is None else min(high, _INT32[1])
    too_low = low is not None and (value <= low if schema.get("exclusiveMinimum") else value < low)
    too_high = high is not None and (value >= high if schema.get("exclusiveMaximum") else value > high)
    if too_low or too_high:
        out.append(SchemaProblem(path, OUT_OF_RANGE, _("{path} is {value}, outside {low}..{high}").format(
            path=path_text(path), value=value, low="" if low is None else low, high="" if high is None else high)))


def _check_size(schema: dict, size: int, low_key: str, high_key: str, path: Path_, out: list, unit: str) -> None:
    low, high = schema.get(low_key), schema.get(high_key)
    if (low is not None and size < low) or (high is not None and size > high):
        out.append(SchemaProblem(path, BAD_SIZE, _("{path} has {size} {unit}; allowed: {low}..{high}").format(
            path=path_text(path) or _("the object"), size=size, unit=unit,
            low=low or 0, high="" if high is None else high)))


def _check_object(schema: dict, value: dict, path: Path_, out: list, *, branch: bool) -> None:
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    preserve = schema.get("x-kubernetes-preserve-unknown-fields", False)
    _check_size(schema, len(value), "minProperties", "maxProperties", path, out, _("fields"))
    for key, sub in value.items():
        sub_path = path + (key if isinstance(key, str) else str(key),)
        child = properties.get(key) if isinstance(key, str) else None
        if child is None and isinstance(extra, dict):
            child = extra
        if child is None:
            if not (branch or preserve or extra is True):
                out.append(SchemaProblem(sub_path, UNKNOWN_FIELD, _(
                    "{path} is not a field of this kind: the API server drops it").format(path=path_text(sub_path))))
            continue
        if sub is None and not child.get("nullable") and not branch:
            out.append(SchemaProblem(sub_path, NULL_DROPPED, _(
                "{path} is null: the API server drops it").format(path=path_text(sub_path))))
            continue
        _check(child, sub, sub_path, out, branch=branch)
    for key in schema.get("required") or ():
        if value.get(key) is None:
            out.append(SchemaProblem(path + (key,), MISSING, _("{path} is required").format(path=path_text(path + (key,)))))


def _check_forms(schema: dict, value, path: Path_, out: list) -> None:
    """anyOf / oneOf / allOf / not: checks of the value alone (structural schemas declare no fields there)."""
    def fits(form: dict) -> bool:
        found: list = []
        _check(form, value, path, found, branch=True)
        return not found
    broken = (("anyOf" in schema and not any(fits(f) for f in schema["anyOf"]))
              or ("oneOf" in schema and sum(fits(f) for f in schema["oneOf"]) != 1)
              or ("allOf" in schema and not all(fits(f) for f in schema["allOf"]))
              or ("not" in schema and fits(schema["not"])))
    if broken:
        out.append(SchemaProblem(path, NO_FORM_MATCHES, _("{path} does not have any of the forms the schema allows").format(
            path=path_text(path) or _("the object"))))


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _is_ip(text: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False
