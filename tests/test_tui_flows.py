"""Whole flows through the wizard with Pilot: what lands on disk, exit codes, what blocks writing."""
from __future__ import annotations

import difflib
import subprocess
import sys

import pytest

from helpers.pilot import (FIXTURES, choose, click_when_shown, editor, go_to, make_app, node_ports, type_into, until,
                      wizard_ready)
from smfed_tui.model import free_node_ports
from smfed_tui.screens.app import run_app

SIZE = (120, 36)


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]


async def write_and_confirm(pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    from smfed_tui.screens.modals import ConfirmModal
    if isinstance(pilot.app.screen, ConfirmModal):
        await pilot.press("y")
        await pilot.pause()


# --- a new file ----------------------------------------------------------------------------------------

async def test_new_file_equals_generate(new_file):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")                       # add a peer: its name is selected, typing replaces it
        await pilot.press(*"green-mesh")
        await pilot.press("ctrl+o")
        await pilot.press(*"blue-mesh")
        await go_to(pilot, "exposure")
        assert app.screen.selected_peer == "blue-mesh"
        await node_ports(pilot, "30510", "32359")
        await write_and_confirm(pilot)                    # a new file is confirmed too (its size, where)
        assert app.written
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    cli = subprocess.run([sys.executable, "-m", "smfed_tui", "generate", "--name", "red-mesh", "--peer", "green-mesh",
                          "--peer", "blue-mesh:service=NodePort,tls-node-port=30510,discovery-node-port=32359"],
                         capture_output=True, check=True)
    assert new_file.read_bytes() == cli.stdout


async def test_mesh_name_defaults_follow_until_edited(new_file):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "name", "blue")
        assert editor(app, "mesh", "namespace").value == "blue-system"
        assert editor(app, "mesh", "trust-domain").value == "blue.local"
        await type_into(pilot, "mesh", "namespace", "istio-system")
        await type_into(pilot, "mesh", "name", "green")
        assert editor(app, "mesh", "namespace").value == "istio-system"   # edited: stays
        assert editor(app, "mesh", "trust-domain").value == "green.local"
        assert app.session.mesh.namespace == "istio-system"


async def test_peer_rename_carries_defaults_and_remove_asks(new_file):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.press(*"green-mesh")
        await pilot.pause()
        peer = app.session.mesh.peer("green-mesh")
        assert (peer.egress, peer.ingress, peer.network_view) == ("egress-green-mesh", "ingress-green-mesh",
                                                                  ("network-green-mesh",))
        assert editor(app, "peer", "egress").value == "egress-green-mesh"
        app.screen.query_one("#peers-list").focus()
        await pilot.press("d")
        await pilot.pause()
        from smfed_tui.screens.modals import ConfirmModal
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")                            # keep it
        await pilot.pause()
        assert app.session.mesh.peer("green-mesh") is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session.mesh.peers == ()


async def test_an_empty_peer_list_offers_add_peer(new_file):
    from smfed_tui.screens.peer_list import PeerList
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        peers = app.screen.query_one(PeerList)
        assert [str(peers.get_option_at_index(i).prompt) for i in range(peers.option_count)] == ["+ add peer"]
        await pilot.click(PeerList, offset=(2, 1))
        await pilot.pause()
        assert [p.name for p in app.session.mesh.peers] == ["peer-1"]


