"""The wizard in Korean: the main steps as pictures at 80x24 and 120x36, and a layout check
that no label, title or key is cut when Hangul takes two cells per character.

Baselines in snapshots/test_tui_korean/; each was looked at as a picture before it was accepted
(`/work/shared/tools/svg2png`). The language is set for each test and restored afterwards, so the
other tests keep their English.
"""
from __future__ import annotations

import pytest
from rich.cells import cell_len

from helpers.pilot import choose, go_to, make_app, wizard_ready
from smfed_tui.i18n import language

pytestmark = pytest.mark.usefixtures("client_on_path")   # the commands shown name `kubectl`

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.fixture(autouse=True)
def korean():
    with language("ko"):
        yield


def steps(*names):
    async def run_before(pilot):
        for name in names:
            await go_to(pilot, name)
    return run_before


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
class TestKoreanSteps:
    def test_mesh(self, snap_compare, red_mesh, size):
        """The docs' red-mesh: field labels and help from tables 1.7/1.8, v2.2's warning in Korean."""
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=wizard_ready)

    def test_new_file(self, snap_compare, new_file, size):
        assert snap_compare(make_app(new_file), terminal_size=size, run_before=wizard_ready)

    def test_peers(self, snap_compare, red_mesh, size):
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=steps("peers"))

    def test_exposure_node_port(self, snap_compare, red_mesh, size):
        async def run_before(pilot):
            await go_to(pilot, "exposure")
            await choose(pilot, "exposure", "service", "NodePort")
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=run_before)

    def test_review(self, snap_compare, red_mesh, size):
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=steps("review"))

    def test_write(self, snap_compare, red_mesh, size):
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=steps("write"))

    def test_next_steps(self, snap_compare, red_mesh, size):
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=steps("federation"))

    def test_help(self, snap_compare, red_mesh, size):
        async def run_before(pilot):
            await wizard_ready(pilot)
            await pilot.press("f1")
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=run_before)

    def test_remove_peer_dialog(self, snap_compare, red_mesh, size):
        async def run_before(pilot):
            await go_to(pilot, "peers")
            pilot.app.screen.query_one("#peers-list").focus()
            await pilot.press("d")
            await pilot.pause()
        assert snap_compare(make_app(red_mesh), terminal_size=size, run_before=run_before)


# --- nothing cut at 80x24 ------------------------------------------------------------------------------

async def _labels_fit(app, step: str) -> list[str]:
    """Texts of one-line labels (the top bar's file name and mode, field labels, form titles, the step
    list) wider than their widget."""
    from textual.widgets import Label, Static

    from smfed_tui.screens.top_bar import TopBar
    cut = []
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, step)
        screen = pilot.app.screen
        candidates = ([screen.query_one("#top-bar")] + list(screen.query(".field-label"))
                      + list(screen.query(".form-title")))
        for widget in candidates:
            if not widget.display or not isinstance(widget, (Label, Static, TopBar)) or not widget.region.width:
                continue
            text = str(widget.render())
            if cell_len(text.split("\n")[0]) > widget.content_region.width:
                cut.append(text)
        steps_widget = screen.query_one("#step-list")
        for line in str(steps_widget.render()).split("\n"):
            if cell_len(line.rstrip()) > steps_widget.content_region.width:
                cut.append(line)
    return cut


@pytest.mark.parametrize("step", ["mesh", "peers", "exposure"])
async def test_no_label_is_cut_at_80x24(red_mesh, step):
    assert await _labels_fit(make_app(red_mesh), step) == []


async def test_every_key_of_the_key_bar_is_on_screen_at_80x24(red_mesh):
    """The key bar wraps instead of cutting: each key's translated description is fully visible."""
    app = make_app(red_mesh)
    async with app.run_test(size=(80, 24)) as pilot:
        await wizard_ready(pilot)
        bar = pilot.app.screen.query_one("KeyBar")
        shown = str(bar.render())
        pieces = [f"{shown_key} {description}" for _k, shown_key, description, _e, _n in bar._keys]
        assert pieces and all(piece in shown.replace("\n", "  ") for piece in pieces), (pieces, shown)
        assert all(cell_len(line) <= bar.content_region.width for line in shown.split("\n"))
        assert "다음" in shown and "도움말" in shown   # Korean, not the English ids


async def test_a_long_dialog_body_scrolls_above_its_buttons_at_80x24(red_mesh):
    """Removing a peer the file had says what else to delete (in Korean, longer than 80x24 holds): the
    body scrolls, and no line of it goes under the buttons."""
    app = make_app(red_mesh)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "peers")
        pilot.app.screen.query_one("#peers-list").focus()
        await pilot.press("d")
        await pilot.pause()
        body, buttons = pilot.app.screen.query_one(".modal-body-scroll"), pilot.app.screen.query_one(".modal-buttons")
        assert "kubectl delete servicemeshpeer/green-mesh" in str(pilot.app.screen.body)
        assert body.max_scroll_y > 0 and body.region.bottom <= buttons.region.y
        body.scroll_end(animate=False)
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
