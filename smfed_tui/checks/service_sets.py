"""The rules of ExportedServiceSets and ImportedServiceSets: rule types and selectors,
the docs' YAML mistakes, and what an import can take from what the peer exports.

Rules are first-match (common/namemapping.go): a rule that an earlier one covers never applies. An
import selector matches the *exported* name, the alias the exporter gave, not the service's own name.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..findings import ERROR, WARNING, Rule
from ..i18n import N_, _
from ..smcp_paths import Item
from ..yaml_nodes import bool_value, get, get_value, is_null, scalar_at
from .checker import Checker
from .inventory import EXPORT, PEER, Doc, Inventory, remote_of, scope_of

CLUSTER_SUFFIXES = ("cluster.local", "svc.cluster.local")


def _rules(doc: Doc, key: str):
    rules = get_value(doc.node, "spec", key)
    if isinstance(rules, SequenceNode):
        for index, rule in enumerate(rules.value):
            if isinstance(rule, MappingNode):
                yield ("spec", key, Item("index", index)), rule


def _has_value(node: Node | None) -> bool:
    return node is not None and not is_null(node)


# the mistake of the docs' config-export example
SMF124 = Rule("SMF124", ERROR, N_("labelSelector.Selector is capitalised"),
              N_("write `selector:` (lower case; the docs print `Selector:`)"))
# the mistake of the docs' config-export example
SMF125 = Rule("SMF125", ERROR, N_("alias under labelSelector"),
              N_("labelSelector takes `aliases:`, a list of {namespace, name, alias} mappings"))
# type is required; unknown type or null selector: `skipping rule`
SMF126 = Rule("SMF126", ERROR, N_("service set rule without a usable selector"),
              N_("give the rule type NameSelector with nameSelector (or LabelSelector with labelSelector.selector)"))
# server/server.go: services outside the member namespaces are skipped with only a debug log
SMF136 = Rule("SMF136", WARNING, N_("exported namespace is not a mesh member"),
              N_("add the namespace to the ServiceMeshMemberRoll (or a ServiceMeshMember in it), or export another one"))


def check_export_rules(c: Checker, doc: Doc, members: set[str] | None) -> None:
    """rule types and selectors; the docs' `Selector:` and `alias:` under labelSelector; with the
    ServiceMeshMemberRoll among the files, exports from namespaces outside the mesh (server.go skips
    them with only a debug log; a ServiceMeshMember in the namespace could still add it: a warning)."""
    check_shadowed_rules(c, doc, "exportRules")
    for path, rule in _rules(doc, "exportRules"):
        kind = scalar_at(rule, "type")
        namespace = scalar_at(rule, "nameSelector", "namespace")
        if members is not None and namespace and namespace != "*" and namespace not in members | {doc.namespace}:
            c.report_in(doc.src, SMF136, get_value(rule, "nameSelector", "namespace"),
                        path + ("nameSelector", "namespace"),
                        _("{namespace} is not a member of the mesh in {control_plane} (its ServiceMeshMemberRoll "
                          "lists {members}): istiod exports nothing from it").format(
                            namespace=namespace, control_plane=doc.namespace,
                            members=", ".join(sorted(members)) or _("none")))
        selector_key = {"NameSelector": "nameSelector", "LabelSelector": "labelSelector"}.get(kind or "")
        if selector_key is None:
            c.report_in(doc.src, SMF126, get_value(rule, "type") or rule, path + ("type",),
                        _("export rule type {kind!r} is not NameSelector or LabelSelector: istiod skips the rule").format(
                            kind=kind))
        elif not _has_value(get_value(rule, selector_key)):
            c.report_in(doc.src, SMF126, get_value(rule, "type"), path + (selector_key,),
                        _("{kind} rule without {selector}: istiod skips the rule (null selector)").format(
                            kind=kind, selector=selector_key))
        label = get_value(rule, "labelSelector")
        if not isinstance(label, MappingNode):
            continue
        wrong = get(label, "Selector")
        if wrong:
            c.report_in(doc.src, SMF124, wrong[0], path + ("labelSelector", "Selector"),
                        _("`Selector:` (as the docs print it) is not a field; the API reads `selector:`"),
                        _("rename it to `selector`"))
        alias = get(label, "alias")
        if alias:
            c.report_in(doc.src, SMF125, alias[0], path + ("labelSelector", "alias"),
                        _("labelSelector has no `alias` (the docs' mistake): it takes `aliases`, a list of mappings"))
        if kind == "LabelSelector" and not _has_value(get_value(label, "selector")) and not wrong:
            c.report_in(doc.src, SMF126, label, path + ("labelSelector", "selector"),
                        _("labelSelector without selector: istiod skips the rule (null selector)"))


# `unknown selector type`
SMF121 = Rule("SMF121", ERROR, N_("import rule is not a NameSelector"),
              N_("ImportedServiceSet rules support only type: NameSelector"))
# `cannot use importAsLocal without setting a fixed namespace alias`
SMF122 = Rule("SMF122", ERROR, N_("importAsLocal without a fixed alias namespace"),
              N_("set nameSelector.alias.namespace to a fixed namespace, or drop importAsLocal"))
# the mistake of the docs' create-import example
SMF123 = Rule("SMF123", ERROR, N_("importAsLocal inside nameSelector"),
              N_("move importAsLocal up to the rule, beside type (the docs misplace it)"))
# `use importAsLocal instead`
SMF128 = Rule("SMF128", ERROR, N_("import domainSuffix is the cluster's own"),
              N_("use importAsLocal instead of domainSuffix cluster.local"))
# zone needs region; subzone needs zone and region
SMF129 = Rule("SMF129", ERROR, N_("locality level without its parent"),
              N_("zone needs region; subzone needs zone and region"))


def check_import_rules(c: Checker, doc: Doc) -> None:
    """only NameSelector; importAsLocal needs a fixed alias namespace; importAsLocal misplaced."""
    suffix = get_value(doc.node, "spec", "domainSuffix")
    if isinstance(suffix, ScalarNode) and suffix.value in CLUSTER_SUFFIXES:
        c.report_in(doc.src, SMF128, suffix, ("spec", "domainSuffix"),
                    _("domainSuffix {value!r} is rejected by istiod: use importAsLocal instead").format(value=suffix.value))
    locality = get_value(doc.node, "spec", "locality")
    for level, parent in (("zone", "region"), ("subzone", "zone")):
        node = get_value(locality, level)
        if _has_value(node) and not scalar_at(locality, parent):
            c.report_in(doc.src, SMF129, node, ("spec", "locality", level),
                        _("locality {level} without {parent}").format(level=level, parent=parent))
    for path, rule in _rules(doc, "importRules"):
        kind = scalar_at(rule, "type")
        if kind != "NameSelector":
            c.report_in(doc.src, SMF121, get_value(rule, "type") or rule, path + ("type",),
                        _("import rule type {kind!r}: istiod skips it with `unknown selector type`").format(kind=kind))
        selector = get_value(rule, "nameSelector")
        if kind == "NameSelector" and not _has_value(selector):
            c.report_in(doc.src, SMF126, get_value(rule, "type"), path + ("nameSelector",),
                        _("NameSelector rule without nameSelector: istiod skips the rule"))
        misplaced = get(selector, "importAsLocal")
        if misplaced:
            c.report_in(doc.src, SMF123, misplaced[0], path + ("nameSelector", "importAsLocal"),
                        _("importAsLocal inside nameSelector (as the docs print it) is dropped; it belongs on the rule"))
        local = bool_value(get_value(rule, "importAsLocal"))
        alias_ns = scalar_at(selector, "alias", "namespace")
        if local and (not alias_ns or alias_ns == "*"):
            c.report_in(doc.src, SMF122, get_value(rule, "importAsLocal"), path + ("importAsLocal",),
                        _("importAsLocal without a fixed alias namespace: istiod skips the rule (`cannot use importAsLocal "
                          "without setting a fixed namespace alias`)"))
        rule_suffix = get_value(rule, "domainSuffix")
        if isinstance(rule_suffix, ScalarNode) and rule_suffix.value in CLUSTER_SUFFIXES:
            c.report_in(doc.src, SMF128, rule_suffix, path + ("domainSuffix",),
                        _("domainSuffix {value!r} is rejected by istiod: use importAsLocal instead").format(
                            value=rule_suffix.value))


def _covers(first: tuple[str, str], later: tuple[str, str]) -> bool:
    """Whether every service `later` (namespace, name) selects is selected by `first` too (`*` is any)."""
    return all(a == "*" or a == b for a, b in zip(first, later))


def _overlap(one: tuple[str, str], other: tuple[str, str]) -> bool:
    return all(a == "*" or b == "*" or a == b for a, b in zip(one, other))


def _name_selectors(doc: Doc, key: str):
    """(path, rule, (namespace, name)) of each NameSelector rule with both parts."""
    for path, rule in _rules(doc, key):
        ns, name = scalar_at(rule, "nameSelector", "namespace"), scalar_at(rule, "nameSelector", "name")
        if scalar_at(rule, "type") == "NameSelector" and ns and name:
            yield path, rule, (ns, name)


SMF138 = Rule("SMF138", WARNING, N_("rule covered by an earlier rule"),
              N_("the first matching rule applies: move the narrower rule (and its alias) above the wider one"))


def check_shadowed_rules(c: Checker, doc: Doc, key: str) -> None:
    """First match wins: a NameSelector rule covered by an earlier one never applies (its alias neither)."""
    earlier: list[tuple[tuple[str, str], int]] = []
    for path, rule, selected in _name_selectors(doc, key):
        cover = next((index for first, index in earlier if _covers(first, selected)), None)
        if cover is not None:
            c.report_in(doc.src, SMF138, get_value(rule, "nameSelector"), path + ("nameSelector",), _(
                "{namespace}/{name} is already taken by rule {index} above (the first matching rule applies): "
                "this rule never does").format(namespace=selected[0], name=selected[1], index=cover + 1))
        earlier.append((selected, path[-1].value))


# common/namemapping.go: an import selector matches the exported (aliased) name; rules are first-match
SMF137 = Rule("SMF137", WARNING, N_("import rule matches nothing the peer exports"),
              N_("import the name the peer exports (its alias, when it gives one), or export the service from the peer"))


def check_imports_match_exports(c: Checker, inv: Inventory, doc: Doc) -> None:
    """With the peer's ExportedServiceSet for this mesh among the files: an import rule that matches no
    name the peer exports (after its aliases) imports nothing, with nothing said by istiod."""
    check_shadowed_rules(c, doc, "importRules")
    peer = next((p for p in inv.of(PEER, doc.scope) if p.name == doc.name), None)
    remote = remote_of(peer, inv) if peer is not None else None
    if remote is None or doc.mesh is None:
        return
    exports = inv.of(EXPORT, scope_of(remote.mesh))
    back = [p.name for p in inv.of(PEER, scope_of(remote.mesh))
            if p.at("spec", "security", "trustDomain") == doc.mesh.trust_domain]
    ours = [e for e in exports if e.name in (back or [doc.mesh.name])]
    if len(ours) != 1:
        return
    exported = []
    for path, rule in _rules(ours[0], "exportRules"):
        if scalar_at(rule, "type") != "NameSelector":
            return   # a label selector exports names the files do not show
        ns, name = scalar_at(rule, "nameSelector", "namespace"), scalar_at(rule, "nameSelector", "name")
        alias_ns = scalar_at(rule, "nameSelector", "alias", "namespace")
        alias_name = scalar_at(rule, "nameSelector", "alias", "name")
        if ns and name:
            exported.append((alias_ns or ns, alias_name or name))
    for path, rule, selected in _name_selectors(doc, "importRules"):
        if not any(_overlap(selected, name) for name in exported):
            c.report_in(doc.src, SMF137, get_value(rule, "nameSelector"), path + ("nameSelector",), _(
                "{namespace}/{name} is not among what {peer} exports to this mesh ({exported}; an import names the "
                "exported name, after the exporter's alias)").format(
                    namespace=selected[0], name=selected[1], peer=doc.name,
                    exported=", ".join(f"{n}/{m}" for n, m in exported) or _("nothing")))
