"""Every rule fires on a file with its planted mistake, at the exact place; the docs' examples stay
quiet apart from the findings that are true of them.

Each case of CASES starts from CLEAN (a minimal federated SMCP on which no rule fires, checked by
test_clean_file_has_no_findings), plants one mistake by a literal text replacement, and names the
finding it must produce: code, severity, YAML path, and the token the line and column must point
at. test_every_rule_has_a_trigger_case checks that the table covers every code of rulebook.RULES, so a
new rule without a trigger test fails the suite.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pytest

from smfed_tui.edit import edit_text
from smfed_tui.findings import ERROR, HINT, WARNING
from smfed_tui.flags import apply_peer_spec
from smfed_tui.reader import read_mesh
from smfed_tui.checks.across import check_across, check_edit
from smfed_tui.checks.checker import Options
from smfed_tui.checks.rulebook import RULES
from smfed_tui.checks.schema import check_schema
from smfed_tui.checks.smcp import check_source
from smfed_tui.source import parse

SEED = Path(__file__).parent / "fixtures" / "seed"

CLEAN = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: red-mesh
  namespace: red-mesh-system
spec:
  version: v2.6
  runtime:
    defaults:
      container:
        imagePullPolicy: Always
  gateways:
    additionalEgress:
      egress-green-mesh:
        enabled: true
        requestedNetworkView:
        - network-green-mesh
        service:
          metadata:
            labels:
              federation.maistra.io/egress-for: egress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: http-discovery
    additionalIngress:
      ingress-green-mesh:
        enabled: true
        service:
          type: LoadBalancer
          metadata:
            labels:
              federation.maistra.io/ingress-for: ingress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: https-discovery
        routeConfig:
          enabled: false
  security:
    trust:
      domain: red-mesh.local
"""

EGRESS = "spec.gateways.additionalEgress.egress-green-mesh"
INGRESS = "spec.gateways.additionalIngress.ingress-green-mesh"


def plant(*replacements: tuple[str, str], base: str = CLEAN) -> str:
    """CLEAN with each (old, new) replaced; `old` must occur exactly once, so a typo in a case fails."""
    text = base
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def position(text: str, context: str, token: str) -> tuple[int, int]:
    """1-based (line, column) of the first `token` inside `context`, a piece of text (one or more
    lines) that must occur exactly once in `text`."""
    assert text.count(context) == 1, f"{context!r} occurs {text.count(context)} times"
    index = text.index(context) + context.index(token)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def findings_for(texts: list[str], options: Options | None = None):
    """What `validate` reports for these files: each file's findings, then the cross-file ones."""
    sources = [parse(t.encode(), f"file{i}.yaml") for i, t in enumerate(texts)]
    out = []
    for src in sources:
        own = check_source(src, options)
        out += own + check_schema(src, own)
    if len(sources) > 1:
        out += check_across(sources)
    return out


@dataclass
class Case:
    id: str
    code: str
    severity: str
    path: str
    files: list[str]
    at: tuple[str, str]                 # (a unique piece of the text, the token in it) the finding points at
    in_file: int = 0                    # which file the finding belongs to
    message: str = ""                   # a regex the message must match
    options: Options = field(default_factory=Options)
    edit: Callable | None = None        # for rules about a change: mesh -> new mesh, on files[0]


def case(id, code, severity, path, text, at, **kw) -> Case:
    return Case(id, code, severity, path, [text] if isinstance(text, str) else text, at, **kw)


NODEPORT = (("type: LoadBalancer", "type: NodePort"),)
ONE_CLUSTER = (("  runtime:\n", "  cluster:\n    name: east-1\n  runtime:\n"),)
# CLEAN without federation gateways (a mesh that does not federate)
NO_FEDERATION = CLEAN[:CLEAN.index("  gateways:\n")] + "  gateways:\n" + CLEAN[CLEAN.index("  security:\n"):]


def nodeports(tls: str | None, discovery: str | None) -> tuple:
    """Replacements giving the ingress's two ports the node ports (None: no nodePort line)."""
    out = []
    if tls:
        out.append(("          - port: 15443\n            name: tls\n          - port: 8188\n            name: https",
                    f"          - port: 15443\n            nodePort: {tls}\n            name: tls\n"
                    "          - port: 8188\n            name: https"))
    if discovery:
        out.append(("            name: https-discovery", f"            nodePort: {discovery}\n            name: https-discovery"))
    return tuple(out)


