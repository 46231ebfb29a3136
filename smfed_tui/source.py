"""Reading an SMCP file safely: bytes to text, guards, and the node tree with positions.

The file is decoded once into text with `\\n` line ends (CRLF and a BOM are remembered and put back by
`encode`), parsed with PyYAML's C composer into nodes that carry exact character offsets, and
checked before anything walks it: size, encoding, templating, depth, alias expansion, duplicate keys.
The editor splices into this same text, so offsets stay valid and untouched bytes stay untouched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .crd_schema import schema_for
from .errors import InputError
from .i18n import _
from .kube_objects import (ARGOCD_GROUP, RHACM_POLICY_GROUP, SMCP_KIND, KubeObject, find_objects, raw_object_templates,
                           select_smcp, several_smcps_error)
from .yaml_nodes import bool_value, get, get_value, int_value, is_null, scalar_at

# the node helpers are part of this module's interface (most of the core reads nodes through here)
__all__ = ["Source", "parse", "decode", "require_smcp_v2", "SMCP_KIND", "SMCP_API", "MAX_DEPTH",
           "get", "get_value", "scalar_at", "is_null", "int_value", "bool_value"]

try:  # the C composer is ten times faster; fall back so a bare libyaml-less install still works
    _ComposingLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _ComposingLoader = yaml.SafeLoader

_RESOLVED_MAX = 4096     # plain scalars whose tag is remembered (then the memory starts over)
_RESOLVED_LENGTH = 64    # longer values are resolved each time (keys, names and ports are short)
_STR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG


class _Loader(_ComposingLoader):
    """The safe loader, remembering the tag each short plain scalar resolved to. The wizard parses
    its whole file again on every keystroke; even with the C composer, PyYAML resolves every node
    in Python, every plain scalar against a dozen regular expressions, and a 1,500-line SMCP holds
    about 3,000 nodes, almost all of its scalars the same few hundred values.

    What `BaseResolver.resolve` returns, for a loader without path resolvers (the safe loader has
    none): a plain scalar's tag depends on its value alone; any other scalar (quoted, a block
    scalar, `!`) is a string; a mapping or sequence is one. So remembering a plain scalar's tag by
    its value, and answering the rest without the general code (a third of the parse went there,
    0.6 ms a keystroke on 50 peers), changes no result."""

    _resolved: dict = {}

    # The composer calls these around every node; they only serve path resolvers, which the safe
    # loader has none of.
    def descend_resolver(self, current_node, current_index) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            tag = self._resolved.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= _RESOLVED_LENGTH:
                    if len(self._resolved) >= _RESOLVED_MAX:
                        self._resolved.clear()
                    self._resolved[value] = tag
            return tag
        return _MAP_TAG if kind is MappingNode else _SEQ_TAG

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 100_000
SMCP_API = "maistra.io/v2"

_TEMPLATE = re.compile(r"\{\{|\{%|\{#")
_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
         b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


@dataclass
class Source:
    """One YAML file as text, with its SMCP (if any) parsed: a document of its own or wrapped in a
    List or an RHACM policy (`kube_objects`)."""

    path: str
    text: str                 # `\n` line ends, no BOM
    bom: bool
    crlf: bool
    documents: list[Node]     # every document's root node, in file order
    smcp: MappingNode | None  # the SMCP's mapping: the only one, or the one chosen (`parse(smcp=...)`)
    objects: list[KubeObject] = field(default_factory=list)  # every object, documents and wrapped ones
    smcps: list[MappingNode] = field(default_factory=list)   # every SMCP in the file, in file order

    @property
    def smcp_index(self) -> int | None:
        """Which of `smcps` is `smcp`: what to pass to `parse(smcp=...)` for an edit of this file."""
        return next((i for i, n in enumerate(self.smcps) if n is self.smcp), None)

    def per_smcp(self) -> list["Source"]:
        """This file once per SMCP it holds, each with that one as `smcp` (`validate` checks them all);
        the file itself when it holds one or none."""
        if len(self.smcps) < 2:
            return [self]
        return [replace(self, smcp=node) for node in self.smcps]

    def encode(self, text: str | None = None) -> bytes:
        """Bytes for `text` (default: the loaded text) in this file's own BOM and line ends."""
        text = self.text if text is None else text
        if self.crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if self.bom else data

    def smcp_text(self) -> str:
        """The SMCP alone (what `apply` sends): its exact text, without the other documents. A wrapped
        SMCP (a List item, a policy's objectDefinition) is moved left to column 1, as a document of
        its own; its lines keep their relative indentation."""
        node = self.smcp
        if node is None:
            return ""
        start = self.text.rfind("\n", 0, node.start_mark.index) + 1
        text = self.text[start:node.end_mark.index].rstrip() + "\n"
        column = node.start_mark.column
        if column == 0 or node.flow_style:
            return text if column == 0 else self.text[node.start_mark.index:node.end_mark.index] + "\n"
        lines = text.split("\n")
        lines[0] = " " * column + lines[0][column:]   # a List item's `- ` goes with the List
        # Lines of the block start at its column or deeper; a comment or blank line may start left of it.
        return "\n".join(line[min(column, len(line) - len(line.lstrip(" "))):] for line in lines)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = self.text.count("\n", 0, index) + 1
        col = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return line, col


