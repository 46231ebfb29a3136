"""The plain (line-by-line, accessible) wizard: whole flows driven through prompt_toolkit pipe input,
and a few runs of the real console script in a pseudo-terminal.

Keys: Enter accepts the prefilled default, Ctrl-U clears it, a digit picks that entry of a list.
The pipe is closed after the keys, so a flow that asks more than the test answers ends (EOF, exit
130) instead of hanging.
"""
from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.plain_driver import CLEAR, CTRL_C, ENTER, MESH_DEFAULTS, NEW_PEER_DEFAULTS, WRITE, drive, run_in_pty
from kube_fixtures import CONTEXT, OTHER_CONTEXT, kube  # noqa: F401  (kube is a fixture)
from smfed_tui import plain
from smfed_tui.cli import main
from smfed_tui.edit import generate_text
from smfed_tui.fields import EXPOSURE_FIELDS
from smfed_tui.model import Mesh, Peer
from smfed_tui.plain import PlainWizard
from smfed_tui.session import Session

TLS = next(f for f in EXPOSURE_FIELDS if f.key == "tls-node-port")


def generated(capsys, *argv: str) -> str:
    """What `smfed-wizard generate ARGV` prints."""
    capsys.readouterr()
    assert main(["generate", *argv]) == 0
    return capsys.readouterr().out


def removed_and_added(old: str, new: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old.splitlines()[i1:i2]
            added += new.splitlines()[j1:j2]
    return removed, added


# --- a new file ---------------------------------------------------------------------------------

def test_new_file_from_scratch_equals_generate_with_the_same_answers(tmp_path, capsys):
    out = tmp_path / "blue.yaml"
    keys = (
        CLEAR + "blue-mesh" + ENTER   # mesh name: namespace and trust domain follow it
        + ENTER                       # namespace blue-mesh-system
        + "5" + ENTER                 # version: v2.5 (5th of v2.1 ... v2.6)
        + ENTER                       # trust domain blue-mesh.local
        + "east" + ENTER              # cluster name
        + ENTER                       # network: none
        + "2" + ENTER                 # image pull policy: IfNotPresent
        + "1" + ENTER + "green-mesh" + ENTER + NEW_PEER_DEFAULTS   # add a peer
        + "1" + ENTER + "red-mesh" + ENTER + NEW_PEER_DEFAULTS     # add another
        + ENTER                       # done with peers
        + "2" + ENTER                 # green-mesh: NodePort
        + ENTER                       # node ports: pick free ones (32634, 32635: from across the range)
        + "2" + ENTER                 # route: false
        + ENTER                       # red-mesh: LoadBalancer
        + "1" + ENTER                 # AWS NLB: true
        + ENTER                       # route: not set
        + WRITE
    )
    assert drive(out, keys) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and f"not applied; later: smfed-wizard apply {out}" in printed
    assert "next steps: each peer needs a ServiceMeshPeer" in printed
    assert (f"smfed-wizard bundle {out} --peer-address green-mesh=ADDRESS --peer-ca green-mesh=ROOT_CERT.pem "
            "--peer-address red-mesh=ADDRESS --peer-ca red-mesh=ROOT_CERT.pem") in printed   # every peer, not the first
    expected = generated(capsys, "--name", "blue-mesh", "--version", "v2.5", "--cluster-name", "east",
                         "--image-pull-policy", "IfNotPresent",
                         "--peer", "green-mesh:service=NodePort,tls-node-port=32634,discovery-node-port=32635,route=false",
                         "--peer", "red-mesh:nlb=true")
    assert out.read_text() == expected


def test_without_file_the_name_is_asked_and_an_existing_file_refused(tmp_path, monkeypatch, capsys):
    """The same suggestion and check as the full-screen wizard (Session.suggested_path, new_path_problem):
    the suggested red-mesh.yaml exists, so the prompt stays open with why, and another name is taken."""
    verdicts = []
    real = Session.new_path_problem

    def recording(self, text, **options):
        verdicts.append((text, real(self, text, **options)))
        return verdicts[-1][1]

    monkeypatch.setattr(Session, "new_path_problem", recording)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "red-mesh.yaml").write_text("keep me\n")
    keys = (MESH_DEFAULTS + "5" + ENTER + ENTER   # no peers; review: write
            + ENTER                                # the suggested name: refused, the prompt stays
            + CLEAR + "new.yaml" + ENTER + ENTER + "n")
    assert drive(None, keys) == 0
    assert verdicts[0] == ("red-mesh.yaml", "red-mesh.yaml already exists: give another name, or quit and edit it "
                                            "with `smfed-wizard --plain red-mesh.yaml`")
    assert verdicts[-1] == ("new.yaml", None)
    assert (tmp_path / "red-mesh.yaml").read_text() == "keep me\n"
    assert (tmp_path / "new.yaml").read_text().startswith("apiVersion: maistra.io/v2\n")


