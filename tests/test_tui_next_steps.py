"""The federation-resources step: each peer's follow-on resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet,
ImportedServiceSet), prefilled, edited per peer, previewed and written with the safe writer.

The core (`smfed_tui.federation_resources`, reached through `Session.federation_resources`) first, then whole flows with Pilot:
the file the wizard writes is byte for byte what `smfed-wizard bundle` prints for the same values.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.bundle_values import GREEN, GREEN_PEM
from helpers.pilot import go_to, make_app, type_into
from smfed_tui.apply import client_name
from smfed_tui.federation_resources import FIELD_BY_KEY as F
from smfed_tui.session import Session

SIZE = (120, 36)

# The values the flows type (GREEN, helpers.bundle_values, shared with the snapshots), and the `bundle`
# flags that say the same.
BLUE = {"node-ports": "30510,32359", "namespace": "blue-system", "trust-domain": "blue.example",
        "egress": "out-to-red"}
FLAGS = ["--peer-address", "green-mesh=203.0.113.20,green.example.com", "--peer-ca", "green-mesh=green-root.pem",
         "--export", "green-mesh:bookinfo/ratings", "--export", "green-mesh:bookinfo/*",
         "--import", "green-mesh:bookinfo/reviews",
         "--peer-node-ports", "blue-mesh=30510,32359", "--peer-namespace", "blue-mesh=blue-system",
         "--peer-trust-domain", "blue-mesh=blue.example", "--peer-egress", "blue-mesh=out-to-red"]


def bundle_cli(directory: Path, *flags: str) -> bytes:
    """What `smfed-wizard bundle red-mesh.yaml FLAGS` prints, run in the SMCP's directory."""
    done = subprocess.run([sys.executable, "-m", "smfed_tui", "bundle", "red-mesh.yaml", *flags], cwd=directory,
                          capture_output=True, check=True)
    return done.stdout


@pytest.fixture
def with_pem(red_mesh: Path) -> Path:
    shutil.copyfile(GREEN_PEM, red_mesh.parent / "green-root.pem")
    return red_mesh


def fill(session: Session, peer: str, values: dict[str, str]) -> None:
    for key, text in values.items():
        assert session.federation_resources.set_text(F[key], peer, text) is None, key


# --- the core --------------------------------------------------------------------------------------------

def test_prefilled_from_the_conventions_and_the_mesh(red_mesh):
    fo = Session.open(str(red_mesh)).federation_resources
    assert fo.value(F["namespace"], "green-mesh") == "green-mesh-system"
    assert fo.value(F["trust-domain"], "green-mesh") == "green-mesh.local"
    assert fo.value(F["egress"], "green-mesh") == "egress-red-mesh"
    assert fo.value(F["address"], "green-mesh") == () and fo.value(F["ca"], "green-mesh") is None
    assert fo.command() == ["smfed-wizard", "bundle", "red-mesh.yaml"]
    assert fo.text().encode() == bundle_cli(red_mesh.parent)
    assert fo.path_text() == "red-mesh-federation.yaml"
    assert fo.target() == str(red_mesh.parent / "red-mesh-federation.yaml")


def test_values_give_the_same_bytes_as_the_command(with_pem):
    s = Session.open(str(with_pem))
    fill(s, "green-mesh", GREEN)
    fill(s, "blue-mesh", BLUE)
    fo = s.federation_resources
    assert fo.command() == ["smfed-wizard", "bundle", "red-mesh.yaml", *FLAGS]
    assert fo.text().encode() == bundle_cli(with_pem.parent, *FLAGS)
    assert fo.findings() == [] and fo.can_write
    assert fo.command_text().endswith(" > red-mesh-federation.yaml")


def test_text_that_is_no_value_is_refused_and_blocks_writing(red_mesh):
    s = Session.open(str(red_mesh))
    fo = s.federation_resources
    before = fo.text()
    assert "neither an IP address nor a DNS name" in fo.set_text(F["address"], "green-mesh", "10.0.0.1, not an address")
    assert "TLS,DISCOVERY" in fo.set_text(F["node-ports"], "green-mesh", "30510")
    assert "own trust domain" in fo.set_text(F["trust-domain"], "green-mesh", s.mesh.trust_domain)
    assert "NAMESPACE/NAME" in fo.set_text(F["export"], "green-mesh", "ratings")
    assert "is required" in fo.set_text(F["namespace"], "green-mesh", "")
    assert fo.text() == before                      # the previous values stay
    assert fo.blocking == 5 and not fo.can_write
    assert fo.set_text(F["address"], "green-mesh", "10.0.0.1") is None
    assert fo.blocking == 4
    assert fo.set_text(F["address"], "green-mesh", "") is None           # cleared: the placeholder again
    assert fo.value(F["address"], "green-mesh") == () and "green-mesh-ingress.replace-me.invalid" in fo.text()


