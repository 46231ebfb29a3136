"""A YAML file's own layout: how far its mappings indent and where its lists put the `-`, so text
written into it (`splice`) looks like the rest of it."""
from __future__ import annotations

from collections import Counter

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .emit import Style


def detect_style(root: Node, *whole_file: Node) -> Style:
    """The mapping indent and list offset most common among `root`'s block nodes. Where `root` has
    none to tell (an SMCP without lists), the rest of the file (`whole_file`: its documents) decides,
    so a list added to a wrapped SMCP is indented like the List's or the policy's own."""
    indents, offsets, ordered = _style_counts(root)
    if whole_file and not (indents and offsets):
        file_counts = [_style_counts(doc) for doc in whole_file]
        indents = indents or sum((counts[0] for counts in file_counts), Counter())
        offsets = offsets or sum((counts[1] for counts in file_counts), Counter())
    indent = indents.most_common(1)[0][0] if indents else 2
    offset = offsets.most_common(1)[0][0] if offsets else 0
    # Sorted only when every mapping is, and enough of them to tell it from chance (three keys in a
    # row like `metadata, spec, ...` happen to be sorted in hand-written files too).
    sorted_keys = ordered[1] == 0 and ordered[0] >= 4
    return Style(indent=indent, seq_offset=max(0, offset), sorted_keys=sorted_keys)


def _style_counts(root: Node) -> tuple[Counter, Counter, list[int]]:
    """Under `root`: how often each mapping indent and each list offset occurs, and how many block
    mappings of 2+ keys are [sorted, not sorted]."""
    indents: Counter = Counter()
    offsets: Counter = Counter()
    ordered = [0, 0]
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen or getattr(node, "flow_style", False):
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
            if len(keys) >= 2:
                ordered[keys != sorted(keys)] += 1
            for k, v in node.value:
                if v.start_mark.index < k.end_mark.index:
                    continue  # an alias pointing back at an anchor
                if isinstance(v, MappingNode) and not v.flow_style and v.value:
                    diff = v.value[0][0].start_mark.column - k.start_mark.column
                    if diff > 0:
                        indents[diff] += 1
                elif isinstance(v, SequenceNode) and not v.flow_style and v.value:
                    offsets[v.start_mark.column - k.start_mark.column] += 1   # a block list starts at its `-`
                stack.append(v)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return indents, offsets, ordered
