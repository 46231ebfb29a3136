"""The startup benchmark's stock screen (benchmarks/stock_app.py) must stay a fair lower bound.

`startup_stock_ratio` says how fast any Textual program showing the wizard's first frame can start.
That claim holds only while the stock screen asks Textual for no more than the wizard does (no more
widgets, one row per Mesh field) and carries nothing of the wizard (none of our modules, no YAML).
Its time is measured by `python benchmarks/run.py --json`, never here (no timed tests).
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, Label

from smfed_tui.fields import MESH_FIELDS
from smfed_tui.screens.app import WizardApp
from smfed_tui.session import Session

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def _stock_module():
    spec = importlib.util.spec_from_file_location("stock_app", BENCHMARKS / "stock_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _first_frame_widgets(app) -> list:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        return [node for node in app.screen.walk_children(with_self=True) if node.display]


async def test_stock_screen_is_no_heavier_than_the_wizards_first_frame(red_mesh):
    stock = await _first_frame_widgets(_stock_module().StockWizard(red_mesh.read_text()))
    wizard = await _first_frame_widgets(WizardApp(Session.open(str(red_mesh)), cursor_blink=False))
    assert len(stock) <= len(wizard), (len(stock), len(wizard))
    # one labelled one-line editor per Mesh field, as the wizard's Mesh step
    assert len([w for w in stock if isinstance(w, Input)]) == len(MESH_FIELDS)
    field_labels = [w for w in stock if isinstance(w, Label)]
    assert len(field_labels) == len(MESH_FIELDS)


def test_stock_screen_loads_nothing_of_the_wizard():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import stock_app; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('smfed_tui', 'screens', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code, str(BENCHMARKS)], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_first_frame_does_not_import_what_only_later_steps_use(red_mesh):
    """What the wizard imports before its first frame is what startup pays for (benchmarks/run.py's
    startup_vs_stock_ratio): the federation resources' builder and inventory, the apply and status
    code come when a later step or command needs them, not at start."""
    code = ("import sys; from smfed_tui.screens import app; from smfed_tui.session import Session; "
            "Session.open(sys.argv[1]); print(sorted(m for m in sys.modules if m.startswith('smfed_tui')))")
    loaded = subprocess.run([sys.executable, "-c", code, str(red_mesh)], capture_output=True, text=True,
                            check=True).stdout
    for later in ("smfed_tui.bundle", "smfed_tui.checks.inventory", "smfed_tui.checks.federation",
                  "smfed_tui.federation_resources", "smfed_tui.apply_plan", "smfed_tui.status.live",
                  "smfed_tui.migrate.build", "smfed_tui.gitops"):
        assert importlib.util.find_spec(later) is not None, f"{later} was renamed: update this list"
        assert f"'{later}'" not in loaded, f"{later} is imported before the first frame"
