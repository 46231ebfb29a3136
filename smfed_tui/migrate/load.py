"""One mesh's resources, as `oc get -o yaml` (or `-o json`) prints them: a file, or a directory of files.

A SOURCE holds one mesh: its ServiceMeshControlPlane, and whatever else the migration reads (its
ServiceMeshPeers, ExportedServiceSets and ImportedServiceSets with their status, the peers' root
certificate ConfigMaps, the exported Services and their Pods). Objects may be documents of their own or
items of a `kind: List` (what `oc get a,b -o yaml` prints). Every file goes through the same guards as
the wizard's input (size, encoding, templates, depth, aliases, duplicate keys), and every object
remembers its file, line and column, so a finding can point at it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml
from yaml.constructor import ConstructorError

from .. import safe_files, source
from ..errors import InputError
from ..i18n import _
from .findings import Where

SOURCE_LIMIT_BYTES = 8 * 1024 * 1024      # `oc get pods -o yaml` of a busy namespace is large
YAML_SUFFIXES = (".yaml", ".yml", ".json")
POLICY_KINDS = frozenset({"Policy", "ConfigurationPolicy"})
WRAPPER_KINDS = frozenset({"List"}) | POLICY_KINDS


@dataclass(frozen=True)
class Loaded:
    """One Kubernetes object and where it was read."""
    obj: dict
    where: Where
    within: tuple[str, ...] = ()   # the objects wrapping it (an RHACM Policy...), outermost first; () for none

    @property
    def in_policy(self) -> bool:
        """Whether an RHACM policy wraps it (a List does not count: `oc get` prints one)."""
        return any(w.split("/", 1)[0] in POLICY_KINDS for w in self.within)

    @property
    def kind(self) -> str:
        return self.obj.get("kind") or ""

    @property
    def name(self) -> str:
        return str((self.obj.get("metadata") or {}).get("name") or "")

    @property
    def namespace(self) -> str:
        return str((self.obj.get("metadata") or {}).get("namespace") or "")

    def at(self, path: str) -> Where:
        """The same place, pointing at a path inside the object."""
        return Where(self.where.file, self.where.line, self.where.column, path)


@dataclass
class MeshSource:
    """Everything one SOURCE holds. `context` is set when it was read from a cluster; `listed` names the
    (kind, namespace) pairs read whole from it, where what is absent is known not to exist."""
    label: str
    objects: list[Loaded] = field(default_factory=list)
    context: str | None = None
    listed: set[tuple[str, str]] = field(default_factory=set)
    eastwest_address: str | None = None     # read live: the east-west gateway's address, once it exists

    def of_kind(self, kind: str, namespace: str | None = None) -> list[Loaded]:
        return [o for o in self.objects if o.kind == kind and (namespace is None or o.namespace == namespace)]

    def find(self, kind: str, namespace: str, name: str) -> Loaded | None:
        return next((o for o in self.of_kind(kind, namespace) if o.name == name), None)

    def smcp(self) -> Loaded:
        """The only ServiceMeshControlPlane, or an InputError (a SOURCE is one mesh)."""
        smcps = self.of_kind("ServiceMeshControlPlane")
        if not smcps:
            raise InputError(_("{source} holds no ServiceMeshControlPlane").format(source=self.label),
                             path=self.label,
                             hint=_("add the mesh's SMCP: oc get smcp -n <control plane namespace> -o yaml"))
        if len(smcps) > 1:
            second = smcps[1].where
            raise InputError(_("{source} holds {count} ServiceMeshControlPlanes; a SOURCE is one mesh").format(
                                 source=self.label, count=len(smcps)),
                             path=second.file, line=second.line, column=second.column,
                             hint=_("give each mesh's resources as a SOURCE of its own"))
        smcp = smcps[0]
        if smcp.obj.get("apiVersion") != source.SMCP_API:
            raise InputError(_("the ServiceMeshControlPlane is {api}; the migration reads {expected}").format(
                                 api=smcp.obj.get("apiVersion"), expected=source.SMCP_API),
                             path=smcp.where.file, line=smcp.where.line, column=smcp.where.column,
                             hint=_("read it as the cluster serves it: oc get smcp.v2.maistra.io -o yaml"))
        return smcp


def source_files(path: str) -> list[str]:
    """The YAML/JSON files of a SOURCE path: the file itself, or every such file below a directory."""
    if not os.path.exists(path):
        raise InputError(_("no such file or directory"), path=path,
                         hint=_("give the file or folder holding the mesh's resources (oc get -o yaml), or "
                                "context:NAME to read them from a cluster"))
    if not os.path.isdir(path):
        return [path]
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files) if f.endswith(YAML_SUFFIXES) and not f.startswith(".")]
    if not found:
        raise InputError(_("no .yaml, .yml or .json file in this directory"), path=path,
                         hint=_("save the output of oc get ... -o yaml into files there"))
    return found


def load_file(path: str) -> list[Loaded]:
    """Every object of one file, Lists unwrapped, each with its place."""
    loaded = safe_files.read_file(path, max_bytes=SOURCE_LIMIT_BYTES)
    parsed = source.parse(loaded.data, path)
    constructor = yaml.SafeLoader("")
    out = []
    for found in parsed.objects:
        if found.kind is None or found.kind in WRAPPER_KINDS:
            continue
        mark = found.node.start_mark
        try:
            obj = constructor.construct_document(found.node)
        except (ConstructorError, ValueError, TypeError, RecursionError) as exc:
            problem_mark = getattr(exc, "problem_mark", None) or mark
            raise InputError(_("this object cannot be read: {problem}").format(
                                 problem=getattr(exc, "problem", None) or exc),
                             path=path, line=problem_mark.line + 1, column=problem_mark.column + 1,
                             hint=_("give the object as oc get -o yaml prints it (no custom tags)")) from None
        if isinstance(obj, dict):
            out.append(Loaded(obj, Where(path, mark.line + 1, mark.column + 1), found.within))
    return out


def load_source(path: str) -> MeshSource:
    mesh = MeshSource(path)
    for file in source_files(path):
        mesh.objects += load_file(file)
    mesh.objects = without_copies(mesh.objects)
    return mesh


def without_copies(objects: list[Loaded]) -> list[Loaded]:
    """Each object once: a GitOps folder holds the same objects plain and wrapped in an RHACM policy
    (`topology --acm` writes both), which are one mesh, not two. Only an exact copy goes, and the plain
    one stays, so findings point at it; copies that differ stay both (and are reported as such)."""
    # the plain first (stable: in file order), then those in a policy, each remembered with its place in `objects`
    ordered = sorted(enumerate(objects), key=lambda item: item[1].in_policy)
    seen: dict[tuple[str, str, str], list[dict]] = {}
    kept: list[tuple[int, Loaded]] = []
    for index, candidate in ordered:
        copies = seen.setdefault((candidate.kind, candidate.namespace, candidate.name), [])
        if candidate.obj not in copies:
            copies.append(candidate.obj)
            kept.append((index, candidate))
    return [candidate for _index, candidate in sorted(kept, key=lambda item: item[0])]
