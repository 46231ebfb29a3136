"""The rules over one ServiceMeshControlPlane (codes SMF0xx): `check_source`, their one entry point.

The rules read the parsed document (not the model), so they also judge files the wizard did not
write, and every finding points at a line and column. Sources for the rules: what the operator
checks, Kubernetes' own syntax rules, the federation code's constraints and the docs' pitfalls. The
TUI, the plain prompts and the CLI all call `check_source`; nothing else decides what is valid.

The checks live by what they read: `smcp_keys` (the keys an SMCP may hold), `smcp_mesh` (the mesh-wide
settings), `smcp_gateways` (the additional gateways), `smcp_ports` (a federation gateway's Service).
"""
from __future__ import annotations

from dataclasses import replace

from ..findings import ERROR, Finding, Rule, sort_key
from ..i18n import N_, _, current_language
from ..reader import federation_gateways, pair_gateways
from ..smcp_paths import EGRESS_MAP, INGRESS_MAP
from ..source import SMCP_API, Source
from ..yaml_nodes import get, scalar_at
from .checker import Checker, Options
from .smcp_gateways import (check_federation_gateway, check_gateway_names, check_labels_distinct, check_network_view,
                            check_partners)
from .smcp_keys import SCHEMA, check_keys
from .smcp_mesh import check_gateways_switch, check_known_operator_bugs, check_metadata, check_trust_domain, \
    check_version
from .smcp_ports import check_node_ports_distinct
from .values import version_tuple


SMF005 = Rule("SMF005", ERROR, N_("not a maistra.io/v2 ServiceMeshControlPlane"),
              N_("federation needs apiVersion maistra.io/v2 (OSSM 2.x); convert the v1 resource first"))


def check_source(src: Source, options: Options | None = None) -> list[Finding]:
    """All findings for the SMCP of one parsed file (none when it holds no SMCP)."""
    if src.smcp is None:
        return []
    checker = Checker(src, options or Options())
    smcp = src.smcp
    api = get(smcp, "apiVersion")
    if api is None or scalar_at(smcp, "apiVersion") != SMCP_API:
        checker.report(SMF005, api[1] if api else smcp, ("apiVersion",),
                       _("apiVersion is {api!r}; the rules here are for {expected}").format(
                           api=scalar_at(smcp, "apiVersion"), expected=SMCP_API))
        return checker.findings
    check_keys(checker, smcp, SCHEMA, ())
    check_metadata(checker, smcp)
    egress = federation_gateways(smcp, "egress")
    ingress = federation_gateways(smcp, "ingress")
    federating = bool(egress or ingress)
    check_version(checker, smcp, federating)
    check_trust_domain(checker, smcp, federating)
    check_gateways_switch(checker, smcp, federating)
    if federating:
        check_known_operator_bugs(checker, smcp)
    check_gateway_names(checker, smcp)
    namespace = scalar_at(smcp, "metadata", "namespace")
    version = version_tuple(scalar_at(smcp, "spec", "version") or "")
    for gw in egress + ingress:
        base = (EGRESS_MAP if gw.kind == "egress" else INGRESS_MAP) + (gw.name,)
        check_federation_gateway_remembered(checker, gw, base, namespace, version)
    check_labels_distinct(checker, egress + ingress)
    check_node_ports_distinct(checker, ingress)
    pairs, alone = pair_gateways(egress, ingress)
    check_partners(checker, alone)
    for e, _i in pairs:
        check_network_view(checker, e)
    return sorted(checker.findings, key=sort_key)


_GATEWAY_FINDINGS: dict = {}   # what check_federation_gateway found, by the gateway's text and context
_GATEWAY_FINDINGS_MAX = 2048


def check_federation_gateway_remembered(c: Checker, gw, base: tuple, namespace: str | None, version) -> None:
    """check_federation_gateway, remembered by the gateway's own text. The wizard checks the whole file
    on every keystroke; in a 50-peer file the keystroke changes one gateway and the other 99 give the
    same findings again (a third of a keystroke's checking). The findings depend only on that text, on
    where it starts (lines are stored relative to it), on the context below and on the language; a
    gateway that uses an alias (`*name`) or a merge key depends on other text and is never remembered."""
    start, end = gw.key.start_mark, gw.node.end_mark
    text = c.src.text[start.index:end.index]
    # an alias's node is the anchored one, elsewhere in the file (before its key): not this text
    if not start.index < gw.node.start_mark.index < end.index or "*" in text or "<<" in text:
        check_federation_gateway(c, gw, base, namespace, version)
        return
    key = (text, start.column, gw.kind, gw.name, gw.peer_hint, namespace, version, c.options.node_port_range,
           c.src.path, current_language())
    found = _GATEWAY_FINDINGS.get(key)
    if found is None:
        before = len(c.findings)
        check_federation_gateway(c, gw, base, namespace, version)
        if len(_GATEWAY_FINDINGS) >= _GATEWAY_FINDINGS_MAX:
            _GATEWAY_FINDINGS.clear()
        _GATEWAY_FINDINGS[key] = [replace(f, line=None if f.line is None else f.line - start.line)
                                  for f in c.findings[before:]]
        return
    c.findings.extend(replace(f, line=None if f.line is None else f.line + start.line) for f in found)