def second_smcp(domain: str = "green-mesh.local", *extra) -> str:
    return plant(("name: red-mesh\n", "name: green-mesh\n"), ("namespace: red-mesh-system", "namespace: green-mesh-system"),
                 ("domain: red-mesh.local", f"domain: {domain}"), *extra)


CASES = [
    case("v1 apiVersion", "SMF005", ERROR, "apiVersion", plant(("maistra.io/v2", "maistra.io/v1")),
         ("apiVersion: maistra.io/v1", "maistra.io/v1")),
    case("version before federation", "SMF001", ERROR, "spec.version", plant(("version: v2.6", "version: v2.0")),
         ("version: v2.0", "v2.0"), message="arrived in v2.1"),
    case("version no longer served", "SMF002", WARNING, "spec.version", plant(("version: v2.6", "version: v2.2")),
         ("version: v2.2", "v2.2"), message="no operator after 2.5"),
    case("v2.0 without federation is only not served", "SMF002", WARNING, "spec.version",
         plant(("version: v2.6", "version: v2.0"), base=NO_FEDERATION), ("version: v2.0", "v2.0"),
         message="no operator after 2.3"),
    case("version missing", "SMF003", HINT, "spec.version", plant(("  version: v2.6\n", "")),
         ("spec:\n  runtime:", "runtime")),
    case("version unknown", "SMF004", WARNING, "spec.version", plant(("version: v2.6", "version: '2.6'")),
         ("version: '2.6'", "'2.6'")),
    case("federating on v2.3", "SMF006", HINT, "spec.version", plant(("version: v2.6", "version: v2.3")),
         ("version: v2.3", "v2.3"), message="OSSM-3599"),
    case("external certificate authority", "SMF015", HINT, "spec.security.certificateAuthority",
         plant(("  security:\n", "  security:\n    certificateAuthority:\n      type: cert-manager\n")),
         ("certificateAuthority:\n      type", "type"), message="MAISTRA-2687"),
    case("EndpointSlices turned off", "SMF087", ERROR,
         "spec.runtime.components.pilot.container.env.PILOT_USE_ENDPOINT_SLICE",
         plant(("  runtime:\n", "  runtime:\n    components:\n      pilot:\n        container:\n          env:\n"
                "            PILOT_USE_ENDPOINT_SLICE: 'false'\n")),
         ("PILOT_USE_ENDPOINT_SLICE: 'false'", "'false'"), message="OSSM-1962"),
    case("trust domain missing", "SMF010", ERROR, "spec.security.trust.domain",
         plant(("  security:\n    trust:\n      domain: red-mesh.local\n", "")), ("spec:\n  version", "version")),
    case("trust domain cluster.local", "SMF011", ERROR, "spec.security.trust.domain",
         plant(("domain: red-mesh.local", "domain: cluster.local")), ("domain: cluster.local", "cluster.local")),
    case("trust domain not valid", "SMF014", ERROR, "spec.security.trust.domain",
         plant(("domain: red-mesh.local", "domain: red_mesh.local")), ("domain: red_mesh.local", "red_mesh.local"),
         message="'red_mesh' is not a DNS label"),
    case("trust domain with an empty label", "SMF014", ERROR, "spec.security.trust.domain",
         plant(("domain: red-mesh.local", "domain: red-mesh..local")), ("domain: red-mesh..local", "red-mesh..local")),
    case("trust domain shared by two meshes", "SMF012", ERROR, "spec.security.trust.domain",
         [CLEAN, second_smcp("red-mesh.local")], ("domain: red-mesh.local", "red-mesh.local"), in_file=1,
         message="also used by file0.yaml"),
    case("gateway name not DNS-1035", "SMF020", ERROR, "spec.gateways.additionalEgress.Egress_Green",
         plant(("      egress-green-mesh:", "      Egress_Green:")), ("Egress_Green:", "Egress_Green")),
    case("reserved gateway name", "SMF021", ERROR, "spec.gateways.additionalIngress.istio-ingressgateway",
         plant(("    additionalIngress:\n", "    additionalIngress:\n      istio-ingressgateway:\n        enabled: true\n")),
         ("istio-ingressgateway:", "istio-ingressgateway"), message="named .istio-ingressgateway."),
    case("same gateway name in both maps", "SMF022", ERROR, "spec.gateways.additionalIngress.egress-green-mesh",
         plant(("    additionalIngress:\n", "    additionalIngress:\n      egress-green-mesh:\n        enabled: false\n")),
         ("additionalIngress:\n      egress-green-mesh:", "egress-green-mesh"),
         message='"red-mesh-system/egress-green-mesh"'),
    case("name plus namespace too long", "SMF023", ERROR, EGRESS,
         plant(("namespace: red-mesh-system", "namespace: red-mesh-system-with-a-rather-long-project-name")),
         ("      egress-green-mesh:", "egress-green-mesh"), message="65 characters"),
    case("gateway in another namespace", "SMF024", ERROR, EGRESS + ".namespace",
         plant(("      egress-green-mesh:\n        enabled: true\n",
                "      egress-green-mesh:\n        enabled: true\n        namespace: other-ns\n")),
         ("namespace: other-ns", "other-ns")),
    case("enabled missing", "SMF030", ERROR, EGRESS + ".enabled",
         plant(("      egress-green-mesh:\n        enabled: true\n", "      egress-green-mesh:\n")),
         ("      egress-green-mesh:", "egress-green-mesh"), message="no `enabled: true`"),
    case("enabled false", "SMF030", ERROR, INGRESS + ".enabled",
         plant(("      ingress-green-mesh:\n        enabled: true", "      ingress-green-mesh:\n        enabled: false")),
         ("ingress-green-mesh:\n        enabled: false", "false"), message="disabled"),
    case("discovery port missing", "SMF040", ERROR, EGRESS + ".service.ports",
         plant(("          - port: 8188\n            name: http-discovery\n", "")),
         ("egress-green-mesh\n          ports:\n          - port", "- port"), message="port 8188"),
    case("discovery port named otherwise", "SMF041", WARNING, INGRESS + ".service.ports[port=8188].name",
         plant(("name: https-discovery", "name: http-discovery  # wrong")),
         ("name: http-discovery  # wrong", "http-discovery"), message="'https-discovery'"),
    case("duplicate port", "SMF042", ERROR, EGRESS + ".service.ports[port=15443].port",
         plant(("            name: http-discovery\n", "            name: http-discovery\n          - port: 15443\n"
                                                     "            name: tls2\n")),
         ("- port: 15443\n            name: tls2", "15443"), message="listed twice"),
    case("invalid port name", "SMF043", ERROR, EGRESS + ".service.ports[port=15090].name",
         plant(("            name: http-discovery\n", "            name: http-discovery\n          - port: 15090\n"
                                                     "            name: http-envoy-prom\n")),
         ("name: http-envoy-prom", "http-envoy-prom")),
    case("port name used twice", "SMF046", ERROR, EGRESS + ".service.ports[port=8188].name",
         plant(("            name: http-discovery\n", "            name: tls\n")),
         ("- port: 8188\n            name: tls", "tls"), message="used twice"),
    case("unnamed port among several", "SMF046", ERROR, EGRESS + ".service.ports[port=8188].name",
         plant(("          - port: 8188\n            name: http-discovery\n", "          - port: 8188\n")),
         ("- port: 8188\n    additionalIngress", "port"), message="has no name"),
    case("targetPort differs", "SMF044", WARNING, EGRESS + ".service.ports[port=8188].targetPort",
         plant(("            name: http-discovery\n", "            name: http-discovery\n            targetPort: 8080\n")),
         ("targetPort: 8080", "8080")),
    case("port out of range", "SMF045", ERROR, EGRESS + ".service.ports[port=70000].port",
         plant(("            name: http-discovery\n", "            name: http-discovery\n          - port: 70000\n"
                                                     "            name: extra\n")),
         ("port: 70000", "70000")),
    case("nodePort on ClusterIP", "SMF050", ERROR, INGRESS + ".service.ports[port=15443].nodePort",
         plant(("type: LoadBalancer", "type: ClusterIP"), *nodeports("30510", "32359")),
         ("nodePort: 30510", "30510"), message="'ClusterIP'"),
    case("nodePort out of range", "SMF051", ERROR, INGRESS + ".service.ports[port=8188].nodePort",
         plant(*NODEPORT, *nodeports("30510", "40000")), ("nodePort: 40000", "40000"), message="30000-32767"),
    case("nodePort out of a configured range", "SMF051", ERROR, INGRESS + ".service.ports[port=15443].nodePort",
         plant(*NODEPORT, *nodeports("30510", "32359")), ("nodePort: 30510", "30510"),
         options=Options(node_port_range=(31000, 33000)), message="31000-33000"),
    case("nodePort twice in one file", "SMF052", ERROR, INGRESS + ".service.ports[port=8188].nodePort",
         plant(*NODEPORT, *nodeports("30510", "30510")), ("nodePort: 30510\n            name: https", "30510"),
         message="also used by ingress-green-mesh port 15443"),
    case("nodePort twice in two meshes of one cluster", "SMF052", ERROR, INGRESS + ".service.ports[port=15443].nodePort",
         [plant(*NODEPORT, *nodeports("30510", "32359"), *ONE_CLUSTER),
          second_smcp("green-mesh.local", *NODEPORT, *nodeports("30510", "32000"), *ONE_CLUSTER)],
         ("nodePort: 30510", "30510"), in_file=1, message=r"also used by file0\.yaml \(ingress-green-mesh\), in the same"),
    case("only one nodePort", "SMF053", ERROR, INGRESS + ".service.ports[port=8188].nodePort",
         plant(*NODEPORT, *nodeports("30510", None)), ("nodePort: 30510", "30510")),
    case("NodePort without node ports", "SMF054", HINT, INGRESS + ".service.type",
         plant(*NODEPORT), ("type: NodePort", "NodePort")),
    case("NLB annotation on a NodePort ingress", "SMF056", WARNING,
         INGRESS + ".service.metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-type",
         plant(*NODEPORT, *nodeports("30510", "32359"), ("            labels:\n              federation.maistra.io/ingress-for",
                                                        "            annotations:\n              service.beta.kubernetes.io/"
                                                        "aws-load-balancer-type: nlb\n            labels:\n"
                                                        "              federation.maistra.io/ingress-for")),
         ("service.beta.kubernetes.io/aws-load-balancer-type: nlb", "service.beta"), message="does nothing"),
    case("nodePort on LoadBalancer", "SMF055", WARNING, INGRESS + ".service.ports[port=15443].nodePort",
         plant(*nodeports("30510", "32359")), ("nodePort: 30510", "30510")),
    case("invalid label value", "SMF060", ERROR, EGRESS + ".service.metadata.labels.federation.maistra.io/egress-for",
         plant(("egress-for: egress-green-mesh", "egress-for: -green-")), ("egress-for: -green-", "-green-")),
    case("same labels, app included", "SMF061", ERROR, "spec.gateways.additionalEgress.egress-blue-mesh.service.metadata.labels",
         plant(("              federation.maistra.io/egress-for: egress-green-mesh\n",
                "              federation.maistra.io/egress-for: egress-green-mesh\n              app: federation\n"),
               ("    additionalIngress:\n", "      egress-blue-mesh:\n        enabled: true\n        service:\n"
                "          metadata:\n            labels:\n              federation.maistra.io/egress-for: egress-green-mesh\n"
                "              app: federation\n"
                "          ports:\n          - port: 15443\n            name: tls\n          - port: 8188\n"
                "            name: http-discovery\n    additionalIngress:\n")),
         ("egress-green-mesh\n              app: federation\n          ports:\n          - port: 15443\n            name: tls\n"
          "          - port: 8188\n            name: http-discovery\n    additionalIngress", "federation\n          ports"),
         message="same labels as egress-green-mesh"),
    case("federation label missing", "SMF062", WARNING, INGRESS + ".service.metadata.labels.federation.maistra.io/ingress-for",
         plant(("          metadata:\n            labels:\n              federation.maistra.io/ingress-for: ingress-green-mesh\n", "")),
         ("      ingress-green-mesh:", "ingress-green-mesh")),
    case("docs' network name", "SMF070", WARNING, EGRESS + ".requestedNetworkView",
         plant(("- network-green-mesh", "- green-network")), ("- green-network", "green-network"),
         message="'green-network' follows the docs"),
    case("no network view", "SMF071", HINT, EGRESS + ".requestedNetworkView",
         plant(("        requestedNetworkView:\n        - network-green-mesh\n", "")),
         ("      egress-green-mesh:", "egress-green-mesh")),
    case("gateways disabled", "SMF080", ERROR, "spec.gateways.enabled",
         plant(("  gateways:\n", "  gateways:\n    enabled: false\n")), ("gateways:\n    enabled: false", "false")),
    case("the docs' additionalIgress typo", "SMF081", ERROR, "spec.gateways.additionalIgress",
         plant(("additionalIngress:", "additionalIgress:")), ("additionalIgress:", "additionalIgress"),
         message="did you mean 'additionalIngress'"),
    case("misspelled nested key", "SMF081", ERROR, EGRESS + ".requestedNetworkViews",
         plant(("requestedNetworkView:", "requestedNetworkViews:")), ("requestedNetworkViews:", "requestedNetworkViews"),
         message="did you mean 'requestedNetworkView'"),
    case("unknown key", "SMF082", WARNING, "spec.federation",
         plant(("  security:\n", "  federation: true\n  security:\n")), ("federation: true", "federation")),
    case("wrong type", "SMF083", ERROR, "spec.cluster",
         plant(("  runtime:\n", "  cluster: c1\n  runtime:\n")), ("cluster: c1", "c1"), message="must be a mapping"),
    case("a Service field the SMCP's service does not have", "SMF084", WARNING, INGRESS + ".service.loadBalancerClass",
         plant(("          type: LoadBalancer\n", "          type: LoadBalancer\n          loadBalancerClass: nlb\n")),
         ("loadBalancerClass: nlb", "loadBalancerClass"), message="the API server drops it"),
    case("a field the CRD schema does not have", "SMF084", WARNING, "spec.addons.kiali.enabledd",
         plant(("  security:\n", "  addons:\n    kiali:\n      enabledd: true\n  security:\n")),
         ("enabledd: true", "enabledd"), message="the API server drops it"),
    case("a value the CRD schema refuses", "SMF085", ERROR, "spec.tracing.sampling",
         plant(("  security:\n", "  tracing:\n    sampling: high\n  security:\n")), ("sampling: high", "high"),
         message="wants integer"),
    case("routerMode after v2.1", "SMF090", HINT, EGRESS + ".routerMode",
         plant(("        requestedNetworkView:\n", "        routerMode: sni-dnat\n        requestedNetworkView:\n")),
         ("routerMode: sni-dnat", "routerMode")),
    case("routerMode unknown", "SMF091", WARNING, INGRESS + ".routerMode",
         plant(("        service:\n          type:", "        routerMode: sni\n        service:\n          type:")),
         ("routerMode: sni", "sni")),
    case("Route will be created", "SMF092", HINT, INGRESS + ".routeConfig.enabled",
         plant(("        routeConfig:\n          enabled: false\n", "")), ("      ingress-green-mesh:", "ingress-green-mesh")),
    case("ingress without egress", "SMF093", WARNING, INGRESS,
         plant(("      egress-green-mesh:", "      egress-blue-mesh:"), ("egress-for: egress-green-mesh", "egress-for: egress-blue-mesh"),
               ("network-green-mesh", "network-blue-mesh")),
         ("      ingress-green-mesh:", "ingress-green-mesh"), message="no egress gateway"),
    case("ClusterIP ingress", "SMF094", WARNING, INGRESS + ".service.type",
         plant(("type: LoadBalancer", "type: ClusterIP")), ("type: ClusterIP", "ClusterIP")),
    case("service type missing", "SMF094", WARNING, INGRESS + ".service.type",
         plant(("          type: LoadBalancer\n", "")), ("      ingress-green-mesh:", "ingress-green-mesh"),
         message=r"\(the default\)"),
    case("unknown service type", "SMF095", ERROR, INGRESS + ".service.type",
         plant(("type: LoadBalancer", "type: Loadbalancer")), ("type: Loadbalancer", "Loadbalancer")),
    case("metadata name invalid", "SMF096", ERROR, "metadata.name",
         plant(("name: red-mesh\n", "name: Red_Mesh\n")), ("name: Red_Mesh", "Red_Mesh")),
    case("imagePullPolicy unknown", "SMF097", ERROR, "spec.runtime.defaults.container.imagePullPolicy",
         plant(("imagePullPolicy: Always", "imagePullPolicy: always")), ("imagePullPolicy: always", "always")),
    case("trust domain of a deployed mesh changed", "SMF013", WARNING, "spec.security.trust.domain", CLEAN,
         ("domain: red.example\n", "red.example"), edit=lambda mesh: replace(mesh, trust_domain="red.example"),
         message="every peer's ServiceMeshPeer"),
    case("control plane renamed", "SMF099", WARNING, "metadata.name", CLEAN, ("name: crimson-mesh", "crimson-mesh"),
         edit=lambda mesh: replace(mesh, name="crimson-mesh"), message="creates a second ServiceMeshControlPlane"),
    case("control plane moved", "SMF099", WARNING, "metadata.namespace", CLEAN, ("namespace: mesh-2", "mesh-2"),
         edit=lambda mesh: replace(mesh, namespace="mesh-2"), message="leaves the one in 'red-mesh-system' running"),
    case("egress gateway renamed", "SMF088", WARNING, "spec.gateways.additionalEgress.green-out", CLEAN,
         ("      green-out:", "green-out"), edit=lambda mesh: apply_peer_spec(mesh, "green-mesh:egress=green-out"),
         message="renamed from 'egress-green-mesh': green-mesh's ServiceMeshPeer for this mesh has "
                 "egress-green-mesh-service-account in its clientID"),
    case("ingress gateway renamed", "SMF088", WARNING, "spec.gateways.additionalIngress.green-in", CLEAN,
         ("      green-in:", "green-in"), edit=lambda mesh: apply_peer_spec(mesh, "green-mesh:ingress=green-in"),
         message="renamed from 'ingress-green-mesh': this mesh's ServiceMeshPeer green-mesh names 'ingress-green-mesh'"),
    case("label edit on an existing gateway", "SMF098", WARNING,
         INGRESS + ".service.metadata.labels.federation.maistra.io/ingress-for", CLEAN,
         ("ingress-for: green\n", "green"), edit=lambda mesh: apply_peer_spec(mesh, "green-mesh:ingress-label=green")),
]


