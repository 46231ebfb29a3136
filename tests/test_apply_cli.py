"""The `apply` subcommand, run with the real kubectl against the loopback stand-in
(tests/kube_standin.py): what kubectl actually sent, and what the user sees."""
from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

import pytest

from kube_fixtures import CONTEXT, kube  # noqa: F401  (kube is a fixture)
from kube_standin import KubeStandIn
from smfed_tui import cli_apply
from smfed_tui.apply import by_hand_commands

from helpers.apply_smcp import SMCP, operator_owned, patches


# -- the `apply` subcommand -----------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="smfed-wizard")
    cli_apply.add_parser(parser.add_subparsers())
    return cli_apply.run(parser.parse_args(["apply", *argv]))


@pytest.fixture
def smcp_file(tmp_path: Path) -> Path:
    path = tmp_path / "smcp.yaml"
    path.write_text("# the mesh\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n---\n" + SMCP)
    return path


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def applied(server: KubeStandIn) -> list:
    return [p for p in patches(server) if "dryRun" not in p.query]


def test_cli_yes_shows_target_then_diff_then_applies(kube: KubeStandIn, smcp_file: Path, no_terminal: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(smcp_file), "--yes") == 0
    out = capsys.readouterr().out
    for line in (f"client:    {kube.kubectl}", f"context:   {CONTEXT}", f"cluster:   standin ({kube.url})",
                 "namespace: istio-system"):
        assert line in out
    assert out.index("namespace: istio-system") < out.index("+  version: v2.6") < out.index("serverside-applied")
    assert f"get smcp -n istio-system --context {CONTEXT}" in out
    assert len(applied(kube)) == 1 and kube.get("istio-system", "basic")["spec"]["version"] == "v2.6"
    assert run_cli(str(smcp_file), "--yes") == 0
    assert "nothing to do" in capsys.readouterr().out
    assert len(applied(kube)) == 1


def test_cli_prints_the_target_before_anything_is_sent(kube: KubeStandIn, smcp_file: Path, no_terminal: None,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    kube.script("unauthorized")
    assert run_cli(str(smcp_file), "--yes") == 1
    captured = capsys.readouterr()
    assert f"context:   {CONTEXT}" in captured.out and "namespace: istio-system" in captured.out
    assert "error: not logged in" in captured.err and "fix: log in with `oc login" in captured.err
    assert "Traceback" not in captured.err


def test_cli_without_yes_and_without_a_terminal_refuses(kube: KubeStandIn, smcp_file: Path, no_terminal: None,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(smcp_file)) == 2
    assert "--yes" in capsys.readouterr().err
    assert applied(kube) == [] and kube.get("istio-system", "basic") is None


@pytest.mark.parametrize("answer, code", [("y\n", 0), ("n\n", 130), ("", 130)])
def test_cli_asks_on_a_terminal(kube: KubeStandIn, smcp_file: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], answer: str, code: int) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    assert run_cli(str(smcp_file)) == code
    assert f"Apply to {CONTEXT}/istio-system? [y/N]" in capsys.readouterr().out
    assert len(applied(kube)) == (1 if code == 0 else 0)


def test_cli_ctrl_c_at_the_prompt_is_130(kube: KubeStandIn, smcp_file: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(""))

    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupted)
    assert run_cli(str(smcp_file)) == 130
    assert "aborted" in capsys.readouterr().err and applied(kube) == []


