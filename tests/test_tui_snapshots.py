"""Pictures of the wizard (pytest-textual-snapshot; baselines in snapshots/test_tui_snapshots/).

One class per feature. Sync tests (snap_compare runs the app itself). Each baseline was looked at as a
picture before it was accepted; update with `pytest --snapshot-update tests/test_tui_snapshots.py`
only after looking at the report.
"""
from __future__ import annotations

import pytest

from helpers.pilot import choose, click_when_shown, go_to, make_app, node_ports, type_into, until, wizard_ready
from kube_fixtures import kube  # noqa: F401  (a fixture, used by `cluster`)
from helpers.apply_app import app_for, cluster, confirm_shown, done, operator_owned, stable_server  # noqa: F401

pytestmark = pytest.mark.usefixtures("client_on_path")   # the commands shown name `kubectl`

WIDE = (120, 36)


def steps(*names):
    async def run_before(pilot):
        for name in names:
            await go_to(pilot, name)
    return run_before


class TestMeshStep:
    def test_new_file(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=wizard_ready)

    def test_filled_from_the_docs_example(self, snap_compare, red_mesh):
        """Every field prefilled from red-mesh.yaml; v2.2 gets its warning under the field."""
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=wizard_ready)

    def test_required_field_left_empty(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await type_into(pilot, "mesh", "name", "")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_name_that_is_not_a_dns_label(self, snap_compare, red_mesh):
        """The name is applied (the preview shows it) and the core explains why it is wrong."""
        async def run_before(pilot):
            await type_into(pilot, "mesh", "name", "Red_Mesh")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_trust_domain_cluster_local(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await type_into(pilot, "mesh", "trust-domain", "cluster.local")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)


class TestPeersStep:
    def test_no_peers_yet(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=steps("peers"))

    def test_filled(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=steps("peers"))

    def test_added_peer_with_defaults(self, snap_compare, new_file):
        async def run_before(pilot):
            await wizard_ready(pilot)
            await pilot.press("ctrl+o", *"green-mesh")
            await pilot.pause()
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=run_before)

    def test_name_taken_by_another_peer(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await go_to(pilot, "peers")
            await type_into(pilot, "peer", "name", "blue-mesh")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_label_collision_on_both_peers(self, snap_compare, red_mesh):
        """blue-mesh's egress label set to green-mesh's: the rule reports it once, both fields show it."""
        async def run_before(pilot):
            await go_to(pilot, "peers")
            pilot.app.screen.query_one("#peers-list").highlighted = 1
            await pilot.pause()
            await type_into(pilot, "peer", "egress-label", "egress-green-mesh")
            pilot.app.screen.query_one("#peers-list").highlighted = 0
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_hostile_peer_name_shown_literally(self, snap_compare, new_file):
        """A peer named `[bold]x[/` is text, not markup: no crash, no bold."""
        async def run_before(pilot):
            await wizard_ready(pilot)
            await pilot.press("ctrl+o", *"[bold]x[/")
            await pilot.pause()
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=run_before)

    def test_remove_asks_first(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await go_to(pilot, "peers")
            await pilot.press("d")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)


