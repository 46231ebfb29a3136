"""The per-peer federation resources and the `bundle` subcommand."""
from __future__ import annotations

import base64
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from helpers.federation_list import write_list
from smfed_tui.bundle import (CertificateError, Remote, ServiceRef, build_bundle, normalize_certificates,
                              parse_service_ref, remote_from_mesh, render)
from smfed_tui.cli import main
from smfed_tui.edit import generate_text
from smfed_tui.model import Mesh, Peer

FIXTURES = Path(__file__).parent / "fixtures" / "federation"
GREEN_PEM = (FIXTURES / "green-root-cert.pem").read_text()

RED = Mesh.new("red-mesh", peers=(Peer.new("green-mesh"), Peer.new("blue-mesh", egress="blue-mesh-egress",
                                                                     ingress="blue-mesh-ingress")))
GREEN = Mesh.new("green-mesh", namespace="green-system", trust_domain="green.example",
                 peers=(Peer.new("red-mesh", egress="out-to-red").with_exposure(
                     service_type="NodePort", tls_node_port=30510, discovery_node_port=32359),))


def docs(bundle_or_text) -> list[dict]:
    text = bundle_or_text if isinstance(bundle_or_text, str) else bundle_or_text.text()
    return list(yaml.safe_load_all(text))


def by_kind(documents: list[dict], kind: str, name: str) -> dict:
    [doc] = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


# --- ServiceMeshPeer -------------------------------------------------------------------------------

def test_service_mesh_peer_for_a_load_balancer_peer():
    remote = Remote(namespace="green-mesh-system", trust_domain="green-mesh.local", egress_for_us="egress-red-mesh",
                    addresses=("203.0.113.20", "green.example.com"))
    peer = by_kind(docs(build_bundle(RED, {"green-mesh": remote})), "ServiceMeshPeer", "green-mesh")
    assert peer == {
        "apiVersion": "federation.maistra.io/v1",
        "kind": "ServiceMeshPeer",
        "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
        "spec": {
            "remote": {"addresses": ["203.0.113.20", "green.example.com"], "discoveryPort": 8188, "servicePort": 15443},
            "gateways": {"ingress": {"name": "ingress-green-mesh"}, "egress": {"name": "egress-green-mesh"}},
            "security": {
                "trustDomain": "green-mesh.local",
                "clientID": "green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account",
                "certificateChain": {"kind": "ConfigMap", "name": "green-mesh-ca-root-cert"},
            },
        },
    }


def test_peer_facts_read_off_the_peer_model_node_ports_namespace_and_its_egress_for_us():
    remote = remote_from_mesh("red-mesh", GREEN, addresses=("198.51.100.7",))
    spec = by_kind(docs(build_bundle(RED, {"green-mesh": remote})), "ServiceMeshPeer", "green-mesh")["spec"]
    assert spec["remote"] == {"addresses": ["198.51.100.7"], "discoveryPort": 32359, "servicePort": 30510}
    assert spec["security"]["clientID"] == "green.example/ns/green-system/sa/out-to-red-service-account"
    assert spec["security"]["trustDomain"] == "green.example"


def test_this_meshs_own_gateway_pair_for_the_peer():
    spec = by_kind(docs(build_bundle(RED)), "ServiceMeshPeer", "blue-mesh")["spec"]
    assert spec["gateways"] == {"ingress": {"name": "blue-mesh-ingress"}, "egress": {"name": "blue-mesh-egress"}}


def test_conventions_and_placeholders_when_nothing_is_known_about_a_peer():
    bundle = build_bundle(RED)
    spec = by_kind(docs(bundle), "ServiceMeshPeer", "blue-mesh")["spec"]
    assert spec["security"]["clientID"] == "blue-mesh.local/ns/blue-mesh-system/sa/egress-red-mesh-service-account"
    assert spec["remote"]["addresses"] == ["blue-mesh-ingress.replace-me.invalid"]
    assert any("blue-mesh: no address" in w for w in bundle.warnings)
    assert any("blue-mesh: no root certificate" in w for w in bundle.warnings)


def test_node_port_peer_without_fixed_ports_is_a_warning():
    green = Mesh.new("green-mesh", peers=(Peer.new("red-mesh").with_exposure(service_type="NodePort"),))
    bundle = build_bundle(RED, {"green-mesh": remote_from_mesh("red-mesh", green, ("10.0.0.1",), GREEN_PEM)})
    [warning] = [w for w in bundle.warnings if "without fixed node ports" in w]
    assert "(give --peer-node-ports green-mesh=TLS,DISCOVERY)" in warning   # the flag that gives them


# --- the CA ConfigMap ----------------------------------------------------------------------------------

