"""`edit` on a file that holds the SMCP and its federation resources (a List): what the edit leaves
broken among those resources is said (SMF089 for a removed peer's), instead of exit 0 without a word."""
from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from helpers.federation_list import write_list
from smfed_tui.cli import main


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
