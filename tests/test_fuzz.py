"""Property tests (hypothesis) over the loader, the validator, the reader and the in-place editor.

- Render then read: any model the wizard can hold (generated names, free-text fields holding any
  Unicode the field parser keeps, every exposure variant) is written by `generate_text` so that the
  reader gives the same model back, and YAML 1.1 (PyYAML) and YAML 1.2 (ruamel.yaml) read every
  string in it as the same string.
- Untouched bytes stay: random edit sequences (node ports, service types, routes, removals, mesh
  fields) on every edit fixture and corpus file change only lines inside the edited gateways' blocks
  and the edited fields' lines; everything else is identical and in order.
- Nothing raises but InputError: random bytes, YAML-ish token soup and structurally mutated SMCPs go
  through parse, check_source, check_federation, read_mesh and edit_text (no change and add/remove
  a peer); any result is either an InputError or a text that parses again and reads back as asked.

The quoting of single strings against both readers (st.text(): every plane, controls, NEL, U+2028)
is tests/test_quoting.py's; here the same property is checked through the whole document.
The long run of the same properties is benchmarks/fuzz_long.py.
"""
from __future__ import annotations

import copy
import dataclasses
import difflib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from smfed_tui.edit import edit_text, generate_text
from smfed_tui.errors import InputError, SmfedError
from smfed_tui.checks.federation import check_federation
from smfed_tui.fields import MESH_FIELDS
from smfed_tui.flags import apply_peer_spec, remove_peer
from smfed_tui.smcp_paths import EGRESS_MAP, INGRESS_MAP
from smfed_tui.model import IMAGE_PULL_POLICIES, ROUTER_MODES, VERSIONS, Exposure, Mesh, Peer
from smfed_tui.reader import read_mesh
from smfed_tui.checks.across import check_across
from smfed_tui.checks.smcp import check_source
from smfed_tui.source import get_value, parse

