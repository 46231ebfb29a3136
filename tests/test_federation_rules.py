"""Cross-file federation rules (SMF1xx): a mistake planted on one side is found, on the right file and line.

The baseline `fixtures/federation/two-meshes` is red-mesh (LoadBalancer) and green-mesh (NodePort
30510/30511), each with its SMCP and its peer resources, real root certificates, and service sets
that use every selector form correctly. `validate` says nothing about it; each test changes one
thing and checks the finding's code, file, line and column through the CLI's JSON output.
"""
from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from smfed_tui.cli import main
from smfed_tui.checks.rulebook import RULES
from smfed_tui.checks.federation import check_federation
from smfed_tui.source import parse

FIXTURE = Path(__file__).parent / "fixtures" / "federation" / "two-meshes"


@pytest.fixture
def meshes(tmp_path: Path) -> Path:
    dest = tmp_path / "meshes"
    shutil.copytree(FIXTURE, dest)
    return dest


def files(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.yaml"))


def validate(*paths: Path) -> tuple[int, list[dict]]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        rc = main(["validate", "--format", "json", *map(str, paths)])
    return rc, json.loads(out.getvalue())


def plant(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def pos(path: Path, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of `needle` in the file."""
    text = path.read_text()
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def only(findings: list[dict], code: str) -> dict:
    found = [f for f in findings if f["code"] == code]
    assert len(found) == 1, (code, findings)
    return found[0]


def at(finding: dict, path: Path, needle: str, nth: int = 1) -> None:
    assert finding["file"] == str(path)
    assert (finding["line"], finding["column"]) == pos(path, needle, nth), finding


def red(root: Path) -> Path:
    return root / "red-mesh" / "federation.yaml"


def green(root: Path) -> Path:
    return root / "green-mesh" / "federation.yaml"


# --- the baseline and the table --------------------------------------------------------------------

def test_baseline_has_no_findings(meshes):
    assert validate(*files(meshes)) == (0, [])


def test_the_federation_rules_are_the_smf1xx_rows_of_the_rule_table():
    """The rows checks.federation and checks.service_sets (its service-set rules) hold are in the rule
    table, and its SMF1xx rows are exactly their own (which rows each module must declare, as it reports
    them, is tests/test_rule_homes.py's)."""
    import smfed_tui.checks.federation as module
    import smfed_tui.checks.service_sets as service_sets
    from smfed_tui.checks.rulebook import rules_of
    held = {code: rule for m in (module, service_sets) for code, rule in rules_of(m).items()}
    assert all(RULES[code] is rule for code, rule in held.items())
    assert {code for code in held if code.startswith("SMF1")} == {code for code in RULES if code.startswith("SMF1")}


@pytest.mark.parametrize("old,new,says", [
    ("sa/egress-red-mesh-service-account", "sa/egress-red-mesh", "<gateway>-service-account"),
    ("clientID: green-mesh.local/", "clientID: green.local/", "differs from spec.security.trustDomain 'green-mesh.local'"),
    # principals have no scheme: with it the DENY policies' notPrincipals never match the peer
    ("clientID: green-mesh.local/", "clientID: spiffe://green-mesh.local/", "starts with spiffe://"),
])
def test_a_file_of_peer_resources_alone_is_checked_not_refused(meshes, old, new, says):
    path = red(meshes)
    plant(path, old, new)
    rc, findings = validate(path)
    assert rc == 1
    finding = only(findings, "SMF104")
    line, column = pos(path, "clientID: ")
    assert (finding["line"], finding["column"]) == (line, column + len("clientID: "))
    assert says in finding["message"]


def test_client_id_naming_no_egress_gateway_of_a_peer_whose_gateways_for_us_are_unknown(meshes):
    """Without the peer's ServiceMeshPeer and with gateways named its own way, the clientID must still
    name one of the peer's egress gateways."""
    smcp = meshes / "green-mesh" / "smcp.yaml"
    plant(smcp, "      egress-red-mesh:", "      fed-out-1:")
    plant(smcp, "egress-for: egress-red-mesh", "egress-for: fed-out-1")
    rc, findings = validate(red(meshes), smcp, meshes / "red-mesh" / "smcp.yaml")
    finding = only(findings, "SMF104")
    assert finding["file"] == str(red(meshes))
    assert "wrong service account (not one of fed-out-1-service-account) for green-mesh" in finding["message"]


# --- one planted mistake, one finding: (side, old text, new text, code, where the finding points) ----------

PLANTED = {
    "client ID that is not a SPIFFE path": (
        "red", "clientID: green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account",
        "clientID: egress-red-mesh", "SMF104", "egress-red-mesh\n"),
    "no remote address": ("green", "    addresses:\n    - 203.0.113.10\n", "    addresses: []\n", "SMF106", "[]"),
    "certificate chain of another kind": ("green", "      kind: ConfigMap", "      kind: Secret", "SMF108", "Secret"),
    "peer in a namespace without SMCP": ("red", "  namespace: red-mesh-system\nspec:\n  remote:",
                                         "  namespace: red-system\nspec:\n  remote:", "SMF100", "red-system"),
    "import rule other than NameSelector": ("green", "  - type: NameSelector\n    importAsLocal: false",
                                            "  - type: LabelSelector\n    importAsLocal: false", "SMF121", "LabelSelector"),
    "docs mistake: importAsLocal inside nameSelector": (
        "green", "    importAsLocal: false\n    nameSelector:\n      namespace: bookinfo\n",
        "    nameSelector:\n      importAsLocal: false\n      namespace: bookinfo\n", "SMF123", "importAsLocal: false"),
    "docs mistake: alias under labelSelector": (
        "red", "      aliases:\n      - namespace: bookinfo\n        name: reviews\n        alias:\n"
               "          namespace: info\n          name: reviews\n",
        "      alias:\n        namespace: info\n        name: reviews\n", "SMF125", "alias:"),
    "NameSelector rule without nameSelector": (
        "red", "  - type: NameSelector\n    nameSelector:\n      namespace: bookinfo\n      name: ratings\n",
        "  - type: NameSelector\n", "SMF126", "NameSelector"),
    "export rule of an unknown type": ("red", "  - type: NameSelector\n    nameSelector:",
                                       "  - type: ServiceSelector\n    nameSelector:", "SMF126", "ServiceSelector"),
    "import domainSuffix of the cluster": ("green", "spec:\n  importRules:",
                                           "spec:\n  domainSuffix: cluster.local\n  importRules:", "SMF128", "cluster.local"),
    "locality zone without region": ("green", "spec:\n  importRules:",
                                     "spec:\n  locality:\n    zone: us-east-1a\n  importRules:", "SMF129", "us-east-1a"),
    "wrong apiVersion": ("green", "apiVersion: federation.maistra.io/v1\nkind: ExportedServiceSet",
                         "apiVersion: federation.maistra.io/v2\nkind: ExportedServiceSet", "SMF130", "federation.maistra.io/v2"),
    "peer name that is no DNS label": ("green", "kind: ServiceMeshPeer\nmetadata:\n  name: red-mesh",
                                       "kind: ServiceMeshPeer\nmetadata:\n  name: Red_Mesh", "SMF132", "Red_Mesh"),
    # ... and what the finding says about it
    "peer gateway missing from its SMCP": ("red", "name: ingress-green-mesh", "name: ingress-gren-mesh", "SMF101",
                                           "ingress-gren-mesh", "did you mean 'ingress-green-mesh'"),
    "peer egress naming an ingress gateway": ("red", "      name: egress-green-mesh", "      name: ingress-green-mesh",
                                              "SMF101", "ingress-green-mesh\n  security",
                                              "is in additionalIngress, not additionalEgress"),
    "peer trust domain equal to its own mesh's": ("green", "trustDomain: red-mesh.local", "trustDomain: green-mesh.local",
                                                  "SMF103", "green-mesh.local\n    clientID", "this mesh's own"),
    "service port against the peer's node port": ("red", "servicePort: 30510", "servicePort: 30512", "SMF105", "30512",
                                                  "set servicePort: 30510"),
    "LoadBalancer peer is reached on 8188": ("green", "discoveryPort: 8188", "discoveryPort: 32359", "SMF105", "32359",
                                             "set discoveryPort: 8188"),
    "service set named after no peer": ("red", "kind: ExportedServiceSet\nmetadata:\n  name: green-mesh",
                                        "kind: ExportedServiceSet\nmetadata:\n  name: green-mash", "SMF120", "green-mash",
                                        "did you mean 'green-mesh'"),
    "misspelled key in a peer": ("green", "    trustDomain: red-mesh.local", "    trustdomain: red-mesh.local", "SMF081",
                                 "trustdomain", "did you mean 'trustDomain'"),
    "unknown key in a peer": ("green", "  remote:\n    addresses:", "  remote:\n    tlsMode: strict\n    addresses:",
                              "SMF082", "tlsMode", "check the ServiceMeshPeer reference"),
}


@pytest.mark.parametrize("case", PLANTED)
def test_planted_mistake_is_found_where_it_is(meshes, case):
    side, old, new, code, needle, *says = PLANTED[case]
    path = red(meshes) if side == "red" else green(meshes)
    plant(path, old, new)
    rc, findings = validate(*files(meshes))
    finding = only(findings, code)
    at(finding, path, needle)
    assert all(text in finding["message"] + " / " + finding["hint"] for text in says), finding
    assert rc == 1 or finding["severity"] != "error"


def test_peer_gateway_without_federation_ports(meshes):
    smcp = meshes / "red-mesh" / "smcp.yaml"
    plant(smcp, "    additionalIngress:\n", "    additionalIngress:\n      web-ingress:\n        enabled: true\n"
                                           "        service:\n          ports:\n          - port: 443\n            name: https\n")
    plant(red(meshes), "name: ingress-green-mesh", "name: web-ingress")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF102")
    at(finding, red(meshes), "web-ingress")
    assert "15443" in finding["message"]


def test_peer_without_trust_domain(meshes):
    plant(green(meshes), "    trustDomain: red-mesh.local\n", "")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF103")
    at(finding, green(meshes), "clientID: red")  # the key would go in `security`, which starts here
    assert finding["line"] == pos(green(meshes), "  security:")[0] + 1


# --- ServiceMeshPeer against the other side ----------------------------------------------------------

def test_tampered_trust_domain_in_the_peer_is_named_with_the_remote_smcp(meshes):
    plant(green(meshes), "trustDomain: red-mesh.local", "trustDomain: rouge-mesh.local")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF103")
    at(finding, green(meshes), "rouge-mesh.local")
    assert "red-mesh.local" in finding["message"] and str(meshes / "red-mesh" / "smcp.yaml") in finding["message"]
    assert finding["hint"] == "set trustDomain: red-mesh.local"


def test_two_smcps_with_one_trust_domain(meshes):
    smcp = meshes / "green-mesh" / "smcp.yaml"
    plant(smcp, "domain: green-mesh.local", "domain: red-mesh.local")
    _rc, findings = validate(*files(meshes))
    assert any(f["code"] == "SMF012" and f["file"].endswith("smcp.yaml") for f in findings)


@pytest.mark.parametrize("old,new,part", [
    ("sa/egress-red-mesh-service-account", "sa/egress-blue-mesh-service-account", "service account"),
    ("ns/green-mesh-system/sa", "ns/green-system/sa", "namespace"),
    ("clientID: green-mesh.local/", "clientID: green.local/", "trust domain"),
])
def test_tampered_client_id(meshes, old, new, part):
    plant(red(meshes), old, new)
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF104")
    line, column = pos(red(meshes), "clientID: ")
    assert (finding["file"], finding["line"], finding["column"]) == (str(red(meshes)), line, column + len("clientID: "))
    assert part in finding["message"]
    assert finding["hint"] == "set clientID: green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account"


def test_node_port_changed_in_the_peer_smcp_is_found_on_the_peer_resource(meshes):
    plant(meshes / "green-mesh" / "smcp.yaml", "nodePort: 30511", "nodePort: 30600")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF105")
    at(finding, red(meshes), "30511")
    assert finding["hint"] == "set discoveryPort: 30600"
    assert str(meshes / "green-mesh" / "smcp.yaml") in finding["message"]


def test_placeholder_address_is_a_warning(meshes):
    plant(green(meshes), "- 203.0.113.10", "- red-mesh-ingress.replace-me.invalid")
    rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF107")
    at(finding, green(meshes), "red-mesh-ingress.replace-me.invalid")
    assert (rc, finding["severity"]) == (0, "warning")


# --- the CA ConfigMap --------------------------------------------------------------------------------

def _drop_first_document(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[text.index("---\n") + 4:])


def test_missing_ca_config_map(meshes):
    _drop_first_document(red(meshes))
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF110")
    at(finding, red(meshes), "green-mesh-ca-root-cert\n")
    assert "green-mesh-ca-root-cert" in finding["message"]


def test_ca_config_map_without_root_cert_pem(meshes):
    plant(red(meshes), "  root-cert.pem:", "  ca.crt:")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF111")
    assert (finding["file"], finding["line"]) == (str(red(meshes)), pos(red(meshes), "ca.crt")[0])


def test_root_cert_pem_that_is_not_a_certificate(meshes):
    text = red(meshes).read_text()
    start = text.index("  root-cert.pem: ") + len("  root-cert.pem: ")
    end = text.index("\n", start)
    red(meshes).write_text(text[:start] + "TODO" + text[end:])
    rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF112")
    at(finding, red(meshes), "TODO")
    assert rc == 1 and finding["severity"] == "error"   # istiod loads it as is: the peer's TLS breaks


@pytest.mark.parametrize("old,new", [
    ("      alias:\n        namespace: info\n        name: reviews\n", ""),
    ("      alias:\n        namespace: info\n", "      alias:\n        namespace: '*'\n"),
])
def test_import_as_local_without_fixed_alias_namespace(meshes, old, new):
    plant(green(meshes), old, new)
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF122")
    assert (finding["line"], finding["column"]) == (pos(green(meshes), "importAsLocal: true")[0],
                                                    pos(green(meshes), "importAsLocal: true")[1] + len("importAsLocal: "))


def test_docs_mistake_capitalised_selector(meshes):
    plant(red(meshes), "      selector:\n        matchLabels:", "      Selector:\n        matchLabels:")
    _rc, findings = validate(*files(meshes))
    at(only(findings, "SMF124"), red(meshes), "Selector:\n        matchLabels")
    assert not [f for f in findings if f["code"] in ("SMF081", "SMF082")]  # one finding for one mistake


def test_the_same_service_set_twice(meshes):
    text = red(meshes).read_text()
    ess = text[text.index("apiVersion: federation.maistra.io/v1\nkind: ExportedServiceSet"):text.index("---\napiVersion: federation.maistra.io/v1\nkind: ImportedServiceSet")]
    red(meshes).write_text(text + "---\n" + ess)
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF127")
    at(finding, red(meshes), "green-mesh\n  namespace", nth=4)  # peer, ESS, ISS, then the copy
    assert finding["line"] > pos(red(meshes), "kind: ImportedServiceSet")[0]


def test_resource_without_namespace(tmp_path):
    path = tmp_path / "peer.yaml"
    path.write_text("apiVersion: federation.maistra.io/v1\nkind: ExportedServiceSet\nmetadata:\n  name: green-mesh\n"
                    "spec:\n  exportRules: []\n")
    rc, findings = validate(path)
    finding = only(findings, "SMF131")
    assert (rc, finding["line"]) == (0, 4)


# --- several peers ------------------------------------------------------------------------------------

def _second_peer(meshes: Path, name: str, ingress: str, egress: str, trust_domain: str) -> str:
    text = red(meshes).read_text()
    start = text.index("apiVersion: federation.maistra.io/v1\nkind: ServiceMeshPeer")
    peer = text[start:text.index("---", start)]
    peer = peer.replace("name: green-mesh\n", f"name: {name}\n", 1).replace("ingress-green-mesh", ingress) \
        .replace("egress-green-mesh", egress).replace("trustDomain: green-mesh.local", f"trustDomain: {trust_domain}")
    red(meshes).write_text(text + "---\n" + peer)
    return peer


def test_two_peers_for_one_mesh(meshes):
    _second_peer(meshes, "green-again", "ingress-green-mesh-2", "egress-green-mesh-2", "green-mesh.local")
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF133")
    at(finding, red(meshes), "green-mesh.local", nth=3)  # trustDomain of the copy
    assert finding["line"] > pos(red(meshes), "name: green-again")[0]


def test_two_peers_share_a_gateway(meshes):
    _second_peer(meshes, "blue-mesh", "ingress-green-mesh", "egress-green-mesh", "blue-mesh.local")
    _rc, findings = validate(*files(meshes))
    shared = [f for f in findings if f["code"] == "SMF134"]
    assert {f["line"] for f in shared} == {pos(red(meshes), "ingress-green-mesh", nth=2)[0],
                                           pos(red(meshes), "egress-green-mesh", nth=2)[0]}


def test_gateway_pair_without_a_peer(meshes):
    smcp = meshes / "red-mesh" / "smcp.yaml"
    text = smcp.read_text()
    egress = text[text.index("      egress-green-mesh:"):text.index("    additionalIngress:")]
    ingress = text[text.index("      ingress-green-mesh:"):text.index("  security:")]
    text = text.replace("    additionalIngress:\n", egress.replace("green-mesh", "blue-mesh") + "    additionalIngress:\n")
    text = text.replace("  security:\n", ingress.replace("green-mesh", "blue-mesh") + "  security:\n")
    smcp.write_text(text)
    _rc, findings = validate(*files(meshes))
    finding = only(findings, "SMF135")
    at(finding, smcp, "egress-blue-mesh:")


# --- the API without the CLI ----------------------------------------------------------------------------

def test_findings_name_the_file_the_node_is_in(meshes):
    plant(green(meshes), "trustDomain: red-mesh.local", "trustDomain: rouge-mesh.local")
    sources = [parse(p.read_bytes(), str(p)) for p in files(meshes)]
    [finding] = [f for f in check_federation(sources) if f.code == "SMF103"]
    assert finding.file == str(green(meshes)) and finding.path == "spec.security.trustDomain"


def test_nothing_to_say_without_federation_resources(meshes):
    sources = [parse(p.read_bytes(), str(p)) for p in files(meshes) if p.name == "smcp.yaml"]
    assert check_federation(sources) == []
