"""The federation rules: what the validator knows and checks, one module per job.

- `catalogue`: every rule, found by its code (severity, title, fix), and the Checker that reports a
  finding by its code;
- `values`: checks of a single value (a gateway name, a label value, a node port...), shared with the
  field validators of the front-ends;
- `smcp`: the rules over one ServiceMeshControlPlane (`check_source`);
- `across`: rules over several SMCPs at once (`check_across`) and over an edit (`check_edit`);
- `inventory`: what a set of files holds (meshes, ServiceMeshPeers, service sets, CA ConfigMaps);
- `federation`: the rules over those federation resources across files (`check_federation`).

Adding a rule: its row in `catalogue`, its check in the module of what it reads, its test.
This package imports nothing from the front-ends; import its modules directly (this file is empty).
"""
