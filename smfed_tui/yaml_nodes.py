"""Reading values out of composed YAML nodes (PyYAML's node tree, with positions) without building
Python objects: the editor needs the nodes themselves, for their exact offsets in the file."""
from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def get(mapping: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    """The (key node, value node) pair for `key`, or None."""
    if not isinstance(mapping, MappingNode):
        return None
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def get_value(mapping: Node | None, *keys: str) -> Node | None:
    node = mapping
    for key in keys:
        pair = get(node, key)
        if pair is None:
            return None
        node = pair[1]
    return node


def scalar_at(mapping: Node | None, *keys: str) -> str | None:
    node = get_value(mapping, *keys)
    if isinstance(node, ScalarNode) and not is_null(node):
        return node.value
    return None


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null")


def int_value(node: Node | None) -> int | None:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    return None


def bool_value(node: Node | None) -> bool | None:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    return None


def content(node: Node):
    """A node's value, comparable and hashable, whatever its layout, quoting or comments."""
    if isinstance(node, MappingNode):
        return frozenset((content(k), content(v)) for k, v in node.value)
    if isinstance(node, SequenceNode):
        return tuple(content(item) for item in node.value)
    return node.value
