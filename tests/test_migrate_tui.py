"""`smfed-wizard migrate --tui` (screens/migrate_view.py): the decisions checked as they are typed, the
preview following them, writing; a refused case writes nothing. Pictures at 120x36 of the guide's
scenario (baselines in snapshots/test_migrate_tui/, each looked at as a PNG before it was accepted)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.pilot import until
from migrate_builders import Federation, Import
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source
from smfed_tui.screens.migrate_view import EXIT_ABORTED, EXIT_OK, EXIT_REFUSED, MigrateApp, MigrateScreen

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "tests/fixtures/migrate/guide"
REMOTE_NETWORK = "#decision-2"      # the third decision: the network east gives west's east-west gateway
SIZE = (120, 36)


@pytest.fixture
def guide_app(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)            # relative SOURCE names on screen, the same on every machine
    sources = [load_source(f"{GUIDE}/east"), load_source(f"{GUIDE}/west")]
    return MigrateApp(sources, Choices(), str(tmp_path / "out"))


def screen_of(app) -> MigrateScreen:
    assert isinstance(app.screen, MigrateScreen)
    return app.screen


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def retype(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.press("ctrl+u", "ctrl+k")     # Textual Input: delete left of the cursor, then right of it
    for ch in text:
        await pilot.press(ch)


async def test_a_forbidden_network_is_refused_as_typed_and_the_fixed_one_is_written(guide_app, tmp_path):
    async with guide_app.run_test(size=SIZE) as pilot:
        screen = screen_of(guide_app)
        await until(pilot, lambda: screen.migration is not None, "the first preview")
        await retype(pilot, REMOTE_NETWORK, "network-west-mesh")
        await until(pilot, lambda: "overwrite the federation ingress" in text_of(guide_app, f"{REMOTE_NETWORK}-problem"),
                    "the problem under the field")
        await until(pilot, lambda: screen.migration is None, "the preview to wait for the fix")
        await pilot.press("ctrl+s")
        assert not (tmp_path / "out").exists()
        await retype(pilot, REMOTE_NETWORK, "west-network")
        await until(pilot, lambda: screen.migration is not None and not screen.field_problems(), "the fixed preview")
        assert text_of(guide_app, f"{REMOTE_NETWORK}-problem") == ""
        await pilot.press("ctrl+s")
    assert guide_app.return_code == EXIT_OK
    assert "network: west-network" in (tmp_path / "out" / "east-mesh" / "3-import.yaml").read_text()
    assert (tmp_path / "out" / "RUNBOOK.md").is_file()


async def test_a_fix_about_a_decision_points_at_its_field_not_a_flag(guide_app):
    async with guide_app.run_test(size=SIZE) as pilot:
        screen = screen_of(guide_app)
        await until(pilot, lambda: screen.migration is not None, "the first preview")
        findings = text_of(guide_app, "#preview-findings")
        assert "SMF334" in findings and "change the field “Client deployment of east-mesh" in findings
        assert "--client" not in findings


async def test_quit_without_writing_is_130(guide_app, tmp_path):
    async with guide_app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
    assert guide_app.return_code == EXIT_ABORTED and not (tmp_path / "out").exists()


async def test_a_refused_case_writes_nothing(tmp_path):
    fed = Federation({"east": "east.local", "west": "west.local"}, [Import("east", "west", "a", "httpbin")]).build()
    del fed.find("west", "ServiceMeshControlPlane")["spec"]["mode"]     # MultiTenant
    app = MigrateApp([load_source(p) for p in fed.write(tmp_path / "in")], Choices(), str(tmp_path / "out"))
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await until(pilot, lambda: screen.migration is not None, "the preview")
        assert "refused" in text_of(app, "#migrate-heading")
        assert "SMF301" in text_of(app, "#preview-findings")
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+q")
    assert app.return_code == EXIT_REFUSED and not (tmp_path / "out").exists()


def test_snapshot_guide(snap_compare, monkeypatch):
    monkeypatch.chdir(ROOT)
    app = MigrateApp([load_source(f"{GUIDE}/east"), load_source(f"{GUIDE}/west")], Choices(), "migration")

    async def shown(pilot):
        await until(pilot, lambda: screen_of(pilot.app).migration is not None, "the preview")
        await pilot.pause()
    assert snap_compare(app, terminal_size=SIZE, run_before=shown)
