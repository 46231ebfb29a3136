"""The wizard under hostile text (Pilot): markup, escape sequences and control characters, from the file
or typed/pasted by the user, are shown literally or refused by validation; the app never crashes,
never runs a markup action, and never sends a control sequence of the text to the terminal.

"What reaches the terminal" is the exact byte string Textual would write for a full repaint
(`render_update(full=True).render_segments(console)`, what the real driver writes; the headless
driver drops it). The payloads carry an OSC title change, a screen clear and an exit from the
alternate screen: none of them may appear raw in it, on any step.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.pilot import editor, go_to, make_app, type_into, wizard_ready
from smfed_tui.fields import MESH_FIELDS, PEER_FIELDS, visible
from smfed_tui.screens.app import run_app

SIZE = (120, 36)
BASE = (Path(__file__).parent / "fixtures" / "edit" / "two-space-compact.yaml").read_text()
RAW = ("\x1b]0;PWNED\x07", "\x1b[2J", "\x1b[?1049l", "\x9b31m")   # title, clear screen, leave alt screen, C1 CSI
MARKUP = "[bold]B[/bold][@click=app.quit]Q[/"
ESCAPED = r"\e]0;PWNED\a\e[2J\e[?1049l\u009b31m"                  # the same, as YAML double-quoted escapes
HOSTILE_FILE = (BASE.replace("# red-mesh control plane", f"# {MARKUP} red-mesh control plane")
                .replace("  version: v2.5\n", f'  version: v2.5\n  cluster:\n    name: "{ESCAPED}{MARKUP}"\n'
                                              f'    network: "[red]net\\t\\x07"\n')
                .replace("      egress-blue-mesh:\n", f'      "egress-blue-mesh{ESCAPED}":\n')
                .replace("      ingress-blue-mesh:\n", f'      "ingress-blue-mesh{ESCAPED}":\n'))


def terminal_output(app) -> str:
    """What a real terminal driver would be sent to paint the whole screen now."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


def screen_text(app) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal_output(app))


def assert_terminal_safe(app) -> None:
    out = terminal_output(app)
    for seq in RAW:
        assert seq not in out, f"{seq!r} reached the terminal"
    # no control character at all from the text: only the SGR/cursor sequences Textual itself writes
    stripped = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", stripped), repr(
        re.search(".{0,20}[\x00-\x08\x0b-\x1f\x7f-\x9f].{0,20}", stripped).group())


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_FILE)
    return path


async def test_hostile_file_contents_are_shown_literally_on_every_step(hostile):
    app = make_app(hostile)
    assert app.session.mesh.cluster_name.startswith("\x1b]0;PWNED")  # the file really holds the controls
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        assert_terminal_safe(app)
        assert MARKUP in screen_text(app)                     # the comment, in the preview, as written
        assert editor(app, "mesh", "cluster-name").value == visible(app.session.mesh.cluster_name)
        for step in ("peers", "exposure", "review", "write", "federation", "mesh"):
            await go_to(pilot, step)
            assert_terminal_safe(app)
        await pilot.press("f1")
        await pilot.pause()
        assert_terminal_safe(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running                                 # `[@click=app.quit]` ran nothing
        await pilot.press("ctrl+q")
    assert app.return_code == 130
    assert hostile.read_text() == HOSTILE_FILE


@pytest.mark.parametrize("name", ["[@click=app.quit]x", "[bold]y[/", "[/]", "[link=http://x]z[/link]", "a\\[b"])
async def test_typed_markup_in_a_peer_name_is_literal_and_refused_by_validation(new_file, name):
    app = make_app(new_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.press(*name)
        await pilot.pause()
        assert app.is_running
        assert app.session.mesh.peers[0].name == name
        assert not app.session.can_write                      # not a DNS label: an error blocks writing
        assert name in screen_text(app)                       # the peer list shows it as typed
        assert_terminal_safe(app)
        for step in ("exposure", "review", "write", "federation"):
            await go_to(pilot, step)
            assert app.is_running
            assert_terminal_safe(app)
        await pilot.press("ctrl+s")                            # says why it cannot write
        await pilot.pause()
        assert not new_file.exists()
        await pilot.press("n", "ctrl+q", "y")                   # close that; quit asks: the new file is not written
    assert app.return_code == 130


async def test_pasted_escape_sequences_are_shown_escaped_and_refused(red_mesh):
    from textual import events
    app = make_app(red_mesh)
    before = red_mesh.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "")
        field = editor(app, "mesh", "cluster-name")
        field.post_message(events.Paste("c1" + "".join(RAW) + "\nsecond line"))
        await pilot.pause()
        assert field.value == "c1" + visible("".join(RAW))
        assert_terminal_safe(app)
        assert "\x1b" not in (app.session.mesh.cluster_name or "")
        await go_to(pilot, "peers")
        await type_into(pilot, "peer", "name", "")
        await pilot.press(*"ok")
        editor(app, "peer", "name").post_message(events.Paste("\x1b[2J"))
        await pilot.pause()
        assert_terminal_safe(app)
        assert all("\x1b" not in p.name for p in app.session.mesh.peers)
        await pilot.press("ctrl+q")
    assert red_mesh.read_bytes() == before


def test_fields_show_control_characters_as_escapes_and_refuse_them():
    for fld in MESH_FIELDS + PEER_FIELDS:
        if fld.kind in ("text", "list"):
            assert "\x1b" not in fld.format(("a\x1bb",) if fld.kind == "list" else "a\x1bb")
            assert fld.problem("a\x1bb") == "contains the control character U+001B"
    assert visible("a\x00\x07\x1b\x7f\x85\x9fz\u2028é") == "a\\x00\\x07\\x1b\\x7f\\x85\\x9fz\u2028é"


def test_cli_flags_refuse_control_characters_too(capsys):
    from smfed_tui.cli import main
    assert main(["generate", "--name", "red", "--cluster-name", "c\x1b]0;x\x07"]) == 2
    err = capsys.readouterr().err
    assert "control character U+001B" in err and "\x1b" not in err


@pytest.mark.parametrize("content", [
    "a: &x [1, *x]\n",
    "[" * 10_000 + "]" * 10_000 + "\n",
    "\x1b]0;PWNED\x07\n",
], ids=["recursive-alias", "deep", "raw-escape"])
def test_the_wizard_refuses_hostile_files_before_any_ui(tmp_path, capsys, content):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert run_app(str(path)) == 2
    err = capsys.readouterr().err
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error: ", err) and "\x1b" not in err


def test_error_messages_never_carry_raw_control_characters(tmp_path):
    """The CLI prints names from the file in its messages: they must not smuggle escapes to the terminal."""
    path = tmp_path / "smcp.yaml"
    path.write_text(HOSTILE_FILE)
    proc = subprocess.run([sys.executable, "-m", "smfed_tui", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    for seq in RAW:
        assert seq not in proc.stdout + proc.stderr
