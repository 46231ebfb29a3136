"""Editing in place: bytes the edit does not touch stay identical, new blocks follow the file's style.

For every fixture in tests/fixtures/edit/ (each named after the trait it carries: CRLF, BOM, 4-space
indentation, compact and indented lists, header comments before `---`, `...`, a comment-only
document, other documents before and after the SMCP, anchors and flow style elsewhere, no final
newline, trailing spaces, YAML 1.1 look-alike strings, no `gateways:`, `additionalIngress: {}`,
`additionalEgress:` null, sorted keys, a peer recognised from its labels):
- a no-change edit is byte-identical;
- adding a peer only inserts lines, and the new block has the file's indentation, list style, line
  endings, BOM and final-newline state;
- changing a node port changes exactly one line;
- removing a peer removes only its lines.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import dataclasses

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smfed_tui.edit import edit_text, generate_text
from smfed_tui.errors import InputError
from smfed_tui.flags import apply_peer_spec, remove_peer
from smfed_tui.model import Mesh, Peer, conventions_of
from smfed_tui.reader import read_mesh
from smfed_tui.source import parse

EDIT = Path(__file__).parent / "fixtures" / "edit"


@dataclass(frozen=True)
class Fixture:
    name: str
    indent: int            # columns per mapping level
    seq_offset: int        # columns from a key to its list's `-`
    peers: tuple = ()      # peer names the reader must find
    crlf: bool = False
    bom: bool = False
    final_newline: bool = True
    empties: tuple = ()    # lines `key: {}` / `key: ~` that adding a peer must turn into `key:`


FIXTURES = [
    Fixture("two-space-compact", 2, 0, ("green-mesh", "blue-mesh")),
    Fixture("crlf", 2, 0, ("green-mesh", "blue-mesh"), crlf=True),
    Fixture("bom", 2, 0, ("green-mesh", "blue-mesh"), bom=True),
    Fixture("bom-crlf", 2, 0, ("green-mesh", "blue-mesh"), crlf=True, bom=True),
    Fixture("four-space-indented-lists", 4, 4, ("green-mesh",)),
    Fixture("two-space-indented-lists", 2, 2, ("green-mesh",)),
    Fixture("multi-document-markers", 2, 0, ("green-mesh",)),
    Fixture("anchors-and-flow", 2, 0, ("green-mesh",)),
    Fixture("no-final-newline-trailing-spaces", 2, 0, ("green-mesh", "blue-mesh"), final_newline=False),
    Fixture("gateways-last-no-final-newline", 2, 0, ("green-mesh", "blue-mesh"), final_newline=False),
    Fixture("yaml11-lookalikes", 2, 0, ("green-mesh",)),
    Fixture("gateways-absent", 2, 0),
    Fixture("gateways-without-federation-no-security", 2, 0),
    Fixture("additional-ingress-empty-map", 2, 0,
            empties=(("    additionalEgress: {}", "    additionalEgress:"),
                     ("    additionalIngress: {}  # none yet", "    additionalIngress:  # none yet"))),
    Fixture("additional-egress-null", 2, 0, empties=(("    additionalIngress: ~", "    additionalIngress:"),)),
    Fixture("sorted-keys", 2, 0, ("green-mesh",)),
    Fixture("peer-by-label", 2, 0, ("mesh1",)),
]
BY_NAME = {f.name: f for f in FIXTURES}
WITH_PEERS = [f for f in FIXTURES if f.peers]

NEW_PEER = "pink-mesh:service=NodePort,tls-node-port=30600,discovery-node-port=30601,route=false"


def load(fixture: Fixture):
    data = (EDIT / f"{fixture.name}.yaml").read_bytes()
    src = parse(data, f"{fixture.name}.yaml")
    return data, src, read_mesh(src)


def edited_bytes(src, new: Mesh, old: Mesh) -> bytes:
    return src.encode(edit_text(src, new, old))


def line_diff(old: bytes, new: bytes):
    """difflib opcodes over lines (line ends kept, so a CRLF/LF change would show)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    return a, b, [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]