HERE = Path(__file__).parent
EDIT_FIXTURES = sorted((HERE / "fixtures" / "edit").glob("*.yaml"))
CORPUS = sorted((HERE.parents[1] / "shared" / "corpus" / "smcp").glob("*.yaml"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


# --- models the wizard can hold ---------------------------------------------------------------------------

LABEL = st.from_regex(r"\A[a-z]([a-z0-9-]{0,14}[a-z0-9])?\Z")
# `{{`, `{%` and `{#` make the loader refuse the whole file as a template (by design: Helm puts them in
# values, quoted or not), so the wizard shows SMF000 for such a value; they cannot round-trip.
FREE_TEXT = (st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).map(str.strip)
             .filter(lambda s: s and not any(t in s for t in ("{{", "{%", "{#"))))
NETWORK_ITEM = FREE_TEXT.filter(lambda s: "," not in s and "+" not in s)


@st.composite
def peers(draw, name: str) -> Peer:
    style = draw(st.sampled_from(["default", "suffix", "label-is-peer"]))
    egress, ingress = {"default": (f"egress-{name}", f"ingress-{name}"),
                       "suffix": (f"{name}-egress", f"{name}-ingress"),
                       "label-is-peer": (f"{name}-eg", f"{name}-in")}[style]
    label = (lambda gw: name) if style == "label-is-peer" else (lambda gw: gw)
    service = draw(st.sampled_from([None, "LoadBalancer", "NodePort", "ClusterIP"]))
    ports = draw(st.one_of(st.none(), st.tuples(st.integers(30000, 32767), st.integers(30000, 32767))))
    exposure = Exposure(service_type=service,
                        tls_node_port=ports[0] if ports and service == "NodePort" else None,
                        discovery_node_port=ports[1] if ports and service == "NodePort" else None,
                        aws_nlb=draw(st.booleans()), route_enabled=draw(st.sampled_from([None, False, True])))
    return Peer(name=name, egress=egress, ingress=ingress,
                network_view=draw(st.one_of(st.none(), st.lists(NETWORK_ITEM, min_size=1, max_size=3).map(tuple))),
                egress_label=label(egress), ingress_label=label(ingress), exposure=exposure,
                router_mode=draw(st.sampled_from((None,) + ROUTER_MODES)))


@st.composite
def meshes(draw) -> Mesh:
    names = draw(st.lists(LABEL, max_size=4, unique=True))
    return Mesh(name=draw(LABEL), namespace=draw(st.one_of(st.none(), LABEL)),
                version=draw(st.sampled_from(VERSIONS)), trust_domain=draw(st.one_of(st.none(), FREE_TEXT)),
                cluster_name=draw(st.one_of(st.none(), FREE_TEXT)), network=draw(st.one_of(st.none(), FREE_TEXT)),
                image_pull_policy=draw(st.sampled_from((None,) + IMAGE_PULL_POLICIES)),
                peers=tuple(draw(peers(n)) for n in names))


def without_source(mesh: Mesh) -> Mesh:
    return dataclasses.replace(mesh, peers=tuple(dataclasses.replace(p, read_from_gateways=None) for p in mesh.peers))


def assert_same_in_yaml_1_1_and_1_2(text: str) -> None:
    assert yaml.load(text, Loader=yaml.CSafeLoader) == YAML(typ="safe", pure=True).load(text)


@FAST
@given(meshes())
@example(Mesh.new("red", cluster_name="yes", network="0777", trust_domain="on"))
@example(Mesh.new("red", cluster_name="a\x85b\u2028c", network="\U0001F600 \x00", trust_domain="#x: [y]"))
def test_render_then_read_gives_the_model_back(mesh):
    text = generate_text(mesh)
    src = parse(text.encode("utf-8"), "generated.yaml")
    assert without_source(read_mesh(src)) == mesh
    assert_same_in_yaml_1_1_and_1_2(text)
    check_source(src)  # and the validator takes it


@FAST
@given(meshes(), meshes())
def test_editing_any_file_into_any_model_reads_back_as_that_model(first, second):
    """One generated file edited into another model: peers matched by name carry over as edits."""
    src = parse(generate_text(first).encode("utf-8"), "a.yaml")
    old = read_mesh(src)
    by_name = {p.name: p.read_from_gateways for p in old.peers}
    new = dataclasses.replace(second, peers=tuple(dataclasses.replace(p, read_from_gateways=by_name.get(p.name))
                                                  for p in second.peers))
    try:
        out = edit_text(src, new, old)
    except InputError as err:  # e.g. a new peer's gateway name held by an old, kept one
        assert "already exists" in err.message or "both use" in err.message, err.message
        return
    again = parse(out.encode("utf-8"), "a.yaml")
    back = without_source(read_mesh(again))
    # in place: peers already in the file keep their place, new ones come after them
    assert {p.name: p for p in back.peers} == {p.name: p for p in without_source(new).peers}
    assert dataclasses.replace(back, peers=()) == dataclasses.replace(new, peers=())
    assert_same_in_yaml_1_1_and_1_2(out)


# --- edits leave every other line alone --------------------------------------------------------------------

def _usable(path: Path):
    try:
        src = parse(path.read_bytes(), path.name)
        return src, read_mesh(src)
    except SmfedError:
        return None


FILES = [(p.name, loaded) for p in EDIT_FIXTURES + CORPUS if (loaded := _usable(p)) is not None]


def _lines_of(src, key_node, value_node) -> range:
    """0-based line numbers of a pair's block: comment lines right above it at its column, to its end."""
    text = src.text
    first = key_node.start_mark.line
    lines = text.split("\n")
    while first > 0 and lines[first - 1].strip().startswith("#") and \
            len(lines[first - 1]) - len(lines[first - 1].lstrip(" ")) == key_node.start_mark.column:
        first -= 1
    last = max(value_node.end_mark.line, key_node.end_mark.line)
    if value_node.end_mark.column == 0 and last > first:
        last -= 1
    while last + 1 < len(lines) and lines[last + 1].lstrip(" ").startswith("#"):
        last += 1  # comments after a block that are indented into it
    return range(first, last + 1)


def _gateway_lines(src, gmap: tuple, name: str) -> range:
    mapping = get_value(src.smcp, *gmap)
    for k, v in mapping.value:
        if k.value == name:
            return _lines_of(src, k, v)
    raise KeyError(name)


EDIT = st.one_of(
    st.tuples(st.just("ports"), st.integers(0, 9), st.integers(30000, 32767), st.integers(30000, 32767)),
    st.tuples(st.just("service"), st.integers(0, 9), st.sampled_from(["NodePort", "LoadBalancer", "ClusterIP"])),
    st.tuples(st.just("route"), st.integers(0, 9), st.sampled_from(["true", "false"])),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("mesh"), st.sampled_from(["version", "trust_domain", "cluster_name", "network", "namespace"]),
              st.sampled_from(["v2.4", "x.local", "c-1", "yes", "0777"])),
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FILES), st.lists(EDIT, min_size=1, max_size=4))
def test_edits_change_only_the_lines_of_what_they_edit(file, edits):
    name, (src, old) = file
    new, touched_peers, touched_fields = old, set(), set()
    for edit in edits:
        if edit[0] == "mesh":
            if getattr(old, edit[1]) is None:
                continue  # adding a field inserts lines; that is test_editor's subject
            new = dataclasses.replace(new, **{edit[1]: edit[2]})
            touched_fields.add(edit[1])
            continue
        if not new.peers:
            continue
        peer = new.peers[edit[1] % len(new.peers)]
        if edit[0] == "remove":
            if len(new.peers) > 1:
                new = remove_peer(new, peer.name)
                touched_peers.add(peer.read_from_gateways)
            continue
        spec = {"ports": lambda: f"service=NodePort,tls-node-port={edit[2]},discovery-node-port={edit[3]}",
                "service": lambda: f"service={edit[2]}", "route": lambda: f"route={edit[2]}"}[edit[0]]()
        new = apply_peer_spec(new, f"{peer.name}:{spec}")
        touched_peers.add(peer.read_from_gateways)
    try:
        out = edit_text(src, new, old)
    except InputError as err:  # a flow-style or aliased part the editor refuses to guess about
        assert "block style" in err.message or "alias" in err.message or "anchor" in err.message, err.message
        return
    allowed: set[int] = set()
    for source in touched_peers:
        allowed.update(_gateway_lines(src, EGRESS_MAP, source[0]))
        allowed.update(_gateway_lines(src, INGRESS_MAP, source[1]))
    for fld in MESH_FIELDS:
        if fld.attr in touched_fields:
            node = get_value(src.smcp, *fld.location(old, None))
            allowed.update(range(node.start_mark.line, node.end_mark.line + 1))
    before, after = src.text.split("\n"), out.split("\n")
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            outside = [n + 1 for n in range(i1, i2) if n not in allowed]
            assert not outside, f"{name}: lines {outside} changed by {edits}"
        elif op == "insert":
            assert i1 - 1 in allowed or i1 in allowed, f"{name}: lines inserted at {i1 + 1} by {edits}"
    back = read_mesh(parse(src.encode(out), name))
    assert {p.name for p in back.peers} == {p.name for p in new.peers}