def test_a_certificate_file_is_read_and_checked(red_mesh, tmp_path):
    fo = Session.open(str(red_mesh)).federation_resources
    assert "file not found" in fo.set_text(F["ca"], "green-mesh", "missing.pem")
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    assert "never be published" in fo.set_text(F["ca"], "green-mesh", str(key))
    shutil.copyfile(GREEN_PEM, red_mesh.parent / "green.pem")
    assert fo.set_text(F["ca"], "green-mesh", "green.pem") is None      # relative to the SMCP's directory
    assert "BEGIN CERTIFICATE" in fo.text() and fo.invalid == {}


def peer_smcp(directory: Path, name: str, *peer_flags: str) -> Path:
    """The SMCP of another mesh, as `smfed-wizard generate` writes it, in `directory`."""
    path = directory / f"{name}.yaml"
    subprocess.run([sys.executable, "-m", "smfed_tui", "generate", "--name", name, *peer_flags, "-o", str(path)],
                   capture_output=True, check=True)
    return path


BLUE_SMCP = ("--namespace", "blue-system", "--trust-domain", "blue.example",
             "--peer", "red-mesh:service=NodePort,tls-node-port=30510,discovery-node-port=32359")


def test_the_peer_smcp_fills_the_peer_facts_as_bundle_peer_smcp_does(red_mesh):
    peer_smcp(red_mesh.parent, "blue-mesh", *BLUE_SMCP)
    s = Session.open(str(red_mesh))
    fo = s.federation_resources
    assert fo.set_text(F["smcp"], "blue-mesh", "blue-mesh.yaml") is None    # relative to the SMCP's directory
    assert [fo.value(F[k], "blue-mesh") for k in ("namespace", "trust-domain", "egress", "node-ports")] == [
        "blue-system", "blue.example", "egress-red-mesh", "30510,32359"]
    assert fo.text().encode() == bundle_cli(red_mesh.parent, "--peer-smcp", "blue-mesh.yaml")
    assert "--peer-smcp" not in fo.command() and "--peer-trust-domain" in fo.command()   # each value has its flag


def test_a_peer_smcp_that_cannot_give_the_facts_says_why(red_mesh):
    directory = red_mesh.parent
    fo = Session.open(str(red_mesh)).federation_resources
    assert "file not found" in fo.set_text(F["smcp"], "blue-mesh", "missing.yaml")
    peer_smcp(directory, "green-mesh", "--peer", "red-mesh")
    assert fo.set_text(F["smcp"], "blue-mesh", "green-mesh.yaml") == "this is the SMCP of 'green-mesh', not of 'blue-mesh'"
    peer_smcp(directory, "blue-mesh", "--peer", "yellow-mesh")
    assert "has no peer named 'red-mesh'" in fo.set_text(F["smcp"], "blue-mesh", "blue-mesh.yaml")
    peer_smcp(directory, "blue-mesh", "--peer", "red-mesh:service=NodePort")
    assert "NodePort without fixed node ports" in fo.set_text(F["smcp"], "blue-mesh", "blue-mesh.yaml")
    assert fo.value(F["namespace"], "blue-mesh") == "blue-mesh-system"      # nothing taken from a refused file
    assert not fo.can_write
    assert fo.set_text(F["smcp"], "blue-mesh", "") is None and fo.invalid == {}


def test_the_step_counts_once_opened(red_mesh):
    s = Session.open(str(red_mesh))
    assert s.federation_resource_counts() is None                       # not opened: nothing to say about it
    assert s.federation_resources.set_text(F["node-ports"], "blue-mesh", "3x") is not None
    assert s.federation_resource_counts() == (1, 4, 0)                  # the bad value; address and CA of two peers


def test_values_follow_a_renamed_peer_and_leave_with_a_removed_one(red_mesh):
    from smfed_tui.fields import PEER_FIELDS
    s = Session.open(str(red_mesh))
    fill(s, "green-mesh", {"address": "203.0.113.20"})
    s.federation_resources.set_text(F["node-ports"], "blue-mesh", "3x")
    s.set_text(PEER_FIELDS[0], "green-mesh", "emerald")
    assert s.federation_resources.value(F["address"], "emerald") == ("203.0.113.20",)
    assert s.federation_resources.value(F["namespace"], "emerald") == "emerald-system"   # the convention follows the name
    s.remove_peer("blue-mesh")
    assert s.federation_resources.invalid == {}
    assert "emerald-ingress" not in s.federation_resources.text() and "203.0.113.20" in s.federation_resources.text()


