"""`smfed-wizard status` with the real kubectl against two loopback stand-in API servers
(tests/status_scenario.py): what the user sees, the exit code, and that nothing but GET was sent."""
from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time

import pytest

from kube_fixtures import kube  # noqa: F401  (a fixture)
from status_scenario import GREEN_LB_IP, RED, AWS_HOSTNAME, Clusters, broken, healthy, two_clusters  # noqa: F401
from smfed_tui.cli import main
from smfed_tui.cli_status import CLEAR


def run_status(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["status", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def peers_by_side(data: dict) -> dict[tuple[str, str], dict]:
    return {(p["context"], p["name"]): p for p in data["peers"]}


def test_healthy_pair_is_connected_on_both_sides_exit_0(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    code, out, err = run_status(capsys, "--context", "red", "--context", "green", "--kubectl", two_clusters.kubectl)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("● red/red-mesh-system/green-mesh") and " connected " in lines[0]
    assert lines[1].startswith("● green/green-mesh-system/red-mesh") and " connected " in lines[1]
    assert "1 remote connected" in lines[0] and "exports 1" in lines[0] and "imports 1" in lines[0]
    assert "2 peers: 2 connected, 0 not; 0 errors, 0 warnings, 0 hints; 0 gaps" in out
    assert "SMF2" not in out          # paired, nothing wrong: no finding, not even "checked on this side only"
    assert two_clusters.methods() == {"GET"}


def test_healthy_pair_json_has_the_contract_shape(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    data = json.loads(out)
    assert code == 0 and set(data) == {"peers", "gaps"} and data["gaps"] == []
    red = peers_by_side(data)[("red", "green-mesh")]
    assert set(red) == {"context", "namespace", "name", "connected", "remotes_connected", "exported", "imported",
                        "problems"}
    assert red == {"context": "red", "namespace": "red-mesh-system", "name": "green-mesh", "connected": True,
                   "remotes_connected": 1,   # one pod listed twice in active: counted once
                   "exported": ["ratings.bookinfo.svc.green-mesh-exports.local"],
                   "imported": ["reviews.bookinfo.svc.green-mesh-imports.local"], "problems": []}


def test_broken_pair_names_each_fault_on_the_side_that_must_fix_it(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*broken())
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    assert code == 1
    sides = peers_by_side(json.loads(out))
    red = sides[("red", "green-mesh")]
    assert red["connected"] is False and red["remotes_connected"] == 0
    by_code = {p["code"]: p for p in red["problems"]}
    assert set(by_code) == {"SMF200", "SMF202", "SMF204", "SMF207", "SMF211"}
    assert "503 Service Unavailable" in by_code["SMF200"]["message"]
    assert "503" in by_code["SMF200"]["hint"] and "8188" in by_code["SMF200"]["hint"]
    # the peer's ingress has an AWS host name while this side points at an IP
    assert GREEN_LB_IP in by_code["SMF204"]["message"] and AWS_HOSTNAME in by_code["SMF204"]["message"]
    assert f"put {AWS_HOSTNAME} into remote.addresses" in by_code["SMF204"]["hint"]
    assert by_code["SMF207"]["severity"] == "error"
    assert "other-mesh root CA" in by_code["SMF207"]["message"] and "green-mesh root CA" in by_code["SMF207"]["message"]
    assert "details.bookinfo.svc.red-mesh-exports.local" in by_code["SMF211"]["message"]
    assert "namespace bookinfo, name details" in by_code["SMF211"]["hint"]
    green = sides[("green", "red-mesh")]
    assert green["connected"] is True and green["problems"] == []
    assert green["exported"] == ["reviews.bookinfo.svc.red-mesh-exports.local",
                                 "details.bookinfo.svc.red-mesh-exports.local"]
    assert two_clusters.methods() == {"GET"}


def test_broken_pair_text_says_why_on_the_peer_line(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*broken())
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--kubectl", two_clusters.kubectl)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("✗ red/red-mesh-system/green-mesh") and "not connected: 503 Service Unavailable" in first
    assert "red/red-mesh-system/green-mesh: error SMF207 " in out
    assert "  fix: copy green-mesh's root into green-mesh-ca-root-cert" in out
    assert "2 peers: 1 connected, 1 not; 3 errors, 2 warnings, 0 hints; 0 gaps" in out


def test_forbidden_kind_is_a_named_gap_and_the_rest_is_still_checked(two_clusters: Clusters, capsys) -> None:
    red, green = broken()
    two_clusters.load(red, green)
    two_clusters.green.lists.forbid("exportedservicesets")
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    data = json.loads(out)
    assert data["gaps"] == [{
        "context": "green", "namespace": "green-mesh-system",
        "resource": "exportedservicesets.federation.maistra.io", "verb": "list",
        "message": "may not list exportedservicesets.federation.maistra.io in green-mesh-system: not checked: "
                   "what this mesh exports",
        "hint": "ask for a role that allows list on exportedservicesets.federation.maistra.io in that namespace; "
                "check with `oc auth can-i list exportedservicesets.federation.maistra.io -n green-mesh-system`"}]
    red_side = peers_by_side(data)[("red", "green-mesh")]
    codes = {p["code"] for p in red_side["problems"]}
    assert "SMF211" not in codes                      # what green exports could not be read: not claimed
    assert {"SMF200", "SMF204", "SMF207"} <= codes    # everything else still checked
    assert peers_by_side(data)[("green", "red-mesh")]["exported"] == []
    assert code == 1
    assert two_clusters.methods() == {"GET"}


def test_forbidden_kind_in_text_names_verb_and_resource(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    two_clusters.red.lists.forbid("configmaps")
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--kubectl", two_clusters.kubectl)
    assert code == 0     # all connected, no error: a gap is said, not failed on
    assert "Not checked:\n  may not list configmaps in red-mesh-system: not checked: root certificates\n" in out
    assert "oc auth can-i list configmaps -n red-mesh-system" in out


def test_a_kind_the_cluster_does_not_serve_falls_back_per_kind(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    two_clusters.green.federation_served = False     # the whole batch fails: "doesn't have a resource type"
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    data = json.loads(out)
    missing = sorted(g["resource"] for g in data["gaps"])
    assert missing == ["exportedservicesets.federation.maistra.io", "importedservicesets.federation.maistra.io",
                       "servicemeshpeers.federation.maistra.io"]
    assert all("does not serve" in g["message"] for g in data["gaps"])
    assert [p["context"] for p in data["peers"]] == ["red"]
    assert code == 0
    assert two_clusters.methods() == {"GET"}


def test_unreachable_cluster_is_one_line_and_the_other_is_reported(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    started = time.monotonic()
    code, out, _err = run_status(capsys, "--context", "red", "--context", "down", "--request-timeout", "3s",
                                 "--kubectl", two_clusters.kubectl)
    assert time.monotonic() - started < 30
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("● red/red-mesh-system/green-mesh") and " connected " in lines[0]
    down = [line for line in lines if "cluster down not read" in line]
    assert len(down) == 1 and "connection was refused" in down[0] and down[0].startswith("✗ ")
    # red alone: what needs green's cluster is said, not guessed
    assert "hint SMF218 green-mesh's cluster was not read" in out


def test_slow_cluster_is_bounded_by_the_request_timeout(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    two_clusters.green.script("slow", delay=30)
    started = time.monotonic()
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--request-timeout", "1s",
                                 "--format", "json", "--kubectl", two_clusters.kubectl)
    assert time.monotonic() - started < 20
    data = json.loads(out)
    (gap,) = data["gaps"]
    assert gap["context"] == "green" and gap["resource"] is None and "not read" in gap["message"]
    assert [p["context"] for p in data["peers"]] == ["red"] and code == 1


def test_no_cluster_readable_is_exit_2(two_clusters: Clusters, capsys) -> None:
    code, out, _err = run_status(capsys, "--context", "down", "--kubectl", two_clusters.kubectl)
    assert code == 2 and "cluster down not read" in out


def test_usage_errors_exit_2(two_clusters: Clusters, capsys) -> None:
    code, _out, err = run_status(capsys, "--request-timeout", "0")
    assert code == 2 and "--request-timeout" in err
    code, _out, err = run_status(capsys, "--watch", "0.1")
    assert code == 2 and "once a second" in err
    code, _out, err = run_status(capsys, "--context", "nope", "--kubectl", two_clusters.kubectl)
    assert code == 2 and "no context 'nope' in the kubeconfig" in _out
    assert "Traceback" not in err


def test_default_is_the_current_context_and_its_namespace(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    code, out, _err = run_status(capsys, "--kubectl", two_clusters.kubectl)
    assert out.startswith("● (current context)/red-mesh-system/green-mesh")
    assert code == 0
    (listing,) = [r for r in two_clusters.red.requests if r.path.endswith("/servicemeshpeers")]
    assert listing.path == "/apis/federation.maistra.io/v1/namespaces/red-mesh-system/servicemeshpeers"


def test_korean(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*broken())
    code, out, _err = run_status(capsys, "--lang", "ko", "--context", "red", "--context", "green",
                                 "--kubectl", two_clusters.kubectl)
    assert code == 1
    assert "연결" in out.splitlines()[0] and "not connected" not in out


def test_watch_refreshes_in_place_shows_changes_and_ctrl_c_is_130(two_clusters: Clusters) -> None:
    """On a terminal (a pty here) each read clears the screen and prints the report again, then what
    changed since the read before; ctrl+c (SIGINT) ends it with 130 and no traceback."""
    two_clusters.load(*healthy())
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "smfed_tui", "status", "--context", "red", "--context", "green",
                             "--watch", "1", "--kubectl", two_clusters.kubectl],
                            stdin=child_fd, stdout=child_fd, stderr=subprocess.PIPE)
    os.close(child_fd)
    chunks: list[bytes] = []

    def pump() -> None:
        while True:
            try:
                data = os.read(main_fd, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    seen = lambda: b"".join(chunks).decode("utf-8", "replace")   # noqa: E731
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Nothing changed" not in seen():
            time.sleep(0.2)
        two_clusters.load(*broken())
        while time.monotonic() < deadline and "+ error SMF200" not in seen():
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        os.close(main_fd)
    text = seen()
    assert text.count(CLEAR) >= 3                     # in place: the screen is cleared before each read
    changed = text.split("Changed since the last read")[-1]
    assert "red/red-mesh-system/green-mesh: connected -> not connected: 503 Service Unavailable" in changed
    assert "+ error SMF200" in changed
    assert proc.returncode == 130 and b"Traceback" not in err
    assert two_clusters.methods() == {"GET"}


def test_namespace_flag_is_used_on_every_context(two_clusters: Clusters, capsys) -> None:
    red, green = healthy()
    two_clusters.load(red, green)
    code, out, _err = run_status(capsys, "--context", "red", "--namespace", "green-mesh-system", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    assert json.loads(out)["peers"] == [] and code == 1      # red's mesh is not in that namespace: no peer
    paths = {r.path for r in two_clusters.red.requests if "/namespaces/" in r.path}
    assert paths and all("/namespaces/green-mesh-system/" in p for p in paths)


def test_tui_needs_a_terminal_and_takes_no_json(two_clusters: Clusters, capsys) -> None:
    code, _out, err = run_status(capsys, "--tui", "--kubectl", two_clusters.kubectl)
    assert code == 2 and "--tui needs a terminal" in err
    code, _out, err = run_status(capsys, "--tui", "--format", "json", "--kubectl", two_clusters.kubectl)
    assert code == 2 and "--tui" in err and "--format json" in err


def test_print_status_is_the_same_report_for_the_plain_wizard(two_clusters: Clusters, capsys) -> None:
    from smfed_tui.cli_status import print_status
    two_clusters.load(*broken())
    code = print_status(two_clusters.kubectl, "red", "red-mesh-system")
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("✗ red/red-mesh-system/green-mesh")
    assert "hint SMF218 green-mesh's cluster was not read" in out
    code = print_status(str(two_clusters.kubectl) + "-missing", "red", "red-mesh-system")
    assert code == 2 and "is not an executable file" in capsys.readouterr().out


def test_not_logged_in_is_one_line_for_that_cluster(two_clusters: Clusters, capsys) -> None:
    two_clusters.load(*healthy())
    two_clusters.green.script("unauthorized")
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--kubectl", two_clusters.kubectl)
    lines = [line for line in out.splitlines() if "cluster green not read" in line]
    assert len(lines) == 1 and "not logged in" in lines[0]
    assert "  fix: log in with `oc login <api-url>`" in out
    assert out.startswith("● red/red-mesh-system/green-mesh") and code == 1


def test_plain_mode_offers_the_status_report_after_an_apply(kube, monkeypatch, tmp_path, capsys) -> None:
    """Plain mode's Status step: after a successful apply of a mesh with peers it asks, then prints the
    same report as `smfed-wizard status` for the apply's context and the SMCP's namespace."""
    from helpers.plain_driver import ENTER, MESH_DEFAULTS, NEW_PEER_DEFAULTS, drive
    import status_scenario as s

    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(kube.kubectl), "/usr/bin", "/bin"]))
    monkeypatch.setenv("NO_COLOR", "1")
    kube.namespaces.add("red-mesh-system")
    red, _green = s.broken()
    for obj in red:
        if obj["kind"] != "ServiceMeshControlPlane":
            kube.lists.put(obj)
    keys = (MESH_DEFAULTS
            + "1" + ENTER + "green-mesh" + ENTER + NEW_PEER_DEFAULTS   # add a peer
            + ENTER                                                     # done with peers
            + ENTER * 3                                                 # its exposure as proposed
            + ENTER + ENTER                                             # review: write; confirm the write
            + "y" + "y"                                                 # apply now? yes; to the context? yes
            + "y")                                                      # read the status now? yes
    assert drive(tmp_path / "red-mesh.yaml", keys) == 0
    printed = capsys.readouterr().out
    report = printed.split("watch the operator reconcile it")[1]
    assert "\n✗ (current context)/red-mesh-system/green-mesh  not connected: 503 Service Unavailable" in report
    assert "error SMF215 ServiceMeshControlPlane red-mesh is not Ready" in report   # just applied
    assert "1 peer: 0 connected, 1 not;" in report
    lists = [r for r in kube.requests if r.path.endswith("/servicemeshpeers")]
    assert lists and all(r.method == "GET" and "/namespaces/red-mesh-system/" in r.path for r in lists)


def test_a_cluster_that_goes_away_after_a_read_is_one_line(two_clusters: Clusters, capsys) -> None:
    """With discovery cached, kubectl words a refused connection differently ("The connection to the
    server ... was refused"): still one line for that cluster, not one gap per kind."""
    two_clusters.load(*healthy())
    assert run_status(capsys, "--context", "red", "--context", "green", "--kubectl", two_clusters.kubectl)[0] == 0
    two_clusters.green.stop()
    code, out, _err = run_status(capsys, "--context", "red", "--context", "green", "--format", "json",
                                 "--kubectl", two_clusters.kubectl)
    data = json.loads(out)
    (gap,) = data["gaps"]
    assert gap["context"] == "green" and gap["resource"] is None
    assert gap["message"] == "cluster green not read: cannot reach the cluster: the connection was refused"
    assert [p["context"] for p in data["peers"]] == ["red"] and code == 1