def _findings(c: Case):
    if c.edit is None:
        return findings_for(c.files, c.options), c.files[c.in_file]
    src = parse(c.files[0].encode(), "file0.yaml")
    old = read_mesh(src)
    new = c.edit(old)
    new_text = edit_text(src, new, old)
    new_src = parse(new_text.encode(), "file0.yaml")
    return check_source(new_src) + check_edit(old, new, new_src), new_text


@pytest.mark.parametrize("c", CASES, ids=[f"{c.code}-{c.id}" for c in CASES])
def test_rule_fires_at_the_planted_mistake(c: Case):
    findings, text = _findings(c)
    line, column = position(text, *c.at)
    mine = [f for f in findings if f.code == c.code and f.file == f"file{c.in_file}.yaml"]
    assert mine, f"{c.code} did not fire; got {[(f.code, f.path) for f in findings]}"
    hit = [f for f in mine if (f.path, f.line, f.column) == (c.path, line, column)]
    assert hit, f"{c.code} fired elsewhere: {[(f.path, f.line, f.column) for f in mine]}, expected {(c.path, line, column)}"
    f = hit[0]
    assert f.severity == c.severity == RULES[c.code].severity
    assert f.hint, "every finding carries a one-line fix"
    assert "\n" not in f.message and "\n" not in f.hint
    if c.message:
        assert re.search(c.message, f.message), f.message