def test_the_preview_line_of_each_field(with_pem):
    s = Session.open(str(with_pem))
    fill(s, "green-mesh", GREEN)
    fo = s.federation_resources
    lines = fo.text().split("\n")
    for key, start in (("address", "addresses:"), ("ca", "root-cert.pem:"), ("trust-domain", "trustDomain:"),
                       ("export", "exportRules:"), ("import", "importRules:")):
        for peer in ("green-mesh", "blue-mesh"):
            line = fo.focus_line(F[key], peer)
            assert lines[line - 1].strip().startswith(start), (key, peer)
    blue = fo.focus_line(None, "blue-mesh")
    assert lines[blue - 1] == "apiVersion: v1" and "blue-mesh-ca-root-cert" in lines[blue + 2]


def test_write_asks_before_overwriting_and_refuses_a_file_changed_since(red_mesh):
    from smfed_tui.errors import ChangedOnDiskError
    s = Session.open(str(red_mesh))
    fo = s.federation_resources
    target = red_mesh.parent / "red-mesh-federation.yaml"
    plan = fo.prepare_write()
    assert plan.existing is None and not plan.changed_on_disk
    fo.write(plan)
    assert target.read_text() == fo.text() and fo.changed_lines() == set()
    assert fo.prepare_write().unchanged
    fill(s, "green-mesh", {"address": "203.0.113.20"})
    plan = fo.prepare_write()
    assert plan.existing is not None and not plan.changed_on_disk
    assert [line for line in plan.diff.splitlines() if line.startswith("+ ")] == ["+    - 203.0.113.20"]
    target.write_text(target.read_text() + "# someone's note\n")
    with pytest.raises(ChangedOnDiskError):            # changed between the confirmation and the write
        fo.write(plan)
    plan = fo.prepare_write()
    assert plan.changed_on_disk and "-# someone's note" in plan.diff
    fo.forget_write(plan.path)                          # the user was told: the next write asks first
    assert not fo.prepare_write().changed_on_disk


# --- the step, with Pilot -----------------------------------------------------------------------------------

async def fill_step(pilot, values: dict[str, str]) -> None:
    for key, text in values.items():
        await type_into(pilot, "bundle", key, text)


async def select_peer(pilot, index: int) -> None:
    pilot.app.screen.query_one("#next-list").highlighted = index
    await pilot.pause()


async def test_the_step_list_counts_next_steps_on_every_step(red_mesh):
    """Its errors show on the step list wherever the user is; an edit elsewhere that changes them is
    counted again once typing pauses (the cross-file check is too slow for a keystroke on 50 peers)."""
    from smfed_tui.screens.modals import ConfirmModal
    app = make_app(red_mesh)

    def next_line() -> str:
        return str(app.screen.query_one("#step-list").render()).split("\n")[6]

    async with app.run_test(size=SIZE) as pilot:
        assert "✗" not in next_line() and "⚠" not in next_line()   # not opened yet
        await go_to(pilot, "federation")
        await type_into(pilot, "bundle", "node-ports", "3x")   # green-mesh's
        assert next_line().endswith("✗1")
        await go_to(pilot, "peers")
        assert next_line().endswith("✗1")
        app.screen.query_one("#peers-list").focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")                                  # green-mesh goes, and its bad value with it
        await pilot.pause(0.8)
        assert next_line().endswith("⚠2")                       # blue-mesh's address and CA placeholders


async def test_written_file_equals_bundle_output(with_pem):
    app = make_app(with_pem)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        assert app.screen.selected_peer == "green-mesh"
        await fill_step(pilot, GREEN)
        await select_peer(pilot, 1)
        await fill_step(pilot, BLUE)
        shown = app.screen.query_one("#bundle-command").text
        await pilot.press("ctrl+s")
        await pilot.pause()
    written = (with_pem.parent / "red-mesh-federation.yaml").read_bytes()
    assert written == bundle_cli(with_pem.parent, *FLAGS)
    assert "smfed-wizard bundle red-mesh.yaml --peer-address" in shown.replace("\n", " ")
    assert with_pem.read_text() == (Path(__file__).parent / "fixtures" / "tui" / "red-mesh.yaml").read_text()