def test_ca_config_map_holds_the_checked_certificate():
    remote = Remote("green-mesh-system", "green-mesh.local", "egress-red-mesh", ("1.2.3.4",),
                    ca_pem=normalize_certificates(GREEN_PEM))
    bundle = build_bundle(RED, {"green-mesh": remote})
    cm = by_kind(docs(bundle), "ConfigMap", "green-mesh-ca-root-cert")
    assert cm == {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "green-mesh-ca-root-cert", "namespace": "red-mesh-system"},
                  "data": {"root-cert.pem": GREEN_PEM}}
    assert not [w for w in bundle.warnings if w.startswith("green-mesh")]


def test_ca_config_map_placeholder_is_clearly_marked():
    cm = by_kind(docs(build_bundle(RED)), "ConfigMap", "green-mesh-ca-root-cert")
    assert cm["data"]["root-cert.pem"].startswith("REPLACE ME: paste the root certificate of green-mesh")
    assert "istio-ca-root-cert -n green-mesh-system" in cm["data"]["root-cert.pem"]


def test_certificate_armour_is_normalised_and_a_chain_kept():
    messy = "Subject: whatever\n" + GREEN_PEM.replace("\n", "\r\n") + "\n\n" + GREEN_PEM
    assert normalize_certificates(messy) == GREEN_PEM * 2


def _pem(label: str, der: bytes) -> str:
    return f"-----BEGIN {label}-----\n{base64.b64encode(der).decode()}\n-----END {label}-----\n"


@pytest.mark.parametrize("text,problem", [
    ("hello", "no PEM block"),
    (_pem("PRIVATE KEY", b"\x30\x03\x02\x01\x00"), "PRIVATE KEY, not a CERTIFICATE; a key must never"),
    ("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "not valid base64"),
    (_pem("CERTIFICATE", b"\x30\x03\x02\x01\x00"), "not shaped like an X.509 certificate"),
    (_pem("CERTIFICATE", b"\x04\x02hi"), "not one DER SEQUENCE"),
    (_pem("CERTIFICATE", b"\x30\x06\x30\x84\x00\x00\x10\x00"), "ends early"),
    (_pem("CERTIFICATE", b"\x30\x85\x00"), "length is not valid"),
    ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n", "ends as X509 CRL"),
])
def test_what_is_not_a_certificate_is_refused(text, problem):
    with pytest.raises(CertificateError, match=problem.replace("(", r"\(")):
        normalize_certificates(text)


def test_a_truncated_certificate_is_refused():
    der = base64.b64decode("".join(GREEN_PEM.splitlines()[1:-1]))
    with pytest.raises(CertificateError):
        normalize_certificates(_pem("CERTIFICATE", der[:-10]))


# --- ExportedServiceSet / ImportedServiceSet ------------------------------------------------------------

def test_service_sets_are_named_after_the_peer_and_empty_by_default():
    documents = docs(build_bundle(RED))
    assert by_kind(documents, "ExportedServiceSet", "green-mesh") == {
        "apiVersion": "federation.maistra.io/v1", "kind": "ExportedServiceSet",
        "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"}, "spec": {"exportRules": []}}
    assert by_kind(documents, "ImportedServiceSet", "green-mesh")["spec"] == {"importRules": []}


def test_name_selector_rules_and_import_as_local_on_the_rule():
    exports = {"green-mesh": [ServiceRef("bookinfo", "ratings"), ServiceRef("bookinfo", "*", "info")]}
    imports = {"green-mesh": [ServiceRef("bookinfo", "reviews")]}
    documents = docs(build_bundle(RED, exports=exports, imports=imports))
    assert by_kind(documents, "ExportedServiceSet", "green-mesh")["spec"]["exportRules"] == [
        {"type": "NameSelector", "nameSelector": {"namespace": "bookinfo", "name": "ratings"}},
        {"type": "NameSelector", "nameSelector": {"namespace": "bookinfo", "name": "*", "alias": {"namespace": "info"}}},
    ]
    assert by_kind(documents, "ImportedServiceSet", "green-mesh")["spec"]["importRules"] == [
        {"type": "NameSelector", "importAsLocal": False, "nameSelector": {"namespace": "bookinfo", "name": "reviews"}}]
    assert by_kind(documents, "ExportedServiceSet", "blue-mesh")["spec"]["exportRules"] == []


@pytest.mark.parametrize("text", ["bookinfo", "Bookinfo/ratings", "bookinfo/", "a/b/c", "bookinfo/rat ings"])
def test_service_refs_are_checked(text):
    with pytest.raises(ValueError):
        parse_service_ref(text)


def test_render_is_a_multi_document_stream_that_reads_back_exactly():
    tricky = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "yes"},
               "data": {"a": "on", "b": "0777", "c": "x: y # z", "d": "- item", "e": "line1\nline2"}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "n"}, "data": {}}]
    text = render(tricky)
    assert text.count("---\n") == 1
    assert list(yaml.safe_load_all(text)) == tricky


