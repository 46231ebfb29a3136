"""Text-level edits of a parsed YAML document that leave every other byte where it was.

Each operation turns into a patch (start, end, replacement) on the original text, located by the
exact offsets the composer recorded. Missing parents are created by nesting every insertion that
shares the deepest existing mapping into one block, written in the file's own style.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .emit import Style, emit_pair, emit_value_lines
from .errors import InputError
from .i18n import N_, _
from .smcp_paths import Item, build_tree, path_text
from .quoting import format_scalar
from .source import Source, get

DELETE = None  # setting a path to None removes it


def _dash_column(seq: SequenceNode) -> int:
    # A block sequence's start mark is its first `-`.
    return seq.start_mark.column


def _is_alias_of_earlier(key: Node, value: Node) -> bool:
    return value.start_mark.index < key.end_mark.index


@dataclass
class Splicer:
    src: Source
    root: MappingNode
    style: Style
    patches: list[tuple[int, int, tuple, str]] = field(default_factory=list)  # (start, end, (rank, seq), text)
    _pending: dict[int, tuple[Node, tuple, list]] = field(default_factory=dict)
    _seq: int = 0
    _deletions: dict[int, tuple] = field(default_factory=dict)

    # --- public operations --------------------------------------------------------------------

    def set(self, path: tuple, value: object, order: list[tuple] | None = None) -> None:
        """Make `path` hold `value` (None deletes it). `order` is every path of the desired document in
        order, used to place a new key after its intended predecessor."""
        parent, node, depth = self._walk(path)
        if depth == len(path):
            if value is DELETE:
                self._delete(parent, path)
            else:
                self._replace(node, value, path)
            return
        if value is DELETE:
            return  # already absent
        if isinstance(node, SequenceNode) and not isinstance(path[depth], Item):  # a key under a list
            self._fail(node, _("{path} holds a list, expected a mapping").format(path=path_text(path[:depth])))
        pending = self._pending.setdefault(id(node), (node, path[:depth], []))
        pending[2].append((path[depth:], value, order))

    def rename_key(self, mapping_path: tuple, old: str, new: str) -> None:
        _parent, mapping, depth = self._walk(mapping_path)
        pair = get(mapping, old) if depth == len(mapping_path) else None
        if pair is None:
            raise KeyError(path_text(mapping_path + (old,)))
        key = pair[0]
        self._patch(key.start_mark.index, key.end_mark.index, format_scalar(new, prefer=key.style or ""))

    def result(self) -> str:
        self._flush_pending()
        self._flush_deletions()
        self._check_anchors()
        text = self.src.text
        out = []
        last = len(text)
        for start, end, _order, repl in sorted(self.patches, key=lambda p: (p[0], p[1], p[2]), reverse=True):
            if end > last:
                raise AssertionError("overlapping edits")  # a bug in the caller, not a user error
            out.append(text[end:last])
            out.append(repl)
            last = start
        out.append(text[:last])
        result = "".join(reversed(out))
        if text and not text.endswith("\n") and result.endswith("\n"):
            result = result[:-1]  # the file's last block was deleted: still no final newline
        return result

    def _check_anchors(self) -> None:
        """Text that an edit removes or replaces must not hold an anchor used outside it: the alias
        would be left pointing at nothing and the file would no longer parse."""
        ranges = [(p[0], p[1]) for p in self.patches if p[0] < p[1]]
        if not ranges or "&" not in self.src.text:
            return
        refs: dict[int, tuple[Node, list[int]]] = {}  # node -> where each reference to it is written
        stack: list[tuple[Node, int]] = [(self.root, self.root.start_mark.index)]
        while stack:
            node, at = stack.pop()
            if id(node) in refs:
                refs[id(node)][1].append(at)
                continue
            refs[id(node)] = (node, [at])
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    stack += [(k, k.start_mark.index), (v, k.start_mark.index)]
            elif isinstance(node, SequenceNode):
                stack += [(item, node.start_mark.index) for item in node.value]

        def removed(index: int) -> bool:
            return any(start <= index < end for start, end in ranges)

        for node, ats in refs.values():  # several references: an anchor and its aliases
            if len(ats) > 1 and removed(node.start_mark.index) and not all(removed(at) for at in ats):
                self._fail(node, _("this edit would remove an anchor (`&name`) that is used elsewhere in the "
                                   "file; the aliases (`*name`) would point at nothing"))

    # --- walking --------------------------------------------------------------------------------

    def _walk(self, path: tuple) -> tuple[Node | None, Node, int]:
        """Follow `path` as far as it exists: (parent of the last node, last node, segments matched)."""
        parent: Node | None = None
        node: Node = self.root
        for depth, seg in enumerate(path):
            if isinstance(seg, Item):
                if not isinstance(node, SequenceNode):
                    return parent, node, depth
                nxt = next((it for it in node.value if _item_matches(it, seg)), None)
                if nxt is None:
                    return parent, node, depth
            else:
                pair = get(node, seg)
                if pair is None:
                    return parent, node, depth
                if _is_alias_of_earlier(*pair):
                    line, col = self.src.position(pair[0].start_mark.index)
                    raise InputError(_("{path} is an alias of an anchor elsewhere; editing it would change every "
                                       "place that uses the anchor").format(path=path_text(path[:depth + 1])),
                                     path=self.src.path, line=line, column=col,
                                     hint=_("expand the alias by hand, then edit"))
                nxt = pair[1]
            parent, node = node, nxt
        return parent, node, len(path)

    # --- patches -----------------------------------------------------------------------------------

    def _patch(self, start: int, end: int, text: str, rank: int = 0) -> None:
        """Patches at the same place are written in (rank, call order)."""
        self._seq += 1
        self.patches.append((start, end, (rank, self._seq), text))

    def _replace(self, node: Node, value: object, path: tuple) -> None:
        if isinstance(value, (list, tuple)):
            self._replace_list(node, list(value), path)
            return
        if not isinstance(node, ScalarNode):
            self._fail(node, _("{path} holds a {kind}, expected a single value").format(
                path=path_text(path), kind=_(_kind(node))))
        if node.value == "" and node.style is None:  # `key:` with nothing after it
            self._patch(node.start_mark.index, node.end_mark.index, " " + format_scalar(value))
            return
        current = node.value
        if not isinstance(value, str) and format_scalar(value) == current and node.style is None:
            return
        if isinstance(value, str) and value == current and node.tag == "tag:yaml.org,2002:str":
            return
        self._patch(node.start_mark.index, node.end_mark.index, format_scalar(value, prefer=node.style or ""))

    def _replace_list(self, node: Node, items: list, path: tuple) -> None:
        if isinstance(node, SequenceNode) and node.flow_style or (isinstance(node, ScalarNode) and node.value != ""):
            flow = "[" + ", ".join(format_scalar(i) for i in items) + "]"
            self._patch(node.start_mark.index, node.end_mark.index, flow)
            return
        if isinstance(node, SequenceNode):
            if not node.value:
                self._fail(node, _("{path}: an empty block list cannot be edited in place").format(path=path_text(path)))
            if self._patch_list_items(node, items):
                return
            col = _dash_column(node)
            start = self._line_start(node.start_mark.index)
            end = self._line_after(_last_line_end(self.src.text, node))
            lines = emit_value_lines(items, col, self.style)
            self._patch(start, end, "".join(line + "\n" for line in lines))
            return
        self._fail(node, _("{path} holds a {kind}, expected a list").format(path=path_text(path), kind=_(_kind(node))))

    def _patch_list_items(self, node: SequenceNode, items: list) -> bool:
        """Change a block list of plain one-line strings item by item: an item that stays keeps its line
        (and its comment, its quotes), a changed item is rewritten in place, a removed one loses its line,
        a new one gets a line of its own. False, with nothing done, for any other list (the caller writes
        the list anew)."""
        text = self.src.text
        olds = node.value
        if not items or not all(isinstance(i, str) for i in items):
            return False
        previous_end = node.start_mark.index - 1
        for item in olds:
            start = item.start_mark.index
            line_start = self._line_start(start)
            if (not isinstance(item, ScalarNode) or item.tag != "tag:yaml.org,2002:str" or start <= previous_end
                    or text[line_start:start].strip() != "-" or "\n" in text[start:item.end_mark.index]
                    or text[start] in "&*!"):
                return False   # not one plain `- value` per line (an alias, an anchor, a tag, a folded value)
            previous_end = item.end_mark.index
        col = _dash_column(node)
        matcher = difflib.SequenceMatcher(None, [i.value for i in olds], items, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for item, value in zip(olds[i1:i2], items[j1:j2]):
                    self._patch(item.start_mark.index, item.end_mark.index, format_scalar(value, prefer=item.style or ""))
                continue
            if i2 > i1:   # these items go, their lines with them
                self._patch(self._line_start(olds[i1].start_mark.index), self._line_after(olds[i2 - 1].end_mark.index), "")
            if j2 > j1:   # new items, where the removed ones were or before the next one kept
                at = (self._line_start(olds[i1].start_mark.index) if i1 < len(olds)
                      else self._line_after(olds[-1].end_mark.index))
                lines = emit_value_lines(items[j1:j2], col, self.style)
                self._patch(at, at, "".join(line + "\n" for line in lines), rank=1)
        return True

    def _delete(self, mapping: Node, path: tuple) -> None:
        # Recorded now, written at flush: removing every key of a mapping removes the mapping's own
        # key instead, and the two must not become overlapping patches.
        self._deletions[id(get(mapping, path[-1])[0])] = path

    def _flush_deletions(self) -> None:
        deleted = dict(self._deletions)
        changed = True
        while changed:
            changed = False
            for key_id, path in list(deleted.items()):
                if len(path) < 2 or not isinstance(path[-2], str):
                    continue
                parent_path = path[:-1]
                grand, parent, depth = self._walk(parent_path)
                if depth != len(parent_path) or id(parent) in self._pending:
                    continue
                if all(id(k) in deleted for k, _ in parent.value):
                    parent_key = get(grand, parent_path[-1])[0]
                    if id(parent_key) not in deleted:
                        deleted[id(parent_key)] = parent_path
                        changed = True
        # write only the outermost deletions
        paths = set(deleted.values())
        for path in paths:
            if any(path[:n] in paths for n in range(1, len(path))):
                continue
            mapping = self._walk(path[:-1])[1]
            k, v = get(mapping, path[-1])
            start = self._line_start(k.start_mark.index)
            if self.src.text[start:k.start_mark.index].strip(" "):
                self._fail(k, _("{path} does not start its own line; remove it by hand").format(path=path_text(path)))
            # comment lines right above the key, at its column, describe it: they go with it
            start = self._leading_comments_start(start, k.start_mark.column)
            self._patch(start, self._block_end(k, v), "")

    # --- inserting -----------------------------------------------------------------------------------

    def _flush_pending(self) -> None:
        for node, base, entries in self._pending.values():
            tree = build_tree([(rest, value) for rest, value, _order in entries])
            if not tree:
                continue
            order = entries[0][2] or []
            if isinstance(node, MappingNode) and node.value and not node.flow_style:
                self._insert_into_mapping(node, base, tree, order)
            elif isinstance(node, MappingNode) and node.value and node.flow_style and self._flow_insertable(node):
                self._insert_into_flow_mapping(node, base, tree, order)
            elif isinstance(node, SequenceNode) and not node.flow_style and node.value:
                self._append_to_sequence(node, tree)
            elif _is_empty_value(node):
                self._fill_empty_value(node, base, tree)
            else:
                message = (_("cannot add {keys} under {path} (a {kind} in flow style `{{...}}`, e.g. JSON); write "
                             "it in block style first") if getattr(node, "flow_style", False) else
                           _("cannot add {keys} under {path} (a {kind}); write it in block style first"))
                self._fail(node, message.format(keys=", ".join(map(str, tree)), path=path_text(base),
                                                kind=_(_kind(node))))

    def _insert_into_mapping(self, mapping: MappingNode, base: tuple, tree: dict, order: list) -> None:
        column = mapping.value[0][0].start_mark.column
        level_keys = _keys_in_order(order, base)
        for key, value in tree.items():
            after = self._insertion_point(mapping, key, level_keys)
            lines = emit_pair(key, value, column, self.style)
            self._insert_lines(after, lines)

    def _flow_insertable(self, mapping: MappingNode) -> bool:
        """Whether new keys can go into this `{...}`: JSON (keys in double quotes), or flow YAML on one
        line, with no alias among its values (an alias's marks are its anchor's, elsewhere). Flow YAML
        over several lines is refused: its continuation lines must stay indented past the enclosing
        block, which the rest of the file decides."""
        pairs = mapping.value
        if any(_is_alias_of_earlier(k, v) for k, v in pairs):
            return False
        if all(isinstance(k, ScalarNode) and k.style == '"' for k, _v in pairs):
            return True
        return "\n" not in self.src.text[mapping.start_mark.index:mapping.end_mark.index]

    def _insert_into_flow_mapping(self, mapping: MappingNode, base: tuple, tree: dict, order: list) -> None:
        """New keys in a `{...}` mapping (a compact `- {port: 15443, name: tls}`, or JSON): each goes after
        the key that precedes it in the desired order, written like its neighbours: in JSON (keys in
        double quotes) as JSON, on lines of their own indented like the file when the mapping spans
        lines; otherwise as one-line flow YAML."""
        text = self.src.text
        level_keys = _keys_in_order(order, base)
        keys = [k.value for k, _v in mapping.value if isinstance(k, ScalarNode)]
        spans_lines = "\n" in text[mapping.value[0][0].start_mark.index:mapping.value[-1][1].end_mark.index]
        for key, value in tree.items():
            preceding = set(level_keys[:level_keys.index(key)]) if key in level_keys else set(keys)
            chosen = next((p for p in reversed(mapping.value) if isinstance(p[0], ScalarNode)
                           and p[0].value in preceding), mapping.value[-1])
            column = chosen[0].start_mark.column
            if chosen[0].style == '"':   # JSON
                opening = self._line_start(mapping.start_mark.index)
                step = max(column - (len(text[opening:]) - len(text[opening:].lstrip(" "))), 1) if spans_lines else None
                body = json.dumps(value, indent=step, ensure_ascii=False).replace("\n", "\n" + " " * column)
                pair = f"{json.dumps(key, ensure_ascii=False)}: {body}"
            else:
                pair = f"{format_scalar(key)}: {_flow_yaml(value)}"
            separator = ",\n" + " " * column if spans_lines else ", "
            self._patch(chosen[1].end_mark.index, chosen[1].end_mark.index, separator + pair)

    def _insertion_point(self, mapping: MappingNode, key: str, level_keys: list[str]) -> int:
        """After the last existing key that precedes `key` in the desired order, else after the last key.
        In a file whose keys are sorted, the desired order is the alphabet."""
        if self.style.sorted_keys:
            keys = [p[0].value for p in mapping.value if isinstance(p[0], ScalarNode)]
            level_keys = sorted(set(keys) | {key})
            first = mapping.value[0][0]
            if level_keys[0] == key and isinstance(first, ScalarNode):
                start = self._line_start(first.start_mark.index)
                if not self.src.text[start:first.start_mark.index].strip(" "):  # not after a `- `
                    return self._leading_comments_start(start, first.start_mark.column)
        preceding = set(level_keys[:level_keys.index(key)]) if key in level_keys else None
        chosen = mapping.value[-1]
        if preceding is not None:
            before = [p for p in mapping.value if isinstance(p[0], ScalarNode) and p[0].value in preceding]
            if before:
                chosen = before[-1]
        return self._block_end(*chosen)

    def _append_to_sequence(self, seq: SequenceNode, item: dict) -> None:
        col = _dash_column(seq)
        end = self._block_end(seq.value[-1], seq.value[-1])
        lines = emit_value_lines([item], col, self.style)
        self._insert_lines(end, lines)

    def _fill_empty_value(self, node: Node, base: tuple, tree: dict) -> None:
        """`key:`, `key: {}` or `key: null` becomes `key:` followed by the new block."""
        owner = self._walk(base[:-1])[1]
        pair = get(owner, base[-1]) if base else None
        if pair is None:
            self._fail(node, _("the document root is empty"))
        if getattr(owner, "flow_style", False):  # block lines inside `{...}` (JSON too) would not parse
            self._fail(node, _("cannot add {keys} under {path} (inside a flow-style mapping, e.g. JSON); write it "
                               "in block style first").format(keys=", ".join(map(str, tree)), path=path_text(base)))
        key = pair[0]
        column = key.start_mark.column + self.style.indent
        lines = emit_value_lines(tree, column, self.style)
        # drop `{}` / `null` / `~` after the colon, keep a trailing comment
        self._patch(node.start_mark.index, node.end_mark.index, "")
        line_end = self.src.text.find("\n", key.end_mark.index)
        line_end = len(self.src.text) if line_end < 0 else line_end
        head = self.src.text[key.end_mark.index:node.start_mark.index]
        if head.rstrip() != head:
            # the blank between `:` and the value goes with the value; a comment keeps its own spacing
            self._patch(key.end_mark.index + len(head.rstrip()), node.start_mark.index, "")
        self._insert_lines(self._line_after(line_end), lines)

    def _insert_lines(self, at: int, lines: list[str]) -> None:
        text = "".join(line + "\n" for line in lines)
        if at == len(self.src.text) and self.src.text and not self.src.text.endswith("\n"):
            # the file has no final newline: keep it that way
            text = "\n" + text[:-1]
        # Blocks inserted at one place go deepest first: `gateways:` ends where `security:` would be
        # added after it, and keys added into `gateways` must stay above `security:`, inside it.
        column = len(lines[0]) - len(lines[0].lstrip(" ")) if lines else 0
        self._patch(at, at, text, rank=-column)

    # --- positions ------------------------------------------------------------------------------------

    def _line_start(self, index: int) -> int:
        return self.src.text.rfind("\n", 0, index) + 1

    def _line_after(self, index: int) -> int:
        """Start of the line after the one holding `index` (or the end of the text)."""
        nl = self.src.text.find("\n", index)
        return len(self.src.text) if nl < 0 else nl + 1

    def _leading_comments_start(self, start: int, column: int) -> int:
        text = self.src.text
        while start > 0:
            prev = text.rfind("\n", 0, start - 1) + 1
            line = text[prev:start - 1]
            if line.strip().startswith("#") and len(line) - len(line.lstrip(" ")) == column:
                start = prev
            else:
                break
        return start

    def _block_end(self, key: Node, value: Node) -> int:
        """Start of the line after a pair's (or item's) last line, including comment lines indented
        deeper than the key that follow it: they belong to the block."""
        text = self.src.text
        last = key.end_mark.index if _is_alias_of_earlier(key, value) else max(
            key.end_mark.index, _last_line_end(text, value))
        end = self._line_after(last)
        column = key.start_mark.column
        while end < len(text):
            nxt = text.find("\n", end)
            line = text[end:nxt if nxt >= 0 else len(text)]
            stripped = line.lstrip(" ")
            if stripped.startswith("#") and len(line) - len(stripped) > column:
                end = len(text) if nxt < 0 else nxt + 1
            else:
                break
        return end

    def _fail(self, node: Node, message: str) -> None:
        line, col = self.src.position(node.start_mark.index)
        raise InputError(message, path=self.src.path, line=line, column=col,
                         hint=_("make this change by hand, or rewrite that part in block style"))


# --- helpers ----------------------------------------------------------------------------------------

def _item_matches(item: Node, seg: Item) -> bool:
    pair = get(item, seg.key)
    return bool(pair) and isinstance(pair[1], ScalarNode) and pair[1].value == str(seg.value)


def _is_empty_value(node: Node) -> bool:
    if isinstance(node, ScalarNode):
        return node.tag == "tag:yaml.org,2002:null"
    return isinstance(node, (MappingNode, SequenceNode)) and not node.value


def _kind(node: Node) -> str:
    """What a node holds, as a message id (a message shows it translated)."""
    return {MappingNode: N_("mapping"), SequenceNode: N_("list")}.get(type(node), N_("value"))


def _last_line_end(text: str, node: Node) -> int:
    """Offset of the last character of a node's content (for block nodes: of its last child)."""
    if isinstance(node, ScalarNode):
        end = node.end_mark.index
        while end > node.start_mark.index and text[end - 1] in "\n ":
            end -= 1
        return max(end, node.start_mark.index)
    if getattr(node, "flow_style", False) or not node.value:
        return node.end_mark.index - 1 if node.end_mark.index > node.start_mark.index else node.start_mark.index
    if isinstance(node, MappingNode):
        k, v = node.value[-1]
        if _is_alias_of_earlier(k, v):
            return k.end_mark.index
        return max(k.end_mark.index, _last_line_end(text, v))
    return _block_sequence_end(text, node)


