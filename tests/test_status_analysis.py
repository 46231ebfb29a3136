"""smfed_tui.status without a cluster: the certificate reader, the discovery status, each finding the
analysis makes from what two clusters hold (tests/status_scenario.py, changed one thing at a time),
the exit code, and the code table (README, no clash with the validator's codes)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import status_scenario as s
from smfed_tui.status.analysis import analyse
from smfed_tui.status.certs import NotACertificate, read_pem_bundle
from smfed_tui.status.codes import STATUS_RULES
from smfed_tui.status.model import Gap
from smfed_tui.status.reader import KINDS, ClusterRead, rbac_resource
from smfed_tui.status.sides import discovery_of

NOW = datetime(2026, 12, 6, 18, 2, 0, tzinfo=timezone.utc)
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def read(context: str, objects: list[dict], *, unread: tuple[str, ...] = ()) -> ClusterRead:
    """What `context`'s cluster would answer; the kinds in `unread` could not be listed."""
    grouped = {kind: tuple(o for o in objects if o["kind"] == kind) for kind, _r, _w in KINDS if kind not in unread}
    gaps = tuple(Gap(context, None, f"may not list {kind}", "", resource=kind, verb="list") for kind in unread)
    return ClusterRead(context, None, grouped, gaps)


def problems(report, context: str) -> dict[str, list[str]]:
    (peer,) = [p for p in report.peers if p.context == context]
    found: dict[str, list[str]] = {}
    for p in peer.problems:
        found.setdefault(p.code, []).append(p.message)
    return found


def replace(objects: list[dict], kind: str, name: str, new: dict) -> list[dict]:
    return [new if o["kind"] == kind and o["metadata"]["name"] == name else o for o in objects]


# -- certificates ------------------------------------------------------------------------------------------

def test_fingerprints_and_expiry_match_openssl() -> None:
    # `openssl x509 -noout -fingerprint -sha256 -enddate` on the fixtures
    (red,) = read_pem_bundle(s.ROOT["red"])
    (green,) = read_pem_bundle(s.ROOT["green"])
    assert red.fingerprint.startswith("DF:8F:B7:C9:E5:A5:1B:98") and red.fingerprint.endswith("8D:A9:5D")
    assert red.not_after == datetime(2126, 11, 12, 18, 9, 12, tzinfo=timezone.utc)     # GeneralizedTime
    assert green.not_after == datetime(2036, 12, 3, 18, 9, 14, tzinfo=timezone.utc)    # UTCTime
    assert green.common_name == "green-mesh root CA"
    assert [c.common_name for c in read_pem_bundle(s.ROOT["red"] + s.ROOT["green"])] == ["red-mesh root CA",
                                                                                         "green-mesh root CA"]