def test_clean_file_has_no_findings():
    """The base of every case is quiet, so each case's finding comes from its planted mistake."""
    assert findings_for([CLEAN]) == []
    assert findings_for([CLEAN, second_smcp()]) == []


# SMF089 needs the SMCP's federation resources in its file: its firing and clean cases are in
# test_edit_left_behind.py
SMCP_RULES = {code for code in RULES if code.startswith("SMF0")} - {"SMF089"}


def test_every_rule_has_a_trigger_case():
    """Every SMCP rule (SMF0xx: check_source, check_across, check_edit) has a case above. The SMF1xx
    codes (checks.federation and checks.service_sets declare them) judge ServiceMeshPeer/ESS/ISS/CA
    ConfigMap documents, not the SMCP; their trigger tests live with them."""
    covered = {c.code for c in CASES}
    assert SMCP_RULES, "rulebook.RULES lost its SMCP rules"
    assert covered == SMCP_RULES, f"no trigger case for {sorted(SMCP_RULES - covered)}; unknown: {sorted(covered - SMCP_RULES)}"


def test_rule_table_is_well_formed():
    for code, rule in RULES.items():
        assert re.fullmatch(r"SMF\d{3}", code) and rule.code == code
        assert rule.severity in (ERROR, WARNING, HINT)
        assert rule.fix and "\n" not in rule.fix


