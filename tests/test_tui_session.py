"""The session API the wizard's screens rely on: typed text, steps and fields for findings, lines."""
from __future__ import annotations


from helpers.pilot import FIXTURES
from smfed_tui.edit import generate_text
from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS
from smfed_tui.model import Mesh, Peer
from smfed_tui.session import STEP_EXPOSURE, STEP_MESH, STEP_PEERS, Session

NAME, NAMESPACE, VERSION, TRUST = MESH_FIELDS[0], MESH_FIELDS[1], MESH_FIELDS[2], MESH_FIELDS[3]
PEER_NAME, EGRESS, INGRESS, NETWORK, EGRESS_LABEL = PEER_FIELDS[:5]
SERVICE, TLS, DISCOVERY = EXPOSURE_FIELDS[:3]


def test_text_that_is_not_a_value_keeps_the_model_and_blocks_writing(red_mesh):
    s = Session.open(str(red_mesh))
    assert s.can_write
    assert s.set_text(TLS, "green-mesh", "3x") == "'3x' is not a number"
    assert s.mesh.peer("green-mesh").exposure.tls_node_port is None
    assert not s.can_write and s.blocking == 1
    assert s.step_counts()[STEP_EXPOSURE][0] == 1
    assert s.set_text(TLS, "green-mesh", "") is None       # optional: empty is "no node port"
    assert s.can_write


def test_a_value_that_breaks_a_rule_is_applied_and_explained(red_mesh):
    s = Session.open(str(red_mesh))
    s.set_text(SERVICE, "green-mesh", "NodePort")
    problem = s.set_text(TLS, "green-mesh", "99")
    assert problem == "99 is not in the valid range 30000-32767"
    assert s.mesh.peer("green-mesh").exposure.tls_node_port == 99
    shown = s.field_findings("green-mesh")
    assert {f.code for f in shown[("exposure", "tls-node-port")]} == {"SMF051"}
    assert {f.code for f in shown[("exposure", "discovery-node-port")]} == {"SMF053"}
    assert "nodePort: 99" in s.text


def test_a_peer_name_another_peer_has_is_refused(red_mesh):
    s = Session.open(str(red_mesh))
    assert s.set_text(PEER_NAME, "green-mesh", "blue-mesh") == "another peer is already named 'blue-mesh'"
    assert [p.name for p in s.mesh.peers] == ["green-mesh", "blue-mesh"]
    assert s.set_text(PEER_NAME, "green-mesh", "yellow-mesh") is None
    assert [p.name for p in s.mesh.peers] == ["yellow-mesh", "blue-mesh"]
    assert not s.invalid_inputs


def test_renaming_moves_what_the_session_keeps_per_peer(red_mesh):
    s = Session.open(str(red_mesh))
    s.set_text(TLS, "green-mesh", "3x")
    s.set_focus(NETWORK, "green-mesh")
    s.set_text(PEER_NAME, "green-mesh", "lime")
    assert ("exposure", "tls-node-port", "lime") in s.invalid_inputs
    assert s.focus == (NETWORK, "lime")
    s.remove_peer("lime")
    assert not s.invalid_inputs and s.focus is None


def test_findings_map_to_steps_by_path(red_mesh):
    s = Session.open(str(red_mesh))
    steps = {f.code: s.step_of(f) for f in s.findings}
    assert steps["SMF002"] == STEP_MESH          # spec.version
    assert steps["SMF070"] == STEP_PEERS         # requestedNetworkView
    assert steps["SMF092"] == STEP_EXPOSURE      # routeConfig of an ingress
    assert s.step_counts() == {STEP_MESH: (0, 1, 0), STEP_PEERS: (0, 2, 4), STEP_EXPOSURE: (0, 0, 2)}


def test_a_gateway_that_is_no_peer_shows_on_the_mesh_step(tmp_path):
    path = tmp_path / "smcp.yaml"
    path.write_text((FIXTURES / "red-mesh.yaml").read_text().replace(
        "    additionalIngress:\n",
        "    additionalIngress:\n      Bad_Name:\n        enabled: true\n"))
    s = Session.open(str(path))
    [f] = [f for f in s.findings if f.code == "SMF020"]
    assert s.step_of(f) == STEP_MESH
    assert f in s.unplaced_findings()


def test_duplicate_node_port_shows_on_both_fields_but_counts_once(red_mesh):
    s = Session.open(str(red_mesh))
    for peer, discovery in (("green-mesh", 32359), ("blue-mesh", 32360)):
        s.set_value(SERVICE, peer, "NodePort")
        s.set_value(TLS, peer, 30510)
        s.set_value(DISCOVERY, peer, discovery)
    assert [f.code for f in s.findings].count("SMF052") == 1
    assert s.errors == 1
    green = s.field_findings("green-mesh")[("exposure", "tls-node-port")]
    blue = s.field_findings("blue-mesh")[("exposure", "tls-node-port")]
    assert [f.code for f in green] == [f.code for f in blue] == ["SMF052"]
    assert "ingress-green-mesh" in blue[0].message and "ingress-blue-mesh" in green[0].message
    assert s.peer_error_counts() == {"green-mesh": 1, "blue-mesh": 1}   # as the fields show it