def decode(data: bytes, path: str) -> tuple[str, bool, bool]:
    """Return (text with `\\n` ends, had BOM, had CRLF). Refuses what YAML tools disagree on."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise InputError(_("the file is {encoding}, not UTF-8").format(encoding=name), path=path, line=1, column=1,
                             hint=_("save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)"))
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    guess = None if bom else _wide_encoding(data)
    if guess:
        raise InputError(_("the file looks like {encoding} (no byte order mark), not UTF-8").format(encoding=guess),
                         path=path, line=1, column=1,
                         hint=_("save it as UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)").format(encoding=guess))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1  # in characters, as editors count
        raise InputError(_("invalid UTF-8 byte 0x{byte:02x}").format(byte=data[exc.start]), path=path, line=line,
                         column=col, hint=_("save the file as UTF-8")) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(_("the file contains a NUL character; YAML cannot hold one"), path=path,
                         line=text.count("\n", 0, nul) + 1, column=nul - (text.rfind("\n", 0, nul) + 1) + 1,
                         hint=_("is this a binary file?"))
    crlf_count = text.count("\r\n")
    lf_count = text.count("\n")
    crlf = crlf_count > 0
    if crlf and crlf_count != lf_count:
        line, lf_only = next((i, ln) for i, ln in enumerate(text.split("\n"), 1) if not ln.endswith("\r"))
        raise InputError(_("mixed line endings (CRLF and LF)"), path=path, line=line, column=len(lf_only) + 1,
                         hint=_("convert the file to one style, e.g. `dos2unix FILE`"))
    if crlf:
        text = text.replace("\r\n", "\n")
    cr = text.find("\r")
    if cr >= 0:  # YAML breaks lines there too: every line number and every inserted line would be off
        raise InputError(_("a line ends with a bare CR (classic Mac OS line ending)"), path=path,
                         line=text.count("\n", 0, cr) + 1, column=cr - (text.rfind("\n", 0, cr) + 1) + 1,
                         hint=_("convert the file to LF line endings, e.g. `tr '\\r' '\\n' < FILE`"))
    return text, bom, crlf


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, told by where the NULs of the first character are (YAML 1.2
    §5.2) and by how many NULs the start holds (a YAML file is mostly ASCII: half of its UTF-16 bytes
    are NUL, three quarters of its UTF-32 ones). Decoded as UTF-8 it would only say "NUL character",
    which does not tell what to do; but one stray NUL before UTF-8 text is that NUL, not UTF-16."""
    head, sample = data[:4], data[:256]
    share = sample.count(0) / len(sample) if sample else 0
    if len(head) == 4 and (head[:3] == b"\0\0\0" or head[1:] == b"\0\0\0") and share >= 0.6:
        return "UTF-32"
    if len(head) >= 2 and (head[0] == 0) != (head[1] == 0) and share >= 0.3:
        return "UTF-16"
    return None


