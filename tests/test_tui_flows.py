"""Whole flows through the wizard with Pilot: what lands on disk, exit codes, what blocks writing."""
from __future__ import annotations

import difflib
import subprocess
import sys

import pytest

from helpers.pilot import (FIXTURES, choose, click_when_shown, editor, go_to, make_app, node_ports, type_into, until,
                      wizard_ready)
from smfed_tui.fields import EXPOSURE_FIELDS
from smfed_tui.model import free_node_ports

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
        assert "federation resources" not in str(app.screen.body)   # added in this run: nothing of it elsewhere
        await pilot.press("n")                            # keep it
        await pilot.pause()
        assert app.session.mesh.peer("green-mesh") is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session.mesh.peers == ()


async def test_a_peer_added_to_a_node_port_file_gets_a_node_port_ingress_marked_assumed(tmp_path):
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh, Peer
    path = tmp_path / "red-mesh.yaml"   # a cluster without load balancers: its peer's ingress is NodePort
    green = Peer.new("green-mesh").with_exposure(service_type="NodePort", tls_node_port=30510, discovery_node_port=30511)
    path.write_text(generate_text(Mesh.new("red-mesh", peers=(green,))))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.press(*"blue-mesh")
        await go_to(pilot, "exposure")
        assert app.screen.selected_peer == "blue-mesh"
        assert app.session.mesh.peer("blue-mesh").exposure.service_type == "NodePort"
        row = app.screen.step_widget("exposure").row_for(EXPOSURE_FIELDS[0])
        assert "≈\u00a0assumed" in str(row.query_one(".field-label").render())
        assert "assumed from this file's other peers" in str(row.query_one(".field-assumed").render())
        await choose(pilot, "exposure", "service", "LoadBalancer")   # the user's choice: no longer a guess
        assert "assumed" not in str(row.query_one(".field-label").render())
        assert not row.query_one(".field-assumed").display


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
        # the question says what else goes with green-mesh, elsewhere, and how to delete it (by hand)
        body = str(app.screen.body)
        assert "peer green-mesh's federation resources are not in this file" in body
        assert " get servicemeshpeer/green-mesh " in body and " delete servicemeshpeer/green-mesh " in body
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
        await go_to(pilot, "federation")
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


@pytest.mark.parametrize("step", ["mesh", "peers", "exposure", "review", "write", "federation"])
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


async def test_the_preview_never_scrolls_sideways(tmp_path, red_mesh):
    """A new file's YAML fits the preview; the red-mesh file has label lines wider than it: they wrap
    into more rows (test_tui_preview_wrap.py reads them back whole). Neither shows a horizontal scroll
    bar (one once showed with nothing to scroll to; later the label lines were cut at the edge)."""
    for path, wraps in ((tmp_path / "new-mesh.yaml", False), (red_mesh, True)):
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await wizard_ready(pilot)
            preview = app.screen.query_one("#preview")
            await until(pilot, lambda: not preview.has_class("-starting"), "the preview's scroll bars")
            await pilot.pause()
            widest = max(len(line) for line in preview.lines) + preview.gutter_width()
            assert (widest > preview.scrollable_content_region.width) is wraps
            assert (preview.virtual_size.height > len(preview.lines)) is wraps, path
            assert not preview.show_horizontal_scrollbar and preview.max_scroll_x == 0, path


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