def test_peers_add_rename_remove(tmp_path, capsys):
    out = tmp_path / "red-mesh.yaml"   # a new file's mesh is named after the file
    keys = (
        MESH_DEFAULTS
        + "1" + ENTER + "a-mesh" + ENTER + NEW_PEER_DEFAULTS
        + "1" + ENTER + "b-mesh" + ENTER + NEW_PEER_DEFAULTS
        + "3" + ENTER + "2" + ENTER + CLEAR + "c-mesh" + ENTER   # rename b-mesh (2nd peer) to c-mesh
        + "4" + ENTER + "1" + ENTER + "y"                         # remove a-mesh, confirm
        + ENTER                                                   # done with peers
        + ENTER + ENTER + ENTER                                   # c-mesh: LoadBalancer, no NLB, route unset
        + WRITE
    )
    assert drive(out, keys) == 0
    printed = capsys.readouterr().out
    assert "renamed b-mesh to c-mesh" in printed and "removed a-mesh" in printed
    assert "federation resources" not in printed   # a-mesh was added in this run: nothing of it elsewhere
    # the renamed peer's gateways, labels and network view followed its new name
    assert out.read_text() == generated(capsys, "--name", "red-mesh", "--peer", "c-mesh")


def test_removing_a_peer_the_file_had_says_what_to_delete_elsewhere(red_mesh, capsys, client_on_path):
    drive(red_mesh, MESH_DEFAULTS + "4" + ENTER + "1" + ENTER + "y")   # remove green-mesh, then end of input
    printed = capsys.readouterr().out
    said = printed[printed.index("removed green-mesh\n"):].splitlines()[1:5]
    assert said[0].startswith("peer green-mesh's federation resources are not in this file: in other files and on "
                              "the cluster; remove them too, in namespace red-mesh-system: ServiceMeshPeer green-mesh")
    assert said[2].endswith(": kubectl delete servicemeshpeer/green-mesh configmap/green-mesh-ca-root-cert "
                            "exportedserviceset/green-mesh importedserviceset/green-mesh -n red-mesh-system "
                            "--ignore-not-found")


def test_a_peer_added_to_a_node_port_file_is_asked_with_its_ingress_type_said_assumed(tmp_path, capsys):
    path = tmp_path / "red-mesh.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(Peer.new("green-mesh").with_exposure(
        service_type="NodePort", tls_node_port=30510, discovery_node_port=30511),))))
    drive(path, MESH_DEFAULTS + "1" + ENTER + "blue-mesh" + ENTER + NEW_PEER_DEFAULTS + ENTER * 9)   # then defaults
    printed = capsys.readouterr().out
    green, blue = printed.split("Exposure: peer green-mesh")[1].split("Exposure: peer blue-mesh")
    assert "≈ assumed" not in green
    assert "\n  ≈ assumed from this file's other peers, whose ingresses are NodePort (a cluster" in blue


def test_a_peer_name_already_taken_is_refused():
    session = Session.open(None)
    session.add_peer("green-mesh")
    check = PlainWizard(session)._peer_name_check(None)
    assert "already a peer named green-mesh" in check("green-mesh")
    assert "Peer mesh name" in check("Green Mesh")
    assert check("blue-mesh") is None


# --- validation: re-prompt with the core's message and fix ------------------------------------------

