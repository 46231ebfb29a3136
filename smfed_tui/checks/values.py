"""Checks of one value on its own (names, label values, ports, versions): each returns what is wrong
in words, or None. The SMCP checks use them, and so do the field validators of the front-ends (a
value is refused as it is typed with the same words the validator would later print).
"""
from __future__ import annotations

import re

from ..i18n import N_, _
from ..model import DEFAULT_NODE_PORT_RANGE

DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
RESERVED_GATEWAYS = ("istio-ingressgateway", "istio-egressgateway")
# A gateway's kind as messages name it: `_(gw.kind)` (the YAML keeps "egress"/"ingress" in every language).
GATEWAY_KINDS = (N_("egress"), N_("ingress"))
VERSION_RE = re.compile(r"^v(\d+)\.(\d+)$")


def _dns_label_problem(name: str, pattern: re.Pattern, shape: str) -> str | None:
    if not name:
        return _("must not be empty")
    if len(name) > 63:
        return _("is {length} characters long; at most 63").format(length=len(name))
    return None if pattern.match(name) else shape


def dns1035_problem(name: str) -> str | None:
    """A DNS-1035 label (a gateway name, a Service name): it starts with a letter."""
    return _dns_label_problem(name, DNS1035, _("must consist of lower-case letters, digits or '-', start with a "
                                               "letter and end with a letter or digit"))


def dns1123_problem(name: str) -> str | None:
    """A DNS-1123 label (a namespace, a resource name): it may start with a digit."""
    return _dns_label_problem(name, DNS1123, _("must consist of lower-case letters, digits or '-', and start and "
                                               "end with a letter or digit"))


# A ServiceMeshPeer's name becomes the DNS label `<name>-imports` / `<name>-exports`
# (federation/discovery/controller.go, server/server.go): 63 - len("-imports") = 55.
PEER_NAME_MAX = 55
_TRUST_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$")


def peer_name_problem(name: str) -> str | None:
    """A ServiceMeshPeer (peer mesh) name: a DNS-1123 label short enough for `<name>-imports`."""
    problem = dns1123_problem(name)
    if problem is None and len(name) > PEER_NAME_MAX:
        problem = _("is {length} characters long; at most {limit} (it becomes the DNS label <name>-imports)").format(
            length=len(name), limit=PEER_NAME_MAX)
    return problem


def trust_domain_problem(domain: str) -> str | None:
    """Istio's ValidateTrustDomain: dot-separated DNS-1123 labels, upper case allowed."""
    if not domain:
        return _("must not be empty")
    for label in domain.split("."):
        if not label:
            return _("has an empty label (two dots, or a dot at an end)")
        if len(label) > 63 or not _TRUST_DOMAIN_LABEL.match(label):
            return _("label {label!r} is not a DNS label (letters, digits and '-', starting and ending with a letter "
                     "or digit, at most 63)").format(label=label)
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) > 63:
        return _("is {length} characters long; at most 63").format(length=len(value))
    if not LABEL_VALUE.match(value):
        return _("may hold letters, digits, '-', '_' and '.', and must start and end with a letter or digit")
    return None


def port_name_problem(name: str) -> str | None:
    """Kubernetes IANA_SVC_NAME, which container port names must pass."""
    if len(name) > 15:
        return _("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        return _("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        return _("must contain at least one letter (a-z)")
    if "--" in name:
        return _("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        return _("must not begin or end with a hyphen")
    if name == "http-envoy-prom":
        return _("is taken by the gateway's own metrics port")
    return None


def node_port_problem(port: int, node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE) -> str | None:
    lo, hi = node_port_range
    if not lo <= port <= hi:
        return _("{port} is not in the valid range {lo}-{hi}").format(port=port, lo=lo, hi=hi)
    return None


def version_tuple(version: str) -> tuple[int, int] | None:
    m = VERSION_RE.match(version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None