def test_fixture_files_have_their_traits():
    """Guard: the fixtures really carry what their names say (a fixture rewritten by an editor or by
    git's line-end conversion would make the tests below prove nothing)."""
    raw = {f.name: (EDIT / f"{f.name}.yaml").read_bytes() for f in FIXTURES}
    assert set(raw) == {p.stem for p in EDIT.glob("*.yaml")}, "every fixture file is in the table"
    for f in FIXTURES:
        data = raw[f.name]
        assert data.startswith(b"\xef\xbb\xbf") == f.bom, f.name
        assert (b"\r\n" in data) == f.crlf, f.name
        if f.crlf:
            assert data.count(b"\n") == data.count(b"\r\n")
        assert data.endswith(b"\n") == f.final_newline, f.name
    assert b"   \n" in raw["no-final-newline-trailing-spaces"]
    markers = raw["multi-document-markers"].decode()
    assert markers.startswith("# Control plane") and "\n---\n# a comment-only document" in markers
    assert "\n...\n---\n" in markers and markers.endswith("...\n") and "kind: Namespace" in markers
    assert "&small" in raw["anchors-and-flow"].decode() and "{port: 15443" in raw["anchors-and-flow"].decode()
    assert "    - port: 15443" in raw["four-space-indented-lists"].decode()
    assert b"gateways:" not in raw["gateways-absent"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_reader_finds_the_peers(fixture):
    _, _, mesh = load(fixture)
    assert tuple(p.name for p in mesh.peers) == fixture.peers


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_no_change_edit_is_byte_identical(fixture):
    data, src, mesh = load(fixture)
    assert edited_bytes(src, mesh, mesh) == data
    assert edit_text(src, mesh) == src.text  # old model read from the file


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_adding_a_peer_only_inserts_lines_in_the_files_style(fixture):
    data, src, mesh = load(fixture)
    out = edited_bytes(src, apply_peer_spec(mesh, NEW_PEER), mesh)
    # `key: {}` / `key: ~` must lose its empty value to take the block; no other line changes
    eol = b"\r\n" if fixture.crlf else b"\n"
    before = data
    for old, new in fixture.empties:
        assert before.count(old.encode() + eol) == 1
        before = before.replace(old.encode() + eol, new.encode() + eol)
    _, _, ops = line_diff(before, out)
    assert ops and all(op[0] == "insert" for op in ops), ops

    # line ends, BOM and final newline as in the file
    assert out.startswith(b"\xef\xbb\xbf") == fixture.bom
    if fixture.crlf:
        assert out.count(b"\n") == out.count(b"\r\n")
    else:
        assert b"\r" not in out
    assert out.endswith(b"\n") == fixture.final_newline

    # the new block's indentation and list style are the file's
    text = out.decode("utf-8-sig").replace("\r\n", "\n")
    lines = text.split("\n")
    style = conventions_of(mesh)   # a file's own naming (peer-by-label: `<peer>-egress`, as upstream's samples)
    for gateway, child in ((f"{style.egress('pink-mesh')}:", "enabled: true"),
                           (f"{style.ingress('pink-mesh')}:", "enabled: true")):
        at = next(i for i, ln in enumerate(lines) if ln.strip() == gateway)
        column = lines[at].index(gateway)
        assert lines[at + 1] == " " * (column + fixture.indent) + child
    ports = [i for i, ln in enumerate(lines) if ln.strip() == "ports:" and "- port: 30600" not in ln]
    new_ports = [i for i in ports if any("30600" in ln for ln in lines[i:i + 4]) or "pink" in lines[i - 2]]
    assert new_ports
    for i in new_ports:
        key_column = lines[i].index("ports:")
        first = lines[i + 1]
        assert first.startswith(" " * (key_column + fixture.seq_offset) + "- ")
        assert first[key_column + fixture.seq_offset:].startswith("- port: 15443") or "name: tls" in first

    # and the file says what we asked for
    again = read_mesh(parse(out, "again.yaml"))
    pink = again.peer("pink-mesh")
    assert (pink.egress, pink.ingress, pink.exposure.service_type) == (
        style.egress("pink-mesh"), style.ingress("pink-mesh"), "NodePort")
    assert (pink.exposure.tls_node_port, pink.exposure.discovery_node_port, pink.exposure.route_enabled) == (30600, 30601, False)
    assert again.peers[:-1] == mesh.peers


@pytest.mark.parametrize("fixture", WITH_PEERS, ids=lambda f: f.name)
def test_changing_a_node_port_changes_exactly_one_line(fixture):
    data, src, mesh = load(fixture)
    peer = mesh.peers[0]
    assert peer.exposure.tls_node_port == 30510
    out = edited_bytes(src, apply_peer_spec(mesh, f"{peer.name}:tls-node-port=30999"), mesh)
    a, b, ops = line_diff(data, out)
    assert len(ops) == 1 and ops[0][0] == "replace"
    _, i1, i2, j1, j2 = ops[0]
    assert (i2 - i1, j2 - j1) == (1, 1)
    assert b[j1] == a[i1].replace(b"30510", b"30999")
    assert read_mesh(parse(out, "x.yaml")).peer(peer.name).exposure.tls_node_port == 30999


def _gateway_lines(text: str, name: str) -> list[int]:
    """0-based indexes of the lines of gateway `name`'s block, with the comment lines right above it."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"{name}:")
    column = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > column):
        end += 1
    while start > 0 and lines[start - 1].strip().startswith("#") and \
            len(lines[start - 1]) - len(lines[start - 1].lstrip()) == column:
        start -= 1
    return list(range(start, end))


@pytest.mark.parametrize("fixture", WITH_PEERS, ids=lambda f: f.name)
def test_removing_a_peer_removes_only_its_lines(fixture):
    data, src, mesh = load(fixture)
    peer = mesh.peers[0]
    out = edited_bytes(src, remove_peer(mesh, peer.name), mesh)
    a, b, ops = line_diff(data, out)
    assert all(op[0] == "delete" for op in ops), ops
    removed = {i for _, i1, i2, _, _ in ops for i in range(i1, i2)}
    theirs = set(_gateway_lines(src.text, peer.egress)) | set(_gateway_lines(src.text, peer.ingress))
    if len(mesh.peers) > 1:
        assert removed == theirs
    else:  # the last peer: the maps (and `gateways:`) it leaves empty go too, nothing else
        extra = {i: a[i].decode("utf-8-sig").strip() for i in removed - theirs}
        assert theirs <= removed and set(extra.values()) <= {"gateways:", "additionalEgress:", "additionalIngress:"}
    after = read_mesh(parse(out, "x.yaml"))
    assert after.peers == mesh.without_peer(peer.name).peers
    assert peer.egress not in out.decode("utf-8-sig") and peer.ingress not in out.decode("utf-8-sig")


def test_removing_one_of_two_peers_keeps_the_other_byte_for_byte():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    out = edited_bytes(src, remove_peer(mesh, "green-mesh"), mesh).decode()
    lines = src.text.split("\n")
    drop = set(_gateway_lines(src.text, "egress-green-mesh")) | set(_gateway_lines(src.text, "ingress-green-mesh"))
    assert lines[min(drop)] == "      # to green-mesh"  # its comment goes with it
    assert out == "\n".join(ln for i, ln in enumerate(lines) if i not in drop)


# --- traits one by one -------------------------------------------------------------------------------

def test_other_documents_stay_byte_for_byte():
    data, src, mesh = load(BY_NAME["multi-document-markers"])
    text = src.text
    head = text[:text.index("apiVersion: maistra.io/v2")]
    tail = text[text.index("...\n---\napiVersion: maistra.io/v1"):]
    for new in (apply_peer_spec(mesh, NEW_PEER), remove_peer(mesh, "green-mesh"),
                apply_peer_spec(mesh, "green-mesh:discovery-node-port=30001")):
        out = edit_text(src, new, mesh)
        assert out.startswith(head) and out.endswith(tail)
        assert [d["kind"] if d else None for d in yaml.safe_load_all(out)] == \
            [None, "Namespace", "ServiceMeshControlPlane", "ServiceMeshMemberRoll"]


def test_anchors_and_flow_style_elsewhere_are_kept_and_flow_values_edited_in_place():
    data, src, mesh = load(BY_NAME["anchors-and-flow"])
    new = apply_peer_spec(mesh, "green-mesh:network=net-a+net-b,route=true")
    out = edit_text(src, new, mesh)
    _, _, ops = line_diff(src.text.encode(), out.encode())
    changed = [(src.text.splitlines()[i1], out.splitlines()[j1]) for _, i1, _, j1, _ in ops]
    assert changed == [("        requestedNetworkView: [network-green-mesh]", "        requestedNetworkView: [net-a, net-b]"),
                       ("        routeConfig: {enabled: false}", "        routeConfig: {enabled: true}")]
    assert "requests: &small {cpu: 10m, memory: 128Mi}" in out and "runtime: *gwruntime" in out


def test_editing_through_an_alias_is_refused():
    """`runtime: *gwruntime` shares its value with the egress gateway: a change there would change
    both, so the editor refuses with the place, instead of guessing."""
    data, src, mesh = load(BY_NAME["anchors-and-flow"])
    from smfed_tui.file_style import detect_style
    from smfed_tui.splice import Splicer
    splicer = Splicer(src, src.smcp, detect_style(src.smcp))
    with pytest.raises(InputError) as info:
        splicer.set(("spec", "gateways", "additionalIngress", "ingress-green-mesh", "runtime", "deployment",
                     "autoScaling", "enabled"), True)
    assert "alias" in info.value.message and (info.value.line, info.value.column) == (46, 9)


def test_yaml_1_1_look_alikes_stay_quoted_and_new_ones_get_quoted():
    data, src, mesh = load(BY_NAME["yaml11-lookalikes"])
    quoted = ["'yes'", '"on"', "'0777'", "'y'", "'off'", "'no'", "'on'"]
    new = apply_peer_spec(apply_peer_spec(mesh, "green-mesh:tls-node-port=30999"),
                          "pink-mesh:egress-label=on,ingress-label=yes")
    out = edit_text(src, new, mesh)
    for q in quoted:
        assert out.count(q) >= src.text.count(q) >= 1, q
    assert "federation.maistra.io/egress-for: 'on'" in out
    assert "federation.maistra.io/ingress-for: 'yes'" in out
    doc = yaml.safe_load(out)  # YAML 1.1, like kubectl: still strings
    assert doc["metadata"]["annotations"] == {"example.com/audit": "yes", "example.com/switch": "on", "example.com/mode": "0777"}
    labels = doc["spec"]["gateways"]["additionalEgress"]["egress-pink-mesh"]["service"]["metadata"]["labels"]
    assert labels == {"federation.maistra.io/egress-for": "on"}
    assert read_mesh(parse(out.encode(), "x")).peer("pink-mesh").egress_label == "on"


def test_generated_files_quote_look_alikes_too():
    mesh = Mesh.new("red-mesh", peers=(Peer.new("on", egress="egress-on", egress_label="yes"),))
    doc = yaml.safe_load(generate_text(mesh))
    assert doc["spec"]["gateways"]["additionalEgress"]["egress-on"]["service"]["metadata"]["labels"] == \
        {"federation.maistra.io/egress-for": "yes"}


def test_gateways_absent_is_created_after_version():
    data, src, mesh = load(BY_NAME["gateways-absent"])
    out = edit_text(src, apply_peer_spec(mesh, "pink-mesh"), mesh)
    lines = out.split("\n")
    at = lines.index("  gateways:")
    assert lines[at - 1] == "  version: v2.6" and lines[at + 1] == "    additionalEgress:"
    assert yaml.safe_load(out)["spec"]["tracing"] == {"type": "None"}


def test_sorted_keys_file_gets_sorted_keys():
    data, src, mesh = load(BY_NAME["sorted-keys"])
    new = apply_peer_spec(mesh, NEW_PEER)
    new = Mesh(**{**new.__dict__, "cluster_name": "c1"})
    out = edit_text(src, new, mesh)

    def keys_sorted(node):
        if isinstance(node, dict):
            assert list(node) == sorted(node), list(node)
            for v in node.values():
                keys_sorted(v)
        elif isinstance(node, list):
            for v in node:
                keys_sorted(v)
    keys_sorted(yaml.safe_load(out))
    assert list(yaml.safe_load(out)["spec"]) == ["addons", "cluster", "gateways", "security", "tracing", "version"]


def test_unsorted_file_keeps_the_docs_order():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    out = edit_text(src, apply_peer_spec(mesh, NEW_PEER), mesh)
    pink = yaml.safe_load(out)["spec"]["gateways"]["additionalIngress"]["ingress-pink-mesh"]
    assert list(pink) == ["enabled", "service", "routeConfig"]
    assert list(pink["service"]["ports"][0]) == ["port", "nodePort", "name"]


def test_peer_recognised_from_labels_is_changed_and_removed_by_name():
    data, src, mesh = load(BY_NAME["peer-by-label"])
    peer = mesh.peer("mesh1")
    assert (peer.egress, peer.ingress, peer.egress_label, peer.ingress_label) == \
        ("mesh1-egress", "mesh1-ingress", "mesh1", "mesh1")
    out = edit_text(src, apply_peer_spec(mesh, "mesh1:discovery-node-port=32000,network=network-mesh1+other"), mesh)
    # the comment inside requestedNetworkView stays where it was; one list item more; one port changed
    assert out == src.text.replace("        - network-mesh1\n", "        - network-mesh1\n        - other\n") \
                          .replace("nodePort: 32359", "nodePort: 32000")
    gone = edit_text(src, remove_peer(mesh, "mesh1"), mesh)
    assert "mesh1-egress" not in gone and "mesh1-ingress" not in gone
    assert "      # egress gateway definition for sending requests from mesh1" not in gone
    assert gone.endswith("  security:\n    trust:\n      # unique trust domain for this mesh, mesh2\n      domain: mesh2.local\n")


def test_renamed_gateway_changes_only_its_key_line_and_stays_a_peer():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    out = edit_text(src, apply_peer_spec(mesh, "green-mesh:egress=egress-green"), mesh)
    a, b, ops = line_diff(src.text.encode(), out.encode())
    assert [(a[i1:i2], b[j1:j2]) for _, i1, i2, j1, j2 in ops] == [([b"      egress-green-mesh:\n"], [b"      egress-green:\n"])]
    assert read_mesh(parse(out.encode(), "x")).peer("green-mesh").egress == "egress-green"


def test_peer_with_a_custom_label_reads_back_as_that_peer():
    """A label that names neither the gateway nor the peer must not split the peer in two."""
    data, src, mesh = load(BY_NAME["two-space-compact"])
    out = edit_text(src, apply_peer_spec(mesh, "pink-mesh:egress-label=team-a"), mesh)
    pink = read_mesh(parse(out.encode(), "x")).peer("pink-mesh")
    assert pink is not None and (pink.egress, pink.ingress, pink.egress_label) == ("egress-pink-mesh", "ingress-pink-mesh", "team-a")


def test_mesh_fields_are_changed_in_place_and_new_ones_follow_version():
    data, src, mesh = load(BY_NAME["four-space-indented-lists"])
    new = Mesh(**{**mesh.__dict__, "version": "v2.5", "cluster_name": "c1", "trust_domain": "red.example"})
    out = edit_text(src, new, mesh)
    a, b, ops = line_diff(src.text.encode(), out.encode())
    assert [(a[i1:i2], b[j1:j2]) for _, i1, i2, j1, j2 in ops] == [
        ([b"    version: v2.6\n"], [b"    version: v2.5\n", b"    cluster:\n", b"        name: c1\n"]),
        ([b"            domain: red-mesh.local\n"], [b"            domain: red.example\n"])]


def test_edit_keeps_an_end_of_line_comment_on_the_changed_value():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    text = src.text.replace("          type: NodePort\n", "          type: NodePort  # no LB on bare metal\n")
    src2 = parse(text.encode(), "c.yaml")
    out = edit_text(src2, apply_peer_spec(read_mesh(src2), "green-mesh:service=LoadBalancer"))
    assert "          type: LoadBalancer  # no LB on bare metal\n" in out


def test_adding_an_existing_gateway_name_is_refused():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    with pytest.raises(InputError) as info:
        edit_text(src, apply_peer_spec(mesh, "pink-mesh:egress=egress-blue-mesh"), mesh)
    assert info.value.message == "peers 'blue-mesh' and 'pink-mesh' both use the egress gateway name 'egress-blue-mesh'"
    # a gateway that is no peer's (here a lone egress) is protected too
    alone = src.text.replace("ingress-blue-mesh", "ingress-teal-mesh")  # name and label
    src2 = parse(alone.encode(), "alone.yaml")
    mesh2 = read_mesh(src2)
    assert mesh2.peer("blue-mesh") is None
    with pytest.raises(InputError) as info:
        edit_text(src2, apply_peer_spec(mesh2, "pink-mesh:egress=egress-blue-mesh"), mesh2)
    assert info.value.message == "a gateway named 'egress-blue-mesh' already exists in spec.gateways.additionalEgress"


def test_removing_and_adding_a_peer_again_resets_it_in_place():
    """`edit --remove-peer green-mesh --peer green-mesh`: the peer's gateways go back to the defaults,
    changed in place (used to fail: 'a gateway named egress-green-mesh already exists')."""
    data, src, mesh = load(BY_NAME["two-space-compact"])
    new = apply_peer_spec(remove_peer(mesh, "green-mesh"), "green-mesh")
    out = edit_text(src, new, mesh)
    green = read_mesh(parse(out.encode(), "x")).peer("green-mesh")
    assert green.exposure.service_type == "LoadBalancer" and green.exposure.tls_node_port is None
    assert green.exposure.route_enabled is False   # the default: no Route for a federation ingress
    assert out.count("egress-green-mesh:") == 1 and out.index("egress-green-mesh:") < out.index("egress-blue-mesh:")


def test_blocks_added_at_one_place_nest_correctly():
    """`gateways:` (holding only openshiftRoute) ends where `security:` is added after it: the new
    additionalEgress/additionalIngress must stay inside `gateways`, above `security:`. (They used to
    land under `security:`, a valid file with the federation gateways in the wrong place.)"""
    data, src, mesh = load(BY_NAME["gateways-without-federation-no-security"])
    assert mesh.trust_domain is None
    new = dataclasses.replace(apply_peer_spec(mesh, "pink-mesh"), trust_domain="basic.local")
    doc = yaml.safe_load(edit_text(src, new, mesh))
    assert set(doc["spec"]["gateways"]) == {"openshiftRoute", "additionalEgress", "additionalIngress"}
    assert doc["spec"]["security"] == {"trust": {"domain": "basic.local"}}


def test_two_peers_with_one_gateway_name_are_refused_not_merged():
    data, src, mesh = load(BY_NAME["two-space-compact"])
    new = apply_peer_spec(apply_peer_spec(mesh, "pink-mesh:ingress=fed-in"), "teal-mesh:ingress=fed-in")
    with pytest.raises(InputError) as info:
        edit_text(src, new, mesh)
    assert info.value.message == "peers 'pink-mesh' and 'teal-mesh' both use the ingress gateway name 'fed-in'"
    with pytest.raises(InputError):
        generate_text(Mesh.new("red-mesh", peers=(Peer.new("a", egress="out"), Peer.new("b", egress="out"))))


# --- any sequence of edits: the file then says exactly what the model says ------------------------------

PEER_NAMES = st.sampled_from(["pink-mesh", "teal-mesh", "green-mesh", "blue-mesh", "mesh1"])
PEER_OPTIONS = st.fixed_dictionaries({}, optional={
    "service": st.sampled_from(["NodePort", "LoadBalancer", "ClusterIP"]),
    "tls-node-port": st.integers(30000, 32767).map(str),
    "discovery-node-port": st.integers(30000, 32767).map(str),
    "route": st.sampled_from(["true", "false"]),
    "network": st.sampled_from(["", "a", "a+b", "network-x"]),
    "router-mode": st.sampled_from(["sni-dnat", "standard"]),
    "nlb": st.sampled_from(["true", "false"]),
})
EDITS = st.lists(st.one_of(
    st.tuples(st.just("peer"), st.tuples(PEER_NAMES, PEER_OPTIONS).map(
        lambda t: t[0] + (":" + ",".join(f"{k}={v}" for k, v in t[1].items()) if t[1] else ""))),
    st.tuples(st.just("remove"), PEER_NAMES),
    st.tuples(st.just("mesh"), st.sampled_from([("version", "v2.4"), ("cluster_name", "c1"), ("network", "n1"),
                                                ("image_pull_policy", "Never"), ("trust_domain", "x.local"),
                                                ("namespace", "ns2"), ("cluster_name", None)])),
), min_size=1, max_size=5)


def _comparable(mesh: Mesh):
    return ({(p.egress, p.ingress): dataclasses.replace(p, read_from_gateways=None) for p in mesh.peers},
            dataclasses.replace(mesh, peers=()))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FIXTURES), EDITS)
def test_any_edit_sequence_reads_back_as_the_model_and_is_stable(fixture, edits):
    """Add, change and remove peers and mesh fields in any order on any fixture: the written file,
    read back, is exactly the model asked for, and editing it again without a change is identical."""
    data, src, old = load(fixture)
    new = old
    for kind, arg in edits:
        if kind == "peer":
            new = apply_peer_spec(new, arg)
        elif kind == "remove":
            new = remove_peer(new, arg) if new.peer(arg) else new
        else:
            new = dataclasses.replace(new, **{arg[0]: arg[1]})
    try:
        out = edited_bytes(src, new, old)
    except InputError as err:  # the flow-style fixture cannot take new blocks in flow mappings
        assert "block style" in err.message and fixture.name == "anchors-and-flow", err.message
        return
    again = parse(out, fixture.name)
    back = read_mesh(again)
    assert _comparable(back) == _comparable(new)
    assert again.encode(edit_text(again, back, back)) == out
    assert out.startswith(b"\xef\xbb\xbf") == fixture.bom and (b"\r\n" in out) == fixture.crlf


def test_removing_the_last_block_keeps_a_missing_final_newline_missing():
    data, src, mesh = load(BY_NAME["gateways-last-no-final-newline"])
    assert src.text.endswith("          enabled: false")  # ingress-blue-mesh's block ends the file
    out = edited_bytes(src, remove_peer(mesh, "blue-mesh"), mesh)
    assert not out.endswith(b"\n")
    _, _, ops = line_diff(data + b"\n", out + b"\n")  # (compare whole lines)
    assert ops and all(op[0] == "delete" for op in ops) and b"blue-mesh:" not in out
    both = edited_bytes(src, remove_peer(remove_peer(mesh, "blue-mesh"), "green-mesh"), mesh)
    assert both.endswith(b"      domain: red-mesh.local")  # the emptied gateways: went too