def test_node_port_range_option_accepts_ports_in_a_wider_range():
    text = plant(*NODEPORT, *nodeports("35000", "35001"))
    assert [f.code for f in findings_for([text])] == ["SMF051", "SMF051"]
    assert findings_for([text], Options(node_port_range=(30000, 40000))) == []


def test_different_trust_domains_and_node_ports_across_files_are_fine():
    a = plant(*NODEPORT, *nodeports("30510", "32359"))
    b = second_smcp("green-mesh.local", *NODEPORT, *nodeports("30511", "32360"))
    assert findings_for([a, b]) == []


# --- the docs' own examples --------------------------------------------------------------------

def seed_red_mesh() -> str:
    return (SEED / "seed-1.18.9-red-mesh-smcp.yaml").read_text(encoding="utf-8")


def seed_nodeport_variant() -> str:
    """The red-mesh example with its green ingress replaced by the NodePort sample's (the seed's
    `additionalIngress:` stray space normalised; the sample shows only that part of the SMCP)."""
    red = seed_red_mesh()
    sample = (SEED / "seed-1.18.9-nodeport-sample.yaml").read_text(encoding="utf-8").splitlines()
    green_start = red.index("      ingress-green-mesh:\n")
    green_end = red.index("      ingress-blue-mesh:\n")
    return red[:green_start] + "\n".join(sample[2:]) + "\n" + red[green_end:]


