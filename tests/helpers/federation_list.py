"""A v1 List holding an SMCP and its federation resources (the GitOps way of keeping them in one file),
written by the product's own generator and bundle: shared by the edit and bundle tests."""
from __future__ import annotations

from pathlib import Path

import yaml

from smfed_tui.bundle import build_bundle
from smfed_tui.edit import generate_text
from smfed_tui.model import Mesh, Peer

RED = Mesh.new("red-mesh", peers=(Peer.new("green-mesh"), Peer.new("blue-mesh")))


def write_list(path: Path, mesh: Mesh = RED) -> None:
    """The List: the mesh's SMCP, then its CA ConfigMaps, ServiceMeshPeers and service sets."""
    items = [yaml.safe_load(generate_text(mesh))] + list(yaml.safe_load_all(build_bundle(mesh).text()))
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}, sort_keys=False))
