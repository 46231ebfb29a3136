"""The topology file, node port assignment, and a 3-mesh federation that round-trips through `validate`."""
from __future__ import annotations

import io
import json
import shutil
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from smfed_tui.cli import main
from smfed_tui.topology import TopologyError, assign_node_ports, build, check_outputs, parse_topology

FIXTURES = Path(__file__).parent / "fixtures" / "federation"

THREE = """\
meshes:
  - name: red-mesh
    exposure: LoadBalancer
    addresses: [203.0.113.10]
    exports: [bookinfo/ratings]
  - name: green-mesh
    namespace: green-system
    trustDomain: green.example
    exposure: NodePort
    addresses: [198.51.100.1, 198.51.100.2]
    nodePortBase: 30510
  - name: blue-mesh
    exposure: NodePort
    addresses: [blue.example.com]
federate: all
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def errors_of(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(TopologyError) as info:
        parse_topology(textwrap.dedent(text).encode(), "topo.yaml")
    return [(e.line, e.column, e.message) for e in info.value.errors]


# --- the file ---------------------------------------------------------------------------------------

def test_defaults_and_pairs():
    topo = parse_topology(THREE.encode(), "topo.yaml")
    red = topo.spec("red-mesh")
    assert (red.namespace, red.trust_domain, red.version) == ("red-mesh-system", "red-mesh.local", "v2.6")
    assert topo.spec("green-mesh").namespace == "green-system"
    assert topo.pairs == (("red-mesh", "green-mesh"), ("red-mesh", "blue-mesh"), ("green-mesh", "blue-mesh"))
    assert topo.partners("green-mesh") == ["red-mesh", "blue-mesh"]


def test_list_of_pairs_and_a_mesh_left_out():
    topo = parse_topology(THREE.replace("federate: all", "federate:\n  - [red-mesh, green-mesh]").encode(), "t.yaml")
    assert topo.pairs == (("red-mesh", "green-mesh"),)
    assert topo.warnings == ("mesh 'blue-mesh' federates with no other mesh",)


def test_unknown_keys_with_line_column_and_did_you_mean():
    problems = errors_of("""\
        meshes:
          - name: red-mesh
            adresses: [1.2.3.4]
        federation: all
        """)
    assert (3, 5, "unknown key 'adresses' in a mesh: did you mean 'addresses'?") in problems
    assert (4, 1, "unknown key 'federation' in the topology: did you mean 'federate'?") in problems
    assert (2, 5, "mesh 'red-mesh' has no `addresses:`") in problems


def test_unknown_mesh_in_a_pair():
    problems = errors_of("""\
        meshes:
          - {name: red-mesh, addresses: [1.2.3.4]}
          - {name: green-mesh, addresses: [1.2.3.5]}
        federate:
          - [red-mesh, gren-mesh]
        """)
    assert problems == [(5, column_of("  - [red-mesh, gren-mesh]", "gren-mesh"),
                         "unknown mesh 'gren-mesh' in federate: did you mean 'green-mesh'?")]


def test_duplicate_meshes_and_trust_domains():
    problems = errors_of("""\
        meshes:
          - {name: red-mesh, addresses: [1.2.3.4]}
          - {name: green-mesh, addresses: [1.2.3.5], trustDomain: red-mesh.local}
          - {name: red-mesh, addresses: [1.2.3.6]}
        federate: all
        """)
    assert problems == [
        (3, 5, "mesh 'green-mesh' has trust domain 'red-mesh.local', like the mesh at line 2"),
        (4, 5, "mesh 'red-mesh' is listed twice (first at line 2)"),
    ]


def test_a_mesh_with_a_wrong_value_is_still_known_by_name():
    """Its own error is reported, and nothing else about it is made up: a second mesh of the same name is a
    duplicate, and a pair naming it is no `unknown mesh`."""
    problems = errors_of("""\
        meshes:
          - {name: red-mesh, exposure: LoadBalancr, addresses: [1.2.3.4]}
          - {name: red-mesh, addresses: [1.2.3.6]}
          - {name: green-mesh, addresses: [1.2.3.5]}
        federate: [[red-mesh, green-mesh]]
        """)
    assert [message for _line, _col, message in problems] == [
        "exposure 'LoadBalancr' is not LoadBalancer or NodePort; did you mean 'LoadBalancer'?",
        "mesh 'red-mesh' is listed twice (first at line 2)",
    ]


def column_of(line_text: str, needle: str) -> int:
    return line_text.index(needle) + 1


@pytest.mark.parametrize("mesh,needle,message", [
    ("{name: red-mesh, addresses: [1.2.3.4], exposure: Route}", "Route", "exposure 'Route' is not LoadBalancer or NodePort"),
    ("{name: red-mesh, addresses: [1.2.3.4], nodePortBase: 30500}", "nodePortBase",
     "nodePortBase is for `exposure: NodePort` only"),
    ("{name: red-mesh, addresses: [1.2.3.4], exposure: NodePort, nodePortBase: 80}", "80",
     "nodePortBase must be a number from 30000 to 32767"),
    ("{name: red-mesh, addresses: ['not an address']}", "'not", "address 'not an address' is neither an IP address nor a DNS name"),
    ("{name: red-mesh, addresses: []}", "[]", "mesh 'red-mesh' lists no address"),
    ("{name: Red_Mesh, addresses: [1.2.3.4]}", "Red_Mesh", "mesh name 'Red_Mesh': "),
    ("{name: red-mesh, addresses: [1.2.3.4], trustDomain: cluster.local}", "cluster.local", "trustDomain 'cluster.local': "),
    ("{name: red-mesh, addresses: [1.2.3.4], version: v2.0}", "v2.0", "version 'v2.0': "),
    ("{name: red-mesh, addresses: [1.2.3.4], exports: [bookinfo]}", "bookinfo", "'bookinfo' is not NAMESPACE/NAME"),
    ("{name: red-mesh, addresses: 1.2.3.4}", "1.2.3.4", "addresses must be a list"),
    ("red-mesh", "red-mesh", "each mesh is a mapping"),
])
def test_mesh_entry_errors(mesh, needle, message):
    problems = errors_of(f"meshes:\n  - {mesh}\n  - {{name: green-mesh, addresses: [1.2.3.5]}}\nfederate: all\n")
    column = column_of(f"  - {mesh}", needle)
    assert [(l, c) for l, c, m in problems if m.startswith(message)] == [(2, column)], problems


@pytest.mark.parametrize("federate,needle,message", [
    ("[[red-mesh, red-mesh]]", "[red-mesh, red", "mesh 'red-mesh' cannot federate with itself"),
    ("[[red-mesh, green-mesh], [green-mesh, red-mesh]]", "[green-mesh, red",
     "the pair green-mesh/red-mesh is listed twice (first at line 4)"),
    ("[[red-mesh, green-mesh, blue-mesh]]", "[red-mesh", "a pair names two meshes, not 3"),
    ("[red-mesh]", "red-mesh", "each pair is a list of two mesh names"),
    ("some", "some", "federate must be `all` or a list of pairs"),
])
def test_federate_errors(federate, needle, message):
    text = f"meshes:\n  - {{name: red-mesh, addresses: [1.2.3.4]}}\n  - {{name: green-mesh, addresses: [1.2.3.5]}}\nfederate: {federate}\n"
    problems = errors_of(text)
    column = column_of(f"federate: {federate}", needle)
    assert [(l, c) for l, c, m in problems if m.startswith(message)] == [(4, column)], problems


def test_missing_federate_and_meshes():
    assert errors_of("meshes:\n  - {name: red-mesh, addresses: [1.2.3.4]}\n") == [
        (1, 1, "the topology has no `federate:` (all, or a list of pairs)")]
    assert (1, 1, "the topology has no `meshes:` list") in errors_of("federate: all\n")


def test_the_cli_prints_every_error_with_file_line_column_and_writes_nothing(tmp_path):
    topo = tmp_path / "topo.yaml"
    topo.write_text("meshes:\n  - {name: red-mesh, addresses: [1.2.3.4], colour: red}\n"
                    "  - {name: green-mesh, addresses: [1.2.3.5]}\nfederate: [[red-mesh, blue-mesh]]\n")
    rc, out, err = run("topology", str(topo), "-o", str(tmp_path / "out"))
    assert (rc, out) == (2, "")
    assert f"{topo}:2:44: error: unknown key 'colour' in a mesh" in err
    assert f"{topo}:4:23: error: unknown mesh 'blue-mesh' in federate" in err
    assert not (tmp_path / "out").exists()


def test_yaml_errors_keep_their_position(tmp_path):
    topo = tmp_path / "topo.yaml"
    topo.write_text("meshes:\n  - name: red-mesh\n    name: again\nfederate: all\n")
    rc, _out, err = run("topology", str(topo))
    assert rc == 2 and f"{topo}:3:5: error: duplicate key 'name'" in err


# --- node ports --------------------------------------------------------------------------------------

def test_node_ports_start_at_the_base_and_never_collide():
    topo = parse_topology(THREE.replace("addresses: [blue.example.com]", "addresses: [blue.example.com]\n    nodePortBase: 30511")
                          .encode(), "t.yaml")
    ports = assign_node_ports(topo)
    assert ports[("green-mesh", "red-mesh")] == (30510, 30511)
    assert ports[("green-mesh", "blue-mesh")] == (30512, 30513)
    assert ports[("blue-mesh", "red-mesh")] == (30514, 30515)  # 30511.. are green's already
    assert ("red-mesh", "green-mesh") not in ports  # LoadBalancer
    every = [p for pair in ports.values() for p in pair]
    assert len(every) == len(set(every)) == 8


def test_running_out_of_node_ports_names_the_base():
    text = THREE.replace("nodePortBase: 30510", "nodePortBase: 32765")
    with pytest.raises(TopologyError) as info:
        assign_node_ports(parse_topology(text.encode(), "t.yaml"))
    assert (info.value.line, info.value.column) == (11, 19)
    assert "no two free node ports left in 32765-32767 for peer 'blue-mesh'" in info.value.message


# --- building -----------------------------------------------------------------------------------------

def test_both_sides_agree():
    outputs = {o.name: o for o in build(parse_topology(THREE.encode(), "t.yaml"))}
    red_docs = list(yaml.safe_load_all(outputs["red-mesh"].federation))
    green_smcp = yaml.safe_load(outputs["green-mesh"].smcp)
    [peer] = [d for d in red_docs if d["kind"] == "ServiceMeshPeer" and d["metadata"]["name"] == "green-mesh"]
    ingress = green_smcp["spec"]["gateways"]["additionalIngress"]["ingress-red-mesh"]
    assert [p["nodePort"] for p in ingress["service"]["ports"]] == [peer["spec"]["remote"]["servicePort"],
                                                                     peer["spec"]["remote"]["discoveryPort"]]
    assert "egress-red-mesh" in green_smcp["spec"]["gateways"]["additionalEgress"]
    assert peer["spec"]["security"] == {
        "trustDomain": "green.example", "clientID": "green.example/ns/green-system/sa/egress-red-mesh-service-account",
        "certificateChain": {"kind": "ConfigMap", "name": "green-mesh-ca-root-cert"}}
    assert peer["spec"]["remote"]["addresses"] == ["198.51.100.1", "198.51.100.2"]
    assert ingress["routeConfig"] == {"enabled": False}
    # red exports bookinfo/ratings to every peer; every peer imports it from red
    green_docs = list(yaml.safe_load_all(outputs["green-mesh"].federation))
    [iss] = [d for d in green_docs if d["kind"] == "ImportedServiceSet" and d["metadata"]["name"] == "red-mesh"]
    assert iss["spec"]["importRules"][0]["nameSelector"] == {"namespace": "bookinfo", "name": "ratings"}
    [ess] = [d for d in red_docs if d["kind"] == "ExportedServiceSet" and d["metadata"]["name"] == "blue-mesh"]
    assert ess["spec"]["exportRules"][0]["nameSelector"] == {"namespace": "bookinfo", "name": "ratings"}


def _three_with_green_root(tmp_path) -> tuple[int, str, str]:
    """`topology -o out` on THREE where green-mesh has a rootCertFile and the other two have none."""
    shutil.copy(FIXTURES / "green-root-cert.pem", tmp_path / "green.pem")
    topo = tmp_path / "topo.yaml"
    topo.write_text(THREE.replace("    nodePortBase: 30510\n", "    nodePortBase: 30510\n    rootCertFile: green.pem\n"))
    return run("topology", str(topo), "-o", str(tmp_path / "out"))


def test_root_cert_files_fill_the_peers_config_maps(tmp_path):
    rc, _out, _err = _three_with_green_root(tmp_path)
    assert rc == 0
    red_docs = list(yaml.safe_load_all((tmp_path / "out" / "red-mesh" / "federation.yaml").read_text()))
    [cm] = [d for d in red_docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "green-mesh-ca-root-cert"]
    assert cm["data"]["root-cert.pem"] == (FIXTURES / "green-root-cert.pem").read_text()


def test_a_mesh_without_root_cert_file_is_named_with_the_topology_key_that_fixes_it(tmp_path):
    # green-mesh has its rootCertFile: only red-mesh and blue-mesh leave placeholders, in both peers' files
    rc, _out, err = _three_with_green_root(tmp_path)
    assert rc == 0
    placeholders = [line for line in err.splitlines() if "no root certificate" in line]
    assert len(placeholders) == 4, err
    red_in_green = [line for line in placeholders if line.startswith(f"warning: {tmp_path / 'out' / 'green-mesh'}")
                    and "ConfigMap red-mesh-ca-root-cert" in line]
    assert len(red_in_green) == 1 and "SMF112" in red_in_green[0]
    assert "add `rootCertFile: PEM_FILE` to mesh red-mesh in topo.yaml" in red_in_green[0]
    assert "green-mesh-ca-root-cert" not in err and "--peer-ca" not in err   # a flag topology does not have


def test_a_root_cert_file_that_is_a_key_is_refused(tmp_path):
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n")
    topo = tmp_path / "topo.yaml"
    topo.write_text(THREE.replace("    exports: [bookinfo/ratings]\n", "    rootCertFile: key.pem\n"))
    rc, _out, err = run("topology", str(topo))
    assert rc == 2 and f"{topo}:5:19: error: rootCertFile 'key.pem': block 1 is a PRIVATE KEY" in err


def test_without_output_dir_every_file_goes_to_stdout(tmp_path):
    topo = tmp_path / "topo.yaml"
    topo.write_text(THREE)
    rc, out, _err = run("topology", str(topo))
    assert rc == 0
    assert [line for line in out.splitlines() if line.startswith("# ")] == [
        f"# {mesh}/{name}" for mesh in ("red-mesh", "green-mesh", "blue-mesh")
        for name in ("smcp.yaml", "federation.yaml")]
    kinds = [d["kind"] for d in yaml.safe_load_all(out)]
    assert kinds.count("ServiceMeshControlPlane") == 3 and kinds.count("ServiceMeshPeer") == 6 and len(kinds) == 27


def test_generated_files_are_checked_before_anything_is_written():
    outputs = build(parse_topology(THREE.encode(), "t.yaml"))
    assert not [f for f in check_outputs(outputs, "out") if f.severity == "error"]
    outputs[0].federation = outputs[0].federation.replace("servicePort: 30510", "servicePort: 1")
    assert [f.code for f in check_outputs(outputs, "out") if f.severity == "error"] == ["SMF105"]


# --- the round trip ------------------------------------------------------------------------------------

def _validate(files: list[Path]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        rc = main(["validate", "--format", "json", *map(str, files)])
    return rc, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("topology")
    (root / "topo.yaml").write_text(THREE)
    rc, out, err = run("topology", str(root / "topo.yaml"), "-o", str(root / "out"))
    assert (rc, out) == (0, ""), err
    assert "wrote 9 files for 3 meshes" in err   # smcp.yaml, federation.yaml, kustomization.yaml each
    return root / "out"


def test_three_meshes_generate_every_file_and_validate_without_errors(generated):
    files = sorted(f for f in generated.glob("*/*.yaml") if f.name != "kustomization.yaml")
    assert [str(f.relative_to(generated)) for f in files] == [
        "blue-mesh/federation.yaml", "blue-mesh/smcp.yaml", "green-mesh/federation.yaml", "green-mesh/smcp.yaml",
        "red-mesh/federation.yaml", "red-mesh/smcp.yaml"]
    rc, findings = _validate(files)
    # only the CA placeholders (no rootCertFile given) are left to the admin: errors, since istiod loads
    # root-cert.pem as it is and a placeholder breaks the peer's TLS, so nothing may be applied before
    assert rc == 1
    assert {(f["code"], f["severity"]) for f in findings} == {("SMF112", "error")} and len(findings) == 6


def test_regenerating_leaves_the_files_alone(generated):
    before = {f: f.stat().st_mtime_ns for f in generated.glob("*/*.yaml")}
    rc, _out, _err = run("topology", str(generated.parent / "topo.yaml"), "-o", str(generated))
    assert rc == 0 and before == {f: f.stat().st_mtime_ns for f in generated.glob("*/*.yaml")}


@pytest.mark.parametrize("mesh,old,new,code,needle", [
    ("red-mesh", "clientID: green.example/ns/green-system/sa/egress-red-mesh-service-account",
     "clientID: green.example/ns/green-system/sa/egress-blue-mesh-service-account", "SMF104", "green.example/ns/"),
    ("blue-mesh", "servicePort: 30512", "servicePort: 30513", "SMF105", "servicePort: 30513"),
    ("green-mesh", "trustDomain: blue-mesh.local", "trustDomain: blu-mesh.local", "SMF103", "blu-mesh.local"),
])
def test_one_tampered_value_is_found_on_its_file_and_line(generated, tmp_path, mesh, old, new, code, needle):
    copy = tmp_path / "out"
    shutil.copytree(generated, copy)
    path = copy / mesh / "federation.yaml"
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    rc, findings = _validate(sorted(f for f in copy.glob("*/*.yaml") if f.name != "kustomization.yaml"))
    errors = [f for f in findings if f["severity"] == "error" and f["code"] != "SMF112"]   # the CA placeholders
    index = path.read_text().index(needle)
    line = path.read_text().count("\n", 0, index) + 1
    assert rc == 1
    assert [(f["code"], f["file"], f["line"]) for f in errors] == [(code, str(path), line)]


def test_one_mesh_is_said_in_the_singular(tmp_path):
    topo = tmp_path / "solo.yaml"
    topo.write_text("meshes:\n  - name: solo\n    addresses: [203.0.113.9]\nfederate: all\n")
    rc, _out, err = run("topology", str(topo), "-o", str(tmp_path / "out"))
    assert rc == 0 and f"wrote 3 files for 1 mesh under {tmp_path / 'out'}" in err
