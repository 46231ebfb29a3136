"""The values the federation-resources tests type for green-mesh, shared by the flows (tests/test_tui_next_steps.py)
and the pictures (tests/test_tui_snapshots.py)."""
from __future__ import annotations

from pathlib import Path

GREEN_PEM = Path(__file__).resolve().parent.parent / "fixtures" / "federation" / "green-root-cert.pem"
GREEN = {"address": "203.0.113.20, green.example.com", "ca": "green-root.pem",
         "export": "bookinfo/ratings, bookinfo/*", "import": "bookinfo/reviews"}
