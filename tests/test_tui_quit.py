"""Quitting and refusing: abort writes nothing and exits 130, a new file is created only when written, esc
goes back before it asks, a file that cannot be used exits 2 before any UI. Whole flows: test_tui_flows.py."""
from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.pilot import editor, make_app, type_into, wizard_ready
from smfed_tui.screens.app import run_app

SIZE = (120, 36)


# --- quitting --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("keys", [("ctrl+q", "y"), ("ctrl+q", "ctrl+q"), ("escape", "y")])
async def test_abort_writes_nothing(red_mesh, keys):
    before = red_mesh.read_bytes()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
    assert app.return_code == 130
    assert red_mesh.read_bytes() == before


async def test_a_new_file_is_named_when_written_and_never_replaces_one(tmp_path, monkeypatch):
    """`smfed-wizard` without FILE asks for the name at the first write; an existing file is refused
    there (it is for editing), with the reason under the name, and the dialog stays open for another."""
    from smfed_tui.screens.modals import FileNameModal
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "red-mesh.yaml"
    existing.write_text("keep me\n")
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FileNameModal)
        await pilot.press("enter")                       # the suggestion, red-mesh.yaml: it exists
        await pilot.pause()
        assert isinstance(app.screen, FileNameModal) and app.session.path is None
        assert "red-mesh.yaml already exists" in str(app.screen.query_one("#file-name-problem").render())
        await pilot.press("ctrl+u", *"red.yaml", "enter")
        await pilot.pause()
        assert app.session.path == "red.yaml" and not app.written   # then the new file's confirmation
        await pilot.press("y")
        await pilot.pause()
        assert app.written
    assert existing.read_text() == "keep me\n"
    assert (tmp_path / "red.yaml").read_text() == app.session.text


async def test_abort_on_a_new_file_creates_nothing(new_file):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", *"green-mesh", "ctrl+q", "y")   # ctrl+q asks: the new file is not written
    assert app.return_code == 130
    assert not new_file.exists()


async def test_escape_goes_back_before_it_aborts(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        assert app.screen.step == "exposure"
        await pilot.press("escape")
        assert app.screen.step == "peers"
        await pilot.press("ctrl+b")
        assert app.screen.step == "mesh"
        assert app.return_code is None


async def test_escape_on_the_first_step_asks_before_it_loses_work(red_mesh):
    """Going back with esc, one press too many on the Mesh step quit and dropped every change. With
    something not written it asks, and enter (the safe answer) stays; with nothing to lose it quits."""
    from smfed_tui.screens.modals import ConfirmModal
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "(2 lines changed) are not written" in str(app.screen.body)
        await pilot.press("enter")
        await pilot.pause()
        assert app.return_code is None and app.screen.step == "mesh"
        assert editor(app, "mesh", "cluster-name").value == "east"
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 130


@pytest.mark.parametrize("runner", ["smfed_tui.screens.app.run_app", "smfed_tui.plain.run_plain"])
def test_a_new_file_in_a_missing_directory_is_refused_before_any_question(tmp_path, runner):
    """Said at the start, not after every step was filled in and the write failed. (A child process
    with a timeout: were the check missing, the wizard would start and wait for keys.)"""
    path = tmp_path / "no-such-dir" / "red-mesh.yaml"
    module, function = runner.rsplit(".", 1)
    code = f"import sys; from {module} import {function}; sys.exit({function}(sys.argv[1]))"
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30)
    assert proc.returncode == 2
    assert f"the directory {path.parent} does not exist" in proc.stderr and "fix:" in proc.stderr
    assert not path.parent.exists()


def test_refused_file_exits_2_without_ui(tmp_path, capsys):
    helm = tmp_path / "smcp.yaml"
    helm.write_text("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n"
                    "  name: {{ .Values.name }}\n")
    assert run_app(str(helm)) == 2
    err = capsys.readouterr().err
    assert "template" in err and ":4:" in err and "fix:" in err
    assert helm.read_text().startswith("apiVersion")


def test_cli_refused_file_exits_2(tmp_path):
    """Through the real entry point: refused before the terminal check or any UI."""
    bad = tmp_path / "deploy.yaml"
    bad.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    proc = subprocess.run([sys.executable, "-c", "import sys; from smfed_tui.screens.app import run_app; "
                           f"sys.exit(run_app({str(bad)!r}))"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "no ServiceMeshControlPlane" in proc.stderr