def test_an_equal_federation_label_value_is_no_collision(red_mesh):
    """Since MAISTRA-2556 the operator adds `app: <gateway name>` to a gateway's labels (its Service
    selector), so two gateways with the same egress-for value still select only their own pods (SMF061
    is for equal label sets). Upstream's samples label with the peer's name, the docs with the gateway's."""
    s = Session.open(str(red_mesh))
    s.set_text(EGRESS_LABEL, "blue-mesh", "egress-green-mesh")
    assert [f.code for f in s.field_findings("green-mesh")[("peer", "egress-label")]] == []
    # blue-mesh's own field warns that editing a label recreates its gateway
    assert [f.code for f in s.field_findings("blue-mesh")[("peer", "egress-label")]] == ["SMF098"]
    assert s.errors == 0


def test_each_finding_under_the_most_specific_field(red_mesh):
    s = Session.open(str(red_mesh))
    by_field = s.field_findings("green-mesh")
    assert [f.code for f in by_field[("peer", "network")]] == ["SMF070"]
    assert "SMF070" not in [f.code for f in by_field[("peer", "egress")]]     # not again on the gateway
    assert [f.code for f in by_field[("mesh", "version")]] == ["SMF002"]
    [f] = [f for f in s.findings if f.code == "SMF070" and "green" in f.path]
    assert s.field_at(f) == (NETWORK, "green-mesh")


def test_focus_line_follows_the_field_and_its_edits(red_mesh):
    s = Session.open(str(red_mesh))
    lines = s.text.split("\n")
    assert s.set_focus(TLS, "green-mesh") == 1 + lines.index("          - port: 15443", 40)   # no nodePort yet: its port
    s.set_value(SERVICE, "green-mesh", "NodePort")
    s.set_value(TLS, "green-mesh", 30510)
    assert s.text.split("\n")[s.focus_line - 1] == "            nodePort: 30510"
    assert s.set_focus(MESH_FIELDS[4], None) == 6      # cluster name not set: its parent `spec:`
    assert s.set_focus(PEER_NAME, "blue-mesh") == 1 + lines.index("      egress-blue-mesh:")


def test_changed_lines_against_the_file_and_against_new_defaults(red_mesh, tmp_path):
    s = Session.open(str(red_mesh))
    assert s.changed_lines() == set()
    s.set_value(SERVICE, "green-mesh", "NodePort")
    assert [s.text.split("\n")[n - 1].strip() for n in sorted(s.changed_lines())] == ["type: NodePort"]
    new = Session.open(str(tmp_path / "new.yaml"))
    assert new.changed_lines() == set()
    new.set_text(NAME, None, "blue")
    assert {new.text.split("\n")[n - 1].strip() for n in new.changed_lines()} == {
        "name: blue", "namespace: blue-system", "domain: blue.local"}


def test_new_session_text_is_what_generate_prints(tmp_path):
    s = Session.open(str(tmp_path / "x.yaml"))
    s.add_peer("green-mesh")
    assert s.text == generate_text(Mesh.new("x", peers=(Peer.new("green-mesh"),)))   # named after x.yaml
    assert s.manifest() == s.text


def test_diff_names_the_file_by_its_base_name(red_mesh, tmp_path):
    s = Session.open(str(red_mesh))
    s.set_text(MESH_FIELDS[4], None, "east")
    assert s.diff().startswith("--- a/red-mesh.yaml\n+++ b/red-mesh.yaml\n")
    assert s.diff_stats() == (2, 0)
    assert str(tmp_path) not in s.diff()


def test_refresh_does_not_leave_the_collector_off(red_mesh):
    import gc
    s = Session.open(str(red_mesh))
    assert gc.isenabled()
    s.set_text(TRUST, None, "red.local")
    assert gc.isenabled()


def test_a_value_written_on_both_gateways_shows_its_findings_on_its_field(red_mesh):
    """routerMode is written on the egress and the ingress gateway: both hints go to the Router mode field
    (which removes both), none to the ingress gateway's name."""
    s = Session.open(str(red_mesh))
    router_mode = next(f for f in PEER_FIELDS if f.key == "router-mode")
    shown = s.field_findings("green-mesh")
    assert [f.code for f in shown[("peer", "router-mode")]] == ["SMF090"]   # the same words once
    assert not [f for f in shown[("peer", "ingress")] if f.code == "SMF090"]
    assert len(s.findings_for(router_mode, s.mesh.peer("green-mesh"))) == 2
    before = s.text.count("routerMode:")
    s.set_text(router_mode, "green-mesh", "")                 # (not set): gone from both gateways
    assert not [f for f in s.field_findings("green-mesh")[("peer", "router-mode")] if f.code == "SMF090"]
    assert s.text.count("routerMode:") == before - 2