# --- nothing but InputError, whatever comes in -----------------------------------------------------------------

def run_everything(data: bytes) -> None:
    """The loader, the validators, the reader and the editor on `data`: InputError is the only way out."""
    try:
        src = parse(data, "fuzz.yaml")
    except InputError:
        return
    check_source(src)
    check_federation([src])
    check_across([src, src])
    try:
        old = read_mesh(src)
    except InputError:
        return
    try:
        assert src.encode(edit_text(src, old, old)) == data  # a no-change edit is byte-identical
        new = apply_peer_spec(old, "zz-mesh:service=NodePort,tls-node-port=30001,discovery-node-port=30002")
        for peer in old.peers[:1]:
            new = remove_peer(new, peer.name)
        out = edit_text(src, new, old)
    except InputError:
        return
    again = parse(src.encode(out), "fuzz.yaml")  # the editor never writes text that does not parse
    check_source(again)
    assert {p.name for p in read_mesh(again).peers} >= {"zz-mesh"}


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300))
@example(b"\xff\xfe")
@example(b"\x00a")
@example(b"a: \x1b")
@example(b"\xef\xbb\xbf\r")
def test_random_bytes(data):
    run_everything(data)


TOKENS = ["apiVersion: maistra.io/v2\n", "kind: ServiceMeshControlPlane\n", "metadata:\n", "spec:\n", "  ",
          "gateways:\n", "additionalEgress:\n", "additionalIngress:\n", "- ", ": ", "&a ", "*a", "<<: ", "{", "}",
          "[", "]", ", ", "'", '"', "#", "\n", "\t", "---\n", "...\n", "? ", "|\n", ">-\n", "!!str ", "!x ", "%YAML 1.1\n",
          "port: 15443", "nodePort: 30000", "name: tls", "enabled: true", "egress-a:", "ingress-a:", "~", "null",
          "\r\n", "\ufeff", "é", "\u0085", "{{ x }}", "0777", "yes", "1e3", "-1", "99999999999999999999999"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_yaml_token_soup(text):
    run_everything(text.encode("utf-8"))


SEEDS = [yaml.safe_load(p.read_text(encoding="utf-8-sig")) for p in EDIT_FIXTURES
         if p.name not in ("multi-document-markers.yaml",)]
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1, 70000), st.sampled_from(
        ["", "x", "yes", "tls", "http-discovery", "https-discovery", "NodePort", "LoadBalancer", "ClusterIP",
         "egress-a", "federation.maistra.io/egress-for", "v2.6", "cluster.local", "[bold]", "-x", "\x85", "a" * 70])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["port", "name", "nodePort", "enabled", "service", "type",
                                                             "ports", "metadata", "labels", "x"]), inner, max_size=3)),
    max_leaves=6)


