"""Where Kubernetes objects sit in a YAML file: top-level documents, and the objects wrapped inside them.

GitOps repositories rarely hold an SMCP as a document of its own. It is an item of a `kind: List` (with
its Namespace), or the `objectDefinition` of an RHACM ConfigurationPolicy, itself the `objectDefinition`
of a Policy's `spec.policy-templates[]` (RHACM's policy framework, `policy.open-cluster-management.io/v1`).
The nodes found here are the file's own nodes, so every position stays the file's line and column and
the editor splices into the file around them, at their indentation.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import InputError
from .i18n import _
from .yaml_nodes import get_value, is_null, scalar_at

SMCP_KIND = "ServiceMeshControlPlane"
# the API group of RHACM's Policy and ConfigurationPolicy: a file naming it is an RHACM policy file,
# whose `{{ }}` are RHACM's own templates (filled in by the hub or the managed cluster), not Helm's
RHACM_POLICY_GROUP = "policy.open-cluster-management.io/"

# kustomize's own files (a Kustomization, a Component): what `kustomize build` reads to know which files
# to build, never an object sent to a cluster; kustomize reads a folder's file of one of these names even
# without apiVersion and kind
KUSTOMIZE_GROUP = "kustomize.config.k8s.io/"
ARGOCD_GROUP = "argoproj.io/"
# Argo CD's kinds that point at folders of a repository rather than hold objects; an ApplicationSet's
# `{{ }}` are Argo CD's own template values inside YAML strings (the file is still plain YAML)
ARGOCD_KINDS = ("ApplicationSet", "Application")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# kind -> where its wrapped objects are: a list of items, each the object or holding it under a key
_WRAPPERS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "List": (("items",), None),
    "Policy": (("spec", "policy-templates"), "objectDefinition"),
    "ConfigurationPolicy": (("spec", "object-templates"), "objectDefinition"),
}


@dataclass(frozen=True)
class KubeObject:
    node: MappingNode
    kind: str | None
    within: tuple[str, ...] = ()   # the wrapping objects, outermost first, as `Kind/name` (empty: a document)


def find_objects(documents: list[Node]) -> list[KubeObject]:
    """Every mapping that is a document or wrapped in one (see the module's docstring), in file order:
    a wrapper comes before what it wraps."""
    found: list[KubeObject] = []
    stack: list[tuple[Node, tuple[str, ...]]] = [(doc, ()) for doc in reversed(documents)]
    while stack:   # iterative: a hostile file may nest Lists as deep as the depth guard allows
        node, within = stack.pop()
        if not isinstance(node, MappingNode):
            continue
        kind = scalar_at(node, "kind")
        found.append(KubeObject(node, kind, within))
        wrapper = _WRAPPERS.get(kind or "")
        if wrapper is None:
            continue
        items = get_value(node, *wrapper[0])
        if not isinstance(items, SequenceNode):
            continue
        inner = within + (f"{kind}/{scalar_at(node, 'metadata', 'name') or '?'}",)
        children = [get_value(item, wrapper[1]) if wrapper[1] else item for item in items.value]
        stack.extend((child, inner) for child in reversed(children) if child is not None)
    return found


def argocd_kind(documents: list[Node]) -> str | None:
    """The kind of an Argo CD file that points at folders (`ApplicationSet`, `Application`: every
    document of the file one of them), None for any other file."""
    found = [doc for doc in documents if not is_null(doc)]
    kinds = set()
    for doc in found:
        api = scalar_at(doc, "apiVersion") if isinstance(doc, MappingNode) else None
        kind = scalar_at(doc, "kind") if isinstance(doc, MappingNode) else None
        if api is None or not api.startswith(ARGOCD_GROUP) or kind not in ARGOCD_KINDS:
            return None
        kinds.add(kind)
    return ", ".join(sorted(kinds)) or None


def kustomize_kind(documents: list[Node], path: str) -> str | None:
    """The kind of a file kustomize reads as its own (`Kustomization`, `Component`: every document of the
    file in its API group, or a mapping without apiVersion and kind under a name kustomize looks for),
    None for any other file."""
    found = [doc for doc in documents if not is_null(doc)]
    if not found or not all(isinstance(doc, MappingNode) for doc in found):
        return None
    kinds = set()
    for doc in found:
        api, kind = scalar_at(doc, "apiVersion"), scalar_at(doc, "kind")
        if api is None and kind is None and os.path.basename(path) in KUSTOMIZATION_NAMES:
            kinds.add("Kustomization")
        elif api is not None and api.startswith(KUSTOMIZE_GROUP) and kind:
            kinds.add(kind)
        else:
            return None
    return ", ".join(sorted(kinds))


def raw_object_templates(objects: list[KubeObject]) -> list[Node]:
    """The `spec.object-templates-raw` values of the ConfigurationPolicies found: objects written as a
    template string, which are not YAML nodes of the file and so are not read (a reason to give when no
    SMCP is found, instead of saying there is none)."""
    out = []
    for obj in objects:
        if obj.kind == "ConfigurationPolicy":
            raw = get_value(obj.node, "spec", "object-templates-raw")
            if raw is not None:
                out.append(raw)
    return out


def smcp_label(node: MappingNode) -> str:
    """`namespace/name` (or `name` when it sets no namespace), as `--smcp` takes it."""
    name = scalar_at(node, "metadata", "name") or "?"
    namespace = scalar_at(node, "metadata", "namespace")
    return f"{namespace}/{name}" if namespace else name


def smcp_listing(smcps: list[MappingNode]) -> str:
    """`red-mesh-system/red-mesh (line 12), ...`: what a message lists to choose from."""
    return ", ".join(_("{smcp} (line {line})").format(smcp=smcp_label(n), line=n.start_mark.line + 1) for n in smcps)


def select_smcp(smcps: list[MappingNode], selector: str | int | None, path: str) -> MappingNode | None:
    """The SMCP `selector` names: `NAME` or `NAMESPACE/NAME` (from `--smcp`), or an index into `smcps`
    (the wizard parses its own edits again and keeps the one it started with: a rename in the wizard
    must not lose it). No selector: the only one, or None when there are several (`require_smcp_v2`
    then asks for one)."""
    if selector is None:
        return smcps[0] if len(smcps) == 1 else None
    if isinstance(selector, int):
        return smcps[selector] if 0 <= selector < len(smcps) else None
    matches = [n for n in smcps if selector in (smcp_label(n), scalar_at(n, "metadata", "name"))]
    if len(matches) == 1:
        return matches[0]
    first = (matches or smcps or [None])[0]
    line, column = (first.start_mark.line + 1, first.start_mark.column + 1) if first is not None else (1, 1)
    if not smcps:
        message = _("--smcp {selector}: this file holds no ServiceMeshControlPlane").format(selector=selector)
        hint = _("give the file that holds it")
    elif not matches:
        message = _("--smcp {selector}: no ServiceMeshControlPlane of that name here; this file holds {listing}").format(
            selector=selector, listing=smcp_listing(smcps))
        hint = _("give one of those names (NAME or NAMESPACE/NAME)")
    else:
        message = _("--smcp {selector} names {count} ServiceMeshControlPlanes here: {listing}").format(
            selector=selector, count=len(matches), listing=smcp_listing(matches))
        hint = _("name it as NAMESPACE/NAME; when even that is the same, keep each one in a file of its own")
    raise InputError(message, path=path, line=line, column=column, hint=hint)


def several_smcps_error(smcps: list[MappingNode], path: str) -> InputError:
    """Several SMCPs and none chosen: the error that lists them, at the second one."""
    second = smcps[1].start_mark
    return InputError(_("more than one ServiceMeshControlPlane in this file: {listing}").format(
                          listing=smcp_listing(smcps)),
                      path=path, line=second.line + 1, column=second.column + 1,
                      hint=_("pick one with --smcp NAME (or --smcp NAMESPACE/NAME)"))
