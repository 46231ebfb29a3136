"""The keys an SMCP may hold, for "did you mean" (`check_keys`): a misspelled key, an unknown one, a
Service field the SMCP's gateway service does not have, a list or mapping of the wrong type. The
federation checks use `check_keys` with their own kinds' keys too.
"""
from __future__ import annotations

import difflib

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..findings import ERROR, WARNING, Rule
from ..i18n import N_, _
from ..smcp_paths import path_text
from ..yaml_nodes import is_null
from .checker import Checker
from .schema import SMF084


_PORT = {k: None for k in ("name", "protocol", "appProtocol", "port", "targetPort", "nodePort")}
# Service fields the v2 `service` schema of the 2.4.3 and 2.5.1 SMCP CRDs does not have: the API server
# drops them (or rejects the SMCP under strict field validation), and the gateway chart would not render them.
DROPPED = "dropped"
_SERVICE = {
    "metadata": {"labels": None, "annotations": None},
    "ports": [_PORT],
    **{k: None for k in ("type", "loadBalancerIP", "loadBalancerSourceRanges", "externalTrafficPolicy",
                         "clusterIP", "externalIPs", "externalName", "selector", "sessionAffinity",
                         "sessionAffinityConfig", "ipFamily", "topologyKeys", "healthCheckNodePort",
                         "publishNotReadyAddresses")},
    **{k: DROPPED for k in ("clusterIPs", "ipFamilies", "ipFamilyPolicy", "loadBalancerClass",
                            "allocateLoadBalancerNodePorts", "internalTrafficPolicy")},
}
_GATEWAY = {"enabled": None, "namespace": None, "service": _SERVICE, "routerMode": None, "volumes": None,
            "runtime": None}
_EGRESS = {**_GATEWAY, "requestedNetworkView": None}
_INGRESS = {**_GATEWAY, "sds": None, "routeConfig": {"enabled": None}}
SCHEMA = {
    "apiVersion": None, "kind": None, "metadata": None, "status": None,
    "spec": {
        **{k: None for k in ("addons", "general", "meshConfig", "mode", "policy", "profiles", "proxy",
                             "techPreview", "telemetry", "tracing", "version")},
        "cluster": {"name": None, "network": None, "multiCluster": None, "meshExpansion": None},
        "gateways": {"enabled": None, "ingress": None, "egress": None, "openshiftRoute": None,
                     "additionalIngress": {"*": _INGRESS}, "additionalEgress": {"*": _EGRESS}},
        "security": {k: None for k in ("controlPlane", "dataPlane", "identity", "certificateAuthority",
                                       "manageNetworkPolicy", "jwksResolverCA")}
        | {"trust": {"domain": None, "additionalDomains": None}},
        "runtime": {"components": None, "defaults": {"deployment": None, "pod": None, "container": {
            k: None for k in ("imageRegistry", "imageTag", "imagePullPolicy", "imagePullSecrets", "resources")}}},
    },
}


SMF081 = Rule("SMF081", ERROR, N_("misspelled key"), N_("rename the key; an unknown key is dropped by the API server"))
SMF082 = Rule("SMF082", WARNING, N_("unknown key"),
              N_("check the ServiceMeshControlPlane v2 reference; the API server drops unknown keys"))
SMF083 = Rule("SMF083", ERROR, N_("wrong type for this key"), N_("see the expected shape in the message"))


def check_keys(c: Checker, node: Node, schema, path: tuple) -> None:
    """Unknown keys under the parts of the SMCP whose fields we know; close ones get a 'did you mean'."""
    if not isinstance(node, MappingNode) or not isinstance(schema, dict):
        return
    for k, v in node.value:
        if not isinstance(k, ScalarNode) or k.value == "<<":
            continue
        key = k.value
        if "*" in schema:
            check_keys(c, v, schema["*"], path + (key,))
            continue
        if key in schema:
            sub = schema[key]
            if sub == DROPPED:
                c.report(SMF084, k, path + (key,), _("{key} is a Kubernetes Service field, but not one of the "
                                                     "SMCP's gateway service: the API server drops it").format(key=key),
                         _("remove {key}; the operator's gateway chart renders only type, loadBalancerIP, "
                           "loadBalancerSourceRanges, externalTrafficPolicy, selector and ports").format(key=key))
            elif isinstance(sub, list):
                if isinstance(v, SequenceNode):
                    for item in v.value:
                        check_keys(c, item, sub[0], path + (key,))
                elif not is_null(v):
                    c.report(SMF083, v, path + (key,), _("{path} must be a list").format(path=path_text(path + (key,))))
            elif isinstance(sub, dict):
                if not isinstance(v, MappingNode) and not is_null(v):
                    c.report(SMF083, v, path + (key,),
                             _("{path} must be a mapping").format(path=path_text(path + (key,))))
                else:
                    check_keys(c, v, sub, path + (key,))
            continue
        close = difflib.get_close_matches(key, [s for s in schema if s != "*"], n=1, cutoff=0.75)
        where = path_text(path + (key,))
        if close:
            c.report(SMF081, k, path + (key,),
                     _("unknown key {key!r} in {where}: did you mean {close!r}?").format(
                         key=key, where=path_text(path) or _("the document"), close=close[0]),
                     _("rename {key!r} to {close!r}").format(key=key, close=close[0]))
        elif path and path[0] == "spec":
            c.report(SMF082, k, path + (key,), _("unknown key {where!r}").format(where=where))