def _paths(obj, path=()):
    yield path
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, path + (i,))


@st.composite
def mutated_smcps(draw) -> bytes:
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for seg in path[:-1]:
            parent = parent[seg]
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if action == "set":
            parent[path[-1]] = draw(VALUES)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["enabled", "ports", "service", "x", 5, None, True]))] = draw(VALUES)
    flow = draw(st.sampled_from([False, None, True]))
    return yaml.safe_dump(doc, default_flow_style=flow, sort_keys=draw(st.booleans()), allow_unicode=True).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_smcps())
def test_mutated_smcps(data):
    """Wrong types, missing and extra keys anywhere in real SMCPs: findings or one InputError, never a crash,
    and any edit made is valid YAML that reads back with the new peer."""
    run_everything(data)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_smcps(), st.integers(0, 3))
def test_remembered_gateway_findings_equal_fresh_ones(data, lines_above):
    """rules remembers each gateway's findings by its text (the wizard re-checks on every keystroke):
    for any file, and with lines added above (every line number moves), they equal a fresh check."""
    import smfed_tui.checks.smcp as rules
    from smfed_tui.source import parse
    text = "# above\n" * lines_above + data.decode()
    try:
        src = parse(text.encode(), "f.yaml")
    except SmfedError:
        return
    remembered = [rules.check_source(src), rules.check_source(src)]
    real = rules.check_federation_gateway_remembered
    rules.check_federation_gateway_remembered = rules.check_federation_gateway
    try:
        fresh = rules.check_source(src)
    finally:
        rules.check_federation_gateway_remembered = real
    assert remembered[0] == remembered[1] == fresh


# --- what the fuzzing found, kept as examples --------------------------------------------------------------

def test_found_an_alias_as_the_last_list_item_ends_the_list_where_its_text_does():
    text = ("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: red\nspec:\n"
            "  version: v2.6\n  gateways:\n    x:\n    - &a {}\n    - *a\n")  # new maps go after `x`
    run_everything(text.encode())


def test_found_removing_a_gateway_that_holds_an_anchor_used_elsewhere_is_refused():
    text = (HERE / "fixtures" / "edit" / "anchors-and-flow.yaml").read_text()
    text = text.replace("        runtime: *gwruntime\n", "").replace(
        "  security:\n", "  techPreview: *gwruntime\n  security:\n")
    src = parse(text.encode(), "a.yaml")
    old = read_mesh(src)
    with pytest.raises(InputError, match="remove an anchor"):
        edit_text(src, remove_peer(old, "green-mesh"), old)


def test_found_a_key_under_a_list_is_refused_not_appended_as_an_item():
    text = "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: red\nspec:\n- a\n"
    src = parse(text.encode(), "a.yaml")
    old = read_mesh(src)
    with pytest.raises(InputError, match="spec holds a list, expected a mapping"):
        edit_text(src, apply_peer_spec(old, "pink"), old)


def test_found_an_empty_flow_mapping_inside_json_is_refused_not_filled_with_block_lines():
    text = ('{"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane", "metadata": {"name": "red"},\n'
            ' "spec": {"gateways": {"additionalEgress": {}, "additionalIngress": {}}}}\n')
    src = parse(text.encode(), "a.json")
    old = read_mesh(src)
    with pytest.raises(InputError, match="inside a flow-style mapping, e.g. JSON"):
        edit_text(src, apply_peer_spec(old, "pink"), old)