def test_a_bad_node_port_is_reprompted_with_the_core_message_and_corrected(tmp_path, capsys, monkeypatch):
    verdicts = []
    real_checker = PlainWizard.checker

    def recording_checker(self, fld, peer_name, default):
        check = real_checker(self, fld, peer_name, default)

        def wrapped(text):
            verdict = check(text)
            verdicts.append((fld.key, text, verdict))
            return verdict
        return wrapped

    monkeypatch.setattr(PlainWizard, "checker", recording_checker)
    out = tmp_path / "np.yaml"
    keys = (
        MESH_DEFAULTS
        + "1" + ENTER + "green-mesh" + ENTER + NEW_PEER_DEFAULTS + ENTER
        + "2" + ENTER                 # NodePort
        + "2" + ENTER                 # type the node ports
        + "99" + ENTER                # refused: the prompt stays open
        + CLEAR + "30510" + ENTER     # corrected
        + "32359" + ENTER
        + ENTER                       # route
        + WRITE
    )
    assert drive(out, keys) == 0
    refused = [v for key, text, v in verdicts if key == "tls-node-port" and text == "99"]
    assert refused and refused[0].startswith("error SMF051: ")
    assert "99 is not in the valid range 30000-32767" in refused[0]
    assert "\n    fix: pick a port in the cluster's node port range" in refused[0]
    assert ("tls-node-port", "30510", None) in verdicts
    # the whole refusal, fix included, is printed above the prompt, not only in its one-line error bar
    printed = capsys.readouterr().out
    assert "  error SMF051: provided port is not in the valid range" in printed
    assert "    fix: pick a port in the cluster's node port range (30000-32767 unless" in printed
    assert "--node-port-range" not in printed   # a fix names no CLI flag in an interactive front-end
    # the refusal stays above the prompt; the accepted answer says that it replaced it
    assert printed.index("error SMF051") < printed.index("✓ TLS node port (15443): 30510 (accepted; the error "
                                                         "above was about 99)")
    # "only one of the two node ports is set" was printed before the 8188 port was even asked
    assert "SMF053" not in printed
    text = out.read_text()
    assert "nodePort: 99" not in text
    assert re.findall(r"nodePort: (\d+)", text) == ["30510", "32359"]


def test_field_checks_explain_with_the_core_rule():
    session = Session.open(None)
    session.add_peer("green-mesh")
    wizard = PlainWizard(session)
    from smfed_tui.fields import MESH_FIELDS
    name, _ns, _version, trust = MESH_FIELDS[:4]
    assert wizard.checker(name, None, "red-mesh")("Red Mesh").startswith("error SMF096: ")
    assert wizard.checker(trust, None, "red-mesh.local")("cluster.local").startswith("error SMF011: ")
    assert "fix:" in wizard.checker(trust, None, "red-mesh.local")("cluster.local")
    assert "is not a number" in wizard.checker(TLS, "green-mesh", "")("abc")
    # keeping the value that is there never blocks, even a bad one read from a file
    assert wizard.checker(TLS, "green-mesh", "99")("99") is None


def test_trying_a_value_leaves_the_session_alone(red_mesh):
    session = Session.open(str(red_mesh))
    session.set_text(TLS, "green-mesh", "3x")     # per-peer state the session keeps (the TUI's invalid input)
    before = (session.text, list(session.findings), dict(session.invalid_inputs), session.changed_lines())
    wizard = PlainWizard(session)
    from smfed_tui.fields import PEER_FIELDS
    wizard.introduced_errors(PEER_FIELDS[0], "green-mesh", "teal-mesh")   # a rename, tried and dropped
    wizard.checker(TLS, "green-mesh", "")("30510")
    assert (session.text, session.findings, session.invalid_inputs, session.changed_lines()) == before


def test_a_second_peer_may_not_reuse_a_node_port(tmp_path):
    session = Session.open(None)
    session.add_peer("green-mesh")
    session.add_peer("blue-mesh")
    tls, _discovery = session.pick_free_node_ports("green-mesh")
    wizard = PlainWizard(session)
    session.update(session.mesh.with_peer(session.mesh.peer("blue-mesh").with_exposure(service_type="NodePort")))
    verdict = wizard.checker(TLS, "blue-mesh", "")(str(tls))
    assert verdict is not None and verdict.startswith("error SMF052: ")


