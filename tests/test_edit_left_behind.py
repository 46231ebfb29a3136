"""What an edit leaves behind is said. On a file that holds the SMCP and its federation resources (a
List): what the edit leaves broken among those resources (SMF089 for a removed peer's), instead of exit 0
without a word. On a plain SMCP: a removed peer's resources, which live in other files and on the
cluster, with the commands to see and delete them (the user runs them; the tool deletes nothing)."""
from __future__ import annotations

import io
import shlex
import subprocess
from contextlib import redirect_stderr, redirect_stdout

from helpers.federation_list import RED, write_list
from kube_fixtures import kube  # noqa: F401  (a fixture)
from smfed_tui.cli import main
from smfed_tui.edit import generate_text


def run(*argv: str) -> tuple[int, str]:
    """main(argv): its exit code, and stdout and stderr in one text (validate reports on stdout)."""
    both = io.StringIO()
    with redirect_stdout(both), redirect_stderr(both):
        rc = main(list(argv))
    return rc, both.getvalue()


def test_removing_a_peer_names_its_resources_left_in_the_list(tmp_path):
    path = tmp_path / "red.yaml"
    write_list(path)
    rc, err = run("edit", str(path), "--remove-peer", "green-mesh")
    assert rc == 0, err
    [finding] = [line for line in err.splitlines() if "SMF089" in line]
    assert "warning SMF089 ServiceMeshPeer green-mesh is left" in finding
    for resource in ("ConfigMap green-mesh-ca-root-cert", "ExportedServiceSet green-mesh", "ImportedServiceSet green-mesh"):
        assert resource in finding
    assert "blue-mesh" not in finding   # the peer that stays, and its resources, are not named
    assert "not in this file" not in err   # SMF089 speaks of the resources the file holds: said once
    assert "oc delete servicemeshpeer,exportedserviceset,importedserviceset green-mesh -n red-mesh-system; " \
           "oc delete configmap green-mesh-ca-root-cert -n red-mesh-system" in err
    # it is what validate then says, as an error, about the file edit wrote
    rc, err = run("validate", str(path))
    assert rc == 1 and "SMF101 ServiceMeshPeer green-mesh" in err


def test_renaming_a_gateway_its_service_mesh_peer_names_is_blocked(tmp_path):
    path = tmp_path / "red.yaml"
    write_list(path)
    before = path.read_bytes()
    rc, err = run("edit", str(path), "--peer", "green-mesh:egress=green-out")
    assert rc == 1 and "error SMF101 ServiceMeshPeer green-mesh" in err and "SMF089" not in err
    assert path.read_bytes() == before


def test_an_edit_that_breaks_no_federation_resource_says_nothing_of_them(tmp_path):
    path = tmp_path / "red.yaml"
    write_list(path)
    rc, err = run("edit", str(path), "--peer", "blue-mesh:router-mode=sni-dnat")
    assert rc == 0 and "SMF089" not in err and "SMF1" not in err.replace("SMF112", "")


def test_removing_a_peer_from_a_plain_smcp_names_its_resources_elsewhere_and_how_to_delete_them(
        tmp_path, kube, client_on_path):   # noqa: F811
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(RED))
    rc, err = run("edit", str(path), "--remove-peer", "green-mesh")
    assert rc == 0 and "egress-green-mesh" not in path.read_text(), err
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("peer green-mesh's federation resources"))
    assert lines[at] == ("peer green-mesh's federation resources are not in this file: in other files and on the "
                         "cluster; remove them too, in namespace "
                         "red-mesh-system: ServiceMeshPeer green-mesh, ConfigMap green-mesh-ca-root-cert, "
                         "ExportedServiceSet green-mesh, ImportedServiceSet green-mesh")
    get = lines[at + 1].partition("see which exist (read-only): ")[2]
    delete = lines[at + 2].partition("(nothing is deleted for you): ")[2]
    assert "on green-mesh's side too: its ServiceMeshPeer red-mesh" in lines[at + 3]
    assert "blue-mesh" not in "\n".join(lines[at:])
    # the commands are the client's own (kubectl here: no oc on PATH), and name exactly the four objects
    objects = ["servicemeshpeers/green-mesh", "configmaps/green-mesh-ca-root-cert", "exportedservicesets/green-mesh",
               "importedservicesets/green-mesh"]
    for command in (get, delete + " --dry-run=client"):
        argv = shlex.split(command)
        assert argv[0] == "kubectl" and "--ignore-not-found" in argv
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    fetched = [r.path.rsplit("/", 2) for r in kube.requests_for("GET", "/namespaces/red-mesh-system/")]
    assert sorted({f"{kind}/{name}" for _prefix, kind, name in fetched if kind != "namespaces"}) == sorted(objects)
    assert not kube.requests_for("DELETE")


def test_a_removed_peer_added_back_leaves_nothing_to_say(tmp_path):
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(RED))
    rc, err = run("edit", str(path), "--remove-peer", "green-mesh", "--peer", "green-mesh", "--diff")
    assert rc == 0 and "federation resources" not in err, err
