"""The SMCP and the request helpers the apply tests share (core: test_apply; CLI: test_apply_cli)."""
from __future__ import annotations

from kube_standin import KubeStandIn
from smfed_tui.apply import Target, describe_target

SMCP = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: basic
  namespace: istio-system
spec:
  version: v2.6
  tracing:
    type: None
"""
SMCP_PATH = "/apis/maistra.io/v2/namespaces/istio-system/servicemeshcontrolplanes/basic"
APPLY_TYPE = "application/apply-patch+yaml"


def operator_owned(version: str = "v2.5", tracing: str = "None") -> dict:
    return {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
            "metadata": {"name": "basic", "namespace": "istio-system"},
            "spec": {"version": version, "tracing": {"type": tracing}}}


def target_for(server: KubeStandIn, manifest: str = SMCP, **kw) -> Target:
    return describe_target(server.kubectl, manifest, **kw)


def patches(server: KubeStandIn) -> list:
    return server.requests_for("PATCH", "/servicemeshcontrolplanes/")
