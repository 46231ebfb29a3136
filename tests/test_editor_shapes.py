"""Edits of particular shapes: a list edited item by item (requestedNetworkView), new keys inside
`{...}` (compact YAML, JSON), an SMCP wrapped in a List that has no list of its own. The byte-preserving
properties over every fixture are in test_editor.py."""
from __future__ import annotations

import dataclasses
import difflib

import pytest
import yaml

from smfed_tui.edit import edit_text
from smfed_tui.flags import apply_peer_spec
from smfed_tui.reader import read_mesh
from smfed_tui.source import parse


# --- a list edited item by item (requestedNetworkView) ---------------------------------------------------

VIEW = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: red-mesh
  namespace: red-mesh-system
spec:
  version: v2.6
  gateways:
    additionalEgress:
      egress-green-mesh:
        enabled: true
        requestedNetworkView:
        # the networks green-mesh may see
        - "network-a"   # the primary one
        - network-b
        - network-c     # added for the lab
        service:
          metadata:
            labels:
              federation.maistra.io/egress-for: egress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: http-discovery
    additionalIngress:
      ingress-green-mesh:
        enabled: true
        service:
          type: LoadBalancer
          metadata:
            labels:
              federation.maistra.io/ingress-for: ingress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: https-discovery
  security:
    trust:
      domain: red-mesh.local
"""


def view_edit(text: str, view: tuple) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) when the network view of green-mesh becomes `view`."""
    src = parse(text.encode(), "view.yaml")
    old = read_mesh(src)
    new = dataclasses.replace(old, peers=tuple(dataclasses.replace(p, network_view=view) for p in old.peers))
    result = edit_text(src, new, old)
    assert read_mesh(parse(result.encode(), "view.yaml")).peers[0].network_view == view
    diff = list(difflib.unified_diff(text.splitlines(), result.splitlines(), lineterm="", n=0))
    return ([line[1:] for line in diff if line.startswith("-") and not line.startswith("---")],
            [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")])


@pytest.mark.parametrize("view, removed, added", [
    (("network-a", "network-x", "network-c"), ["        - network-b"], ["        - network-x"]),
    (("network-a", "network-c"), ["        - network-b"], []),
    (("network-a", "network-b", "network-c", "network-d"), [], ["        - network-d"]),
    (("network-z", "network-a", "network-b", "network-c"), [], ["        - network-z"]),
    (("network-a", "network-x", "network-y", "network-c"), ["        - network-b"],
     ["        - network-x", "        - network-y"]),
    (("primary", "network-b", "network-c"), ['        - "network-a"   # the primary one'],
     ['        - "primary"   # the primary one']),
], ids=["one-changed", "one-removed", "one-added-at-the-end", "one-added-first", "one-became-two", "quotes-kept"])
def test_a_network_view_edit_keeps_the_items_and_comments_it_does_not_touch(view, removed, added):
    assert view_edit(VIEW, view) == (removed, added)


def test_a_list_that_is_not_plain_lines_is_written_anew():
    """An alias among the items (or anchors, tags, folded values): the list is written again as a whole,
    still valid and read back as asked."""
    text = VIEW.replace('        - "network-a"   # the primary one\n', "        - &a network-a\n").replace(
        "        - network-b\n", "        - *a\n")
    removed, added = view_edit(text, ("network-a", "network-q"))
    assert "        - *a" in removed and "        - network-q" in added


# --- new keys inside `{...}` (compact YAML, JSON) -------------------------------------------------------------

COMPACT = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: red-mesh, namespace: red-mesh-system}
spec:
  version: v2.6
  gateways:
    additionalEgress:
      egress-green-mesh:
        enabled: true
        requestedNetworkView: [network-green-mesh]
        service:
          metadata:
            labels: {federation.maistra.io/egress-for: egress-green-mesh}
          ports:
          - {port: 15443, name: tls}
          - {port: 8188, name: http-discovery}
    additionalIngress:
      ingress-green-mesh: {enabled: true, service: {type: LoadBalancer, metadata: {labels: {federation.maistra.io/ingress-for: ingress-green-mesh}}, ports: [{port: 15443, name: tls}, {port: 8188, name: https-discovery}]}}
  security:
    trust: {domain: red-mesh.local}
"""


def test_node_ports_and_a_route_go_into_compact_flow_mappings():
    """`- {port: 15443, name: tls}` gets `nodePort` after `port`; a one-line gateway gets `routeConfig`
    as flow YAML; nothing else in the file changes."""
    src = parse(COMPACT.encode(), "compact.yaml")
    old = read_mesh(src)
    new = apply_peer_spec(old, "green-mesh:service=NodePort,tls-node-port=30001,discovery-node-port=30002,route=false")
    result = edit_text(src, new, old)
    assert read_mesh(parse(result.encode(), "compact.yaml")).peers == new.peers
    changed = [(a, b) for a, b in zip(COMPACT.splitlines(), result.splitlines()) if a != b]
    assert len(COMPACT.splitlines()) == len(result.splitlines()) and len(changed) == 1
    assert changed[0][1] == ("      ingress-green-mesh: {enabled: true, service: {type: NodePort, metadata: {labels: "
                             "{federation.maistra.io/ingress-for: ingress-green-mesh}}, ports: [{port: 15443, "
                             "nodePort: 30001, name: tls}, {port: 8188, nodePort: 30002, name: https-discovery}]}, "
                             "routeConfig: {enabled: false}}")


def test_a_wrapped_smcp_without_lists_takes_its_list_style_from_the_rest_of_the_file():
    """An SMCP with no list of its own says nothing of the file's list style: the List around it and
    the other items do (`-` under the key, four deeper), and the ports added for a peer follow them."""
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "    - apiVersion: maistra.io/v2\n      kind: ServiceMeshControlPlane\n"
            "      metadata:\n          name: red-mesh\n          namespace: red-mesh-system\n"
            "      spec:\n          version: v2.6\n"
            "    - apiVersion: v1\n      kind: ConfigMap\n      metadata:\n          name: x\n"
            "      data:\n          keys:\n              - a\n")
    src = parse(text.encode(), "wrapped.yaml")
    mesh = read_mesh(src)
    out = edit_text(src, apply_peer_spec(mesh, "green-mesh"), mesh)
    ports = [line for line in out.splitlines() if line.lstrip().startswith(("ports:", "- port: 15443"))]
    assert ports[:2] == [" " * 26 + "ports:", " " * 30 + "- port: 15443"], out   # the `-` 4 deeper than its key
    assert yaml.safe_load(out)["items"][0]["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"][
        "service"]["ports"][0]["port"] == 15443
