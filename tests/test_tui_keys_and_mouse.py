"""Keys arriving together (tmux send-keys, a paste of key strokes, a slow link) and the mouse: each key and
click lands where the user aimed it. The whole flows are in test_tui_flows.py."""
from __future__ import annotations

from helpers.pilot import editor, go_to, make_app, type_into, until, wizard_ready

SIZE = (120, 36)


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
