"""The rules over an SMCP's mesh-wide settings: its name and namespace, the image pull policy,
spec.version, the trust domain, the gateways switch, and fixed operator bugs a federating mesh can still
meet. `smcp.check_source` calls them.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode

from ..i18n import _
from ..model import IMAGE_PULL_POLICIES, VERSIONS
from ..smcp_paths import TRUST_DOMAIN
from ..yaml_nodes import bool_value, get, get_value, is_null, scalar_at
from .catalogue import Checker
from .values import dns1123_problem, trust_domain_problem, version_tuple


def check_metadata(c: Checker, smcp: MappingNode) -> None:
    for key in ("name", "namespace"):
        pair = get(get_value(smcp, "metadata"), key)
        if pair is None:
            if key == "name":
                c.report("SMF096", smcp, ("metadata",), _("metadata.name is missing"))
            continue
        value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
        problem = dns1123_problem(value)
        if problem:
            c.report("SMF096", pair[1], ("metadata", key),
                     _("metadata.{key} {value!r} {problem}").format(key=key, value=value, problem=problem))
    policy = get(get_value(smcp, "spec", "runtime", "defaults", "container"), "imagePullPolicy")
    if policy and isinstance(policy[1], ScalarNode) and policy[1].value not in IMAGE_PULL_POLICIES:
        c.report("SMF097", policy[1], ("spec", "runtime", "defaults", "container", "imagePullPolicy"),
                 _("imagePullPolicy {value!r} is not one of {choices}").format(
                     value=policy[1].value, choices=", ".join(IMAGE_PULL_POLICIES)))


def check_version(c: Checker, smcp: MappingNode, federating: bool) -> None:
    pair = get(get_value(smcp, "spec"), "version")
    path = ("spec", "version")
    if pair is None or is_null(pair[1]):
        c.report("SMF003", get_value(smcp, "spec") or smcp, path, _("spec.version is not set"))
        return
    value = pair[1].value if isinstance(pair[1], ScalarNode) else ""
    parsed = version_tuple(value)
    if parsed is not None and parsed < (2, 1) and federating:
        c.report("SMF001", pair[1], path,
                 _("spec.version {value} has no federation (it arrived in v2.1)").format(value=value))
    elif parsed is not None and parsed < (2, 3):
        # operator 2.4 serves v2.1+, 2.5 v2.2+, 2.6 (most likely) v2.3+ (build/build.sh MINIMUM_SUPPORTED_VERSION)
        last = {(2, 0): "2.3", (2, 1): "2.4", (2, 2): "2.5"}.get(parsed)
        message = (_("spec.version {value} is served by no operator after {last}").format(value=value, last=last)
                   if last else _("spec.version {value} is served by no current operator").format(value=value))
        c.report("SMF002", pair[1], path, message)
    elif value not in VERSIONS:
        c.report("SMF004", pair[1], path,
                 _("spec.version {value!r} is not one of {choices}").format(value=value, choices=", ".join(VERSIONS)))


def check_trust_domain(c: Checker, smcp: MappingNode, federating: bool) -> None:
    domain = get_value(smcp, *TRUST_DOMAIN)
    path = TRUST_DOMAIN
    if isinstance(domain, ScalarNode) and domain.value == "cluster.local":
        c.report("SMF011", domain, path, _("trust domain is cluster.local, the default every mesh has"))
    elif isinstance(domain, ScalarNode) and not is_null(domain) and trust_domain_problem(domain.value):
        c.report("SMF014", domain, path, _("trust domain {domain!r} {problem}: istiod refuses it").format(
            domain=domain.value, problem=trust_domain_problem(domain.value)))
    elif federating and (domain is None or is_null(domain) or scalar_at(smcp, *path) == ""):
        c.report("SMF010", get_value(smcp, "spec") or smcp, path,
                 _("federation gateways are defined but spec.security.trust.domain is not set "
                   "(it defaults to cluster.local)"))


def check_gateways_switch(c: Checker, smcp: MappingNode, federating: bool) -> None:
    node = get_value(smcp, "spec", "gateways", "enabled")
    if federating and bool_value(node) is False:
        c.report("SMF080", node, ("spec", "gateways", "enabled"),
                 _("spec.gateways.enabled: false turns off the federation gateways"))


def check_known_operator_bugs(c: Checker, smcp: MappingNode) -> None:
    """Fixed operator bugs a federating mesh can still meet (openshift-docs ossm-rn-fixed-issues)."""
    version = get(get_value(smcp, "spec"), "version")
    if version and isinstance(version[1], ScalarNode) and version[1].value == "v2.3":
        c.report("SMF006", version[1], ("spec", "version"), _("early 2.3 operators gave federation egress gateways "
                                                              "the local ingress's endpoints (OSSM-3599, OSSM-3644)"))
    ca_path = ("spec", "security", "certificateAuthority")
    ca_type = scalar_at(smcp, *ca_path, "type")
    istiod_type = scalar_at(smcp, *ca_path, "istiod", "type")
    if ca_type in ("cert-manager", "custom") or istiod_type == "PrivateKey":
        c.report("SMF015", get_value(smcp, *ca_path), ca_path, _(
            "with an external certificate authority the federation egress sends only its own certificate, not the "
            "chain (MAISTRA-2687)"))
    env_path = ("spec", "runtime", "components", "pilot", "container", "env", "PILOT_USE_ENDPOINT_SLICE")
    flag = get_value(smcp, *env_path)
    if isinstance(flag, ScalarNode) and flag.value.strip().lower() in ("false", "0", "no", "off"):
        c.report("SMF087", flag, env_path, _("PILOT_USE_ENDPOINT_SLICE is {value!r}: federation reads EndpointSlices "
                                             "and imports nothing without them (OSSM-1962)").format(value=flag.value))
