"""Every object of a file against the CRD schema of its kind (`crd_schema`), as findings at their line:
SMF084 for a field the API server would drop (it accepts the object without it, so nothing says so),
SMF085 for a value it would reject. Objects of kinds without a shipped schema are not judged here.
"""
from __future__ import annotations

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import crd_schema
from ..findings import ERROR, WARNING, Finding, Rule
from ..i18n import N_, _
from ..source import Source
from ..yaml_nodes import get, scalar_at
from .checker import Checker, Options


SMF084 = Rule("SMF084", WARNING, N_("the API server drops this field"),
              N_("the CRD schema has no such field: remove it, or move it where the schema has it"))
SMF085 = Rule("SMF085", ERROR, N_("the API server rejects this value"),
              N_("give the value the CRD schema asks for (see the message)"))


def check_schema(src: Source, already: list[Finding] = ()) -> list[Finding]:
    """The schema findings of every object in `src` (documents and wrapped ones). A place another
    rule already reported (`already`: an unknown key, a wrong type) is not reported twice."""
    checker = Checker(src, Options())
    taken = {(f.line, f.column) for f in already if f.file in ("", src.path)}
    for obj in src.objects:
        api_version, kind = scalar_at(obj.node, "apiVersion"), obj.kind
        if not api_version or not kind or not crd_schema.has_schema(api_version, kind):
            continue
        value = _python(obj.node)
        if value is None:
            continue
        for problem in crd_schema.validate(value):
            node = _node_at(obj.node, problem.path, key=problem.pruned)
            if (node.start_mark.line + 1, node.start_mark.column + 1) in taken:
                continue
            if problem.pruned:
                moved = crd_schema.level_with_field(api_version, kind, problem.path) \
                    if problem.reason == crd_schema.UNKNOWN_FIELD else None
                checker.report(SMF084, node, problem.where, _(
                    "{message} (CRD schema of {kind} {api_version}; under strict field validation it is "
                    "rejected)").format(message=problem.message, kind=kind, api_version=api_version),
                    _("the schema has it at {path}: move it there (is it indented too deep?)").format(
                        path=crd_schema.path_text(moved)) if moved else None)
            else:
                checker.report(SMF085, node, problem.where, _("{message} (CRD schema of {kind} {api_version})").format(
                    message=problem.message, kind=kind, api_version=api_version))
    return checker.findings


_TAG = "tag:yaml.org,2002:"
_SCALARS = SafeConstructor()   # only its per-scalar methods are used: they keep no state


class _Unusual(Exception):
    """A node the direct walk does not build (a merge key, a tag other than str/int/bool/null/float)."""


def _python(node: MappingNode):
    """The object as the API server would read it (YAML 1.1 types, as kubectl's YAML decoder reads
    them closely enough for structural checks); None when it cannot be built (the other rules say why).
    The nodes are walked directly, as PyYAML's constructor would build them but several times faster
    (validate reads 200 files in under a second); anything unusual goes through the constructor."""
    try:
        try:
            return _build(node, 0)
        except _Unusual:
            return SafeConstructor().construct_document(node)
    except (ConstructorError, ValueError, TypeError, RecursionError):
        return None


def _build(node: Node, depth: int):
    if depth > 100:   # the parser's depth guard already refused deeper files: an alias loop
        raise RecursionError
    if isinstance(node, MappingNode):
        out = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag == _TAG + "merge":
                raise _Unusual
            out[_scalar(key)] = _build(value, depth + 1)
        return out
    if isinstance(node, SequenceNode):
        return [_build(item, depth + 1) for item in node.value]
    return _scalar(node)


def _scalar(node: Node):
    tag = node.tag
    if tag == _TAG + "str":
        return node.value
    if tag == _TAG + "int":
        return _SCALARS.construct_yaml_int(node)
    if tag == _TAG + "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "float":
        return _SCALARS.construct_yaml_float(node)
    raise _Unusual


def _node_at(root: Node, path: tuple, *, key: bool) -> Node:
    """The node at a schema path (keys and list indexes), or the deepest one that exists; with `key`,
    a field's name rather than its value (a dropped field is pointed at by its name)."""
    node = root
    for index, seg in enumerate(path):
        if isinstance(seg, int) and isinstance(node, SequenceNode) and seg < len(node.value):
            node = node.value[seg]
        elif isinstance(seg, str) and isinstance(node, MappingNode) and get(node, seg) is not None:
            name, value = get(node, seg)
            node = name if key and index == len(path) - 1 else value
        else:
            break
    return node


def with_schema(src: Source, findings: list[Finding]) -> list[Finding]:
    """`findings` (the other rules' over `src`) and the schema's, the places already reported left out."""
    return findings + check_schema(src, findings)
