"""The federation rules: what the validator knows and checks, one module per job.

- `checker`: the Checker a check reports a finding through (by the rule's row), and its Options;
- `values`: checks of a single value (a gateway name, a label value, a node port...), shared with the
  field validators of the front-ends;
- `smcp`: the rules over one ServiceMeshControlPlane (`check_source`), its checks by what they read:
  `smcp_keys`, `smcp_mesh`, `smcp_gateways`, `smcp_ports`;
- `across`: rules over several SMCPs at once (`check_across`) and over an edit (`check_edit`);
- `schema`: every object against its kind's CRD schema; `left_behind`: what an SMCP edit leaves broken in
  its own file;
- `inventory`: what a set of files holds (meshes, ServiceMeshPeers, service sets, CA ConfigMaps);
- `federation` with `service_sets`: the rules over those federation resources across files (`check_federation`);
- `rulebook`: every rule by its code (`RULES`), collected from the modules above, for whoever lists them.

Adding a rule: its row (`SMF0NN = Rule("SMF0NN", severity, N_(title), N_(fix))`, with a comment saying
where the rule comes from) beside its check, in the module of what it reads; the check reports with the
row (`c.report(SMF0NN, node, path, message)`); its test (tests/test_rule_homes.py says when a row stands
away from its check). The README's rules table and the Korean of its messages follow.
This package imports nothing from the front-ends; import its modules directly (this file is empty).
"""
