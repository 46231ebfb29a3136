"""Applying from the wizard in tests: the stand-in cluster as a fixture, the wizard on it, and the waits
for the confirmation and the result. Used by tests/test_tui_apply.py (the flows) and
tests/test_tui_snapshots.py (the pictures)."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from helpers.pilot import make_app, until
from kube_standin import KubeStandIn
from smfed_tui import apply as kube_apply

SHOWN_SERVER = "https://api.standin.example:6443"


@pytest.fixture
def cluster(kube: KubeStandIn, monkeypatch: pytest.MonkeyPatch) -> KubeStandIn:   # noqa: F811
    """The stand-in, serving the red-mesh namespace, with its kubectl first on PATH (so the watch command
    names `kubectl`, not a path)."""
    kube.namespaces.add("red-mesh-system")
    monkeypatch.setenv("PATH", os.path.dirname(kube.kubectl) + os.pathsep + os.environ.get("PATH", ""))
    return kube


@pytest.fixture
def stable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target as kubectl describes it, with the stand-in's random port replaced for the pictures."""
    real = kube_apply.describe_target
    monkeypatch.setattr(kube_apply, "describe_target",
                        lambda *args, **kw: replace(real(*args, **kw), server=SHOWN_SERVER))


def app_for(path: Path, server: KubeStandIn):
    app = make_app(path)
    app.kubectl = server.kubectl
    return app


def operator_owned(version: str = "v2.5") -> dict:
    """red-mesh as the operator last wrote it (it owns spec.version)."""
    return {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
            "metadata": {"name": "red-mesh", "namespace": "red-mesh-system"},
            "spec": {"version": version}}


async def wait_until(pilot, predicate, what: str, timeout: float = 30.0) -> None:
    """`helpers.pilot.until` with more time: kubectl takes a moment per call."""
    await until(pilot, predicate, what, timeout)


def modal(app):
    from smfed_tui.screens.modals import ConfirmModal
    return app.screen if isinstance(app.screen, ConfirmModal) else None


def wizard(app):
    return app.screen_stack[0]


def status(app) -> str:
    return str(wizard(app).query_one("#apply-status").render())


async def confirm_shown(pilot) -> None:
    await wait_until(pilot, lambda: modal(pilot.app) is not None, "the confirmation")


async def done(pilot, text: str) -> None:
    step = wizard(pilot.app).step_widget("write")
    await wait_until(pilot, lambda: modal(pilot.app) is None and not step.busy
                     and text in status(pilot.app), repr(text))