def test_cli_dry_run_needs_no_confirmation_and_changes_nothing(kube: KubeStandIn, smcp_file: Path,
                                                               no_terminal: None,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(smcp_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "(server dry run)" in out and "nothing was changed" in out
    assert all(p.query.get("dryRun") == "All" for p in patches(kube)) and len(patches(kube)) == 2
    assert kube.get("istio-system", "basic") is None


def test_cli_conflict_explains_force_conflicts_then_force_applies(kube: KubeStandIn, smcp_file: Path,
                                                                  no_terminal: None,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    kube.seed(operator_owned(version="v2.5"), manager="istio-operator")
    assert run_cli(str(smcp_file), "--yes") == 1
    err = capsys.readouterr().err
    assert ".spec.version" in err and "owned by istio-operator" in err
    assert "--force-conflicts takes ownership" in err
    assert all(p.query["force"] == "false" for p in patches(kube)) and applied(kube) == []
    assert run_cli(str(smcp_file), "--yes", "--force-conflicts") == 0
    assert applied(kube)[-1].query["force"] == "true"
    assert kube.get("istio-system", "basic")["spec"]["version"] == "v2.6"


def test_cli_leaves_no_temp_file_with_the_manifest(kube: KubeStandIn, tmp_path: Path, no_terminal: None) -> None:
    marker = "temp-file-marker-7f3a"
    path = tmp_path / "marked.yaml"
    path.write_text(SMCP.replace("name: basic", f"name: {marker}"))
    assert run_cli(str(path), "--yes") == 0
    assert run_cli(str(path), "--yes", "--dry-run") == 0
    assert kube.get("istio-system", marker) is not None
    for root, _dirs, files in os.walk(kube.tmpdir):
        for name in files:
            assert marker not in Path(root, name).read_text(errors="replace"), f"manifest left in {root}/{name}"
    assert os.listdir(kube.tmpdir) == []


@pytest.mark.parametrize("content, args, words", [
    (None, (), ["file not found"]),
    ("a: [\n", (), [":2:1: error: not valid YAML"]),
    ("apiVersion: v1\nkind: ConfigMap\n", (), ["no ServiceMeshControlPlane document in this file"]),
    (SMCP + "---\n" + SMCP, (), ["more than one ServiceMeshControlPlane"]),
    (SMCP, ("--request-timeout", "0"), ["more than zero"]),
    (SMCP, ("--namespace", "elsewhere"), ["--namespace"]),
], ids=["missing", "bad-yaml", "no-smcp", "two-smcps", "zero-timeout", "namespace-mismatch"])
def test_cli_unusable_input_exits_2_before_anything_is_sent(kube: KubeStandIn, tmp_path: Path, no_terminal: None,
                                                            capsys: pytest.CaptureFixture[str], content: str | None,
                                                            args: tuple[str, ...], words: list[str]) -> None:
    path = tmp_path / "in.yaml"
    if content is not None:
        path.write_text(content)
    assert run_cli(str(path), *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}") and "Traceback" not in err
    for word in words:
        assert word in err
    assert kube.requests == []


def test_cli_missing_kubectl(kube: KubeStandIn, smcp_file: Path, tmp_path: Path, no_terminal: None,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(smcp_file), "--yes", "--kubectl", str(tmp_path / "nowhere" / "kubectl")) == 1
    err = capsys.readouterr().err
    assert "is not an executable file" in err and "fix: install the OpenShift CLI" in err


def test_cli_validates_with_the_core_rules_before_sending_anything(kube: KubeStandIn, tmp_path: Path,
                                                                    no_terminal: None,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    # a reserved gateway name: the operator's webhook would reject it, so we refuse before the cluster does
    path.write_text(SMCP.rstrip("\n") + "\n  gateways:\n    additionalIngress:\n      istio-ingressgateway:\n"
                    "        enabled: true\n")
    assert run_cli(str(path), "--yes") == 1
    err = capsys.readouterr().err
    assert "error SMF021 cannot define additional gateway named 'istio-ingressgateway'" in err
    assert "not applied" in err
    assert kube.requests == []


def test_the_main_entry_point_dispatches_apply_to_cli_apply(kube: KubeStandIn, smcp_file: Path, no_terminal: None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from smfed_tui.cli import main

    assert main(["apply", str(smcp_file), "--dry-run", "--kubectl", kube.kubectl]) == 0
    assert "server dry run: nothing was changed" in capsys.readouterr().out
    assert patches(kube) and kube.get("istio-system", "basic") is None


def test_by_hand_commands_quote_the_file_and_carry_the_chosen_client_and_context(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    diff, apply_, ours = by_hand_commands("my mesh.yaml")
    assert diff.startswith("oc diff --server-side --field-manager=smfed-wizard") and diff.endswith(" < 'my mesh.yaml'")
    assert apply_.startswith("oc apply --server-side") and "--validate=strict" in apply_
    assert ours == "smfed-wizard apply 'my mesh.yaml'"
    client = tmp_path / "bin" / "kubectl"                      # not on PATH: shown as its path
    *_, ours = by_hand_commands("m.yaml", kubectl=str(client), context="-weird ctx")
    assert ours == f"smfed-wizard apply m.yaml '--context=-weird ctx' --kubectl={client}"
    on_path = tmp_path / "kubectl"                              # on PATH: shown by its name
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    diff, _apply, ours = by_hand_commands("m.yaml", kubectl=str(on_path), context="c1")
    assert diff.startswith("kubectl diff ") and "--context=c1" in diff and ours.endswith("--kubectl=kubectl")
    diff, *_ = by_hand_commands("m.yaml")                        # no oc here: the client apply would run
    assert diff.startswith("kubectl diff ")
