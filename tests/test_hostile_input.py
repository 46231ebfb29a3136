"""Hostile files through every entry point that reads one, in a subprocess with a memory cap and a clock.

Each case is written to disk and handed, in a fresh interpreter limited to 1 GiB of address space
(RLIMIT_AS), to `smfed-wizard edit F --stdout`, `edit F --peer ... --stdout`, `validate F`,
`validate --format json F` and the wizard's `Session.open(F)`. For a file that cannot be used, every
one of them must give the same single message `F:line:col: error: ...` with a `fix:` line and exit 2
(the session raises the same InputError), print no traceback, and leave the file byte-for-byte.
For a legitimate file (JSON, a big but real SMCP, huge scalars, sub-threshold aliases) the result is
the normal one. Each run must stay under a time bound and a peak RSS that the test asserts; an
unbounded alias expansion or recursion would blow through both (or die with MemoryError/RecursionError,
which the no-traceback check catches).

tests/test_source.py checks the loader's messages and positions one by one; this module is about
the bounds (time, memory), all entry points at once, and the inputs it does not have.
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from smfed_tui.reader import read_mesh
from smfed_tui.source import parse

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (FIXTURES / "edit" / "two-space-compact.yaml").read_text(encoding="utf-8")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "smcp"
MEMORY_CAP = 1 << 30          # RLIMIT_AS of every child
MAX_RSS_MB = 400              # what a child may actually touch
MAX_SECONDS = 20.0            # all five entry points on one file (a normal run takes well under 2 s)
NEW_PEER = "pink-mesh:service=NodePort,tls-node-port=30600,discovery-node-port=30601"

# Runs in the child: the five entry points on each file, each one's exit code and output, as JSON lines.
DRIVER = textwrap.dedent("""
    import io, json, resource, sys, time
    cap = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from smfed_tui.cli import main
    from smfed_tui.errors import InputError
    from smfed_tui.session import Session
    real_out = sys.stdout
    for path in sys.argv[3:]:
        runs = {"edit": ["edit", path, "--stdout"], "edit-peer": ["edit", path, "--stdout", "--peer", sys.argv[2]],
                "validate": ["validate", path], "validate-json": ["validate", "--format", "json", path]}
        results, start = {"path": path}, time.perf_counter()
        for name, argv in runs.items():
            out, err = io.BytesIO(), io.BytesIO()
            # kept in w_out/w_err: a collected wrapper would close its BytesIO
            sys.stdout = w_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            sys.stderr = w_err = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
            try:
                rc = main(argv)
            finally:
                sys.stdout.flush(); sys.stderr.flush()
                sys.stdout, sys.stderr = real_out, sys.__stderr__
            results[name] = {"rc": rc, "out": out.getvalue().decode("utf-8", "replace"),
                             "err": err.getvalue().decode("utf-8", "replace")}
        try:
            session = Session.open(path)
            results["session"] = {"ok": True, "peers": [p.name for p in session.mesh.peers],
                                  "errors": session.errors}
        except InputError as exc:
            results["session"] = {"ok": False, "message": exc.message, "line": exc.line, "column": exc.column}
        results["seconds"] = time.perf_counter() - start
        results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        real_out.write(json.dumps(results) + "\\n")
        real_out.flush()