# --- the subcommand --------------------------------------------------------------------------------

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def smcps(tmp_path: Path) -> tuple[Path, Path]:
    red, green = tmp_path / "red.yaml", tmp_path / "green.yaml"
    red.write_text(generate_text(RED))
    green.write_text(generate_text(Mesh.new("green-mesh", peers=(Peer.new("red-mesh").with_exposure(
        service_type="NodePort", tls_node_port=30600, discovery_node_port=30601),))))
    return red, green


def test_bundle_prints_every_peer_resource_with_warnings_on_stderr(smcps):
    red, _green = smcps
    rc, out, err = run("bundle", str(red), "--peer-address", "green-mesh=203.0.113.20",
                       "--peer-ca", f"green-mesh={FIXTURES / 'green-root-cert.pem'}", "--export", "bookinfo/ratings",
                       "--import", "green-mesh:bookinfo/reviews")
    assert rc == 0
    documents = docs(out)
    assert [(d["kind"], d["metadata"]["name"]) for d in documents] == [
        ("ConfigMap", "green-mesh-ca-root-cert"), ("ServiceMeshPeer", "green-mesh"), ("ExportedServiceSet", "green-mesh"),
        ("ImportedServiceSet", "green-mesh"), ("ConfigMap", "blue-mesh-ca-root-cert"), ("ServiceMeshPeer", "blue-mesh"),
        ("ExportedServiceSet", "blue-mesh"), ("ImportedServiceSet", "blue-mesh")]
    assert by_kind(documents, "ExportedServiceSet", "blue-mesh")["spec"]["exportRules"][0]["nameSelector"]["name"] == "ratings"
    assert by_kind(documents, "ImportedServiceSet", "blue-mesh")["spec"]["importRules"] == []
    assert "warning: blue-mesh: no address" in err
    assert "warning: green-mesh: no address" not in err and "warning: green-mesh: no root certificate" not in err
    # what nobody gave about green-mesh is said, each value with the flag that gives the real one
    assert "green-mesh: Peer's namespace 'green-mesh-system' is assumed" in err
    assert "--peer-egress green-mesh=NAME" in err


def test_bundle_reads_the_peer_smcp(smcps):
    red, green = smcps
    rc, out, _err = run("bundle", str(red), "--peer-smcp", str(green), "--peer-address", "green-mesh=10.0.0.1,10.0.0.2")
    spec = by_kind(docs(out), "ServiceMeshPeer", "green-mesh")["spec"]
    assert rc == 0
    assert spec["remote"] == {"addresses": ["10.0.0.1", "10.0.0.2"], "discoveryPort": 30601, "servicePort": 30600}


def test_bundle_flags_override_the_conventions(smcps):
    red, _green = smcps
    rc, out, _err = run("bundle", str(red), "--peer-namespace", "blue-mesh=mesh-b", "--peer-trust-domain",
                        "blue-mesh=b.example", "--peer-egress", "blue-mesh=to-red", "--peer-node-ports", "blue-mesh=31000,31001")
    spec = by_kind(docs(out), "ServiceMeshPeer", "blue-mesh")["spec"]
    assert rc == 0
    assert spec["security"]["clientID"] == "b.example/ns/mesh-b/sa/to-red-service-account"
    assert (spec["remote"]["servicePort"], spec["remote"]["discoveryPort"]) == (31000, 31001)


def test_bundle_writes_the_directory_and_the_result_validates(smcps, tmp_path):
    red, green = smcps
    out_dir = tmp_path / "red-out"
    rc, out, err = run("bundle", str(red), "--peer-smcp", str(green), "--peer-address", "green-mesh=10.0.0.1",
                       "-o", str(out_dir))
    assert (rc, out) == (0, "")   # written with blue-mesh's placeholder certificate (said as a warning)
    assert f"wrote {out_dir / 'federation.yaml'} (8 resources for 2 peers)" in err
    assert (out_dir / "federation.yaml").exists()
    rc, out, _ = run("validate", str(red), str(out_dir / "federation.yaml"))
    assert rc == 1 and "SMF112" in out   # a placeholder certificate may not be applied
    rc, out, err = run("bundle", str(red), "--peer-smcp", str(green), "--peer-address", "green-mesh=10.0.0.1",
                       "--peer-ca", f"green-mesh={FIXTURES / 'green-root-cert.pem'}", "--peer-address",
                       "blue-mesh=10.0.0.2", "--peer-ca", f"blue-mesh={FIXTURES / 'red-root-cert.pem'}", "-o", str(out_dir))
    rc, out, _ = run("validate", str(red), str(out_dir / "federation.yaml"))
    assert rc == 0 and "0 errors" in out
    # a second run with the same result leaves the file alone
    before = (out_dir / "federation.yaml").stat().st_mtime_ns
    assert run("bundle", str(red), "--peer-smcp", str(green), "--peer-address", "green-mesh=10.0.0.1",
               "--peer-ca", f"green-mesh={FIXTURES / 'green-root-cert.pem'}", "--peer-address", "blue-mesh=10.0.0.2",
               "--peer-ca", f"blue-mesh={FIXTURES / 'red-root-cert.pem'}", "-o", str(out_dir))[0] == 0
    assert (out_dir / "federation.yaml").stat().st_mtime_ns == before


