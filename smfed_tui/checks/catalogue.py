"""Every rule the validator knows, found by its code: severity, title and fix, in one table.

The titles and fixes are English message ids, shown translated. `Checker` is the one way a check
reports a finding: by the rule's code, at a node of the parsed text, so every finding points at a
file, a line and a column, and carries the rule's fix unless the check gives a more precise one.
The TUI, the plain prompts and the CLI all report through here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node

from ..findings import ERROR, HINT, WARNING, Finding, Rule
from ..i18n import N_
from ..model import DEFAULT_NODE_PORT_RANGE
from ..quoting import visible
from ..smcp_paths import path_text
from ..source import Source


_RULES = [
    Rule("SMF005", ERROR, N_("not a maistra.io/v2 ServiceMeshControlPlane"),
         N_("federation needs apiVersion maistra.io/v2 (OSSM 2.x); convert the v1 resource first")),
    Rule("SMF001", ERROR, N_("spec.version cannot federate"),
         N_("set spec.version to v2.3 or later (v2.6 is current)")),
    # operator 2.4 serves v2.1+, 2.5 v2.2+, 2.6 (most likely) v2.3+ (MINIMUM_SUPPORTED_VERSION in build/build.sh)
    Rule("SMF002", WARNING, N_("spec.version is no longer served by current operators"),
         N_("operator 2.4 serves v2.1 and later, 2.5 v2.2 and later, 2.6 v2.3 and later: move to v2.3 or later")),
    Rule("SMF003", HINT, N_("spec.version is not set"),
         N_("the operator fills in its latest version; write it out to know what you get")),
    Rule("SMF004", WARNING, N_("spec.version is not a version the operator knows"), N_("use one of v2.1 ... v2.6")),
    # OSSM-3599/OSSM-3644 (openshift-docs ossm-rn-fixed-issues): 2.3.x federation egress endpoints
    Rule("SMF006", HINT, N_("v2.3 federation egress gateways got extra endpoints in early 2.3 releases"),
         N_("run an operator with the fix (maistra/istio PR 775), or move to v2.4 or later")),
    Rule("SMF010", ERROR, N_("no trust domain while federating"),
         N_("set spec.security.trust.domain to a unique domain, e.g. <mesh-name>.local")),
    Rule("SMF011", ERROR, N_("trust domain is cluster.local"),
         N_("every federated mesh needs its own trust domain, e.g. <mesh-name>.local")),
    Rule("SMF012", ERROR, N_("two meshes share a trust domain"),
         N_("give each mesh its own trust domain; with equal domains the peer CA is ignored")),
    # Istio's ValidateTrustDomain: every dot-separated label a DNS-1123 label (upper case allowed)
    Rule("SMF014", ERROR, N_("trust domain is not valid"),
         N_("use DNS labels separated by dots, e.g. red-mesh.local (no '_', no empty label)")),
    # MAISTRA-2687 (openshift-docs ossm-rn-fixed-issues): the egress sends only the client certificate
    Rule("SMF015", HINT, N_("external certificate authority: peers need the intermediate certificate too"),
         N_("put the intermediate certificate with the root into each peer's CA ConfigMap for this mesh")),
    Rule("SMF013", WARNING, N_("the trust domain of a deployed mesh changes"),
         N_("keep it, or update every peer's ServiceMeshPeer for this mesh at the same time (their trustDomain "
            "and clientID name it)")),
    Rule("SMF020", ERROR, N_("gateway name is not a DNS-1035 label"),
         N_("use lower-case letters, digits and '-', starting with a letter, at most 63 characters")),
    Rule("SMF021", ERROR, N_("gateway name is reserved"),
         N_("istio-ingressgateway and istio-egressgateway are the default gateways; pick another name")),
    Rule("SMF022", ERROR, N_("gateway name used twice in the namespace"),
         N_("each additional gateway needs its own name across additionalIngress and additionalEgress")),
    Rule("SMF023", ERROR, N_("gateway name plus namespace longer than 63"),
         N_("the operator labels pods `maistra.io/gateway: <name>.<namespace>`; shorten the name")),
    Rule("SMF024", ERROR, N_("federation gateway outside the control-plane namespace"),
         N_("remove `namespace:` (federation gateways must run in the control-plane namespace)")),
    Rule("SMF030", ERROR, N_("federation gateway is not enabled"),
         N_("write `enabled: true`: the operator skips an additional gateway without it, even though the docs say it defaults to true")),
    Rule("SMF040", ERROR, N_("federation port missing"),
         N_("federation needs port 15443 (name tls) and port 8188 on each federation gateway")),
    # federation matches ports by number; the names are the docs' (upstream's test names egress 8188 https-discovery)
    Rule("SMF041", WARNING, N_("federation port is not named as the docs name it"),
         N_("15443 is `tls`; 8188 is `http-discovery` (or `https-discovery`) on egress and `https-discovery` on "
            "ingress")),
    Rule("SMF042", ERROR, N_("the same port twice in one gateway"), N_("list each port once")),
    Rule("SMF043", ERROR, N_("port name is not a valid service port name"),
         N_("at most 15 lower-case letters, digits and single '-', with a letter, not http-envoy-prom")),
    Rule("SMF044", WARNING, N_("targetPort differs from port"),
         N_("remove targetPort: the federation gateways listen on 15443 and 8188")),
    Rule("SMF045", ERROR, N_("port number is not between 1 and 65535"), N_("use a number from 1 to 65535")),
    # Kubernetes validateServicePort: a name is required when there are several ports, and unique
    Rule("SMF046", ERROR, N_("service port name missing or used twice"),
         N_("give every port of the gateway its own name (Kubernetes rejects the Service otherwise)")),
    Rule("SMF050", ERROR, N_("nodePort without a NodePort service"),
         N_("set service.type: NodePort, or remove nodePort")),
    Rule("SMF051", ERROR, N_("nodePort outside the cluster's node port range"),
         N_("pick a port in the cluster's node port range (30000-32767 unless the cluster's is wider)")),
    Rule("SMF052", ERROR, N_("the same nodePort twice"),
         N_("node ports are unique across the whole cluster; pick another")),
    Rule("SMF053", ERROR, N_("only one of the two node ports is set"),
         N_("give both 15443 and 8188 a nodePort, or neither (the docs require both when one is set)")),
    Rule("SMF054", HINT, N_("NodePort without fixed node ports"),
         N_("Kubernetes picks random node ports; fix them so the peer's ServiceMeshPeer can name them")),
    Rule("SMF055", WARNING, N_("nodePort on a LoadBalancer service"),
         N_("peers reach a LoadBalancer on 15443/8188; node ports are only needed for NodePort")),
    Rule("SMF056", WARNING, N_("load balancer annotation on a service that is no load balancer"),
         N_("remove the aws-load-balancer-type annotation, or make the service a LoadBalancer")),
    Rule("SMF060", ERROR, N_("label value is not valid"),
         N_("at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric")),
    # since MAISTRA-2556 the operator adds `app: <gateway>` when the labels lack `app`: only equal label
    # sets (with that app) make two gateways' Services select each other's pods
    Rule("SMF061", ERROR, N_("two gateways have the same labels"),
         N_("the labels are the Service selector: give each gateway its own labels (or leave `app` to the operator)")),
    Rule("SMF062", WARNING, N_("federation gateway without its federation label"),
         N_("add service.metadata.labels federation.maistra.io/<egress|ingress>-for so the Service does not select the default gateway pods")),
    Rule("SMF070", WARNING, N_("requestedNetworkView uses the docs' <peer>-network"),
         N_("the federation code names the peer network `network-<ServiceMeshPeer name>` (the samples agree)")),
    Rule("SMF071", HINT, N_("no requestedNetworkView"),
         N_("without it the egress gateway sees every network; `network-<peer>` limits it to the peer")),
    Rule("SMF080", ERROR, N_("spec.gateways.enabled is false"),
         N_("this disables every gateway, the federation ones included: remove it or set true")),
    Rule("SMF081", ERROR, N_("misspelled key"), N_("rename the key; an unknown key is dropped by the API server")),
    # OSSM-1962: federation reads EndpointSlices; "disabling the flag prevents use of federation deployments"
    Rule("SMF087", ERROR, N_("PILOT_USE_ENDPOINT_SLICE is turned off"),
         N_("remove PILOT_USE_ENDPOINT_SLICE from the pilot environment (federation needs it on)")),
    Rule("SMF084", WARNING, N_("the API server drops this field"),
         N_("the CRD schema has no such field: remove it, or move it where the schema has it")),
    Rule("SMF085", ERROR, N_("the API server rejects this value"),
         N_("give the value the CRD schema asks for (see the message)")),
    Rule("SMF082", WARNING, N_("unknown key"),
         N_("check the ServiceMeshControlPlane v2 reference; the API server drops unknown keys")),
    Rule("SMF083", ERROR, N_("wrong type for this key"), N_("see the expected shape in the message")),
    Rule("SMF090", HINT, N_("routerMode has no effect after v2.1"),
         N_("remove routerMode (the docs dropped it with OSSM 2.1's end of life)")),
    Rule("SMF091", WARNING, N_("routerMode value unknown"), N_("use sni-dnat or standard, or remove it")),
    Rule("SMF092", HINT, N_("the operator will create a Route for this ingress"),
         N_("set routeConfig.enabled: false unless you want a Route; federation ingresses do not serve port 8080")),
    Rule("SMF093", WARNING, N_("federation gateway without a partner"),
         N_("each peer needs one egress and one ingress gateway; add the missing one")),
    Rule("SMF094", WARNING, N_("federation ingress not reachable from another cluster"),
         N_("use LoadBalancer (or NodePort where the cluster has no load balancers)")),
    Rule("SMF095", ERROR, N_("unknown service type"), N_("use LoadBalancer, NodePort or ClusterIP")),
    Rule("SMF096", ERROR, N_("metadata name or namespace invalid"),
         N_("use a DNS-1123 label: lower-case letters, digits and '-'")),
    Rule("SMF097", ERROR, N_("unknown imagePullPolicy"), N_("use Always, IfNotPresent or Never")),
    Rule("SMF098", WARNING, N_("editing gateway labels recreates the gateway"),
         N_("expect the gateway Deployment to be deleted and recreated (a short outage)")),
    Rule("SMF099", WARNING, N_("the control plane is renamed or moved"),
         N_("keep the name and namespace of a deployed control plane; to change them, delete it first (the "
            "mesh goes with it) and create the new one")),
    Rule("SMF088", WARNING, N_("a federation gateway is renamed"),
         N_("keep the name, or update both ServiceMeshPeers at the same time")),
    Rule("SMF089", WARNING, N_("federation resources of a removed peer are left in the file"),
         N_("delete the peer's ServiceMeshPeer, ExportedServiceSet, ImportedServiceSet and CA ConfigMap too")),
]

# The cross-file federation rules (SMF1xx, checked by `checks.federation`, which only the commands
# that read peer resources import): in this table too, so every code lives in one place.
_FEDERATION_RULES = [
    # peer resources live in the local control-plane namespace
    Rule("SMF100", WARNING, N_("no ServiceMeshControlPlane for this namespace among the files"),
         N_("pass the SMCP of this control-plane namespace too, so the peer resources can be checked against it")),
    # gateway names equal the SMCP map keys
    Rule("SMF101", ERROR, N_("ServiceMeshPeer names a gateway its SMCP does not have"),
         N_("spec.gateways.ingress/egress.name must be keys of this SMCP's additionalIngress/additionalEgress")),
    # 15443 and 8188 are fixed
    Rule("SMF102", ERROR, N_("ServiceMeshPeer gateway is not a federation gateway"),
         N_("give the gateway ports 15443 (tls) and 8188 (http-discovery on egress, https-discovery on ingress)")),
    Rule("SMF103", ERROR, N_("ServiceMeshPeer trust domain is wrong"),
         N_("spec.security.trustDomain is the peer mesh's own trust domain, different from this mesh's")),
    # a wrong clientID is denied discovery
    Rule("SMF104", ERROR, N_("ServiceMeshPeer clientID is wrong"),
         N_("clientID is <peer trust domain>/ns/<peer namespace>/sa/<peer's egress gateway for this mesh>-service-account")),
    Rule("SMF105", ERROR, N_("ServiceMeshPeer port does not match the peer's ingress"),
         N_("use 15443/8188 for a LoadBalancer ingress, the ingress's node ports for NodePort")),
    Rule("SMF106", ERROR, N_("ServiceMeshPeer has no remote address"),
         N_("list the peer ingress gateway's load balancer address (or node IPs for NodePort) in spec.remote.addresses")),
    # our own placeholder (RFC 2606 .invalid)
    Rule("SMF107", WARNING, N_("ServiceMeshPeer address is a placeholder"),
         N_("replace it with the peer ingress gateway's load balancer address (or node IPs for NodePort)")),
    # controller.go: the egress gateway sees only its view's networks; the peer's is network-<SMP name>
    Rule("SMF109", ERROR, N_("the egress gateway's network view hides the peer"),
         N_("put network-<ServiceMeshPeer name> into the egress gateway's requestedNetworkView, or remove the view")),
    # controller.go: net.ParseIP, then LookupHost; the entries become ServiceEntry endpoints
    Rule("SMF113", ERROR, N_("ServiceMeshPeer address is not an IP address or DNS name"),
         N_("give the bare address of the peer's ingress (no scheme, no port): the ports are servicePort and "
            "discoveryPort")),
    # only kind "" or ConfigMap is read
    Rule("SMF108", ERROR, N_("certificateChain is not a ConfigMap"),
         N_("set certificateChain kind: ConfigMap (the only kind the federation code reads)")),
    Rule("SMF110", ERROR, N_("no CA ConfigMap for the peer"),
         N_("create ConfigMap <peer>-ca-root-cert with the peer's root certificate in root-cert.pem (or pass the file holding it)")),
    # `missing entry root-cert.pem`
    Rule("SMF111", ERROR, N_("CA ConfigMap without root-cert.pem"),
         N_("put the peer's root certificate under data key root-cert.pem")),
    # controller.go loads it as is into the trust bundle: a placeholder breaks the peer's TLS
    Rule("SMF112", ERROR, N_("root-cert.pem is not a PEM certificate"),
         N_("paste the peer's root certificate (oc get configmap istio-ca-root-cert -n <peer ns> -o jsonpath='{.data.root-cert\\.pem}')")),
    # name = ServiceMeshPeer name
    Rule("SMF120", ERROR, N_("service set named after no ServiceMeshPeer"),
         N_("name the ExportedServiceSet/ImportedServiceSet exactly like the ServiceMeshPeer of that mesh")),
    # `unknown selector type`
    Rule("SMF121", ERROR, N_("import rule is not a NameSelector"),
         N_("ImportedServiceSet rules support only type: NameSelector")),
    # `cannot use importAsLocal without setting a fixed namespace alias`
    Rule("SMF122", ERROR, N_("importAsLocal without a fixed alias namespace"),
         N_("set nameSelector.alias.namespace to a fixed namespace, or drop importAsLocal")),
    # the mistake of the docs' create-import example
    Rule("SMF123", ERROR, N_("importAsLocal inside nameSelector"),
         N_("move importAsLocal up to the rule, beside type (the docs misplace it)")),
    # the mistake of the docs' config-export example
    Rule("SMF124", ERROR, N_("labelSelector.Selector is capitalised"),
         N_("write `selector:` (lower case; the docs print `Selector:`)")),
    # the mistake of the docs' config-export example
    Rule("SMF125", ERROR, N_("alias under labelSelector"),
         N_("labelSelector takes `aliases:`, a list of {namespace, name, alias} mappings")),
    # type is required; unknown type or null selector: `skipping rule`
    Rule("SMF126", ERROR, N_("service set rule without a usable selector"),
         N_("give the rule type NameSelector with nameSelector (or LabelSelector with labelSelector.selector)")),
    # one per peer
    Rule("SMF127", ERROR, N_("the same federation resource twice"), N_("keep one per name and namespace")),
    # `use importAsLocal instead`
    Rule("SMF128", ERROR, N_("import domainSuffix is the cluster's own"),
         N_("use importAsLocal instead of domainSuffix cluster.local")),
    # zone needs region; subzone needs zone and region
    Rule("SMF129", ERROR, N_("locality level without its parent"),
         N_("zone needs region; subzone needs zone and region")),
    # federation.maistra.io/v1
    Rule("SMF130", ERROR, N_("federation resource with the wrong apiVersion"),
         N_("use apiVersion: federation.maistra.io/v1")),
    # control-plane namespace
    Rule("SMF131", WARNING, N_("federation resource without a namespace"),
         N_("set metadata.namespace to the control-plane namespace; otherwise it lands wherever you apply it")),
    # the peer name is in hostnames, keep a DNS-1123 label
    Rule("SMF132", ERROR, N_("federation resource name missing or not a DNS-1123 label"),
         N_("name it after the peer mesh: lower-case letters, digits and '-'; a ServiceMeshPeer name at most 55 "
            "characters (it becomes <name>-imports)")),
    # one ServiceMeshPeer per ordered pair
    Rule("SMF133", WARNING, N_("two ServiceMeshPeers for the same mesh"), N_("keep one ServiceMeshPeer per peer mesh")),
    # one egress and one ingress gateway for each peer
    Rule("SMF134", ERROR, N_("two ServiceMeshPeers share a gateway"),
         N_("each peer needs its own egress and ingress gateway")),
    # one ServiceMeshPeer per pair
    # common/namemapping.go: an import selector matches the exported (aliased) name; rules are first-match
    Rule("SMF137", WARNING, N_("import rule matches nothing the peer exports"),
         N_("import the name the peer exports (its alias, when it gives one), or export the service from the peer")),
    Rule("SMF138", WARNING, N_("rule covered by an earlier rule"),
         N_("the first matching rule applies: move the narrower rule (and its alias) above the wider one")),
    # server/server.go: services outside the member namespaces are skipped with only a debug log
    Rule("SMF136", WARNING, N_("exported namespace is not a mesh member"),
         N_("add the namespace to the ServiceMeshMemberRoll (or a ServiceMeshMember in it), or export another one")),
    Rule("SMF135", HINT, N_("federation gateways without a ServiceMeshPeer"),
         N_("add the ServiceMeshPeer for this peer, or remove its gateways")),
]
RULES = {r.code: r for r in _RULES + _FEDERATION_RULES}


@dataclass
class Options:
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE


@dataclass
class Checker:
    """Collects findings; `src` is the file a plain `report` is about (None when every report names its file)."""

    src: Source | None
    options: Options
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, node: Node | None, path: tuple | str, message: str, hint: str | None = None) -> None:
        self.report_in(self.src, code, node, path, message, hint)

    def report_in(self, src: Source, code: str, node: Node | None, path: tuple | str, message: str,
                  hint: str | None = None) -> None:
        """A finding in `src` (the federation checks read several files with one Checker)."""
        rule = RULES[code]
        line = col = None
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        # visible(): a key from the file may hold control characters; every front end prints the path
        where = visible(path if isinstance(path, str) else path_text(path))
        self.findings.append(Finding(code, rule.severity, where, line, col, message, hint or rule.fix, src.path))