# --- editing an existing file -------------------------------------------------------------------------

def test_editing_red_mesh_keeps_every_untouched_byte(red_mesh, capsys):
    # with the comments the docs print above the example: kept as they are too
    red_mesh.write_text("# red-mesh federates with green-mesh and blue-mesh: the sample SMCP of the\n"
                        "# OpenShift Service Mesh 2.x docs, section 1.18.9 (comments kept as the docs print them).\n"
                        + red_mesh.read_text())
    before = red_mesh.read_text()
    keys = (
        ENTER * 2 + "6" + ENTER + ENTER * 4   # version v2.2 -> v2.6, the rest kept
        + ENTER                               # peers: done (both peers are read from the file)
        + "2" + ENTER + ENTER + ENTER         # green-mesh: NodePort, pick free node ports, route unset
        + ENTER * 3                           # blue-mesh: as it is
        + WRITE
    )
    assert drive(red_mesh, keys) == 0
    after = red_mesh.read_text()
    removed, added = removed_and_added(before, after)
    assert removed == ["  version: v2.2", "          type: LoadBalancer"]
    assert added == ["  version: v2.6", "          type: NodePort",
                     "            nodePort: 30766", "            nodePort: 30767"]   # from across the range
    assert after.count("#note HTTP here") == 2 and after.count("#note HTTPS here") == 2
    assert after.startswith("# red-mesh federates with green-mesh and blue-mesh")
    printed = capsys.readouterr().out
    assert "editing" in printed and "-  version: v2.2" in printed and "+  version: v2.6" in printed


def test_editing_prefills_every_answer(red_mesh, capsys):
    before = red_mesh.read_bytes()
    keys = MESH_DEFAULTS + ENTER + ENTER * 3 + ENTER * 3 + ENTER   # all defaults, then "finish"
    assert drive(red_mesh, keys) == 0
    assert red_mesh.read_bytes() == before
    printed = capsys.readouterr().out
    assert "nothing to change" in printed
    # the review lists the file's findings with code, message and fix
    assert "warning SMF002" in printed and "fix: " in printed


def test_changed_on_disk_shows_the_diff_and_does_not_overwrite(red_mesh, capsys, monkeypatch):
    real_write = PlainWizard.step_write

    def someone_else_edits_first(self):
        red_mesh.write_text(red_mesh.read_text().replace("domain: red-mesh.local", "domain: red.example"))
        return real_write(self)

    monkeypatch.setattr(PlainWizard, "step_write", someone_else_edits_first)
    keys = ENTER * 2 + "6" + ENTER + ENTER * 4 + ENTER + ENTER * 3 + ENTER * 3 + ENTER + ENTER
    assert drive(red_mesh, keys) == 1
    text = red_mesh.read_text()
    assert "domain: red.example" in text and "version: v2.2" in text   # theirs, not ours
    captured = capsys.readouterr()
    assert "NOT overwritten" in captured.out
    assert "-      domain: red.example" in captured.out and "+  version: v2.6" in captured.out
    assert "changed" in captured.err


def test_an_unusable_file_is_refused_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "dup.yaml"
    bad.write_text("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: a\n  name: b\n")
    before = bad.read_bytes()
    assert drive(bad, ENTER * 20) == 2
    assert bad.read_bytes() == before
    assert "error:" in capsys.readouterr().err


# --- apply after writing: the real kubectl against the loopback stand-in (tests/kube_standin.py) ------

MINIMAL = MESH_DEFAULTS + "5" + ENTER + ENTER + ENTER   # no peers; review: write; confirm the write


@pytest.fixture
def kubectl_on_path(kube, monkeypatch):
    """PATH holding the test kubectl (and the system's diff), no oc: the wizard finds kubectl itself."""
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(kube.kubectl), "/usr/bin", "/bin"]))
    kube.namespaces.add("red-mesh-system")
    return kube