# The findings the docs' examples get, every one true of them, and nothing else (README says so too):
# SMF002 v2.2 is no longer served; SMF070 the docs' `<peer>-network` view names; SMF090 routerMode on
# each of the four gateways is a no-op after v2.1; SMF092 each ingress will get an OpenShift Route.
SEED_FINDINGS = [
    ("SMF002", WARNING, "spec.version", 7, 12),
    ("SMF070", WARNING, "spec.gateways.additionalEgress.egress-green-mesh.requestedNetworkView", 17, 11),
    ("SMF090", HINT, "spec.gateways.additionalEgress.egress-green-mesh.routerMode", 18, 9),
    ("SMF070", WARNING, "spec.gateways.additionalEgress.egress-blue-mesh.requestedNetworkView", 31, 11),
    ("SMF090", HINT, "spec.gateways.additionalEgress.egress-blue-mesh.routerMode", 32, 9),
    ("SMF092", HINT, "spec.gateways.additionalIngress.ingress-green-mesh.routeConfig.enabled", 43, 7),
    ("SMF090", HINT, "spec.gateways.additionalIngress.ingress-green-mesh.routerMode", 45, 9),
]
SEED_TAIL = {  # the blue ingress sits two lines lower in the NodePort variant (its two nodePort lines)
    "red-mesh": [("SMF092", HINT, "spec.gateways.additionalIngress.ingress-blue-mesh.routeConfig.enabled", 56, 7),
                 ("SMF090", HINT, "spec.gateways.additionalIngress.ingress-blue-mesh.routerMode", 58, 9)],
    "nodeport": [("SMF092", HINT, "spec.gateways.additionalIngress.ingress-blue-mesh.routeConfig.enabled", 58, 7),
                 ("SMF090", HINT, "spec.gateways.additionalIngress.ingress-blue-mesh.routerMode", 60, 9)],
}