def find_template_marker(text: str) -> tuple[int, int] | None:
    """(line, column) of the first `{{`/`{%` outside a comment: Helm, Jinja or Go templates."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        m = _TEMPLATE.search(line)
        if m:
            return number, m.start() + 1
    return None


def _argocd_templated(text: str) -> bool:
    """Whether `text` is an Argo CD ApplicationSet: its `{{ }}` are Argo CD's values inside YAML strings,
    so the file is plain YAML (were one unquoted, the YAML parser still says where)."""
    return ARGOCD_GROUP in text and "ApplicationSet" in text


def parse(data: bytes, path: str, *, trusted: bool = False, smcp: str | int | None = None) -> Source:
    """Decode and parse `data`; InputError (with line and column) for anything we cannot use safely.

    `trusted` skips the guards against hostile input: only for text this program derived from a
    file that already passed them (the wizard re-parses its own edits on every keystroke).
    `smcp` chooses the SMCP of a file that holds several (`kube_objects.select_smcp`)."""
    text, bom, crlf = decode(data, path)
    if not trusted:
        marker = find_template_marker(text)
        if marker and RHACM_POLICY_GROUP in text:
            raise InputError(_("an RHACM policy template (`{{ }}`): the hub or the managed cluster fills this value in, "
                               "so the SMCP cannot be checked or edited as the cluster will get it"), path=path,
                             line=marker[0], column=marker[1],
                             hint=_("check what the cluster gets (oc get smcp -n NAMESPACE -o yaml there); to use the "
                                    "wizard on this file, keep templated values out of it"))
        if marker and not _argocd_templated(text):
            raise InputError(_("this is a template (Helm, Jinja or Go `{{ }}`), not a YAML file"), path=path,
                             line=marker[0], column=marker[1],
                             hint=_("render it first (`helm template`, `ansible-playbook --check`...) and edit the output"))
        check_depth(text, path)
    try:
        documents = [d for d in yaml.compose_all(text, Loader=_Loader) if d is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or _("not valid YAML")
        raise InputError(_("not valid YAML: {problem}").format(problem=problem), path=path,
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         hint=_("fix the YAML syntax at this position")) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (ESC, other C0/C1 controls)
        index = exc.position
        if _ComposingLoader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes
            index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, col = text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
        raise InputError(_("not valid YAML: {problem}").format(problem=f"{exc.reason}: U+{exc.character:04X}"),
                         path=path, line=line, column=col,
                         hint=_("remove the character, or write it as an escape inside double quotes (e.g. \"\\e\")")
                         ) from None
    except yaml.YAMLError as exc:
        raise InputError(_("not valid YAML: {problem}").format(problem=exc), path=path, line=1, column=1) from None
    except RecursionError:
        raise InputError(_("the YAML nests too deeply"), path=path, line=1, column=1) from None
    if not trusted:
        for doc in documents:
            check_tree(doc, path)  # depth first: the alias check below walks the tree recursively
            if "&" in text:  # no anchor, no alias: nothing to expand
                check_aliases(doc, path, text)
    objects = find_objects(documents)
    smcps = [o.node for o in objects if o.kind == SMCP_KIND]
    return Source(path, text, bom, crlf, documents, select_smcp(smcps, smcp, path), objects, smcps)


def require_smcp_v2(src: Source) -> MappingNode:
    """The SMCP mapping, or an InputError saying why this file cannot be edited as one."""
    if src.smcp is None and len(src.smcps) > 1:
        raise several_smcps_error(src.smcps, src.path)
    raw = raw_object_templates(src.objects) if src.smcp is None else []
    if raw:
        mark = raw[0].start_mark
        raise InputError(_("no ServiceMeshControlPlane read in this file: a ConfigurationPolicy holds its objects in "
                           "object-templates-raw, a template string the wizard does not read"),
                         path=src.path, line=mark.line + 1, column=mark.column + 1,
                         hint=_("write them as object-templates (a list of objectDefinitions) to check and edit the "
                                "SMCP in place, or keep the SMCP in a file of its own"))
    if src.smcp is None:
        kinds = list(dict.fromkeys(o.kind for o in src.objects if o.kind))
        fragment = _spec_fragment(src)
        if not kinds and fragment is not None:   # a snippet copied from the docs: say what it is
            keys, node = fragment
            raise InputError(_("this is a part of a ServiceMeshControlPlane's spec ({keys}), not a whole "
                               "ServiceMeshControlPlane").format(keys=", ".join(keys)),
                             path=src.path, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                             hint=_("put these keys under spec: of a ServiceMeshControlPlane (apiVersion: maistra.io/v2, "
                                    "kind: ServiceMeshControlPlane, metadata: name and namespace), in this file or "
                                    "in the SMCP they belong to"))
        what = ", ".join(kinds) or _("no Kubernetes object")
        raise InputError(_("no ServiceMeshControlPlane document in this file (found: {kinds})").format(kinds=what),
                         path=src.path, line=1, column=1,
                         hint=_("give a file that holds a ServiceMeshControlPlane (a document of its own, an item of a "
                                "List, or an RHACM policy's objectDefinition), or the name of a new file to start one"))
    api = scalar_at(src.smcp, "apiVersion")
    if api != SMCP_API:
        node = get(src.smcp, "apiVersion")
        mark = (node[1] if node else src.smcp).start_mark  # the value, where validate's SMF005 points
        raise InputError(_("apiVersion is {api!r}; federation needs a {expected} ServiceMeshControlPlane").format(
                             api=api, expected=SMCP_API),
                         path=src.path, line=mark.line + 1, column=mark.column + 1,
                         hint=_("convert the SMCP to maistra.io/v2 (OSSM 2.x), then run the wizard"))
    return src.smcp


def _spec_fragment(src: Source) -> tuple[list[str], Node] | None:
    """The SMCP spec keys (and the first one's node) of a file's first document when it is no object,
    only such keys: the docs show their examples so (`gateways:` at the top)."""
    doc = src.documents[0] if src.documents else None
    if not isinstance(doc, MappingNode) or not doc.value or get(doc, "kind") is not None:
        return None
    spec = schema_for(SMCP_API, SMCP_KIND) or {}
    known = set(spec.get("properties", {}).get("spec", {}).get("properties", {}))
    keys = [k for k, _v in doc.value if isinstance(k, ScalarNode)]
    if not keys or any(k.value not in known for k in keys):
        return None
    return [k.value for k in keys], keys[0]


# --- guards -----------------------------------------------------------------------------------

_BRACKETS = re.compile(r"[\[\]{}#'\"]")


def check_depth(text: str, path: str) -> None:
    """Refuse deep nesting before the (recursive) composer sees it: flow brackets and indentation."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        # block nesting is bounded by indentation: each level costs at least one column
        indent = len(line) - len(line.lstrip(" "))
        if indent > MAX_DEPTH * 8 and not line.lstrip(" -").startswith("#"):
            raise InputError(_("the YAML nests too deeply (indentation {indent})").format(indent=indent), path=path,
                             line=number,
                             column=indent + 1,
                             hint=_("an SMCP needs far less than {depth} levels").format(depth=MAX_DEPTH))
        for m in _BRACKETS.finditer(line):
            ch = m.group()
            if ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(_("the YAML nests more than {depth} levels deep").format(depth=MAX_DEPTH), path=path,
                                     line=number, column=m.start() + 1, hint=_("an SMCP needs far less"))
            elif ch in "]}":
                depth = max(0, depth - 1)
            elif ch == "#" and (m.start() == 0 or line[m.start() - 1] == " "):
                break
            elif ch in "'\"":
                break  # quoted text: brackets inside do not nest; a rough stop is enough for a bound


def check_tree(root: Node, path: str) -> None:
    """One iterative walk over the composed tree, in document order (each node once, so aliases cost
    nothing): refuse nesting deeper than MAX_DEPTH and duplicate keys.

    Depth: the text scan above is a quick first look, but block sequences on one line (`- - - x`),
    complex keys and brackets after a quote get past it; libyaml stops at 1,000 levels, deep enough
    to exhaust Python's recursion limit in any recursive walk. So the tree itself is measured.
    Duplicate keys: YAML readers disagree on them (first wins, last wins, undefined)."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue  # an alias: its anchor was checked where it is defined
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError(_("the YAML nests more than {depth} levels deep").format(depth=MAX_DEPTH), path=path,
                             line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                             hint=_("an SMCP needs far less"))
        if isinstance(node, MappingNode):
            keys: dict[str, Node] = {}
            for k, _v in node.value:
                if isinstance(k, ScalarNode):
                    if k.value in keys and k.value != "<<":
                        first = keys[k.value].start_mark
                        raise InputError(_("duplicate key {key!r} (first at line {first})").format(
                                             key=k.value, first=first.line + 1), path=path,
                                         line=k.start_mark.line + 1, column=k.start_mark.column + 1,
                                         hint=_("keep one of them: YAML readers disagree on which one wins"))
                    keys[k.value] = k
            depth += 1
            for k, v in reversed(node.value):
                stack.append((v, depth))
                stack.append((k, depth))
        elif isinstance(node, SequenceNode):
            depth += 1
            stack.extend([(child, depth) for child in reversed(node.value)])


def check_aliases(root: Node, path: str, text: str) -> None:
    """Refuse documents whose aliases expand to far more nodes than the file holds (billion laughs)."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # pre-seed so a recursive alias terminates
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        sizes[key] = total
        return total

    expanded = size(root)
    if expanded > MAX_EXPANDED_NODES and expanded > 10 * len(sizes):
        raise InputError(_("aliases expand this document to {count:,} nodes (an alias bomb?)").format(count=expanded),
                         path=path,
                         line=root.start_mark.line + 1, column=root.start_mark.column + 1,
                         hint=_("remove the `&anchor`/`*alias` chains"))
    if _has_cycle(root):
        raise InputError(_("a recursive alias (an anchor used inside itself)"), path=path,
                         line=root.start_mark.line + 1, column=root.start_mark.column + 1,
                         hint=_("a Kubernetes object cannot be recursive"))


def _has_cycle(root: Node) -> bool:
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    stack = [(root, iter(_children(root)))]
    state[id(root)] = 1
    while stack:
        node, it = stack[-1]
        child = next(it, None)
        if child is None:
            state[id(node)] = 2
            stack.pop()
            continue
        s = state.get(id(child))
        if s == 1:
            return True
        if s is None:
            state[id(child)] = 1
            stack.append((child, iter(_children(child))))
    return False


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []
