"""Warnings about risks the guide does not mention, found in the meshes themselves: a human must judge
them, so they are said, and nothing here changes what is written.

- A mesh with several peers: deleting one ServiceMeshPeer makes its 2.6 istiod push the remaining
  peers' trust bundles, so running 2.6 proxies drop that peer's root at once (Maistra's federation
  discovery code, not the guide). The new path is end-to-end mTLS between 2.6 proxies until phase 7,
  so it can break for that peer in the middle of phase 4. With one peer, the last bundle going sends nothing and proxies keep theirs.
- An exporting mesh whose federation ingress is not a LoadBalancer: the guide's east-west gateway is a
  LoadBalancer Service and its address is read from the load balancer; on a platform without
  one, the runbook's wait and address pause never end.
- Meshes without a kube context: their commands run on whatever cluster `oc` is logged in to. Both
  clusters often have the same `istio-system/basic` and the same federation gateway names, so a step
  run on the wrong one succeeds there (the irreversible gateway removal included).
"""
from __future__ import annotations

from ..findings import Finding
from ..i18n import _
from .decisions import Decisions
from .findings import NOWHERE, flagged
from ..object_paths import dig
from .pairing import Mesh
from .services import Imported


def several_peers(meshes: list[Mesh]) -> list[Finding]:
    out = []
    for mesh in meshes:
        if len(mesh.peers) < 2:
            continue
        names = ", ".join(p.name for p in mesh.peers)
        out.append(flagged("SMF331", mesh.peers[1].loaded.at("metadata.name"), _(
            "{mesh} has {count} peers ({names}): deleting one ServiceMeshPeer makes 2.6's istiod push the other "
            "peers' trust bundles, and running 2.6 proxies then drop the deleted peer's root (Maistra's code, not "
            "the guide): mTLS with that peer over the new path can fail from that step until phase 7").format(
                mesh=mesh.label, count=len(mesh.peers), names=names),
            _("rehearse the migration on test clusters first; run phases 4 to 7 in one window; if a gate after "
              "a peer's deletion fails, re-apply that mesh's 0-restore-federation.yaml or move on to phases 6 "
              "and 7 at once")))
    return out


def exporter_exposure(meshes: list[Mesh], imports: list[Imported]) -> list[Finding]:
    out = []
    for index in sorted({i.exporter for i in imports}):
        mesh = meshes[index]
        for name in sorted({p.ingress_gateway for p in mesh.peers if p.ingress_gateway}):
            gateway = dig(mesh.spec, "gateways", "additionalIngress", name)
            if not isinstance(gateway, dict):
                continue      # SMF333 says the gateway is missing
            kind = dig(gateway, "service", "type")
            if kind == "LoadBalancer":
                continue
            out.append(flagged("SMF331", mesh.smcp.at(f"spec.gateways.additionalIngress.{name}.service.type"), _(
                "{mesh}: its federation ingress {gateway} is {kind}, not a LoadBalancer: the guide's east-west "
                "gateway is a LoadBalancer Service whose address the runbook waits for, and the guide covers no "
                "other exposure").format(mesh=mesh.label, gateway=name,
                                         kind=f"type: {kind}" if kind else _("of no type")),
                _("make sure the cluster can give a LoadBalancer an address (e.g. MetalLB) before phase 2; "
                  "otherwise expose the east-west gateway yourself and test the path before deleting anything")))
    return out


def no_context(meshes: list[Mesh], decisions: Decisions) -> list[Finding]:
    missing = [m.label for m in meshes if m.index not in decisions.context]
    if not missing:
        return []
    return [flagged("SMF330", NOWHERE, _(
        "assumed: the runbook's commands for {meshes} run on the cluster oc is logged in to (no kube context named): "
        "a step run on the wrong cluster can succeed there, the irreversible ones too").format(
            meshes=", ".join(missing)),
        _("name each mesh's context with --kube-context MESH=CONTEXT (then every command carries it), or switch "
          "with oc config use-context before each step"))]
