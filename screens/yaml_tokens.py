"""A line of block YAML split into pieces to colour (`YamlView` in `lines.py`): keys, punctuation,
strings, numbers, constants, comments. Per line, without parsing the document: good enough for a
preview of a Kubernetes object, and it never fails."""
from __future__ import annotations

import re

_QUOTED = r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\''
_KEY = re.compile(rf"(?P<key>{_QUOTED}|[^\s#'\"\[\]{{}},:][^#]*?|:[^\s#][^#]*?)(?P<colon>:)(?=\s|$)")
_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9_]*|0o?[0-7]+|0x[0-9a-fA-F]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_CONSTANTS = {"true", "false", "True", "False", "TRUE", "FALSE", "null", "Null", "NULL", "~", "yes", "no",
              "on", "off", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "y", "n", "Y", "N"}


def yaml_tokens(line: str) -> list[tuple[str, str]]:
    """Split one line of block YAML into (text, kind) pieces; kinds: key, punct, string, number,
    constant, comment, "" (plain). Good enough for a preview of a Kubernetes object; never fails."""
    out: list[tuple[str, str]] = []
    stripped = line.lstrip(" ")
    indent = line[:len(line) - len(stripped)]
    if indent:
        out.append((indent, ""))
    if stripped in ("---", "...") or stripped.startswith(("--- ", "... ")):
        out.append((stripped[:3], "punct"))
        rest = stripped[3:]
        if rest:
            out.extend(_value_tokens(rest))
        return out
    while stripped.startswith("- ") or stripped == "-":
        out.append(("-", "punct"))
        stripped = stripped[1:]
        spaces = len(stripped) - len(stripped.lstrip(" "))
        if spaces:
            out.append((stripped[:spaces], ""))
            stripped = stripped[spaces:]
    if stripped.startswith("#"):
        out.append((stripped, "comment"))
        return out
    m = _KEY.match(stripped)
    if m:
        out.append((m.group("key"), "key"))
        out.append((":", "punct"))
        stripped = stripped[m.end():]
    out.extend(_value_tokens(stripped))
    return out


def _value_tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    value = text.lstrip(" ")
    if len(value) != len(text):
        out.append((text[:len(text) - len(value)], ""))
    if not value:
        return out
    if value.startswith("#"):
        out.append((value, "comment"))
        return out
    if value[0] in "\"'":
        m = re.match(_QUOTED, value)
        end = m.end() if m else len(value)
        scalar, rest = value[:end], value[end:]
    else:
        cut = value.find(" #")
        scalar, rest = (value, "") if cut < 0 else (value[:cut], value[cut:])
    body = scalar.rstrip(" ")
    trailing = scalar[len(body):]
    if body[:1] in "\"'":
        kind = "string"
    elif body in _CONSTANTS:
        kind = "constant"
    elif _NUMBER.fullmatch(body):
        kind = "number"
    elif body[:1] in "|>&*!" or body in ("{}", "[]"):
        kind = "punct"
    else:
        kind = "string"
    out.append((body, kind))
    if trailing:
        out.append((trailing, ""))
    if rest:
        comment = rest.lstrip(" ")
        if len(comment) != len(rest):
            out.append((rest[:len(rest) - len(comment)], ""))
        out.append((comment, "comment"))
    return out