@pytest.mark.parametrize("name, text", [("red-mesh", seed_red_mesh()), ("nodeport", seed_nodeport_variant())])
def test_seed_examples_get_exactly_the_documented_findings(name, text):
    findings = check_source(parse(text.encode(), "seed.yaml"))
    assert not [f for f in findings if f.severity == ERROR]
    got = [(f.code, f.severity, f.path, f.line, f.column) for f in findings]
    assert got == SEED_FINDINGS + SEED_TAIL[name]


def test_nodeport_variant_really_has_node_ports():
    """Guard for the test above: the variant is the NodePort sample, not the LoadBalancer example."""
    src = parse(seed_nodeport_variant().encode(), "seed.yaml")
    green = read_mesh(src).peer("green-mesh").exposure
    assert (green.service_type, green.tls_node_port, green.discovery_node_port) == ("NodePort", 30510, 32359)


def test_label_change_on_a_renamed_gateway_is_not_smf098():
    """A renamed gateway is a new Deployment anyway; SMF098 is about editing a gateway in place."""
    src = parse(CLEAN.encode(), "file0.yaml")
    old = read_mesh(src)
    new = apply_peer_spec(old, "green-mesh:ingress=green-mesh-ingress,ingress-label=green-mesh-ingress")
    new_src = parse(edit_text(src, new, old).encode(), "file0.yaml")
    assert [f.code for f in check_edit(old, new, new_src)] == ["SMF088"]   # the rename itself, not its labels
    assert [f.code for f in check_source(new_src)] == []


