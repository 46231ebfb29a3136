"""A peer added to (or renamed in) a file follows the file's own naming: gateway names, label values,
network view. Only a new file takes the defaults."""
from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from smfed_tui.cli import main
from smfed_tui.edit import generate_text
from smfed_tui.fields import EXPOSURE_FIELDS, PEER_FIELDS
from smfed_tui.model import Conventions, Mesh, Peer, conventions_of, new_peer_conventions, rename_peer
from smfed_tui.session import Session

SERVICE, TLS = EXPOSURE_FIELDS[:2]
PEER_NAME = PEER_FIELDS[0]

UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"


def gateways(text: str) -> dict:
    spec = yaml.safe_load(text)["spec"]["gateways"]
    return {kind: spec[kind] for kind in ("additionalEgress", "additionalIngress")}


def edit_err(path: Path, *argv: str) -> str:
    """`edit PATH ARGV...`: what it says on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["edit", str(path), *argv])
    assert rc in (0, 1), err.getvalue()
    return err.getvalue()


def edit(path: Path, *argv: str) -> str:
    edit_err(path, *argv)
    return path.read_text()


def test_a_peer_added_to_upstreams_sample_follows_its_naming(tmp_path):
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    gws = gateways(edit(path, "--peer", "mesh3"))
    egress, ingress = gws["additionalEgress"]["mesh3-egress"], gws["additionalIngress"]["mesh3-ingress"]
    assert egress["service"]["metadata"]["labels"] == {"federation.maistra.io/egress-for": "mesh3"}
    assert ingress["service"]["metadata"]["labels"] == {"federation.maistra.io/ingress-for": "mesh3"}
    assert egress["requestedNetworkView"] == ["network-mesh3"]
    assert "egress-mesh3" not in gws["additionalEgress"]


def test_a_peer_added_to_a_docs_style_file_follows_the_docs_naming(tmp_path):
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(Peer.new("green-mesh"),))))
    gws = gateways(edit(path, "--peer", "blue-mesh"))
    assert gws["additionalEgress"]["egress-blue-mesh"]["service"]["metadata"]["labels"] == {
        "federation.maistra.io/egress-for": "egress-blue-mesh"}


def test_a_file_whose_peers_set_no_view_gets_none_for_a_new_peer():
    local = Mesh.new("red-mesh", peers=(Peer.new("green-mesh", network_view=None),))
    assert conventions_of(local).new_peer("blue-mesh").network_view is None


def test_the_docs_wrong_network_form_is_not_copied():
    local = Mesh.new("red-mesh", peers=(Peer.new("green-mesh", network_view=("green-mesh-network",)),))
    assert conventions_of(local).new_peer("blue-mesh").network_view == ("network-blue-mesh",)


def test_a_new_file_takes_the_defaults():
    assert conventions_of(Mesh.new("red-mesh")) == Conventions()
    assert Peer.new("green-mesh").egress == "egress-green-mesh"


def test_a_renamed_peer_keeps_its_style():
    upstream_style = Conventions(suffix=True, label_is_peer=True).new_peer("mesh2")
    renamed = rename_peer(Mesh.new("fed-export", peers=(upstream_style,)), "mesh2", "mesh9").peer("mesh9")
    assert (renamed.egress, renamed.ingress, renamed.egress_label, renamed.network_view) == (
        "mesh9-egress", "mesh9-ingress", "mesh9", ("network-mesh9",))


def test_a_peer_added_in_the_wizard_follows_the_files_naming(tmp_path):
    from smfed_tui.session import Session
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    session = Session.open(str(path))
    peer = session.add_peer("mesh3")
    assert (peer.egress, peer.ingress, peer.egress_label) == ("mesh3-egress", "mesh3-ingress", "mesh3")
    gws = gateways(session.output_bytes().decode())
    assert gws["additionalEgress"]["mesh3-egress"]["requestedNetworkView"] == ["network-mesh3"]


def test_edit_says_which_of_the_files_conventions_a_new_peer_follows(tmp_path):
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    lines = [line for line in edit_err(path, "--peer", "mesh3").splitlines() if line.startswith("assumed:")]
    assert len(lines) == 3, lines
    names, labels, view = lines
    assert "mesh3-egress and mesh3-ingress" in names and "<peer>-egress" in names
    assert "--peer mesh3:egress=NAME,ingress=NAME" in names
    assert "egress-for: mesh3" in labels and "the peer's name" in labels
    assert "--peer mesh3:egress-label=VALUE,ingress-label=VALUE" in labels
    assert "requestedNetworkView network-mesh3" in view and "--peer mesh3:network=NAME" in view


def test_a_file_whose_peers_have_no_view_says_the_new_peer_gets_none(tmp_path):
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(Peer.new("green-mesh", network_view=None),))))
    err = edit_err(path, "--peer", "blue-mesh")
    assert "assumed: peer blue-mesh's egress gateway gets no requestedNetworkView" in err
    assert "--peer blue-mesh:network=network-blue-mesh" in err
    assert "egress-<peer> naming" in err and "the gateway's name" in err


def test_values_given_in_the_peer_spec_are_no_assumption(tmp_path):
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    err = edit_err(path, "--peer", "mesh3:egress=mesh3-egress,ingress=mesh3-ingress,network=network-mesh3,"
                                   "egress-label=mesh3,ingress-label=mesh3")
    assert "assumed:" not in err


def test_a_file_without_peers_takes_the_defaults_without_an_assumption(tmp_path):
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh")))
    assert "assumed:" not in edit_err(path, "--peer", "green-mesh")


def test_a_peer_added_after_removing_every_other_keeps_the_files_naming(tmp_path):
    """`--remove-peer mesh2 --peer mesh3` on upstream's sample: the file's style is read from the file,
    not from what is left once mesh2 is gone (nothing: the defaults, egress-mesh3)."""
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    err = edit_err(path, "--remove-peer", "mesh2", "--peer", "mesh3")
    gws = gateways(path.read_text())
    assert list(gws["additionalEgress"]) == ["mesh3-egress"] and list(gws["additionalIngress"]) == ["mesh3-ingress"]
    assert gws["additionalEgress"]["mesh3-egress"]["service"]["metadata"]["labels"] == {
        "federation.maistra.io/egress-for": "mesh3"}
    assert "gateways are mesh3-egress and mesh3-ingress, after this file's <peer>-egress naming" in err


def test_a_peer_added_to_a_file_of_node_port_ingresses_gets_one_too(tmp_path):
    """A cluster without load balancers exposes every federation ingress as NodePort: a new peer's
    LoadBalancer would stay pending. Said as an assumption, with the keys for another type and the ports."""
    nodeport = Peer.new("green-mesh").with_exposure(service_type="NodePort", tls_node_port=30510,
                                                    discovery_node_port=30511)
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(nodeport,))))
    err = edit_err(path, "--peer", "blue-mesh")
    service = gateways(path.read_text())["additionalIngress"]["ingress-blue-mesh"]["service"]
    assert service["type"] == "NodePort" and "nodePort" not in service["ports"][0]
    assert "assumed: peer blue-mesh's ingress is a NodePort service, as this file's other peers' are" in err
    assert "--peer blue-mesh:service=LoadBalancer" in err


def test_a_cluster_ip_ingress_is_not_copied():
    """No other cluster reaches a ClusterIP ingress (SMF094): a new peer gets the default, a LoadBalancer."""
    local = Mesh.new("red-mesh", peers=(Peer.new("green-mesh").with_exposure(service_type="ClusterIP"),))
    assert new_peer_conventions(local).new_peer("blue-mesh").exposure.service_type == "LoadBalancer"


@pytest.mark.parametrize("types, expected", [
    (("NodePort", "NodePort", "LoadBalancer"), "NodePort"),   # most are NodePort
    (("NodePort", "LoadBalancer"), "LoadBalancer"),            # a tie: not a convention
    (("ClusterIP", "ClusterIP"), "LoadBalancer"),              # no other cluster reaches those
])
def test_edit_and_the_wizard_give_a_new_peer_the_same_ingress_type_and_say_so(tmp_path, types, expected):
    peers = tuple(Peer.new(f"p{i}-mesh").with_exposure(service_type=kind) for i, kind in enumerate(types))
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=peers)))
    session = Session.open(str(path))
    by_wizard = session.add_peer("blue-mesh").exposure.service_type
    err = edit_err(path, "--peer", "blue-mesh")
    by_edit = gateways(path.read_text())["additionalIngress"]["ingress-blue-mesh"]["service"]["type"]
    assert by_wizard == by_edit == expected
    said = expected == "NodePort"
    assert ("ingress is a NodePort service, as this file's other peers' are" in err) == said
    assert (session.assumption(SERVICE, "blue-mesh") is not None) == said


def test_the_wizards_node_port_guess_stays_assumed_until_the_user_sets_the_peers_exposure(tmp_path):
    path = tmp_path / "red.yaml"
    green = Peer.new("green-mesh").with_exposure(service_type="NodePort", tls_node_port=30510, discovery_node_port=30511)
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(green,))))
    session = Session.open(str(path))
    session.add_peer("blue-mesh")
    assert session.assumption(SERVICE, "blue-mesh").startswith("assumed from this file's other peers, whose "
                                                               "ingresses are NodePort (a cluster without load balancers)")
    assert session.assumption(TLS, "blue-mesh") is None and session.assumption(SERVICE, "green-mesh") is None
    session.set_text(PEER_NAME, "blue-mesh", "lime-mesh")   # renamed: the mark follows
    assert session.assumption(SERVICE, "lime-mesh") is not None
    assert session.set_value(SERVICE, "lime-mesh", "LoadBalancer") and session.assumption(SERVICE, "lime-mesh") is None
    for name, settle in (("pink-mesh", lambda: session.pick_free_node_ports("pink-mesh")),
                         ("gold-mesh", lambda: session.set_text(TLS, "gold-mesh", "30600")),
                         ("teal-mesh", lambda: session.remove_peer("teal-mesh"))):
        session.add_peer(name)
        assert session.assumption(SERVICE, name) is not None
        settle()
        assert session.assumption(SERVICE, name) is None
    assert session.assumed == set()


def test_the_docs_network_form_is_said_not_copied(tmp_path):
    path = tmp_path / "red.yaml"
    docs_style = Peer.new("green-mesh", network_view=("green-mesh-network",))
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(docs_style,))))
    err = edit_err(path, "--peer", "blue-mesh")
    assert gateways(path.read_text())["additionalEgress"]["egress-blue-mesh"]["requestedNetworkView"] == [
        "network-blue-mesh"]
    assert ("requestedNetworkView network-blue-mesh, not the docs' <peer>-network form this file's other peers use"
            in err)


def test_a_peer_added_in_the_wizard_after_removing_every_other_keeps_the_files_naming(tmp_path):
    from smfed_tui.session import Session
    path = tmp_path / "mesh1.yaml"
    path.write_bytes((UPSTREAM / "mesh1-smcp.yaml").read_bytes())
    session = Session.open(str(path))
    session.remove_peer("mesh2")
    peer = session.add_peer("mesh3")
    assert (peer.egress, peer.ingress, peer.egress_label) == ("mesh3-egress", "mesh3-ingress", "mesh3")