class TestExposureStep:
    def test_no_peers_yet(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=steps("exposure"))

    def test_filled(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=steps("exposure"))

    def test_node_ports_picked(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await go_to(pilot, "exposure")
            await choose(pilot, "exposure", "service", "NodePort")
            await click_when_shown(pilot, "#pick-ports")
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_node_port_not_a_number(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await node_ports(pilot, "3x")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_node_port_out_of_range_and_missing_partner(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await node_ports(pilot, "99")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_duplicate_node_port_across_two_peers(self, snap_compare, red_mesh):
        """30510 on both peers: shown under green-mesh's field (the second place) and blue-mesh's."""
        async def run_before(pilot):
            await go_to(pilot, "exposure")
            for index, discovery in ((0, "32359"), (1, "32360")):
                pilot.app.screen.query_one("#exposure-list").highlighted = index
                await pilot.pause()
                await node_ports(pilot, "30510", discovery)
            pilot.app.screen.query_one("#exposure-list").highlighted = 0
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)


class TestReview:
    def test_new_file_without_findings(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=steps("review"))

    def test_findings_and_diff(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await node_ports(pilot, "30510", "32359")
            await go_to(pilot, "review")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_new_file_whole_yaml(self, snap_compare, new_file):
        async def run_before(pilot):
            await wizard_ready(pilot)
            await pilot.press("ctrl+o", *"green-mesh")
            await go_to(pilot, "review")
            pilot.app.screen.query_one("#review-tabs").active = "tab-file"
            await pilot.pause()
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=run_before)


class TestWrite:
    def test_new_file(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=steps("write"))

    def test_write_step(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await type_into(pilot, "mesh", "cluster-name", "east")
            await go_to(pilot, "write")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_blocked_by_errors(self, snap_compare, red_mesh):
        """Write and Apply dimmed in the footer, buttons disabled, the reason said."""
        async def run_before(pilot):
            await type_into(pilot, "mesh", "namespace", "")
            await go_to(pilot, "write")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_overwrite_confirm_shows_the_diff(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await type_into(pilot, "mesh", "cluster-name", "east")
            await pilot.press("ctrl+s")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_new_file_name_taken(self, snap_compare, tmp_path, monkeypatch):
        """Started without FILE: the name asked at the first write is an existing file, refused with why."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "red-mesh.yaml").write_text("keep me\n")

        async def run_before(pilot):
            await wizard_ready(pilot)
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("enter")
        assert snap_compare(make_app(None), terminal_size=WIDE, run_before=run_before)

    def test_changed_on_disk(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await type_into(pilot, "mesh", "cluster-name", "east")
            red_mesh.write_text(red_mesh.read_text().replace("v2.2", "v2.4"))
            await pilot.press("ctrl+s")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)


class TestNextSteps:
    def test_no_peers_yet(self, snap_compare, new_file):
        assert snap_compare(make_app(new_file), terminal_size=WIDE, run_before=steps("federation"))

    def test_follow_on_resources(self, snap_compare, red_mesh):
        """Prefilled from the conventions: green-mesh's values, the bundle on the right."""
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=steps("federation"))

    def test_filled(self, snap_compare, red_mesh):
        """Addresses, a root certificate file and services typed for green-mesh; the preview marks them."""
        import shutil
        from helpers.bundle_values import GREEN, GREEN_PEM
        shutil.copyfile(GREEN_PEM, red_mesh.parent / "green-root.pem")

        async def run_before(pilot):
            await go_to(pilot, "federation")
            for key, text in GREEN.items():
                await type_into(pilot, "bundle", key, text)
            await type_into(pilot, "bundle", "address", GREEN["address"])
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_invalid_value(self, snap_compare, red_mesh):
        async def run_before(pilot):
            await go_to(pilot, "federation")
            await type_into(pilot, "bundle", "node-ports", "30510")
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_written(self, snap_compare, red_mesh):
        """After ctrl+s: the file section, what was written, the command that prints the same."""
        async def run_before(pilot):
            await go_to(pilot, "federation")
            await type_into(pilot, "bundle", "address", "203.0.113.20")
            await pilot.press("ctrl+s")
            await pilot.pause()
            pilot.app.clear_notifications()
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)

    def test_overwrite_confirm_shows_the_diff(self, snap_compare, red_mesh):
        async def run_before(pilot):
            (red_mesh.parent / "red-mesh-federation.yaml").write_text(
                (red_mesh.parent / "red-mesh.yaml").read_text().replace("red-mesh", "old"))
            await go_to(pilot, "federation")
            await type_into(pilot, "bundle", "address", "203.0.113.20")
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, run_before=run_before)


class TestApply:
    """Ctrl+r with the real kubectl against the loopback stand-in (tests/test_tui_apply.py has the flows)."""

    def test_diff_shown(self, snap_compare, red_mesh, cluster, stable_server):
        async def run_before(pilot):
            await pilot.press("ctrl+r")
            await confirm_shown(pilot)
        assert snap_compare(app_for(red_mesh, cluster), terminal_size=WIDE, run_before=run_before)

    def test_conflict_explained(self, snap_compare, red_mesh, cluster, stable_server):
        cluster.seed(operator_owned("v2.5"), manager="istio-operator")

        async def run_before(pilot):
            await pilot.press("ctrl+r")
            await confirm_shown(pilot)
        assert snap_compare(app_for(red_mesh, cluster), terminal_size=WIDE, run_before=run_before)

    def test_success(self, snap_compare, red_mesh, cluster, stable_server):
        async def run_before(pilot):
            await pilot.press("ctrl+r")
            await confirm_shown(pilot)
            await pilot.press("y")
            await done(pilot, "serverside-applied")
            pilot.app.clear_notifications()
            # the toast goes a moment later (under load it was still in the picture)
            await until(pilot, lambda: not pilot.app.screen.query("Toast"), "the toast gone")
            await pilot.pause()
        assert snap_compare(app_for(red_mesh, cluster), terminal_size=WIDE, run_before=run_before)


class TestHelp:
    def test_help_screen(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=WIDE, press=["f1"], run_before=wizard_ready)


class TestSizes:
    def test_80x24_preview_is_a_toggle(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=(80, 24), run_before=wizard_ready)

    def test_80x24_preview_shown(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=(80, 24), press=["f2"], run_before=wizard_ready)

    def test_80x24_exposure(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=(80, 24), run_before=steps("exposure"))

    def test_80x24_overwrite_confirm(self, snap_compare, red_mesh):
        """The diff is shorter and the buttons stay in the dialog (they were pushed out of it)."""
        async def run_before(pilot):
            await type_into(pilot, "mesh", "cluster-name", "east")
            await pilot.press("ctrl+s")
        assert snap_compare(make_app(red_mesh), terminal_size=(80, 24), run_before=run_before)

    def test_160x48(self, snap_compare, red_mesh):
        assert snap_compare(make_app(red_mesh), terminal_size=(160, 48), run_before=steps("peers"))

    def test_160x48_fifty_peers(self, snap_compare, tmp_path):
        """A big file: the preview shows the selected peer's lines, not the top of the file."""
        from smfed_tui.edit import generate_text
        from smfed_tui.model import Mesh, Peer
        path = tmp_path / "fifty.yaml"
        path.write_text(generate_text(Mesh.new("red-mesh", peers=tuple(Peer.new(f"peer-{i}") for i in range(50)))))

        async def run_before(pilot):
            await go_to(pilot, "peers")
            pilot.app.screen.query_one("#peers-list").highlighted = 25
            await pilot.pause()
        assert snap_compare(make_app(path), terminal_size=(160, 48), run_before=run_before)
