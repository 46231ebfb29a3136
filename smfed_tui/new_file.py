"""A new file's mesh name, taken from the file name: `smfed-wizard prod-east.yaml` starts as the mesh
prod-east (namespace prod-east-system, trust domain prod-east.local), not as the docs' red-mesh.

A file name that is no valid mesh name (`Prod_East.yaml`) leaves the default in place, and the
front-end says why and what to type (`name_problem`).
"""
from __future__ import annotations

import os

from .checks.values import dns1123_problem
from .i18n import _

DEFAULT_MESH_NAME = "red-mesh"   # the docs' example (seed section 1.18.9), when the file name gives none
_YAML_SUFFIXES = (".yaml", ".yml")


def _stem(path: str) -> str:
    base = os.path.basename(path)
    for suffix in _YAML_SUFFIXES:
        if base.lower().endswith(suffix):
            return base[:-len(suffix)]
    return base


def mesh_name_for(path: str | None) -> str:
    """The mesh name a new file at `path` starts with."""
    if path and dns1123_problem(_stem(path)) is None:
        return _stem(path)
    return DEFAULT_MESH_NAME


def name_problem(path: str | None) -> str | None:
    """Why the file name could not be the mesh name (None: it is, or there is no file name)."""
    if not path:
        return None
    stem = _stem(path)
    problem = dns1123_problem(stem)
    if problem is None:
        return None
    return _("The file name {name} is no mesh name ({problem}), so the mesh starts as {default}: type its "
             "name in the first field.").format(name=stem, problem=problem, default=DEFAULT_MESH_NAME)
