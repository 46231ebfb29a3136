"""The rules over an SMCP's mesh-wide settings: its name and namespace, the image pull policy,
spec.version, the trust domain, the gateways switch, and fixed operator bugs a federating mesh can still
meet. `smcp.check_source` calls them.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode

from ..findings import ERROR, HINT, WARNING, Rule
from ..i18n import N_, _
from ..model import IMAGE_PULL_POLICIES, VERSIONS
from ..smcp_paths import TRUST_DOMAIN
from ..yaml_nodes import bool_value, get, get_value, is_null, scalar_at
from .checker import Checker
from .values import dns1123_problem, trust_domain_problem, version_tuple


SMF096 = Rule("SMF096", ERROR, N_("metadata name or namespace invalid"),
              N_("use a DNS-1123 label: lower-case letters, digits and '-'"))
SMF097 = Rule("SMF097", ERROR, N_("unknown imagePullPolicy"), N_("use Always, IfNotPresent or Never"))


def check_metadata(c: Checker, smcp: MappingNode) -> None:
    for key in ("name", "namespace"):
        pair = get(get_value(smcp, "metadata"), key)
        if pair is None:
            if key == "name":
                c.report(SMF096, smcp, ("metadata",), _("metadata.name is missing"))
            continue
        value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
        problem = dns1123_problem(value)
        if problem:
            c.report(SMF096, pair[1], ("metadata", key),
                     _("metadata.{key} {value!r} {problem}").format(key=key, value=value, problem=problem))
    policy = get(get_value(smcp, "spec", "runtime", "defaults", "container"), "imagePullPolicy")
    if policy and isinstance(policy[1], ScalarNode) and policy[1].value not in IMAGE_PULL_POLICIES:
        c.report(SMF097, policy[1], ("spec", "runtime", "defaults", "container", "imagePullPolicy"),
                 _("imagePullPolicy {value!r} is not one of {choices}").format(
                     value=policy[1].value, choices=", ".join(IMAGE_PULL_POLICIES)))


SMF001 = Rule("SMF001", ERROR, N_("spec.version cannot federate"),
              N_("set spec.version to v2.3 or later (v2.6 is current)"))
# operator 2.4 serves v2.1+, 2.5 v2.2+, 2.6 (most likely) v2.3+ (MINIMUM_SUPPORTED_VERSION in build/build.sh)
SMF002 = Rule("SMF002", WARNING, N_("spec.version is no longer served by current operators"),
              N_("operator 2.4 serves v2.1 and later, 2.5 v2.2 and later, 2.6 v2.3 and later: move to v2.3 or later"))
SMF003 = Rule("SMF003", HINT, N_("spec.version is not set"),
              N_("the operator fills in its latest version; write it out to know what you get"))
SMF004 = Rule("SMF004", WARNING, N_("spec.version is not a version the operator knows"), N_("use one of v2.1 ... v2.6"))


def check_version(c: Checker, smcp: MappingNode, federating: bool) -> None:
    pair = get(get_value(smcp, "spec"), "version")
    path = ("spec", "version")
    if pair is None or is_null(pair[1]):
        c.report(SMF003, get_value(smcp, "spec") or smcp, path, _("spec.version is not set"))
        return
    value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
    parsed = version_tuple(value)
    if parsed is not None and parsed < (2, 1) and federating:
        c.report(SMF001, pair[1], path,
                 _("spec.version {value} has no federation (it arrived in v2.1)").format(value=value))
    elif parsed is not None and parsed < (2, 3):
        # operator 2.4 serves v2.1+, 2.5 v2.2+, 2.6 (most likely) v2.3+ (build/build.sh MINIMUM_SUPPORTED_VERSION)
        last = {(2, 0): "2.3", (2, 1): "2.4", (2, 2): "2.5"}.get(parsed)
        message = (_("spec.version {value} is served by no operator after {last}").format(value=value, last=last)
                   if last else _("spec.version {value} is served by no current operator").format(value=value))
        c.report(SMF002, pair[1], path, message)
    elif value not in VERSIONS:
        c.report(SMF004, pair[1], path,
                 _("spec.version {value!r} is not one of {choices}").format(value=value, choices=", ".join(VERSIONS)))


SMF010 = Rule("SMF010", ERROR, N_("no trust domain while federating"),
              N_("set spec.security.trust.domain to a unique domain, e.g. <mesh-name>.local"))
SMF011 = Rule("SMF011", ERROR, N_("trust domain is cluster.local"),
              N_("every federated mesh needs its own trust domain, e.g. <mesh-name>.local"))
# Istio's ValidateTrustDomain: every dot-separated label a DNS-1123 label (upper case allowed)
SMF014 = Rule("SMF014", ERROR, N_("trust domain is not valid"),
              N_("use DNS labels separated by dots, e.g. red-mesh.local (no '_', no empty label)"))


def check_trust_domain(c: Checker, smcp: MappingNode, federating: bool) -> None:
    domain = get_value(smcp, *TRUST_DOMAIN)
    path = TRUST_DOMAIN
    if isinstance(domain, ScalarNode) and domain.value == "cluster.local":
        c.report(SMF011, domain, path, _("trust domain is cluster.local, the default every mesh has"))
    elif isinstance(domain, ScalarNode) and not is_null(domain) and trust_domain_problem(domain.value):
        c.report(SMF014, domain, path, _("trust domain {domain!r} {problem}: istiod refuses it").format(
            domain=domain.value, problem=trust_domain_problem(domain.value)))
    elif federating and (domain is None or is_null(domain) or scalar_at(smcp, *path) == ""):
        c.report(SMF010, get_value(smcp, "spec") or smcp, path,
                 _("federation gateways are defined but spec.security.trust.domain is not set "
                   "(it defaults to cluster.local)"))


SMF080 = Rule("SMF080", ERROR, N_("spec.gateways.enabled is false"),
              N_("this disables every gateway, the federation ones included: remove it or set true"))


def check_gateways_switch(c: Checker, smcp: MappingNode, federating: bool) -> None:
    node = get_value(smcp, "spec", "gateways", "enabled")
    if federating and bool_value(node) is False:
        c.report(SMF080, node, ("spec", "gateways", "enabled"),
                 _("spec.gateways.enabled: false turns off the federation gateways"))


# OSSM-3599/OSSM-3644 (openshift-docs ossm-rn-fixed-issues): 2.3.x federation egress endpoints
SMF006 = Rule("SMF006", HINT, N_("v2.3 federation egress gateways got extra endpoints in early 2.3 releases"),
              N_("run an operator with the fix (maistra/istio PR 775), or move to v2.4 or later"))
# MAISTRA-2687 (openshift-docs ossm-rn-fixed-issues): the egress sends only the client certificate
SMF015 = Rule("SMF015", HINT, N_("external certificate authority: peers need the intermediate certificate too"),
              N_("put the intermediate certificate with the root into each peer's CA ConfigMap for this mesh"))
# OSSM-1962: federation reads EndpointSlices; "disabling the flag prevents use of federation deployments"
SMF087 = Rule("SMF087", ERROR, N_("PILOT_USE_ENDPOINT_SLICE is turned off"),
              N_("remove PILOT_USE_ENDPOINT_SLICE from the pilot environment (federation needs it on)"))


def check_known_operator_bugs(c: Checker, smcp: MappingNode) -> None:
    """Fixed operator bugs a federating mesh can still meet (openshift-docs ossm-rn-fixed-issues)."""
    version = get(get_value(smcp, "spec"), "version")
    if version and isinstance(version[1], ScalarNode) and version[1].value == "v2.3":
        c.report(SMF006, version[1], ("spec", "version"), _("early 2.3 operators gave federation egress gateways "
                                                            "the local ingress's endpoints (OSSM-3599, OSSM-3644)"))
    ca_path = ("spec", "security", "certificateAuthority")
    ca_type = scalar_at(smcp, *ca_path, "type")
    istiod_type = scalar_at(smcp, *ca_path, "istiod", "type")
    if ca_type in ("cert-manager", "custom") or istiod_type == "PrivateKey":
        c.report(SMF015, get_value(smcp, *ca_path), ca_path, _(
            "with an external certificate authority the federation egress sends only its own certificate, not the "
            "chain (MAISTRA-2687)"))
    env_path = ("spec", "runtime", "components", "pilot", "container", "env", "PILOT_USE_ENDPOINT_SLICE")
    flag = get_value(smcp, *env_path)
    if isinstance(flag, ScalarNode) and flag.value.strip().lower() in ("false", "0", "no", "off"):
        c.report(SMF087, flag, env_path, _("PILOT_USE_ENDPOINT_SLICE is {value!r}: federation reads EndpointSlices "
                                           "and imports nothing without them (OSSM-1962)").format(value=flag.value))