async def test_ctrl_delete_removes_the_selected_peer_from_any_field(red_mesh):
    """ctrl+delete works from a field of the peer's form (d and delete only in the list), after a
    confirmation; on a step without a peer list it does nothing and is not offered."""
    from smfed_tui.screens.modals import ConfirmModal
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+delete")                  # the Mesh step: no peer to remove here
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal) and len(app.session.mesh.peers) == 2
        assert "Remove peer" not in str(app.screen.query_one("#keys").render())
        for step in ("peers", "exposure"):
            await go_to(pilot, step)
            assert "^del Remove peer" in str(app.screen.query_one("#keys").render())
        await go_to(pilot, "peers")
        editor(app, "peer", "egress").focus()
        await pilot.press("ctrl+delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")                            # kept
        await pilot.pause()
        assert [p.name for p in app.session.mesh.peers] == ["green-mesh", "blue-mesh"]
        await pilot.press("ctrl+delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [p.name for p in app.session.mesh.peers] == ["blue-mesh"]
        assert app.screen.selected_peer == "blue-mesh" and editor(app, "peer", "egress").value == "egress-blue-mesh"
        await pilot.press("ctrl+delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session.mesh.peers == ()
        assert "Remove peer" not in str(app.screen.query_one("#keys").render())   # nothing left to remove


# --- editing the docs' red-mesh example ----------------------------------------------------------------

async def test_red_mesh_to_nodeport_yields_the_seed_block(red_mesh):
    before = red_mesh.read_text()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        assert app.screen.selected_peer == "green-mesh"
        await node_ports(pilot, "30510", "32359")
        await write_and_confirm(pilot)
        assert app.written
    after = red_mesh.read_text()
    assert sorted(changed_lines(before, after)) == sorted([
        "-          type: LoadBalancer", "+          type: NodePort",
        "+            nodePort: 30510", "+            nodePort: 32359"])
    # the ingress-green-mesh block is the seed's NodePort sample (comments aside: the file keeps its own)
    block = _block(after, "      ingress-green-mesh:")
    seed = (FIXTURES / "nodeport-green-mesh.yaml").read_text()
    assert [_uncomment(line) for line in block] == _block(seed, "      ingress-green-mesh:")


def _block(text: str, first: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(first)
    indent = len(first) - len(first.lstrip())
    out = [lines[start]]
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        out.append(line)
    return out


def _uncomment(line: str) -> str:
    return line.split("  #")[0].rstrip()


async def test_saving_without_change_leaves_the_file_alone(red_mesh):
    before = red_mesh.read_bytes()
    stat = red_mesh.stat()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")     # change something, then change it back
        await type_into(pilot, "mesh", "cluster-name", "")
        assert app.session.is_unchanged()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert red_mesh.read_bytes() == before
    assert red_mesh.stat().st_mtime_ns == stat.st_mtime_ns
    assert app.return_code == 130


async def test_one_node_port_changes_one_line(tmp_path):
    path = tmp_path / "red-mesh.yaml"
    text = (FIXTURES / "red-mesh.yaml").read_text()
    from smfed_tui.edit import edit_text
    from smfed_tui.source import parse
    src = parse(text.encode(), str(path))
    from smfed_tui.reader import read_mesh
    mesh = read_mesh(src)
    green = mesh.peer("green-mesh").with_exposure(service_type="NodePort", tls_node_port=30510,
                                                  discovery_node_port=32359)
    path.write_text(edit_text(src, mesh.with_peer(green)))
    before = path.read_text()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        await type_into(pilot, "exposure", "tls-node-port", "30511")
        await write_and_confirm(pilot)
    assert changed_lines(before, path.read_text()) == ["-            nodePort: 30510", "+            nodePort: 30511"]


# --- what blocks writing -------------------------------------------------------------------------------

async def test_errors_block_write_warnings_do_not(red_mesh):
    """Errors block writing and applying, and the keys say so (they were dead: nothing happened)."""
    from smfed_tui.screens.modals import ConfirmModal
    before = red_mesh.read_bytes()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.warnings and app.session.can_write                     # warnings: allowed
        await node_ports(pilot, "3x")                                             # not a number
        assert not app.session.can_write
        for key in ("ctrl+s", "ctrl+r"):
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal), f"{key} says why")
            assert "Errors to fix first" in str(app.screen.title_content)
            await pilot.press("n")
            await pilot.pause()
        await type_into(pilot, "exposure", "tls-node-port", "99")                  # a number, out of range
        assert any(f.code == "SMF051" for f in app.session.findings) and not app.session.can_write
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the reason")
        assert "SMF051" in str(app.screen.body)
        await pilot.press("y")                                                     # go to the first error
        await until(pilot, lambda: app.screen.focused is editor(app, "exposure", "tls-node-port"), "at the error")
        assert not app.written
    assert red_mesh.read_bytes() == before


async def test_duplicate_node_port_shows_on_both_fields(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        for peer in ("green-mesh", "blue-mesh"):
            app.screen.query_one("#exposure-list").highlighted = 0 if peer == "green-mesh" else 1
            await pilot.pause()
            assert app.screen.selected_peer == peer
            await node_ports(pilot, "30510", "30511" if peer == "green-mesh" else "30512")
        shown = {}
        for peer in ("green-mesh", "blue-mesh"):
            by_field = app.session.field_findings(peer)
            shown[peer] = [f.code for f in by_field[("exposure", "tls-node-port")]]
        assert shown == {"green-mesh": ["SMF052"], "blue-mesh": ["SMF052"]}
        assert [f.code for f in app.session.findings].count("SMF052") == 1   # counted once


async def test_changed_on_disk_is_not_overwritten(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        red_mesh.write_text(red_mesh.read_text() + "# someone else\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        from smfed_tui.screens.modals import NoticeModal
        assert isinstance(app.screen, NoticeModal)
        assert "+  cluster:" in app.screen.diff and "-# someone else" in app.screen.diff
        await pilot.press("escape")
        assert not app.written
    assert red_mesh.read_text().endswith("# someone else\n")


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


# --- review, help, markup safety ---------------------------------------------------------------------------

async def test_review_finding_jumps_to_its_field(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "review")
        findings = app.screen.query_one("#review-findings")
        assert app.screen.focused is findings
        codes = [f.code for f, _place in app.screen.step_widget("review").listed]
        findings.highlighted = codes.index("SMF070")      # green-network, on the network view field
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.step == "peers"
        assert app.screen.focused is editor(app, "peer", "network")
        assert app.screen.selected_peer == "green-mesh"


async def test_enter_on_review_goes_to_the_first_findings_field_at_once(red_mesh):
    """The findings list says "enter: go to the field": on arriving, enter does that (nothing was
    highlighted, so enter did nothing until an arrow key was pressed)."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "review")
        first, _place = app.screen.step_widget("review").listed[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.step != "review"
        assert app.screen.step == app.session.step_of(first)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_overwrite_question_shows_its_buttons_and_the_change(red_mesh, size):
    """At 80x24 the diff pushed Cancel/Overwrite out of the dialog, and a shorter diff must still
    reach the changed line."""
    app = make_app(red_mesh)
    async with app.run_test(size=size) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.query("#modal-diff"), "the overwrite question")
        dialog = app.screen
        buttons = list(dialog.query("Button"))
        await until(pilot, lambda: all(b.region for b in buttons), "the dialog laid out")
        visible = dialog._compositor.visible_widgets
        for button in buttons:
            assert button in visible and dialog.region.contains_region(button.region), button
        diff = dialog.query_one("#modal-diff")
        shown = diff.lines[diff.scroll_offset.y:diff.scroll_offset.y + diff.scrollable_content_region.height]
        assert any(line.startswith("+") and "east" in line for line in shown), shown


async def test_hostile_peer_name_is_shown_literally(new_file):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.press(*"[bold]x[/")
        await pilot.pause()
        assert app.session.mesh.peers[0].name == "[bold]x[/"
        prompt = app.screen.query_one("#peers-list").get_option_at_index(0).prompt
        assert "[bold]x[/" in str(prompt)
        await go_to(pilot, "review")
        await go_to(pilot, "next")
        await pilot.press("f1")
        await pilot.pause()


async def test_pick_free_ports(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await go_to(pilot, "exposure")
        await choose(pilot, "exposure", "service", "NodePort")
        await click_when_shown(pilot, "#pick-ports")
        await pilot.pause()
        exposure = app.session.mesh.peer("green-mesh").exposure
        # not 30000 and 30001, the ports most likely taken on a real cluster: a place in the range that the
        # mesh and peer names choose (the same every time), and said so
        tls, discovery = exposure.tls_node_port, exposure.discovery_node_port
        assert (tls, discovery) == free_node_ports(app.session.mesh, "green-mesh", spread_by="red-mesh/green-mesh")
        assert 30100 <= tls < discovery <= 32767 and editor(app, "exposure", "tls-node-port").value == str(tls)
        assert any("rather than its first ports" in n.message for n in app._notifications)


async def test_tab_goes_from_field_to_field(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        assert app.screen.focused.id == "exposure-list"
        await pilot.press("tab")
        assert app.screen.focused is editor(app, "exposure", "service")
        await pilot.press("right")                      # LoadBalancer -> NodePort
        assert app.session.mesh.peer("green-mesh").exposure.service_type == "NodePort"
        await pilot.press("tab")
        assert app.screen.focused is editor(app, "exposure", "tls-node-port")


async def test_key_bar_shows_every_key_at_80_columns(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "peers")
        bar = app.screen.query_one("#keys")
        text = str(bar.render())
        for label in ("a Add", "d Remove", "^n Next", "^b Back", "^s Write", "^r Apply", "f1 Help", "f2 YAML",
                      "^q Quit"):
            assert label in text
        assert all(len(line) <= 80 for line in text.splitlines())
        assert bar.size.height == len(text.splitlines())


@pytest.mark.parametrize("name", ["red-mesh.yaml", "production-cluster-east-federation-control-plane.yaml"])
async def test_top_bar_keeps_mode_and_summary_at_80_columns(tmp_path, name):
    """A long file name gives way (shortened in the middle), never `(editing)` or the findings summary."""
    path = tmp_path / name
    path.write_text((FIXTURES / "red-mesh.yaml").read_text())
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "mesh", "namespace", "Bad Namespace")
        text = str(app.screen.query_one("#top-bar").render())
        summary = str(app.screen._top._summary)
        assert "error" in summary and text.endswith(summary)
        assert "smfed-wizard  " in text and "(editing)" in text and len(text) == 80 - 2
        if len(name) < 30:
            assert name in text
        else:
            shown = text.split("  ")[1].split(" (editing)")[0]
            assert "…" in shown and shown.startswith("production") and shown.endswith(".yaml")


@pytest.mark.parametrize("step", ["mesh", "peers", "exposure", "review", "write", "next"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_an_idle_wizard_does_no_work(red_mesh, monkeypatch, size, step):
    """Nothing typed, nothing to do: no message keeps going round (the hidden preview at 80 columns
    once re-scheduled its scroll after every refresh, a core at 100% for as long as the wizard ran)."""
    from textual.message_pump import MessagePump
    handled = []
    original = MessagePump._dispatch_message

    async def counting(self, message):
        handled.append(type(message).__name__)
        return await original(self, message)

    app = make_app(red_mesh)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, step)
        await pilot.pause(0.3)
        monkeypatch.setattr(MessagePump, "_dispatch_message", counting)
        await pilot.pause(0.5)
        monkeypatch.undo()
    # Callback: the pilot's own pause waiting for the screen; anything else is the wizard working
    assert [name for name in handled if name != "Callback"] == []


async def test_the_preview_scrolls_sideways_only_when_a_line_is_cut(tmp_path, red_mesh):
    """A new file's YAML fits the preview: no horizontal scroll bar (the width, rounded up in steps
    of 16 columns, once went past the view's edge and showed one with nothing to scroll to). The
    red-mesh file has label lines wider than the preview: there it is, and reaches their end."""
    for path, cut in ((tmp_path / "new-mesh.yaml", False), (red_mesh, True)):
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await wizard_ready(pilot)
            preview = app.screen.query_one("#preview")
            await until(pilot, lambda: not preview.has_class("-starting"), "the preview's scroll bars")
            await pilot.pause()
            widest = max(len(line) for line in preview.lines) + preview.gutter_width()
            assert (widest > preview.scrollable_content_region.width) is cut
            assert preview.show_horizontal_scrollbar is cut, path
            assert preview.virtual_size.width >= widest
            if cut:   # in steps of 16 columns, so typing into a long line seldom changes the layout
                assert preview.virtual_size.width % 16 == 0


async def test_the_preview_title_counts_removed_lines(red_mesh):
    """Removing a peer removes lines and changes none: the title said "no changes"."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await pilot.press("ctrl+delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        title = str(app.screen.query_one("#preview-title").render())
        assert len(app.session.mesh.peers) == 1
        assert f"{app.session.removed_line_count()} lines removed" in title and "no changes" not in title


async def _keys_at_once(pilot, *keys: str) -> None:
    """Keys arriving together, as over SSH or from a fast typist: all posted before any is handled,
    and no layout between them but the ones the app does itself (on a slow machine none comes in
    time; here none comes at all, so a test does not pass by luck)."""
    from textual import events
    app = pilot.app
    handled = []
    app.key_handled = handled.append   # screens/key_order.py calls it when a key has been handled
    try:
        with app.batch_update():
            for key in keys:
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            # every key handled (a slow machine takes its time), then what they set off
            await until(pilot, lambda: len(handled) == len(keys), f"{len(keys)} keys handled", timeout=30)
            await pilot.pause(0.1)
    finally:
        del app.key_handled


async def test_keys_arriving_together_are_applied_in_order(red_mesh):
    """Textual runs an Input's editing keys (backspace, arrows, ctrl+u) only after they bubble up to
    the app, while characters go in at once: `End ctrl+u blue` left the name empty (textual #6605;
    screens/key_order.py)."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        name = editor(app, "mesh", "name")
        name.focus()
        await pilot.pause()
        await _keys_at_once(pilot, "end", "ctrl+u", *"blue")
        assert name.value == "blue" and app.session.mesh.name == "blue"
        await _keys_at_once(pilot, "a", "b", "backspace", "c", "left", "d")
        assert name.value == "blueadc"
        assert app.session.invalid_inputs == {}
        # a paste among keys waits its turn too
        from textual import events
        for message in (events.Key("end", None), events.Key("x", "x"), events.Paste("-pasted-"),
                        events.Key("y", "y")):
            app.post_message(message)
        await pilot.pause(0.3)
        assert name.value == "blueadcx-pasted-y"


async def test_a_peer_renamed_by_keys_arriving_together_keeps_no_stale_error(tmp_path):
    """The bug as met in a terminal: ctrl+u then the new name, in one burst, into a new peer's name.
    The emptied name's "is required" stayed behind under the peer's new name, blocking writing."""
    app = make_app(tmp_path / "new-mesh.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await _keys_at_once(pilot, "ctrl+u", *"green-mesh")
        assert [p.name for p in app.session.mesh.peers] == ["green-mesh"]
        assert editor(app, "peer", "name").value == "green-mesh"
        assert app.session.invalid_inputs == {} and app.session.can_write


async def test_keys_arriving_together_across_fields_and_steps_go_where_they_were_typed(tmp_path):
    """Textual hands a key to the widget focused when the app reads it, and tab, ctrl+n and ctrl+o
    move the focus only later: `blue<tab>ns` in one burst filled one field, and a peer name typed
    after ctrl+n ctrl+o went into the mesh name (screens/key_order.py)."""
    app = make_app(tmp_path / "new-mesh.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        await _keys_at_once(pilot, "end", "ctrl+u", *"blue-mesh", "tab", "ctrl+u", *"blue-ns",
                            "ctrl+n", "ctrl+o", "ctrl+u", *"green-mesh", "ctrl+o", "ctrl+u", *"red-mesh")
        mesh = app.session.mesh
        assert (mesh.name, mesh.namespace) == ("blue-mesh", "blue-ns")
        assert [p.name for p in mesh.peers] == ["green-mesh", "red-mesh"]
        assert app.screen.step == "peers" and app.session.invalid_inputs == {}


async def test_a_burst_of_downs_in_the_peer_list_selects_the_peer_it_reaches(tmp_path):
    """The screen followed the list's highlight through a message, and re-synced the list with the
    older choice meanwhile: 24 Downs in one burst stopped at the ninth peer, and what was typed next
    went into that peer's field."""
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh, Peer
    path = tmp_path / "thirty.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=tuple(Peer.new(f"peer-{i}") for i in range(30)))))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await _keys_at_once(pilot, *["down"] * 24, "tab", "tab", "tab", "tab", "end", *"xyz")
        assert app.screen.selected_peer == "peer-24"
        assert app.session.mesh.peer("peer-24").network_view == ("network-peer-24xyz",)
        assert app.session.mesh.peer("peer-9").network_view == ("network-peer-9",)


async def test_a_choice_and_the_field_it_shows_in_one_burst(red_mesh):
    """NodePort shows the node port fields: a choice reached the screen through a message, so a tab
    and a port typed right after it found the form as it was before (the port went nowhere)."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        editor(app, "exposure", "service").focus()
        await pilot.pause()
        await _keys_at_once(pilot, "right", "tab", *"30510")   # the tab skipped the port not yet placed
        exposure = app.session.mesh.peers[0].exposure
        assert (exposure.service_type, exposure.tls_node_port) == ("NodePort", 30510)


async def test_a_write_confirmed_in_the_same_burst_is_written(red_mesh):
    """ctrl+s and y typed together: the y answers the question ctrl+s asks."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        await _keys_at_once(pilot, "ctrl+s", "y")
        assert app.written
    assert "name: east" in red_mesh.read_text()


async def test_clicking_a_step_goes_to_that_step(red_mesh):
    """Each step's line, where it is drawn, takes a click to that step (a click went one step down)."""
    from smfed_tui.screens.step_list import STEPS
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        steps = app.screen.query_one("#step-list")
        for index, (step, title) in reversed(list(enumerate(STEPS))):
            y = steps.content_region.y + 1 + index      # under the "Steps" heading
            await pilot.click(offset=(steps.content_region.x + 3, y))
            await pilot.pause()
            assert app.screen.step == step, (title, y)


async def test_clicking_a_choice_and_a_key_in_the_footer(red_mesh):
    """Where an option or a key's label is drawn, a click picks it (in content coordinates)."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        choice = editor(app, "exposure", "service")
        labels = [label for label, _value in choice.options]
        line, start, _end = choice._layout(choice.content_size.width)[labels.index("NodePort")]
        await pilot.click(offset=(choice.content_region.x + start + 1, choice.content_region.y + line))
        await pilot.pause()
        assert choice.value == "NodePort" and app.session.mesh.peers[0].exposure.service_type == "NodePort"
        keys = app.screen.query_one("#keys")
        texts = [text for _i, text, _enabled in keys._pieces()]
        line, start, _end = keys._layout(keys.content_size.width)[next(
            i for i, text in enumerate(texts) if text.endswith(" Next"))]
        await pilot.click(offset=(keys.content_region.x + start + 1, keys.content_region.y + line))
        await pilot.pause()
        assert app.screen.step == "review"


async def test_help_lists_every_field_with_its_docs_text(red_mesh):
    from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS
    from textual.widgets import Static
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        for fld in MESH_FIELDS + PEER_FIELDS + EXPOSURE_FIELDS:
            assert fld.label in text and fld.help in text
        assert "ctrl+q" in text
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "WizardScreen"