def test_gateways_that_name_no_common_peer_are_not_guessed_into_one():
    """`fed-out` names no peer (no egress-/-ingress decoration, labelled with its own name): even as
    the only egress left beside the only ingress, it is not paired by elimination (SMF093 on both)."""
    text = plant(("      egress-green-mesh:", "      fed-out:"), ("egress-for: egress-green-mesh", "egress-for: fed-out"))
    assert sorted((f.code, f.path) for f in findings_for([text])) == [
        ("SMF093", "spec.gateways.additionalEgress.fed-out"), ("SMF093", INGRESS)]


# --- remembered gateway findings (the wizard checks the whole file on every keystroke) -------------------

ALIASED = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: red-mesh, namespace: red-mesh-system}
spec:
  version: v2.6
  gateways:
    additionalIngress:
      ingress-green-mesh: &gw
        enabled: true
        service:
          type: NodePort
          ports:
          - {port: 15443, name: tls, nodePort: PORT}
          - {port: 8188, name: https-discovery, nodePort: 30001}
      ingress-blue-mesh: *gw
"""


def test_remembered_gateway_findings_are_the_fresh_ones(monkeypatch):
    """Findings remembered by a gateway's text equal a fresh check: after lines were added above it (the
    line numbers move), in another language, and for a gateway that is an alias of another one's text."""
    import smfed_tui.checks.smcp as rules
    from smfed_tui.i18n import language
    red = (Path(__file__).parent / "fixtures" / "tui" / "red-mesh.yaml").read_text()
    texts = [red, "# a comment\n# and another\n" + red, red.replace("sni-dnat", "standard", 1),
             ALIASED.replace("PORT", "99"), ALIASED.replace("PORT", "30000")]

    def both(text: str) -> tuple[list, list]:
        src = parse(text.encode(), "f.yaml")
        remembered = [check_source(src), check_source(src)]   # the second one from memory
        with monkeypatch.context() as m:
            m.setattr(rules, "check_federation_gateway_remembered", rules.check_federation_gateway)
            fresh = check_source(src)
        return remembered, fresh

    for lang in ("en", "ko"):
        with language(lang):
            for text in texts:
                (first, second), fresh = both(text)
                assert first == second == fresh and fresh
    aliased = both(ALIASED.replace("PORT", "99"))[1]
    assert {f.path for f in aliased if f.code == "SMF051"} == {   # the alias is checked as what it stands for
        "spec.gateways.additionalIngress.ingress-blue-mesh.service.ports[port=15443].nodePort",
        "spec.gateways.additionalIngress.ingress-green-mesh.service.ports[port=15443].nodePort"}