@pytest.mark.parametrize("text", ["", "REPLACE-ME", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                                  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"])
def test_what_is_no_certificate_is_said_not_crashed_on(text: str) -> None:
    with pytest.raises(NotACertificate):
        read_pem_bundle(text)


# -- discovery status ---------------------------------------------------------------------------------------

def test_discovery_is_deduplicated_by_pod() -> None:
    smp = s.smp(s.RED, s.GREEN, [], s.discovery(True, remotes=2))
    found = discovery_of(smp)
    assert found.connected and found.remotes_connected == 2 and found.last_full_sync == s.SYNCED
    # one pod listed as inactive (an old entry) and active: the active entry counts
    status = s.discovery(True)
    status["inactive"] = [{"pod": status["active"][0]["pod"], "watch": {"connected": False}}]
    assert discovery_of(s.smp(s.RED, s.GREEN, [], status)).connected


def test_no_status_at_all_is_no_istiod_reporting() -> None:
    red, green = s.healthy()
    red = replace(red, "ServiceMeshPeer", "green-mesh", s.smp(s.RED, s.GREEN, [s.GREEN_LB_IP], {}))
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert list(found) == ["SMF201"]


# -- one side -----------------------------------------------------------------------------------------------

def test_expired_and_expiring_roots() -> None:
    red, green = s.healthy()
    later = datetime(2037, 1, 1, tzinfo=timezone.utc)        # green's root ends on 2036-12-03
    found = problems(analyse([read("red", red), read("green", green)], later), "red")
    assert found["SMF208"] == ["the root certificate in green-mesh-ca-root-cert (green-mesh root CA) expired on "
                               "2036-12-03"]
    soon = datetime(2036, 11, 20, tzinfo=timezone.utc)
    found = problems(analyse([read("red", red), read("green", green)], soon), "red")
    assert "SMF209" in found and "SMF208" not in found


def test_missing_or_unreadable_ca_configmap() -> None:
    red, green = s.healthy()
    gone = [o for o in red if o["metadata"]["name"] != "green-mesh-ca-root-cert"]
    assert problems(analyse([read("red", gone), read("green", green)], NOW), "red")["SMF210"] == [
        "CA ConfigMap green-mesh-ca-root-cert for green-mesh: it does not exist"]
    placeholder = replace(red, "ConfigMap", "green-mesh-ca-root-cert",
                          s.configmap(s.RED, "green-mesh-ca-root-cert", "REPLACE WITH THE PEER'S ROOT"))
    (message,) = problems(analyse([read("red", placeholder), read("green", green)], NOW), "red")["SMF210"]
    assert "root-cert.pem holds no readable certificate" in message


def test_control_plane_not_ready_and_gateway_pods_not_ready() -> None:
    red, green = s.healthy()
    red = replace(red, "ServiceMeshControlPlane", "red-mesh", s.smcp(s.RED, ready=False))
    red = replace(red, "Pod", "egress-green-mesh-7d9f8-x1", s.gateway_pod(s.RED, "egress-green-mesh", ready=False))
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert found["SMF215"] == ["ServiceMeshControlPlane red-mesh is not Ready (ComponentsNotReady: istiod is not ready)"]
    assert found["SMF214"] == ["gateway egress-green-mesh: 0 of 1 pods ready"]
    no_pods = [o for o in red if o["kind"] != "Pod"]
    found = problems(analyse([read("red", no_pods), read("green", green)], NOW), "red")
    assert len(found["SMF214"]) == 2 and "no pod (label maistra.io/gateway=egress-green-mesh.red-mesh-system)" in \
        found["SMF214"][0]


def test_own_ingress_without_address_or_missing() -> None:
    red, green = s.healthy()
    pending = replace(red, "Service", "ingress-green-mesh", s.ingress_service(s.RED, s.GREEN))
    found = problems(analyse([read("red", pending), read("green", green)], NOW), "red")
    assert "SMF206" in found
    # and green, pointing at red's pending load balancer, is told its address is not red's (red has none yet)
    gone = [o for o in red if o["kind"] != "Service"]
    assert "SMF219" in problems(analyse([read("red", gone), read("green", green)], NOW), "red")


def test_aws_load_balancer_without_nlb_annotation() -> None:
    red, green = s.broken()
    green = replace(green, "Service", "ingress-red-mesh", s.ingress_service(s.GREEN, s.RED, hostname=s.AWS_HOSTNAME))
    assert "SMF216" in problems(analyse([read("red", red), read("green", green)], NOW), "green")


# -- both sides ---------------------------------------------------------------------------------------------

def test_node_ports_that_are_not_the_peers() -> None:
    red, green = s.healthy()
    green = replace(green, "Service", "ingress-red-mesh", s.ingress_service(s.GREEN, s.RED, node_ports=(30510, 32359)))
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert found["SMF205"] == [
        "remote.servicePort is 15443, but green-mesh's ingress ingress-red-mesh exposes 15443 on node port 30510",
        "remote.discoveryPort is 8188, but green-mesh's ingress ingress-red-mesh exposes 8188 on node port 32359"]
    matching = replace(red, "ServiceMeshPeer", "green-mesh",
                       s.smp(s.RED, s.GREEN, ["192.0.2.7"], s.discovery(True), ports=(30510, 32359)))
    found = problems(analyse([read("red", matching), read("green", green)], NOW), "red")
    assert "SMF205" not in found
    assert found["SMF220"] == ["green-mesh's ingress ingress-red-mesh is a NodePort: remote.addresses 192.0.2.7 should "
                               "be addresses of its nodes, which status does not read; its node ports were checked"]


def test_a_dns_name_of_ones_own_for_a_load_balancer_ip_is_not_called_wrong() -> None:
    red, green = s.healthy()
    named = replace(red, "ServiceMeshPeer", "green-mesh",
                    s.smp(s.RED, s.GREEN, ["green-federation.example.com"], s.discovery(True)))
    found = problems(analyse([read("red", named), read("green", green)], NOW), "red")
    assert "SMF204" not in found
    assert found["SMF220"] == ["remote.addresses green-federation.example.com is a name and green-mesh's ingress has "
                               "the address 203.0.113.20: not checked whether the name resolves to it"]
    wrong_ip = replace(red, "ServiceMeshPeer", "green-mesh", s.smp(s.RED, s.GREEN, ["192.0.2.99"], s.discovery(True)))
    assert "SMF204" in problems(analyse([read("red", wrong_ip), read("green", green)], NOW), "red")


def test_a_cluster_ip_ingress_is_said_to_be_unchecked() -> None:
    red, green = s.healthy()
    service = s.ingress_service(s.GREEN, s.RED)
    service["spec"]["type"] = "ClusterIP"
    green = replace(green, "Service", "ingress-red-mesh", service)
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert found["SMF220"] == ["green-mesh's ingress ingress-red-mesh is a ClusterIP Service, reachable from another "
                               "cluster only through something in front of it: remote.addresses 203.0.113.20 not "
                               "checked"]


def test_imported_by_rule_but_not_exported_and_exported_but_not_held() -> None:
    red, green = s.healthy()
    red = replace(red, "ImportedServiceSet", "green-mesh",
                  s.iss(s.RED, s.GREEN, [("bookinfo", "reviews"), ("bookinfo", "productpage")], []))
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert found["SMF212"] == ["ImportedServiceSet green-mesh wants bookinfo/productpage, but green-mesh does not "
                               "export it (ExportedServiceSet red-mesh on its cluster)"]
    assert found["SMF213"] == ["reviews.bookinfo.svc.red-mesh-exports.local is exported by green-mesh and an "
                               "importRule wants it, but ImportedServiceSet green-mesh does not hold it"]


def test_wildcard_rules_take_every_export() -> None:
    red, green = s.broken()
    red = replace(red, "ImportedServiceSet", "green-mesh", s.iss(s.RED, s.GREEN, [("bookinfo", "*")],
                                                                 [("bookinfo", "reviews"), ("bookinfo", "details")]))
    found = problems(analyse([read("red", red), read("green", green)], NOW), "red")
    assert "SMF211" not in found and "SMF212" not in found and "SMF213" not in found


def test_pairing_is_by_trust_domain_not_by_smcp_name() -> None:
    red, green = s.healthy()           # green's SMCP is `basic`; its peers call it green-mesh
    report = analyse([read("red", red), read("green", green)], NOW)
    assert {p.paired_with for p in report.peers} == {"green/green-mesh-system/red-mesh", "red/red-mesh-system/green-mesh"}
    # without green's SMCP, the namespace in red's clientID still finds it
    no_smcp = [o for o in green if o["kind"] != "ServiceMeshControlPlane"]
    report = analyse([read("red", red), read("green", no_smcp)], NOW)
    assert all(p.paired_with for p in report.peers)


def test_no_peer_back_on_a_cluster_that_was_read() -> None:
    red, green = s.healthy()
    lonely = [o for o in green if o["kind"] != "ServiceMeshPeer"]
    report = analyse([read("red", red), read("green", lonely)], NOW)
    assert list(problems(report, "red")) == ["SMF217"]
    assert report.notes == ("green: no ServiceMeshPeer in namespace the context's namespace",)
    # green's peers could not be listed: not "missing", only not checked
    report = analyse([read("red", red), read("green", green, unread=("ServiceMeshPeer",))], NOW)
    assert list(problems(report, "red")) == ["SMF218"]


def test_single_context_says_what_was_not_checked() -> None:
    red, _green = s.broken()
    report = analyse([read("red", red)], NOW)
    found = problems(report, "red")
    assert "SMF218" in found and "SMF204" not in found and "SMF207" not in found and "SMF211" not in found
    assert found["SMF218"] == ["green-mesh's cluster was not read: its ingress address, its root certificate and "
                               "its exports were not checked against this side"]


# -- exit codes ---------------------------------------------------------------------------------------------

def test_exit_codes() -> None:
    red, green = s.healthy()
    assert analyse([read("red", red), read("green", green)], NOW).exit_code == 0
    red_b, green_b = s.broken()
    assert analyse([read("red", red_b), read("green", green_b)], NOW).exit_code == 1
    down = ClusterRead("down", None, gaps=(Gap("down", None, "cluster down not read", "", unreachable=True),),
                       failed=True)
    assert analyse([read("red", red), read("green", green), down], NOW).exit_code == 1
    assert analyse([down], NOW).exit_code == 2
    assert analyse([read("red", [])], NOW).exit_code == 1          # nothing federated is not "fine"
    # red's load balancer has no address yet: a warning (SMF206), and every peer connected: warnings are allowed
    warning_only = replace(red, "Service", "ingress-green-mesh", s.ingress_service(s.RED, s.GREEN))
    report = analyse([read("red", warning_only), read("green", green)], NOW)
    assert [p.code for peer in report.peers for p in peer.problems] == ["SMF206"] and report.exit_code == 0


# -- the code table -----------------------------------------------------------------------------------------

def test_readme_lists_every_status_code_as_the_code_defines_it() -> None:
    block = README.split("<!-- status-table")[1].split("<!-- end status-table")[0]
    rows = re.findall(r"^\| (SMF\d{3}) \| (\w+) \| (.+?) \| (.+) \|$", block, re.MULTILINE)
    assert {code: (sev, title, fix) for code, sev, title, fix in rows} == {
        r.code: (r.severity, r.title, r.fix) for r in STATUS_RULES.values()}


def test_status_codes_are_apart_from_the_validators() -> None:
    from smfed_tui.checks.rulebook import RULES
    assert not set(STATUS_RULES) & set(RULES)
    assert all(re.fullmatch(r"SMF2\d\d", code) for code in STATUS_RULES)


def test_rbac_names_leave_the_version_out() -> None:
    assert rbac_resource("servicemeshpeers.v1.federation.maistra.io") == "servicemeshpeers.federation.maistra.io"
    assert rbac_resource("servicemeshcontrolplanes.v2.maistra.io") == "servicemeshcontrolplanes.maistra.io"
    assert rbac_resource("pods") == "pods"


class _Terminal:
    """A stream that says it is a terminal, as colour.wanted asks."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_text_is_coloured_on_a_terminal_and_cluster_text_is_never_markup(monkeypatch) -> None:
    from smfed_tui.status.report import write_text
    monkeypatch.delenv("NO_COLOR", raising=False)
    red, green = s.broken()
    status = s.discovery(False, "503 [bold]Service[/bold] Unavailable", remotes=0)
    red = replace(red, "ServiceMeshPeer", "green-mesh", s.smp(s.RED, s.GREEN, [s.GREEN_LB_IP], status))
    report = analyse([read("red", red), read("green", green)], NOW)
    terminal = _Terminal()
    write_text(terminal, report, NOW)
    out = "".join(terminal.parts)
    assert "\x1b[" in out                                          # coloured
    assert "503 [bold]Service[/bold] Unavailable" in out            # shown as the cluster wrote it
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    write_text(plain, report, NOW)
    assert "\x1b[" not in "".join(plain.parts)
