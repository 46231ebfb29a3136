"""What a mesh knows about its peers (smfed_tui.peer_facts): upstream's samples, where SMCP names are not
federation names; every derived value said as an assumption; the bundle flags made from the same field
declarations as the federation-resources form and parsed by the same code."""
from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from smfed_tui.bundle import build_bundle
from smfed_tui.cli import main, build_parser
from smfed_tui.edit import generate_text
from smfed_tui.model import Mesh, Peer
from smfed_tui.peer_facts import BUNDLE_FIELDS, PeerSmcpError, flag, read_peer_smcp, remote_for
from smfed_tui.reader import read_mesh
from smfed_tui.source import parse

UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
MESH1, MESH2 = UPSTREAM / "mesh1-smcp.yaml", UPSTREAM / "mesh2-smcp.yaml"

# Upstream's ServiceMeshPeer `mesh2` in mesh1-system (samples/federation/base/export), with the address given.
UPSTREAM_PEER = {
    "apiVersion": "federation.maistra.io/v1",
    "kind": "ServiceMeshPeer",
    "metadata": {"name": "mesh2", "namespace": "mesh1-system"},
    "spec": {
        "remote": {"addresses": ["198.51.100.20"], "discoveryPort": 8188, "servicePort": 15443},
        "gateways": {"ingress": {"name": "mesh2-ingress"}, "egress": {"name": "mesh2-egress"}},
        "security": {"trustDomain": "mesh2.local",
                     "clientID": "mesh2.local/ns/mesh2-system/sa/mesh1-egress-service-account",
                     "certificateChain": {"kind": "ConfigMap", "name": "mesh2-ca-root-cert"}},
    },
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def peer_resource(text: str, name: str) -> dict:
    [doc] = [d for d in yaml.safe_load_all(text) if d["kind"] == "ServiceMeshPeer" and d["metadata"]["name"] == name]
    return doc


def mesh(path: Path) -> Mesh:
    return read_mesh(parse(path.read_bytes(), str(path)))


@pytest.mark.parametrize("peer_smcp", [str(MESH2), f"mesh2={MESH2}"])
def test_upstream_samples_give_upstreams_service_mesh_peer(peer_smcp):
    rc, out, err = run("bundle", str(MESH1), "--peer-smcp", peer_smcp, "--peer-address", "mesh2=198.51.100.20")
    assert rc == 0, err
    assert peer_resource(out, "mesh2") == UPSTREAM_PEER


def test_a_bare_peer_smcp_is_matched_by_its_gateways_for_us_and_says_what_it_inferred():
    rc, _out, err = run("bundle", str(MESH1), "--peer-smcp", str(MESH2), "--peer-address", "mesh2=198.51.100.20")
    assert rc == 0
    # which peer the file is, and this mesh's name in it, were inferred: both said
    assert f"mesh2: Peer's SMCP file '{MESH2}' is assumed" in err
    assert "Peer's egress gateway for us 'mesh1-egress' is assumed, derived from the gateways" in err
    assert "has for 'mesh1' (mesh1-egress, mesh1-ingress)" in err


def test_named_file_and_federation_name_leave_nothing_assumed():
    rc, out, err = run("bundle", str(MESH1), "--federation-name", "mesh1", "--peer-smcp", f"mesh2={MESH2}",
                       "--peer-address", "mesh2=198.51.100.20")
    assert rc == 0 and peer_resource(out, "mesh2") == UPSTREAM_PEER
    assert "is assumed" not in err


def test_a_wrong_federation_name_is_refused_not_guessed():
    rc, out, err = run("bundle", str(MESH1), "--federation-name", "mesh7", "--peer-smcp", str(MESH2))
    assert (rc, out) == (2, "")
    assert "mesh 'fed-import' has no peer named 'mesh7' (its peers: mesh1)" in err


def test_without_the_peers_smcp_every_convention_is_a_warning_naming_value_source_and_flag():
    rc, out, err = run("bundle", str(MESH1), "--peer-address", "mesh2=198.51.100.20")
    assert rc == 0
    assert peer_resource(out, "mesh2")["spec"]["security"]["clientID"] == \
        "mesh2.local/ns/mesh2-system/sa/fed-export-egress-service-account"
    lines = [line for line in err.splitlines() if "is assumed" in line]
    assert len(lines) == 3
    for what, value, given_by in (("namespace", "mesh2-system", "--peer-namespace mesh2="),
                                  ("trust domain", "mesh2.local", "--peer-trust-domain mesh2="),
                                  ("egress gateway for us", "fed-export-egress", "--peer-egress mesh2=")):
        [line] = [line for line in lines if f"Peer's {what} '{value}' is assumed, derived from" in line]
        assert given_by in line and "the clientID mesh2.local/ns/mesh2-system/sa/fed-export-egress" in line
    # the egress guess rests on the SMCP's name standing for the name the peers know this mesh by
    [egress] = [line for line in lines if "egress gateway for us" in line]
    assert "derived from this mesh's SMCP name 'fed-export', taken as the name its peers know it by" in egress
    assert egress.endswith("--federation-name NAME")
    rc, _out, err = run("bundle", str(MESH1), "--federation-name", "mesh1")
    [egress] = [line for line in err.splitlines() if "egress gateway for us" in line]
    assert "'mesh1-egress' is assumed, derived from this mesh's federation name 'mesh1'" in egress
    assert "--federation-name" not in egress
    # the guess follows this file's naming (`<peer>-egress`), not the default `egress-<mesh>`
    rc, _out, err = run("bundle", str(MESH1), "--federation-name", "mesh1", "--peer-namespace", "mesh2=mesh2-system",
                        "--peer-trust-domain", "mesh2=mesh2.local", "--peer-egress", "mesh2=mesh1-egress")
    assert rc == 0 and "is assumed" not in err


def test_the_core_keeps_each_assumption_until_the_value_is_given():
    local = mesh(MESH1)
    peer = local.peer("mesh2")
    assumed = remote_for(local, peer, {})
    assert [(a.key, a.value) for a in assumed.assumptions] == [
        ("namespace", "mesh2-system"), ("trust-domain", "mesh2.local"), ("egress", "fed-export-egress")]
    # the same value typed (confirmed) is no longer assumed; an unconfirmed equal value still is
    assert remote_for(local, peer, {"namespace": "mesh2-system"}).assumed("namespace") is not None
    assert remote_for(local, peer, {"namespace": "mesh2-system"}, confirmed={"namespace"}).assumed("namespace") is None
    assert build_bundle(local, {"mesh2": assumed}).assumptions == list(assumed.assumptions)


def test_a_bare_file_that_fits_no_single_peer_is_refused_with_how_to_name_it(tmp_path):
    two = tmp_path / "two.yaml"
    two.write_text(generate_text(Mesh.new("fed-export", peers=(Peer.new("mesh2"), Peer.new("mesh3")))))
    other = tmp_path / "other.yaml"
    other.write_text(generate_text(Mesh.new("fed-x", namespace="x-system", trust_domain="x.local",
                                            peers=(Peer.new("fed-export"),))))
    rc, out, err = run("bundle", str(two), "--peer-smcp", str(other))
    assert (rc, out) == (2, "")
    assert "cannot tell which peer" in err and f"PEER={other}" in err
    rc, out, _err = run("bundle", str(two), "--peer-smcp", f"mesh3={other}")
    assert rc == 0 and peer_resource(out, "mesh3")["spec"]["security"]["trustDomain"] == "x.local"


def test_a_file_of_another_peer_is_refused_for_the_peer_named():
    local = Mesh.new("fed-export", peers=(Peer.new("mesh2"), Peer.new("fed-import")))
    with pytest.raises(PeerSmcpError, match="the SMCP of 'fed-import', not of 'mesh2'"):
        read_peer_smcp(local, str(MESH2), MESH2.read_bytes(), "mesh2")


# --- the flags are the form's fields ---------------------------------------------------------------------

def test_every_per_peer_field_of_the_form_is_a_bundle_flag_with_the_fields_help():
    bundle = build_parser()._subparsers._group_actions[0].choices["bundle"]
    options = {option: action for action in bundle._actions for option in action.option_strings}
    for fld in BUNDLE_FIELDS:
        assert flag(fld) in options, fld.key
        assert options[flag(fld)].help.startswith(fld.help)


@pytest.mark.parametrize("key,text", [
    ("node-ports", "²,32359"),          # str.isdigit() takes it, int() does not: was a ValueError traceback
    ("node-ports", "30510"),
    ("address", "https://203.0.113.20:15443"),
    ("namespace", "Mesh2"),
    ("egress", "1-egress"),
])
def test_a_value_the_form_refuses_the_flag_refuses_with_the_same_words(key, text):
    [fld] = [f for f in BUNDLE_FIELDS if f.key == key]
    problem = fld.problem(text)
    assert problem
    rc, out, err = run("bundle", str(MESH1), f"--peer-{key}", f"mesh2={text}")
    assert (rc, out) == (2, "")
    assert problem in err and "Traceback" not in err


# --- topology: a mesh's SMCP name beside its federation name ------------------------------------------

def test_topology_smcp_name_names_the_smcp_and_peers_still_use_the_federation_name(tmp_path):
    from smfed_tui.topology import build, parse_topology
    topo = parse_topology(b"""\
meshes:
  - name: mesh1
    smcpName: fed-export
    addresses: [198.51.100.10]
  - name: mesh2
    smcpName: fed-import
    addresses: [198.51.100.20]
federate: all
""", "topology.yaml")
    outputs = {out.name: out for out in build(topo)}
    assert yaml.safe_load(outputs["mesh1"].smcp)["metadata"] == {"name": "fed-export", "namespace": "mesh1-system"}
    spec = peer_resource(outputs["mesh1"].federation, "mesh2")["spec"]
    assert spec["security"]["clientID"] == "mesh2.local/ns/mesh2-system/sa/egress-mesh1-service-account"
    assert peer_resource(outputs["mesh2"].federation, "mesh1")["metadata"]["namespace"] == "mesh2-system"


def test_topology_refuses_a_bad_smcp_name():
    from smfed_tui.topology import TopologyError, parse_topology
    with pytest.raises(TopologyError, match="smcpName 'Fed_Export'"):
        parse_topology(b"meshes:\n  - name: mesh1\n    smcpName: Fed_Export\n    addresses: [198.51.100.10]\n"
                       b"federate: all\n", "topology.yaml")


# --- the federation-resources form: the same reader, and an "assumed" mark from the core ------------------------

def test_the_form_marks_each_conventional_value_as_assumed_until_typed_or_confirmed(tmp_path):
    from smfed_tui.peer_facts import FIELD_BY_KEY as F
    from smfed_tui.session import Session
    path = tmp_path / "mesh1.yaml"
    path.write_bytes(MESH1.read_bytes())
    resources = Session.open(str(path)).federation_resources
    assumed = resources.assumption(F["egress"], "mesh2")
    assert (assumed.value, assumed.key) == ("fed-export-egress", "egress") and "fed-export" in assumed.derived_from
    assert resources.assumption(F["address"], "mesh2") is None          # not a convention: a placeholder warning
    assert resources.set_text(F["namespace"], "mesh2", "mesh2-system") is None   # the conventional value, typed
    assert resources.assumption(F["namespace"], "mesh2") is None
    resources.confirm(F["trust-domain"], "mesh2")
    assert resources.assumption(F["trust-domain"], "mesh2") is None
    # confirmed values are flags of the equivalent command, so it prints the file without assuming them
    assert resources.command() == ["smfed-wizard", "bundle", "mesh1.yaml", "--peer-namespace", "mesh2=mesh2-system",
                                   "--peer-trust-domain", "mesh2=mesh2.local"]


def test_the_form_reads_the_peer_smcp_with_the_same_reader_as_bundle(tmp_path):
    from smfed_tui.peer_facts import FIELD_BY_KEY as F
    from smfed_tui.session import Session
    path = tmp_path / "mesh1.yaml"
    path.write_bytes(MESH1.read_bytes())
    (tmp_path / "mesh2.yaml").write_bytes(MESH2.read_bytes())
    resources = Session.open(str(path)).federation_resources
    assert resources.set_text(F["smcp"], "mesh2", "mesh2.yaml") is None
    assert resources.set_text(F["address"], "mesh2", "198.51.100.20") is None
    assert peer_resource(resources.text(), "mesh2") == UPSTREAM_PEER
    assert resources.assumption(F["namespace"], "mesh2") is None           # read from its file
    assert resources.assumption(F["egress"], "mesh2").value == "mesh1-egress"   # which gateways are ours: inferred


def test_the_form_takes_this_meshs_federation_name_as_bundle_does(tmp_path):
    from smfed_tui.peer_facts import FIELD_BY_KEY as F
    from smfed_tui.session import Session
    path = tmp_path / "mesh1.yaml"
    path.write_bytes(MESH1.read_bytes())
    resources = Session.open(str(path)).federation_resources
    assert "must consist of" in resources.set_federation_name("Mesh_1")
    assert resources.set_federation_name("mesh1") is None
    assert resources.value(F["egress"], "mesh2") == "mesh1-egress"        # guessed in this file's naming
    assert resources.command() == ["smfed-wizard", "bundle", "mesh1.yaml", "--federation-name", "mesh1"]
    rc, out, _err = run("bundle", str(path), "--federation-name", "mesh1")
    assert rc == 0 and out == resources.text()
