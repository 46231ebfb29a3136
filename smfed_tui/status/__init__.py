"""Live federation status (`smfed-wizard status`): is each ServiceMeshPeer connected, and if not, why.
Read-only: nothing here writes to a cluster. One idea per module:

- `reader`: the kubectl calls (one `get` per cluster for every kind, clusters in parallel) and the gaps
  (what could not be listed, with the RBAC verb and resource);
- `certs`: root certificates (fingerprint, expiry) from a PEM bundle, without a crypto library;
- `sides`: one ServiceMeshPeer on one cluster and what that cluster alone says about it;
- `pairing`: the two sides of a peering found and checked against each other;
- `analysis`: from what was read to the report;
- `codes`: the SMF2xx codes (severity, title, fix); `model`: the report's values;
- `report`: text and JSON; `changes`: what changed between two reports (--watch, the TUI).

Front ends: smfed_tui/cli_status.py (the CLI), screens/status_view.py (the TUI). This package never
imports Textual; import its modules directly (this file is empty of code).
"""