def _block_sequence_end(text: str, seq: SequenceNode) -> int:
    """`_last_line_end` of a block sequence. An alias item carries its anchor's marks, not its own: when
    the last item is one, the lines after the last real item that still belong to the list (indented
    deeper than its `-`, or a `-` at its column) are found in the text."""
    prev_end, last_real, alias_last = seq.start_mark.index, None, False
    for item in seq.value:
        alias_last = item.start_mark.index < prev_end  # points back at an anchor before it
        if not alias_last:
            last_real, prev_end = item, item.end_mark.index
    end = seq.start_mark.index if last_real is None else _last_line_end(text, last_real)
    if not alias_last:
        return end
    column = seq.start_mark.column
    nl = text.find("\n", end)
    while nl >= 0:
        nxt = text.find("\n", nl + 1)
        line = text[nl + 1:nxt if nxt >= 0 else len(text)]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped and not stripped.startswith("#"):
            if not (indent > column or (indent == column and (stripped == "-" or stripped.startswith("- ")))):
                break
            end = nl + 1 + len(line.rstrip(" "))
        nl = nxt
    return end


def _flow_yaml(value: object) -> str:
    """`value` as one-line flow YAML: `{a: 1, b: [x, y]}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{format_scalar(k)}: {_flow_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow_yaml(v) for v in value) + "]"
    return format_scalar(value)


def _keys_in_order(order: list[tuple], base: tuple) -> list[str]:
    """The keys directly under `base`, in the order the desired document has them."""
    keys: list[str] = []
    n = len(base)
    for path in order:
        if len(path) > n and tuple(path[:n]) == tuple(base) and isinstance(path[n], str) and path[n] not in keys:
            keys.append(path[n])
    return keys