""")


def run_driver(*paths: Path) -> list[dict]:
    """All entry points on each file, in one capped child; checks the bounds and the absence of tracebacks."""
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(MEMORY_CAP), NEW_PEER, *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["path"] for r in out] == [str(p) for p in paths]
    for results in out:
        for name in ("edit", "edit-peer", "validate", "validate-json"):
            text = results[name]["out"] + results[name]["err"]
            assert "Traceback" not in text, (results["path"], name, text[-2000:])
        assert results["seconds"] < MAX_SECONDS, f"{results['path']} took {results['seconds']:.1f} s"
        assert results["max_rss_mb"] < MAX_RSS_MB, f"{results['path']}: peak RSS {results['max_rss_mb']:.0f} MB"
    return out


def one_error(text: str, path: Path | str) -> re.Match:
    """The output is exactly one `path:line:col: error: message` with its `  fix:` line."""
    m = re.fullmatch(rf"{re.escape(str(path))}:(?P<line>\d+):(?P<col>\d+): error: (?P<msg>[^\n]+)\n  fix: \S[^\n]*\n",
                     text)
    assert m, f"not one clear message: {text[:2000]!r}"
    return m


def check_refused(r: dict, message: str, where: tuple[int, int] | None = None) -> None:
    path = r["path"]
    for name in ("edit", "edit-peer"):
        assert r[name]["rc"] == 2 and r[name]["out"] == "", (name, r[name])
        m = one_error(r[name]["err"], path)
        assert re.search(message, m["msg"]), m["msg"]
        if where:
            assert (int(m["line"]), int(m["col"])) == where, m.group(0)
    assert r["validate"]["rc"] == 2
    validate_text = r["validate"]["out"]
    assert re.match(rf"{re.escape(path)}:\d+:\d+: error: .*{message}", validate_text), validate_text
    assert validate_text.count(": error: ") == 1 and validate_text.endswith("1 error, 0 warnings, 0 hints in 1 file\n")
    assert r["validate-json"]["rc"] == 2
    (item,) = json.loads(r["validate-json"]["out"])
    assert item["code"] == "SMF000" and re.search(message, item["message"]) and item["hint"]
    session = r["session"]
    assert session["ok"] is False and re.search(message, session["message"]), session
    # one message everywhere; the size cap is about the whole file, which the session does not place
    assert (session["line"], session["column"]) in ((int(m["line"]), int(m["col"])), (None, None))
    if session["line"] is None:
        assert "too large" in session["message"]


def check_accepted(r: dict, original: bytes, peers: int | None = None) -> None:
    assert r["edit"]["rc"] == 0 and r["edit"]["out"].encode() == original.decode("utf-8").encode(), "not identical"
    assert r["edit-peer"]["rc"] == 0, r["edit-peer"]["err"][-2000:]
    assert r["validate"]["rc"] in (0, 1) and r["validate-json"]["rc"] in (0, 1)
    json.loads(r["validate-json"]["out"])
    assert r["session"]["ok"], r["session"]
    if peers is not None:
        assert len(r["session"]["peers"]) == peers
    edited = read_mesh(parse(r["edit-peer"]["out"].encode("utf-8"), "edited"))
    assert edited.peer("pink-mesh").exposure.tls_node_port == 30600
    assert len(edited.peers) == len(r["session"]["peers"]) + 1


def in_spec(block: str) -> str:
    """BASE with `block` (lines indented for `spec.techPreview`) added under spec."""
    return BASE.replace("  addons:\n", "  techPreview:\n" + textwrap.indent(block, "    ") + "  addons:\n")


def lol(levels: int, fan: int = 9, mapping: bool = False) -> str:
    """The billion-laughs shape: level n holds `fan` aliases of level n-1."""
    if mapping:
        lines = ["l0: &l0 {" + ", ".join(f"k{i}: lol" for i in range(fan)) + "}"]
        lines += [f"l{n}: &l{n} {{" + ", ".join(f"k{i}: *l{n - 1}" for i in range(fan)) + "}" for n in range(1, levels)]
    else:
        lines = ["l0: &l0 [" + ", ".join(["lol"] * fan) + "]"]
        lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * fan) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=None)
def peers_text(count: int) -> str:
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh, Peer
    return generate_text(Mesh.new("red-mesh", peers=tuple(Peer.new(f"peer-{n}") for n in range(count))))


assert BASE.count("\n") == 74  # the positions below count on it
B = BASE.encode()

# id -> (file content, message regex or None for a legitimate file, (line, column) or None)
REFUSED: dict[str, tuple[object, str, tuple[int, int] | None]] = {
    # alias bombs at several depths and shapes, and recursive aliases
    "bomb-9^6": (in_spec(lol(6)), r"aliases expand this document to [\d,]+ nodes \(an alias bomb\?\)", (2, 1)),
    "bomb-9^7": (in_spec(lol(7)), r"aliases expand this document to [\d,]+ nodes \(an alias bomb\?\)", (2, 1)),
    "bomb-9^9": (in_spec(lol(9)), r"alias bomb", (2, 1)),
    "bomb-9^12": (in_spec(lol(12)), r"alias bomb", (2, 1)),
    "bomb-2^40": (in_spec(lol(40, 2)), r"alias bomb", (2, 1)),
    "bomb-map-9^7": (in_spec(lol(7, 9, True)), r"alias bomb", (2, 1)),
    "bomb-map-3^30": (in_spec(lol(30, 3, True)), r"alias bomb", (2, 1)),
    "bomb-other-document": ("apiVersion: v1\nkind: ConfigMap\ndata:\n" + textwrap.indent(lol(9), "  ") + "---\n" + BASE,
                            r"alias bomb", (1, 1)),
    "recursive-list": (in_spec("a: &x [1, *x]\n"), r"a recursive alias", None),
    "recursive-mapping": (in_spec("a: &x {self: *x}\n"), r"a recursive alias", None),
    "recursive-merge": (in_spec("a: &x {<<: *x, b: 1}\n"), r"a recursive alias", None),
    "recursive-inner": (in_spec("a: &x [&y [*x], *y]\n"), r"a recursive alias", None),
    "recursive-block": (in_spec("a: &x\n  b:\n    c:\n      - d: *x\n"), r"a recursive alias", None),
    "recursive-root": ("&root\napiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nme: *root\n",
                       r"a recursive alias", (1, 1)),
    # nesting, flow and block
    "deep-flow-seq": ("x: " + "[" * 100_000 + "]" * 100_000 + "\n", r"nests more than 64 levels", (1, 68)),
    "deep-flow-map": ("x: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", r"nests more than 64 levels", None),
    "deep-block-map": ("".join(" " * n + f"k{n}:\n" for n in range(300)) + " " * 300 + "v\n", r"nests", None),
    "deep-block-seq": ("".join("  " * n + "-\n" for n in range(250)) + "  " * 250 + "x\n", r"nests", None),
    "deep-indent": ("".join(" " * (4 * n) + f"k{n}:\n" for n in range(300)), r"nests too deeply \(indentation", None),
    "deep-dash-line": ("- " * 200_000 + "x\n", r"nest", None),  # libyaml's own limit (1,000) speaks first
    "deep-in-smcp": (in_spec("deep: " + "[" * 5000 + "]" * 5000 + "\n"), r"nests more than 64 levels", None),
    # size
    "5MB": (BASE + ("# " + "x" * 100 + "\n") * 50_000, r"file is too large: 5\d{6} bytes, the limit is 1048576 bytes",
            (1, 1)),
    "3GiB-sparse": ("sparse", r"file is too large: 3221225472 bytes", (1, 1)),
    "10000-peers": ("peers-10000", r"file is too large: \d+ bytes, the limit is 1048576 bytes", (1, 1)),
    "key-over-1024": (in_spec("k" * 2000 + ": 1\n"), r"not valid YAML", None),
    # bytes and encodings
    "utf16-bom": (BASE.encode("utf-16"), r"the file is UTF-16, not UTF-8", (1, 1)),
    "utf16le": (BASE.encode("utf-16-le"), r"looks like UTF-16 \(no byte order mark\)", (1, 1)),
    "utf16be": (BASE.encode("utf-16-be"), r"looks like UTF-16 \(no byte order mark\)", (1, 1)),
    "utf32le": (BASE.encode("utf-32-le"), r"looks like UTF-32 \(no byte order mark\)", (1, 1)),
    "utf32-bom": (BASE.encode("utf-32"), r"the file is UTF-32, not UTF-8", (1, 1)),
    "latin1": (B.replace(b"red-mesh-system", b"r\xe9d-mesh-system"), r"invalid UTF-8 byte 0xe9", (6, 15)),
    "overlong": (B + b"# \xc0\xaf overlong\n", r"invalid UTF-8 byte 0xc0", (75, 3)),
    "surrogate": (B + b"# \xed\xa0\x80 a surrogate\n", r"invalid UTF-8 byte 0xed", (75, 3)),
    "truncated": (B + b"# cut short \xe2\x82", r"invalid UTF-8 byte 0xe2", (75, 13)),
    "leading-nul": (b"\x00" + B, r"contains a NUL character", (1, 1)),   # one NUL: not UTF-16
    "nul-on-line-2": (b"a: 1\n\x00" + B, r"contains a NUL character", (2, 1)),
    "nul": (B.replace(b"name: red-mesh\n", b"name: red\x00mesh\n"), r"NUL character", (5, 12)),
    "final-nul": (B + b"\x00", r"NUL character", (75, 1)),
    "cr-only": (B.replace(b"\n", b"\r"), r"bare CR", (1, 77)),
    "stray-cr": (B.replace(b"\n", b"\r\n").replace(b"spec:\r\n", b"spec:\r"), r"bare CR", (7, 6)),
    "raw-escape": (B.replace(b"name: red-mesh\n", b"name: r\xc3\xa9d\x1b[2Jmesh\n"),
                   r"not valid YAML: control characters are not allowed: U\+001B", (5, 12)),
    "raw-c1-control": (B.replace(b"name: red-mesh\n", b"name: \"red\xc2\x9fmesh\"\n"),
                       r"not valid YAML: control characters are not allowed: U\+009F", (5, 13)),
    # structure
    "duplicate": (BASE.replace("  namespace: red-mesh-system\n", "  namespace: red-mesh-system\n  namespace: other\n"),
                  r"duplicate key 'namespace' \(first at line 6\)", (7, 3)),
    "duplicate-quoted": (BASE.replace("  namespace: red-mesh-system\n",
                                      '  namespace: red-mesh-system\n  "namespace": other\n'),
                         r"duplicate key 'namespace'", (7, 3)),
    "duplicate-other-doc": ("apiVersion: v1\nkind: ConfigMap\ndata: {a: 1, a: 2}\n---\n" + BASE,
                            r"duplicate key 'a'", (3, 14)),
    "tab-indent": (BASE.replace("  namespace:", "\tnamespace:"), r"not valid YAML: found a tab character", (6, 1)),
    "helm": (BASE.replace("  name: red-mesh\n", "  name: {{ .Values.name }}\n"), r"template", (5, 9)),
    "jinja": (BASE.replace("  version: v2.5\n", "  version: {% raw %}v2.5{% endraw %}\n"), r"template", (8, 12)),
    "jinja-comment": (BASE.replace("  version: v2.5\n", "  version: v2.5  {# pinned #}\n"), r"template", (8, 18)),
    "list-root": ("- apiVersion: maistra.io/v2\n  kind: ServiceMeshControlPlane\n",
                  r"no ServiceMeshControlPlane document", (1, 1)),
    "scalar-root": ("just a scalar\n", r"no ServiceMeshControlPlane document", (1, 1)),
    "null-root": ("~\n", r"no ServiceMeshControlPlane document", (1, 1)),
    "empty": ("", r"found: no Kubernetes object", (1, 1)),
    "blank": ("\n\n   \n", r"found: no Kubernetes object", (1, 1)),
    "comment-only": ("# only a comment\n# and another\n", r"found: no Kubernetes object", (1, 1)),
    "markers-only": ("---\n...\n---\n", r"found: no Kubernetes object", (1, 1)),
}

# id -> (file content, peers the wizard must find)
ACCEPTED: dict[str, tuple[object, int]] = {
    "aliases-under-the-bound": (in_spec(lol(4)), 2),
    "1000-peers": ("peers-1000", 1000),
    "huge-plain-scalar": (in_spec("huge: " + "a" * 900_000 + "\n"), 2),
    "huge-escaped-scalar": (in_spec('huge: "' + "\\u00e9" * 150_000 + '"\n'), 2),
    "huge-literal-block": (in_spec("huge: |\n" + ("  " + "b" * 1000 + "\n") * 900), 2),
    "1000-character-key": (in_spec("k" * 1000 + ": 1\n"), 2),
    "20000-documents": ("---\n" * 20_000 + BASE, 2),
    "3000-anchors": (in_spec("".join(f"a{n}: &a{n} [x, y]\nb{n}: *a{n}\n" for n in range(3000))), 2),
    "tabs-where-allowed": (in_spec('a: "tab\there"\t# tab before a comment\n'), 2),
    "unicode": (in_spec('rtl: "\u202eevil\u202c"\nzw: "a\u200bb"\nemoji: \U0001F600\nnel: "a\\Nb"\n'), 2),
    "python-tag": (in_spec("code: !!python/object/apply:os.system ['touch PWNED']\n"), 2),
    "other-tags": (in_spec("bin: !!binary aGVsbG8=\nset: !!set {a, b}\nts: !!timestamp 2024-01-01\n"), 2),
    "bom-crlf": (b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode(), 2),
    "big-numbers": (BASE.replace("nodePort: 30510", "nodePort: " + "9" * 5000)
                    .replace("port: 8188", "port: " + "8" * 5000, 1), 2),
}


# read, validated and edited in place, but adding a gateway inside `{...}` is refused (see the JSON tests)
OTHER = {"json-pretty": json.dumps(yaml.safe_load(BASE), indent=2) + "\n",
         # validated (both SMCPs), but edited only once one is chosen with --smcp
         "two-smcps": BASE + "---\n" + BASE}


def _content(spec: object) -> bytes:
    if spec == "sparse":
        return b""
    if isinstance(spec, str) and spec.startswith("peers-"):
        return peers_text(int(spec.split("-")[1])).encode()
    return spec.encode("utf-8") if isinstance(spec, str) else spec


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, tuple[dict, bytes]]:
    """Every case through every entry point, in one capped child (one interpreter start for all)."""
    base = tmp_path_factory.mktemp("hostile")
    paths, originals = {}, {}
    for case, (spec, *_rest) in {**REFUSED, **ACCEPTED, **{k: (v,) for k, v in OTHER.items()}}.items():
        path = base / f"{case}.{'json' if case.startswith('json') else 'yaml'}"
        data = _content(spec)
        path.write_bytes(data)
        if spec == "sparse":
            path.write_bytes(B)
            os.truncate(path, 3 << 30)
        paths[case], originals[case] = path, data
    cwd = os.getcwd()
    os.chdir(base)  # where `touch PWNED` would land if anything ran it
    try:
        out = run_driver(*paths.values())
    finally:
        os.chdir(cwd)
    assert not (base / "PWNED").exists()
    for case, path in paths.items():  # nothing was written
        if case != "3GiB-sparse":
            assert path.read_bytes() == originals[case], case
    assert os.path.getsize(paths["3GiB-sparse"]) == 3 << 30
    return {case: (r, originals[case]) for case, r in zip(paths, out)}


@pytest.mark.parametrize("case", list(REFUSED))
def test_unusable_file_gets_one_message_and_exit_2_everywhere_within_bounds(results, case):
    _spec, message, where = REFUSED[case]
    check_refused(results[case][0], message, where)


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_legitimate_file_gets_a_normal_result_within_bounds(results, case):
    r, original = results[case]
    check_accepted(r, original, peers=ACCEPTED[case][1])


def test_a_thousand_peers_validate_and_open_clean(results):
    r, _ = results["1000-peers"]
    assert r["validate"]["out"].endswith("0 errors, 0 warnings, 0 hints in 1 file\n")   # the defaults draw no finding
    assert r["session"]["errors"] == 0


def test_numbers_with_thousands_of_digits_are_findings_not_crashes(results):
    """int() of a 5,000-digit string raises in Python 3.11: a node port or port that long must still be judged."""
    r, _ = results["big-numbers"]
    assert r["validate"]["rc"] == 1 and "error SMF" in r["validate"]["out"]


def test_aliases_are_kept_as_written_by_an_edit(results):
    r, _ = results["aliases-under-the-bound"]
    assert lol(4).splitlines()[-1] in r["edit-peer"]["out"]


def test_bom_and_crlf_survive_an_edit(results):
    r, _ = results["bom-crlf"]
    out = r["edit-peer"]["out"]
    assert out.startswith("\ufeff") and out.count("\r\n") == out.count("\n")


def test_two_smcps_are_validated_and_edited_only_once_one_is_chosen(results):
    r, _original = results["two-smcps"]
    for name in ("edit", "edit-peer"):
        assert r[name]["rc"] == 2 and r[name]["out"] == "", (name, r[name])
        m = one_error(r[name]["err"], r["path"])
        assert re.search(r"more than one ServiceMeshControlPlane", m["msg"]) and (m["line"], m["col"]) == ("77", "1")
        assert "--smcp" in r[name]["err"]
    assert r["session"]["ok"] is False and (r["session"]["line"], r["session"]["column"]) == (77, 1)
    # validate checks both: each one's findings, and the trust domain they share
    assert r["validate"]["rc"] == 1
    findings = json.loads(r["validate-json"]["out"])
    assert "SMF000" not in {f["code"] for f in findings}
    assert [f["line"] for f in findings if f["code"] == "SMF012"] == [BASE.count("\n") + BASE.split("\n").index(
        "      domain: red-mesh.local") + 2]   # the second SMCP's trust domain, also the first one's


# --- JSON: valid YAML ---------------------------------------------------------------------------------------

def test_json_is_read_validated_and_kept_byte_for_byte(results):
    r, original = results["json-pretty"]
    assert r["validate"]["rc"] == 0 and r["session"]["ok"] and r["session"]["peers"] == ["green-mesh", "blue-mesh"]
    assert r["edit"]["rc"] == 0 and r["edit"]["out"].encode() == original
    # a new peer is new JSON structure: written as JSON, indented like the file, and the rest untouched
    assert r["edit-peer"]["rc"] == 0, r["edit-peer"]["err"][-2000:]
    edited = r["edit-peer"]["out"]
    gateways = json.loads(edited)["spec"]["gateways"]
    assert gateways["additionalIngress"]["ingress-pink-mesh"]["service"]["ports"][0]["nodePort"] == 30600
    assert json.loads(edited)["spec"]["gateways"]["additionalEgress"]["egress-green-mesh"] == \
        json.loads(original)["spec"]["gateways"]["additionalEgress"]["egress-green-mesh"]
    assert '\n        "egress-pink-mesh": {\n          "enabled": true,' in edited


# --- JSON edits ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("indent", [2, None], ids=["pretty", "one-line"])
def test_json_input_is_edited_in_place_and_stays_json(tmp_path, capsys, indent):
    from smfed_tui.cli import main
    obj = yaml.safe_load(BASE)
    path = tmp_path / "smcp.json"
    path.write_text(json.dumps(obj, indent=indent) + "\n")
    assert main(["edit", str(path), "--version", "v2.6", "--peer", "green-mesh:tls-node-port=30777",
                 "--peer", "blue-mesh:egress=egress-blue"]) == 0
    obj["spec"]["version"] = "v2.6"
    gateways = obj["spec"]["gateways"]
    gateways["additionalIngress"]["ingress-green-mesh"]["service"]["ports"][0]["nodePort"] = 30777
    gateways["additionalEgress"] = {("egress-blue" if k == "egress-blue-mesh" else k): v
                                    for k, v in gateways["additionalEgress"].items()}
    assert json.loads(path.read_text()) == obj


def test_json_input_that_needs_new_blocks_is_refused_with_a_message_not_broken(tmp_path, capsys):
    """`"additionalEgress": {}` in JSON: the block lines the editor writes cannot go inside `{...}`.
    Before the fix they did, and the edited text no longer parsed."""
    from smfed_tui.cli import main
    obj = yaml.safe_load(BASE)
    obj["spec"]["gateways"]["additionalEgress"] = {}
    path = tmp_path / "smcp.json"
    path.write_text(json.dumps(obj, indent=2) + "\n")
    before = path.read_bytes()
    assert main(["edit", str(path), "--peer", "pink-mesh"]) == 2
    m = one_error(capsys.readouterr().err, path)
    assert "flow-style mapping, e.g. JSON" in m["msg"] and "not valid YAML" not in m["msg"]
    assert path.read_bytes() == before


# --- the real console script, with the cap set on it from outside -----------------------------------------------

def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_the_installed_command_refuses_hostile_files_with_exit_2(tmp_path):
    cases = {"bomb": in_spec(lol(9)), "deep": "[" * 100_000 + "]" * 100_000 + "\n",
             "recursive": in_spec("a: &x [1, *x]\n")}
    exe = Path(sys.executable).with_name("smfed-wizard")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "smfed_tui"]
    paths = []
    for name, data in cases.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(data)
    proc = subprocess.run(command + ["validate", *map(str, paths)], capture_output=True, text=True, timeout=60,
                          preexec_fn=_cap_memory)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    for path in paths:
        assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error: ", proc.stdout, re.MULTILINE), proc.stdout
    proc = subprocess.run(command + ["edit", str(paths[0]), "--peer", "pink-mesh"], capture_output=True, text=True,
                          timeout=60, preexec_fn=_cap_memory)
    assert proc.returncode == 2 and "alias bomb" in proc.stderr and "Traceback" not in proc.stderr
    for path, data in zip(paths, cases.values()):
        assert path.read_text() == data