def test_apply_shows_the_target_and_diff_then_applies(tmp_path, kubectl_on_path, capsys):
    server = kubectl_on_path
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y" + "y") == 0   # apply now? yes; apply to the context? yes
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed
    assert f"Target: ServiceMeshControlPlane red-mesh-system/red-mesh; context {CONTEXT}" in printed
    assert "server-side diff" in printed and "+  version: v2.6" in printed
    assert "watch the operator reconcile it: kubectl get smcp -n red-mesh-system" in printed
    live = server.get("red-mesh-system", "red-mesh")
    assert live is not None and live["spec"]["security"]["trust"]["domain"] == "red-mesh.local"


def test_declining_the_apply_sends_nothing_and_keeps_the_file(tmp_path, kubectl_on_path, capsys):
    server = kubectl_on_path
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y" + "n") == 0
    assert out.exists() and server.get("red-mesh-system", "red-mesh") is None
    patches = server.requests_for("PATCH")
    assert patches and all(r.query.get("dryRun") == "All" for r in patches)   # the diff only
    assert f"not applied; {out} is written" in capsys.readouterr().out


def test_a_field_manager_conflict_is_explained_and_forcing_is_asked(tmp_path, kubectl_on_path, capsys):
    server = kubectl_on_path
    server.seed({"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
               "metadata": {"name": "red-mesh", "namespace": "red-mesh-system"}, "spec": {"version": "v2.5"}})
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y" + "y" + "y") == 0   # apply? yes; force? yes; apply to the context? yes
    printed = capsys.readouterr().out
    assert re.search(r"\.spec\.version +owned by istio-operator", printed)
    assert "again, with --force-conflicts:" in printed
    assert server.get("red-mesh-system", "red-mesh")["spec"]["version"] == "v2.6"


def test_a_refused_force_leaves_the_cluster_alone_and_exits_1(tmp_path, kubectl_on_path, capsys):
    server = kubectl_on_path
    server.seed({"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
               "metadata": {"name": "red-mesh", "namespace": "red-mesh-system"}, "spec": {"version": "v2.5"}})
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y" + "n") == 1
    assert server.get("red-mesh-system", "red-mesh")["spec"]["version"] == "v2.5"
    assert out.exists()