def test_renaming_the_mesh_of_a_file_keeps_what_is_deployed(red_mesh):
    """In a new file the namespace and trust domain follow the name; in a file being edited they are
    deployed values: renaming changes the name only, and says what applying that would do."""
    s = Session.open(str(red_mesh))
    s.set_text(NAME, None, "crimson-mesh")
    assert (s.mesh.name, s.mesh.namespace, s.mesh.trust_domain) == ("crimson-mesh", "red-mesh-system",
                                                                    "red-mesh.local")
    assert [f.code for f in s.findings_for(NAME)] == ["SMF099"]
    new = Session.open(None)
    new.set_text(NAME, None, "crimson-mesh")
    assert (new.mesh.namespace, new.mesh.trust_domain) == ("crimson-mesh-system", "crimson-mesh.local")
    assert not [f for f in new.findings if f.code == "SMF099"]


def test_unwritten_changes_are_known_until_written(tmp_path):
    path = tmp_path / "red-mesh.yaml"
    new = Session.open(str(path))
    assert not new.has_unwritten_changes()          # a new file's untouched defaults: nothing to lose
    new.add_peer("green-mesh")
    assert new.has_unwritten_changes()
    new.write()
    assert not new.has_unwritten_changes()
    edit = Session.open(str(path))
    assert not edit.has_unwritten_changes()
    edit.set_text(PEER_FIELDS[0], "green-mesh", "")   # an empty required name: not a value, still work
    assert edit.text == edit.original_text and edit.has_unwritten_changes()
    edit.set_text(PEER_FIELDS[0], "green-mesh", "green-mesh")
    assert not edit.has_unwritten_changes()
    edit.set_text(MESH_FIELDS[4], None, "east")
    assert edit.has_unwritten_changes()


def test_removed_lines_are_counted_apart_from_changed_ones(red_mesh):
    """Removing a peer changes no line of the result, it removes lines: the preview said "no changes"."""
    from smfed_tui.line_diff import line_changes
    s = Session.open(str(red_mesh))
    before = s.text.count("\n")
    s.remove_peer("blue-mesh")
    removed = before - s.text.count("\n")
    assert removed > 20
    assert s.changed_lines() == set() and s.removed_line_count() == removed
    assert s.change_summary() == f"{removed} lines removed"
    s.set_text(MESH_FIELDS[4], None, "east")    # cluster name: two new lines
    assert s.change_summary() == f"2 lines changed · {removed} removed"
    assert line_changes("a\nb\nc\n".split("\n"), "a\nx\n") == ({2}, 1)   # two lines replaced by one
    assert line_changes(["a", "b"], "a\nb\n") == (set(), 0)
    assert line_changes(["a", "b", "c", ""], "") == (set(), 3)


def test_what_a_removal_leaves_elsewhere_is_for_peers_the_file_had_under_their_name_there(red_mesh, tmp_path):
    s = Session.open(str(red_mesh))
    s.set_text(PEER_NAME, "green-mesh", "lime-mesh")   # renamed in this run: on the cluster it is green-mesh
    [first, get, delete, theirs] = s.left_by_removal("lime-mesh", "oc")
    assert first.startswith("peer green-mesh's federation resources are not in this file") and "lime" not in first
    assert get == ("  see which exist (read-only): oc get servicemeshpeer/green-mesh configmap/green-mesh-ca-root-cert "
                   "exportedserviceset/green-mesh importedserviceset/green-mesh -n red-mesh-system --ignore-not-found")
    assert "oc delete servicemeshpeer/green-mesh" in delete and "its ServiceMeshPeer red-mesh" in theirs
    s.add_peer("new-mesh")
    assert s.left_by_removal("new-mesh", "oc") == []   # added in this run: nothing of it anywhere yet
    assert Session.open(str(tmp_path / "fresh.yaml")).left_by_removal("peer-1", "oc") == []


def test_a_removed_peer_whose_resources_the_file_holds_says_they_stay_in_it(tmp_path):
    from helpers.federation_list import write_list
    path = tmp_path / "red.yaml"
    write_list(path)   # a List: the SMCP and every peer's federation resources
    s = Session.open(str(path))
    first = s.left_by_removal("green-mesh", "kubectl")[0]
    assert first.startswith("peer green-mesh's federation resources are in this file (only its SMCP is edited here) "
                            "and on the cluster; remove them too, in namespace red-mesh-system: ")

