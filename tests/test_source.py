"""Safe input: every file we cannot use safely is refused with one clear message that says where.

Each refusal is checked twice: at the loader (`source.parse` raises InputError with the line and
column that show why), and through the CLI (`edit` and `validate` exit 2 and print
`file:line:col: error: ...` and a `  fix: ...` line, never a traceback; `validate --format json`
still prints a list, with an SMF000 entry; `edit` leaves the file byte-for-byte).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from smfed_tui.cli import main
from smfed_tui.errors import InputError
from smfed_tui.source import MAX_DEPTH, parse, require_smcp_v2

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (FIXTURES / "edit" / "two-space-compact.yaml").read_text(encoding="utf-8")

LOL_BOMB = "".join(
    [f'{"abcdefghi"[0]}: &{"abcdefghi"[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    + [f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")])


def refusal(data: bytes, path: str = "smcp.yaml") -> InputError:
    with pytest.raises(InputError) as info:
        parse(data, path)
    return info.value


def with_base(old: str, new: str) -> bytes:
    assert BASE.count(old) == 1
    return BASE.replace(old, new).encode()


# (id, file bytes, (line, column) the refusal must name, a regex for the message)
REFUSALS = [
    ("template", with_base("name: red-mesh\n", "name: {{ .Values.mesh }}\n"), (5, 9), r"template"),
    ("jinja template", with_base("  version: v2.5\n", "  version: {% if new %}v2.6{% endif %}\n"), (8, 12), r"template"),
    ("non-SMCP document", b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: red-mesh-system\n", (1, 1),
     r"no ServiceMeshControlPlane document in this file \(found: Namespace\)"),
    ("v1 SMCP", b"apiVersion: maistra.io/v1\nkind: ServiceMeshControlPlane\nmetadata:\n  name: basic\nspec:\n"
                b"  version: v1.1\n", (1, 13), r"apiVersion is 'maistra.io/v1'"),
    ("invalid UTF-8", with_base("red-mesh-system", "red-m\u00e9sh-system").replace("\u00e9".encode(), b"\xe9"), (6, 19),
     r"invalid UTF-8 byte 0xe9"),
    ("invalid UTF-8 after multibyte characters", b"# \xc3\xa9\xc3\xa9 \xff\n" + BASE.encode(), (1, 6),
     r"invalid UTF-8 byte 0xff"),
    ("UTF-16 BOM", BASE.encode("utf-16"), (1, 1), r"UTF-16, not UTF-8"),
    ("UTF-32 BOM", BASE.encode("utf-32"), (1, 1), r"UTF-32, not UTF-8"),
    ("NUL", with_base("kind: S", "kind: \x00S"), (3, 7), r"NUL character"),
    ("mixed line endings", BASE.replace("\n", "\r\n", 3).encode(), (4, 10), r"mixed line endings"),
    ("duplicate keys", with_base("  namespace: red-mesh-system\n", "  namespace: red-mesh-system\n  name: other\n"),
     (7, 3), r"duplicate key 'name' \(first at line 5\)"),
    ("duplicate gateway", with_base("      egress-blue-mesh:\n", "      egress-green-mesh:\n"), (28, 7),
     r"duplicate key 'egress-green-mesh' \(first at line 15\)"),
    ("alias bomb", LOL_BOMB.encode(), (1, 1), r"aliases expand this document to 490,329,064 nodes"),
    ("recursive alias", b"apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata: &m\n  name: x\n"
                        b"  self: *m\n", (1, 1), r"recursive alias"),
    ("flow nesting", b"[" * 10_000 + b"]" * 10_000 + b"\n", (1, MAX_DEPTH + 1), r"nests more than 64 levels"),
    ("block nesting on one line", b"- " * 995 + b"&a x\n", (1, 2 * MAX_DEPTH + 1), r"nests more than 64 levels"),
    ("nesting after a quote", b"k: ['', " + b"[" * 900 + b"]" * 900 + b"]\nj: &a 1\n", (1, 71),
     r"nests more than 64 levels"),
    ("not YAML", b"apiVersion: maistra.io/v2\nkind: [ServiceMeshControlPlane\n", (3, 1), r"not valid YAML"),
    ("empty file", b"", (1, 1), r"found: no Kubernetes object"),
    ("comment-only file", b"# nothing here\n---\n# nor here\n", (1, 1), r"found: no Kubernetes object"),
    # the docs' snippets start at `gateways:` (and may be indented): said as a part of an SMCP's spec
    ("spec snippet", b"# from the docs\n  gateways:\n    additionalIngress: {}\n  security: {}\n", (2, 3),
     r"a part of a ServiceMeshControlPlane's spec \(gateways, security\)"),
    ("mapping with other keys", b"gateways: {}\nfoo: 1\n", (1, 1), r"found: no Kubernetes object"),
]


@pytest.mark.parametrize("data, where, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_loader_refuses_with_line_and_column(data, where, message):
    try:
        from smfed_tui.source import require_smcp_v2
        require_smcp_v2(parse(data, "smcp.yaml"))
    except InputError as err:
        assert re.search(message, err.message), err.message
        assert (err.line, err.column) == where
        assert err.path == "smcp.yaml"
        assert err.hint
    else:
        pytest.fail("accepted")


COMPILER_ERROR = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>[^\n]+)\n  fix: \S[^\n]*$",
                            re.MULTILINE)


@pytest.mark.parametrize("data, where, message", [r[1:] for r in REFUSALS if r[0] != "v1 SMCP"],
                         ids=[r[0] for r in REFUSALS if r[0] != "v1 SMCP"])
def test_cli_refuses_every_unusable_file_with_exit_2(tmp_path, capsys, data, where, message):
    path = tmp_path / "smcp.yaml"
    path.write_bytes(data)
    for argv, stream in ((["edit", str(path), "--peer", "pink-mesh"], "err"), (["validate", str(path)], "out")):
        assert main(argv) == 2, argv
        out = capsys.readouterr()
        text = getattr(out, stream)
        m = COMPILER_ERROR.search(text)
        assert m, f"{argv[0]} printed {text!r}"
        assert (m["file"], int(m["line"]), int(m["col"])) == (str(path), *where)
        assert re.search(message, m["msg"])
        assert "Traceback" not in out.out + out.err
    assert path.read_bytes() == data  # never written
    assert main(["validate", "--format", "json", str(path)]) == 2
    items = json.loads(capsys.readouterr().out)
    assert items == [{"file": str(path), "code": "SMF000", "severity": "error", "path": "", "line": where[0],
                      "column": where[1], "message": items[0]["message"], "hint": items[0]["hint"]}]
    assert re.search(message, items[0]["message"]) and items[0]["hint"]


def test_v1_smcp_is_refused_by_edit_and_judged_by_validate(tmp_path, capsys):
    """edit cannot work on a v1 resource (exit 2); validate says why as a rule finding (SMF005, exit 1)."""
    data = dict((r[0], r[1]) for r in REFUSALS)["v1 SMCP"]
    path = tmp_path / "v1.yaml"
    path.write_bytes(data)
    assert main(["edit", str(path), "--stdout"]) == 2
    assert re.search(rf"^{re.escape(str(path))}:1:13: error: apiVersion is 'maistra.io/v1'.*\n  fix: ",
                     capsys.readouterr().err, re.MULTILINE)
    assert main(["validate", str(path)]) == 1
    assert f"{path}:1:13: error SMF005 " in capsys.readouterr().out


def test_size_cap(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    data = BASE.encode() + b"# " + b"x" * (1024 * 1024) + b"\n"
    path.write_bytes(data)
    assert main(["edit", str(path), "--version", "v2.6"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"^{re.escape(str(path))}:1:1: error: file is too large: {len(data)} bytes, the limit is "
                     r"1048576 bytes.*\n  fix: ", err, re.MULTILINE)
    assert path.read_bytes() == data
    assert main(["validate", str(path)]) == 2


def test_file_just_under_the_cap_is_read(tmp_path, capsys):
    path = tmp_path / "padded.yaml"
    data = BASE.encode()
    path.write_bytes(data + b"#" * (1024 * 1024 - len(data) - 1) + b"\n")
    assert main(["validate", str(path)]) == 0


def test_alias_bomb_is_refused_quickly(tmp_path, capsys):
    """9 levels of 9 aliases: 387 million leaves if anything expanded it."""
    path = tmp_path / "bomb.yaml"
    path.write_text(LOL_BOMB)
    start = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert main(["edit", str(path), "--stdout"]) == 2
    assert time.perf_counter() - start < 1.0
    assert "alias bomb" in capsys.readouterr().out


def test_modest_aliases_are_fine():
    text = BASE.replace("  addons:\n", "  techPreview:\n    a: &x {k: [1, 2, 3]}\n    b: *x\n    c: *x\n  addons:\n")
    src = parse(text.encode(), "a.yaml")
    assert src.smcp is not None


@pytest.mark.parametrize("payload", [
    "[" * 10_000 + "]" * 10_000,                 # flow sequences
    "{a: " * 10_000 + "1" + "}" * 10_000,        # flow mappings
    "- " * 10_000 + "x",                         # block sequences on one line
    "'q' " + "[" * 10_000 + "]" * 10_000,        # after a quote, where the text pre-scan stops looking
    "- " * 990 + "&a x",                         # under libyaml's own limit, with an anchor
], ids=["flow-seq", "flow-map", "block-seq", "after-quote", "under-libyaml-limit"])
def test_deep_nesting_is_refused_without_crashing(tmp_path, payload):
    """In a subprocess: a RecursionError or a C stack overflow must not be possible."""
    path = tmp_path / "deep.yaml"
    path.write_text(payload + "\n")
    proc = subprocess.run([sys.executable, "-c", "import sys; from smfed_tui.cli import main; sys.exit(main(sys.argv[1:]))",
                           "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stdout + proc.stderr
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error: .*nest.*\n  fix: ", proc.stdout, re.MULTILINE), proc.stdout


def test_nesting_up_to_the_limit_is_accepted():
    def nested(brackets: int) -> bytes:
        return BASE.replace("  addons:\n", "  techPreview:\n    deep: " + "[" * brackets + "]" * brackets
                            + "\n  addons:\n").encode()
    levels_above = 3  # the document, spec and techPreview mappings
    assert parse(nested(MAX_DEPTH - levels_above), "ok.yaml").smcp is not None
    err = refusal(nested(MAX_DEPTH - levels_above + 1))
    assert "nests more than 64 levels" in err.message


def test_json_input_is_accepted(tmp_path, capsys):
    """JSON is YAML: validate judges it, and a no-change edit keeps it byte-for-byte."""
    path = tmp_path / "smcp.json"
    data = (json.dumps(yaml.safe_load(BASE), indent=2) + "\n").encode()
    path.write_bytes(data)
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    assert main(["edit", str(path), "--stdout"]) == 0
    assert capsys.readouterr().out == data.decode()
    assert main(["edit", str(path), "--version", "v2.6", "--stdout"]) == 0
    assert capsys.readouterr().out == data.decode().replace('"version": "v2.5"', '"version": "v2.6"')


def test_bom_and_crlf_are_remembered_and_restored():
    data = b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode()
    src = parse(data, "x.yaml")
    assert src.bom and src.crlf and "\r" not in src.text and not src.text.startswith("\ufeff")
    assert src.encode() == data
    assert src.encode("a: 1\n") == b"\xef\xbb\xbfa: 1\r\n"


def test_positions_count_characters_not_bytes():
    src = parse("# é\napiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata: {name: ü}\n".encode(), "u.yaml")
    index = src.text.index("ü")
    assert src.position(index) == (4, 18)


def test_templates_in_comments_do_not_count():
    text = BASE.replace("# red-mesh control plane", "# rendered from {{ .Values }} by hand")
    assert parse(text.encode(), "c.yaml").smcp is not None


def test_two_smcps_in_one_file_are_refused_for_editing_until_one_is_chosen():
    src = parse((BASE + "---\n" + BASE).encode(), "smcp.yaml")   # validate checks both
    assert len(src.smcps) == 2 and src.smcp is None
    with pytest.raises(InputError) as info:
        require_smcp_v2(src)
    err = info.value
    assert "more than one ServiceMeshControlPlane" in err.message
    assert (err.line, err.column) == (BASE.count("\n") + 3, 1)  # BASE opens with a comment line


def test_remembered_scalar_tags_are_the_ones_yaml_gives():
    """parse remembers how short plain scalars resolve and answers every other node without PyYAML's
    general resolver (the wizard re-parses on every keystroke): a value written plain, quoted, as a
    block or with a tag, seen before or not, and every mapping and sequence, still gets exactly the
    tag PyYAML's own loader gives."""
    text = ("a: true\nb: 'true'\nc: 015\nd: \"015\"\ne: 0o17\nf: ~\ng: ''\nh: 1e3\ni: 1.5\nj: .inf\n"
            "k: 2001-12-14\nl: yes\nm: 0x1F\nn: '0x1F'\n" + "".join(f"k{i}: {'x' * 70}{i}\n" for i in range(3))
            + "o: [1, '2', {p: 015, q: [true]}]\nr: |\n  015\ns: >-\n  true\nt: !!str 015\nu: ! 015\n"
            "v: !!int '7'\nw:\nx:\n  - 015\n  - - null\n    - {}\n  - ! [a]\n  - !!map {}\n")

    def tags(node):
        if isinstance(node.value, str):
            return (node.tag, node.value)
        if node.tag == "tag:yaml.org,2002:map":
            return (node.tag, [(tags(k), tags(v)) for k, v in node.value])
        return (node.tag, [tags(item) for item in node.value])

    expected = tags(yaml.compose(text, Loader=yaml.SafeLoader))
    for _ in range(2):   # the second time from memory
        assert tags(parse(text.encode(), "t.yaml").documents[0]) == expected
