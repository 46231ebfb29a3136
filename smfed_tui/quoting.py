"""How a scalar is spelled in YAML so that every reader gets the same value back.

kubectl reads YAML 1.1 (go-yaml v2): `yes`, `on`, `y`, `0777`, `1_000`, `12:30` are not strings there,
while a YAML 1.2 writer leaves some of them bare. We write a
string plain only when it is plainly a string to both; otherwise single-quoted, or double-quoted with
escapes when it holds characters a single-quoted scalar cannot carry.
"""
from __future__ import annotations

import re

# Everything YAML 1.1 or 1.2 resolves to a non-string, in either spelling family.
_NOT_A_STRING = re.compile(r"""^(?:
    ~|null|Null|NULL
  | y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
  | [-+]?[0-9][0-9_]*
  | [-+]?0[0-7_]+ | 0o[0-7_]+ | [-+]?0x[0-9a-fA-F_]+ | [-+]?0b[01_]+
  | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
  | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?
  | [-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+
  | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
  | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9].*)?
  | <<|=
)$""", re.VERBOSE)

# A conservative plain scalar: starts with a letter, digit, dot, slash or underscore and holds no
# character that YAML gives a meaning to in block context.
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./@%+=-]*(?: [A-Za-z0-9_./@%+=-]+)*$")
# Line breaks (which a single-quoted scalar would fold), the BOM, and every character outside YAML's
# printable set (C0/C1 controls, DEL, surrogates, U+FFFE/U+FFFF): both readers refuse those raw, so
# they can only be written as escapes in a double-quoted scalar.
_NEEDS_DOUBLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


# C0 and C1 controls and DEL: a value from a file may hold them (`"\\e]0;title\\a"` is valid YAML), and a
# terminal would obey them if they were shown raw (retitle, clear the screen, leave the alternate screen).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with every control character written as `\\xNN`: safe to put on a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_plain_safe(text: str) -> bool:
    return bool(_PLAIN_SAFE.match(text)) and not _NOT_A_STRING.match(text)


def quote_string(text: str, *, prefer: str = "") -> str:
    """Spell a string value. `prefer` is the quote character the file already used here ('' = plain)."""
    if _NEEDS_DOUBLE.search(text):
        return _double(text)
    if prefer == '"':
        return _double(text)
    if prefer == "'" or not is_plain_safe(text):
        return "'" + text.replace("'", "''") + "'"
    return text


def _double(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _NEEDS_DOUBLE.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def format_scalar(value: object, *, prefer: str = "") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    return quote_string(str(value), prefer=prefer)