@pytest.mark.parametrize("argv,message", [
    (["--peer-address", "pink-mesh=1.2.3.4"], "'pink-mesh' is not a peer of this SMCP"),
    (["--peer-address", "green-mesh=not an address"], "neither an IP address nor a DNS name"),
    # istiod resolves each address as it is: the host of a URL or HOST:PORT is said as the value to give
    (["--peer-address", "green-mesh=https://203.0.113.20:15443"],
     "'https://203.0.113.20:15443' is a URL, neither an IP address nor a DNS name: give the host alone, '203.0.113.20'"),
    (["--peer-address", "green-mesh=green.example.com:8188"], "is HOST:PORT, neither an IP address nor a DNS name: "
                                                              "give the host alone, 'green.example.com'"),
    (["--peer-address", "green-mesh=[2001:db8::1]:15443"], "give the host alone, '2001:db8::1'"),
    (["--peer-namespace", "green-mesh=Green"], "--peer-namespace green-mesh: 'Green'"),
    (["--peer-trust-domain", "green-mesh=red-mesh.local"], "this mesh's own trust domain"),
    (["--import", "bookinfo/reviews"], "needs the peer"),
    (["--export", "bookinfo"], "is not NAMESPACE/NAME"),
    (["--peer-node-ports", "green-mesh=30000"], "TLS,DISCOVERY"),
])
def test_bundle_usage_errors(smcps, argv, message):
    red, _green = smcps
    rc, out, err = run("bundle", str(red), *argv)
    assert (rc, out) == (2, "")
    assert message in err


def test_bundle_refuses_a_private_key_as_ca(smcps, tmp_path):
    red, _green = smcps
    key = tmp_path / "key.pem"
    key.write_text(_pem("RSA PRIVATE KEY", b"\x30\x03\x02\x01\x00"))
    rc, out, err = run("bundle", str(red), "--peer-ca", f"green-mesh={key}")
    assert (rc, out) == (2, "")
    assert "RSA PRIVATE KEY, not a CERTIFICATE" in err


def test_bundle_refuses_a_peer_smcp_that_does_not_federate_with_us(smcps, tmp_path):
    red, _green = smcps
    other = tmp_path / "green2.yaml"
    other.write_text(generate_text(Mesh.new("green-mesh", peers=(Peer.new("blue-mesh"),))))
    rc, _out, err = run("bundle", str(red), "--peer-smcp", str(other))
    assert rc == 2 and "has no peer named 'red-mesh'" in err


def test_bundle_needs_peers(tmp_path):
    lonely = tmp_path / "lonely.yaml"
    lonely.write_text(generate_text(Mesh.new("red-mesh")))
    rc, _out, err = run("bundle", str(lonely))
    assert rc == 2 and "no peer to bundle for" in err


def test_bundle_of_a_list_that_holds_the_resources_already_says_it_replaces_them(tmp_path):
    """A List (or a policy) with the SMCP and its peer resources: bundle checks what it makes against the
    SMCP, not against the copies it replaces (they were reported as defined twice, SMF127, and nothing was
    printed), and says which ones the file holds."""
    path = tmp_path / "red.yaml"
    write_list(path)
    rc, out, err = run("bundle", str(path))
    assert rc == 0 and "SMF127" not in err, err
    assert [d["kind"] for d in yaml.safe_load_all(out)].count("ServiceMeshPeer") == 2
    [line] = [line for line in err.splitlines() if "already holds" in line]
    for resource in ("ConfigMap green-mesh-ca-root-cert", "ServiceMeshPeer green-mesh", "ExportedServiceSet blue-mesh",
                     "ImportedServiceSet blue-mesh"):
        assert resource in line
    assert "what bundle writes replaces them" in line


def test_one_peer_is_said_in_the_singular(tmp_path):
    path = tmp_path / "red.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(Peer.new("green-mesh"),))))
    rc, _out, err = run("bundle", str(path), "-o", str(tmp_path / "out"))
    assert rc == 0 and f"wrote {tmp_path / 'out' / 'federation.yaml'} (4 resources for 1 peer)" in err