async def test_after_writing_the_apply_command_is_shown_unwrapped_and_copyable(with_pem):
    """The next thing to run after the write is the apply: it stands in the command box (one line,
    scrollable, c copies it), not inside the wrapped status text, where a pasted command breaks.
    A change afterwards brings back the command that writes the file."""
    app = make_app(with_pem)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "federation")
        await pilot.press("ctrl+s")
        await pilot.pause()
        box, status = app.screen.query_one("#bundle-command"), app.screen.query_one("#bundle-status")
        label = app.screen.query_one("#bundle-command-label")
        assert box.text == f"{client_name(app.kubectl)} apply -f red-mesh-federation.yaml"   # oc where it is installed
        assert str(label.render()).startswith("Apply it on this cluster")
        assert "Wrote red-mesh-federation.yaml" in str(status.render()) and "apply -f" not in str(status.render())
        await pilot.pause(0.3)
        form = app.screen.query_one("#next-step")
        assert box.region.height and form.region.contains_region(box.region)   # scrolled into view at 80x24
        await type_into(pilot, "bundle", "address", "203.0.113.20")
        assert box.text.startswith("smfed-wizard bundle red-mesh.yaml")
        assert str(label.render()).startswith("The same from the command line")


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_write_button_shows_its_whole_label(red_mesh, size):
    """Its key must read whole: cut to "...file  c" it named the key that copies the command."""
    from rich.cells import cell_len
    app = make_app(red_mesh)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, "federation")
        await pilot.pause()
        button = app.screen.query_one("#write-bundle")
        assert str(button.label).endswith("ctrl+s")
        column = button.parent   # the form's column clips what is wider than itself
        assert cell_len(str(button.label)) <= button.content_region.width
        assert button.region.right <= column.content_region.right, (str(button.label), button.region, column.region)


async def test_typing_the_peer_smcp_fills_the_fields_below(red_mesh):
    peer_smcp(red_mesh.parent, "green-mesh", "--namespace", "green-ns", "--trust-domain", "green.example",
              "--peer", "red-mesh")
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        await type_into(pilot, "bundle", "smcp", "green-mesh.yaml")
        shown = {key: app.screen.query_one(f"#field-bundle-{key}-editor").value
                 for key in ("namespace", "trust-domain")}
    assert shown == {"namespace": "green-ns", "trust-domain": "green.example"}


async def test_preview_shows_the_bundle_at_the_field_being_edited(with_pem):
    app = make_app(with_pem)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        await type_into(pilot, "bundle", "address", "203.0.113.20")
        preview = app.screen.query_one("#preview")
        assert preview.lines == app.session.federation_resources.text().rstrip("\n").split("\n")
        assert preview.lines[preview.focus_line - 1].strip() == "addresses:"
        assert preview.focus_line + 1 in preview.changed          # the typed address is marked
        await go_to(pilot, "review")
        assert preview.lines[0] != "apiVersion: v1"               # other steps preview the SMCP again


async def test_overwrite_asks_with_the_diff(red_mesh):
    from smfed_tui.screens.modals import ConfirmModal
    target = red_mesh.parent / "red-mesh-federation.yaml"
    target.write_text("# an older bundle\n")
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "-# an older bundle" in app.screen.diff
        await pilot.press("n")
        await pilot.pause()
        assert target.read_text() == "# an older bundle\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert target.read_text() == app.session.federation_resources.text()


async def test_a_file_changed_after_the_wizard_wrote_it_is_not_overwritten(red_mesh):
    from smfed_tui.screens.modals import NoticeModal
    target = red_mesh.parent / "elsewhere" / "bundle.yaml"
    target.parent.mkdir()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        app.screen.query_one("#bundle-path").focus()
        await pilot.press("end", "ctrl+u", *"elsewhere/bundle.yaml")
        await pilot.press("enter")                                # enter in the file name writes, too
        await pilot.pause()
        assert target.read_text() == app.session.federation_resources.text()
        target.write_text("# edited by hand\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoticeModal) and "-# edited by hand" in app.screen.diff
        assert target.read_text() == "# edited by hand\n"


async def test_a_value_that_is_no_value_blocks_writing(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        await type_into(pilot, "bundle", "address", "not an address")
        row = app.screen.query_one("#field-bundle-address")
        assert row.has_class("-error") and "neither an IP address" in str(
            row.query_one(".field-messages").render())
        assert app.screen.query_one("#write-bundle").disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "✗1" in str(app.screen.query_one("#next-list").get_option_at_index(0).prompt)
    assert not (red_mesh.parent / "red-mesh-federation.yaml").exists()