def test_the_client_and_context_given_on_the_command_line_are_the_ones_used(tmp_path, kube, monkeypatch, capsys):
    """`smfed-wizard --plain --kubectl PATH --context elsewhere`: no client on PATH is needed, and the apply
    goes to that context (unreachable here), not to the current one (the stand-in, which hears nothing)."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y", kubectl=kube.kubectl, context=OTHER_CONTEXT) == 1
    printed = capsys.readouterr()
    assert f"context {OTHER_CONTEXT}, cluster nowhere" in printed.out
    assert "cannot reach the cluster at http://127.0.0.1:" in printed.err and kube.url not in printed.err
    assert kube.requests == [] and out.exists()


def test_declining_names_the_same_client_and_context_for_later(tmp_path, kube, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))   # the client is not on PATH: named by its path
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "n", kubectl=kube.kubectl, context=OTHER_CONTEXT) == 0
    assert (f"not applied; later: smfed-wizard apply {out} --context={OTHER_CONTEXT} --kubectl={kube.kubectl}"
            in capsys.readouterr().out)


def test_no_client_on_path_is_one_clear_message_and_the_file_stays_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y") == 1
    assert out.exists()
    err = capsys.readouterr().err
    assert f"{out}: error: neither oc nor kubectl was found on PATH" in err
    assert f"not applied; {out} is written" in err


def test_a_namespace_missing_on_the_cluster_is_explained(tmp_path, kube, monkeypatch, capsys):
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(kube.kubectl), "/usr/bin", "/bin"]))
    out = tmp_path / "red-mesh.yaml"   # a new file is named after the file: red-mesh
    assert drive(out, MINIMAL + "y") == 1
    err = capsys.readouterr().err
    assert 'namespace "red-mesh-system" does not exist on the cluster' in err and "fix: " in err
    assert kube.get("red-mesh-system", "red-mesh") is None


# --- abort -------------------------------------------------------------------------------------------

def test_ctrl_c_on_a_new_file_exits_130_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "new.yaml"
    assert drive(out, CLEAR + "other-mesh" + ENTER + ENTER + CTRL_C) == 130
    assert list(tmp_path.iterdir()) == []
    assert "aborted (ctrl+c); nothing written" in capsys.readouterr().err


def test_ctrl_c_at_the_review_leaves_the_file_and_its_directory_as_they_were(red_mesh, capsys):
    before = red_mesh.read_bytes()
    listing = sorted(os.listdir(red_mesh.parent))
    keys = ENTER * 2 + "6" + ENTER + ENTER * 4 + ENTER + ENTER * 6 + CTRL_C
    assert drive(red_mesh, keys) == 130
    assert red_mesh.read_bytes() == before
    assert sorted(os.listdir(red_mesh.parent)) == listing   # no lock, temp or backup file left
    captured = capsys.readouterr()
    assert "Review" in captured.out and "aborted (ctrl+c); nothing written" in captured.err


def test_quitting_from_the_review_exits_130(red_mesh, capsys):
    before = red_mesh.read_bytes()
    keys = ENTER * 2 + "6" + ENTER + ENTER * 4 + ENTER + ENTER * 6 + "6" + ENTER
    assert drive(red_mesh, keys) == 130
    assert red_mesh.read_bytes() == before
    assert "quit without writing; nothing written" in capsys.readouterr().err


def test_declining_the_write_confirmation_writes_nothing(tmp_path, capsys):
    out = tmp_path / "no.yaml"
    keys = MESH_DEFAULTS + "5" + ENTER + ENTER + "n"   # peers: done (none), review: write, confirm: no
    assert drive(out, keys) == 130
    assert not out.exists()
    assert f"declined: {out} not written" in capsys.readouterr().err


def test_end_of_input_is_an_abort_too(tmp_path, capsys):
    out = tmp_path / "eof.yaml"
    assert drive(out, MESH_DEFAULTS) == 130
    assert not out.exists()
    assert "input ended" in capsys.readouterr().err


def test_questionary_is_imported_only_when_the_plain_mode_runs():
    code = ("import sys, smfed_tui.plain, smfed_tui.cli; "
            "print(any(m.split('.')[0] in ('questionary', 'prompt_toolkit', 'textual') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert "import questionary" in Path(plain.__file__).read_text()


# --- the real console script in a pseudo-terminal --------------------------------------------------------

SCRIPT = Path(sys.executable).with_name("smfed-wizard")


COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|38;[25];[0-9;]+|9[0-7])m")


@pytest.mark.parametrize("env, argv", [
    ({"TERM": "xterm-256color"}, ["--plain"]),
    ({"TERM": "xterm-256color", "ACCESSIBLE": "1"}, []),
    ({"TERM": "dumb"}, []),
], ids=["--plain", "ACCESSIBLE", "TERM=dumb"])
def test_the_console_script_runs_the_plain_mode_and_ctrl_c_exits_130(tmp_path, env, argv):
    code, out = run_in_pty([str(SCRIPT), *argv, "new.yaml"], [ENTER, ENTER, CTRL_C], env, tmp_path)
    assert code == 130, out
    assert "Mesh name" in out and "Control plane namespace" in out
    assert "aborted (ctrl+c); nothing written" in out
    assert not (tmp_path / "new.yaml").exists()


def test_no_color_is_honoured_in_the_plain_mode(tmp_path):
    coloured = run_in_pty([str(SCRIPT), "--plain", "a.yaml"], [ENTER, CTRL_C], {"TERM": "xterm-256color"}, tmp_path)
    plain_out = run_in_pty([str(SCRIPT), "--plain", "a.yaml"], [ENTER, CTRL_C],
                           {"TERM": "xterm-256color", "NO_COLOR": "1"}, tmp_path)
    assert coloured[0] == plain_out[0] == 130
    assert COLOUR.search(coloured[1]), "the default style should colour something"
    assert "Mesh name" in plain_out[1]
    assert not COLOUR.search(plain_out[1]), repr(plain_out[1][:400])
