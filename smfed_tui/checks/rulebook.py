"""Every rule the validator knows, found by its code: the rows the check modules declare beside their checks.

For whoever lists the rules (the README's rules table and its test, `bundle`'s summary of what it left
unsaid); a check reports with its row itself (`c.report(SMF040, ...)`) and never looks a code up here.
This imports every check module, the cross-file federation ones too, so the checks never import it.
"""
from __future__ import annotations

from types import ModuleType

from ..findings import Rule
from . import across, federation, left_behind, schema, service_sets, smcp, smcp_gateways, smcp_keys, smcp_mesh, \
    smcp_ports

# The modules whose checks report findings, each declaring the rows of the rules it reports (a rule two
# of them report is declared in one, imported by the other). tests/test_rule_homes.py checks the list.
CHECK_MODULES: tuple[ModuleType, ...] = (smcp, smcp_keys, smcp_mesh, smcp_gateways, smcp_ports, across, schema,
                                         left_behind, federation, service_sets)


def rules_of(module: ModuleType) -> dict[str, Rule]:
    """The rows a module holds by their code: the module-level constants `SMF040 = Rule("SMF040", ...)`,
    its own and those it imports."""
    return {name: value for name, value in vars(module).items() if isinstance(value, Rule) and name == value.code}


RULES: dict[str, Rule] = dict(sorted({code: rule for module in CHECK_MODULES
                                      for code, rule in rules_of(module).items()}.items()))
