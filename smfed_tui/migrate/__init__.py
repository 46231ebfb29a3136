"""Moving an OSSM 2.x federation to OSSM 3 multi-cluster with manual service discovery.

The steps, one module each (the procedure is the Sail operator's federation migration guide; values the
guide only shows by example are derived as Maistra's federation code does):
- `load`: one mesh's resources from `oc get -o yaml` output (files, directories, Lists); `live`: the
  same read from a cluster, read-only;
- `pairing`: which mesh each ServiceMeshPeer stands for (by trust domain), the refused cases of a mesh;
- `services`: what each mesh imports from each peer, with the exporting Service's ports and accounts;
- `decisions`: the values the user owns (network names, exportTo, names, version), defaulted and checked;
- `artifacts`: the objects and patches of each phase; `plan`: the ordered steps; `runbook`: RUNBOOK.md;
- `write`: the output folder; `findings`: what is refused or flagged, with what to do.
`build.migrate()` runs them in order.
"""
