"""Reading decoded Kubernetes objects (JSON from kubectl, YAML from a user's folder) that may hold anything:
every step checks it is a mapping (or a list of them) before it goes on, so a malformed object gives the
default instead of an exception. Used by `status` and `migrate`, which both walk objects they did not write."""
from __future__ import annotations


def dig(obj, *keys, default=None):
    """obj[k1][k2]... or `default` when any step is missing, null or not a mapping."""
    for key in keys:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(key)
    return default if obj is None else obj


def items_of(obj, *keys) -> list[dict]:
    """The mappings of the list at obj[k1][k2]...: [] when it is missing or not a list."""
    value = dig(obj, *keys, default=[])
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def mapping_of(obj, *keys) -> dict:
    """The mapping at obj[k1][k2]...: {} when it is missing or not a mapping."""
    value = dig(obj, *keys, default={})
    return value if isinstance(value, dict) else {}
