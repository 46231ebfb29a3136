"""The preview follows the work (issue 15 point 9): on every step, whatever has the focus, the preview
highlights the lines the focused field owns and shows them. Walked with tab, as a user does, through
every field of every step of a new file and of an existing file of 50 peers with the last peer selected.

Which lines a field owns is the core's (`placement.owned_lines` over `placement.field_yaml_paths`, the
`smcp_paths` table); what is asserted is the screen: the rows the preview draws with the focus
background, read from what it renders, and that the first owned line is on screen."""
from __future__ import annotations

from helpers.pilot import choose, go_to, make_app, type_into, until
from smfed_tui.edit import generate_text
from smfed_tui.fields import EXPOSURE_FIELDS, PEER_FIELDS
from smfed_tui.model import Mesh, Peer
from smfed_tui.placement import field_yaml_paths, owned_lines
from smfed_tui.screens.tab_order import focusable_in_order
from smfed_tui.source import parse

SIZE = (120, 36)
STEPS = ("mesh", "peers", "exposure", "review", "write", "federation")
TLS = next(f for f in EXPOSURE_FIELDS if f.attr == "tls_node_port")


def drawn_highlight(preview) -> set[int]:
    """The 1-based lines the preview draws with the focus background, among those on screen (a line
    wider than the preview takes several rows)."""
    focus = preview.focus_style().bgcolor
    top = preview.scroll_offset.y
    out = set()
    for y in range(preview.scrollable_content_region.height):
        line = preview.line_at(top + y)
        if line >= len(preview.lines):
            break
        if any(style is not None and style.bgcolor == focus for _t, style, _c in preview.render_line(y)):
            out.add(line + 1)
    return out


def lines_on_screen(preview) -> tuple[set[int], set[int]]:
    """The 1-based lines with a row on screen, and those with their first row on screen."""
    top, height = preview.scroll_offset.y, preview.scrollable_content_region.height
    drawn = [(preview.line_at(row), row) for row in range(top, top + height)]
    drawn = [(line, row) for line, row in drawn if line < len(preview.lines)]
    return {line + 1 for line, _r in drawn}, {line + 1 for line, row in drawn if preview.row_of(line) == row}


def field_lines(app, fld, peer) -> tuple[int, ...]:
    s = app.session
    root = parse(s.output_bytes(), "<test>", trusted=True, smcp=s.smcp_choice).smcp
    return owned_lines(root, field_yaml_paths(s.mesh, fld, peer))


def expected_lines(app, widget) -> tuple[tuple[int, ...], str]:
    """The lines the preview must highlight with `widget` focused, and what they are (for messages)."""
    screen = app.screen
    peer = screen.selected_peer
    row = widget.parent
    fld = getattr(row, "fld", None)
    if screen.step == "federation":
        fo = app.session.federation_resources
        if fld is not None:
            return (fo.focus_line(fld, peer),), f"bundle field {fld.key}"
        if widget.id == "next-list":
            return (fo.focus_line(None, peer),), "the peer's first line"
        return (), widget.id
    if fld is not None:
        return field_lines(app, fld, None if fld.scope == "mesh" else peer), f"field {fld.key}"
    if widget.id in ("peers-list", "remove-peer"):
        return field_lines(app, PEER_FIELDS[0], peer), widget.id
    if widget.id in ("exposure-list",):
        return field_lines(app, EXPOSURE_FIELDS[0], peer), widget.id
    if widget.id == "pick-ports":
        return field_lines(app, TLS, peer), widget.id
    if screen.step == "review":   # the finding highlighted in the list, whatever has the focus there
        found = screen.query("#review-findings")
        if not found or found.first().highlighted is None:
            return (), "no finding"
        finding, place = screen.step_widget("review").listed[found.first().highlighted]
        if place is not None:
            return field_lines(app, *place), "a field whose text is no value"
        return ((finding.line,) if finding.line else ()), f"finding {finding.code}"
    return (), widget.id or type(widget).__name__


def owned_text_check(app, widget, lines: tuple[int, ...]) -> None:
    """Independent of the core's table: a field with a value in the file highlights the line of its key."""
    fld = getattr(widget.parent, "fld", None)
    if fld is None or fld.scope == "bundle" or not lines:
        return
    peer = None if fld.scope == "mesh" else app.screen.selected_peer
    model_peer = app.session.mesh.peer(peer) if peer else None
    location = fld.location(app.session.mesh, model_peer)
    if location is None or fld.get(app.session.mesh, model_peer) in (None, False, ()):
        return
    key = str(location[-1])
    text = app.session.text.split("\n")
    assert any(text[n - 1].strip(" -").startswith(key + ":") for n in lines), (fld.key, key, lines)


async def walk_every_field(pilot) -> list[str]:
    """Tab through every step; the first line of each field's owned lines must be on screen and the
    preview must draw exactly the owned lines it shows with the focus background."""
    app = pilot.app
    screen = app.screen
    preview = screen.query_one("#preview")
    seen = []
    for step in STEPS:
        await go_to(pilot, step)
        widget = screen.step_widget(step)
        if getattr(widget, "has_peers", False):
            last = app.session.mesh.peers[-1].name
            widget.peer_list.highlighted = len(app.session.mesh.peers) - 1
            await until(pilot, lambda: screen.selected_peer == last, "the last peer")
        order = focusable_in_order(widget)
        assert order, step
        screen.set_focus(order[0])
        await pilot.pause()
        for index in range(len(order)):
            focused = screen.focused
            await pilot.pause()
            lines, what = expected_lines(app, focused)
            where = f"{step}: {what}"
            shown, starting = lines_on_screen(preview)
            assert drawn_highlight(preview) == set(lines) & shown, (where, lines, sorted(drawn_highlight(preview)))
            if lines:
                assert lines[0] in starting, (where, lines[0], preview.scroll_offset.y)
            elif step == "write" and app.session.changed_lines():
                assert min(app.session.changed_lines()) in shown, where   # what writing changes, in view
            owned_text_check(app, focused, lines)
            seen.append(where)
            if index + 1 < len(order):
                await pilot.press("tab")
                await until(pilot, lambda: screen.focused is order[index + 1]
                            or screen.focused is not focused, f"{step}: the focus to move on from {what}")
    return seen


async def test_a_new_file_every_field_of_every_step(tmp_path):
    app = make_app(tmp_path / "east.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await pilot.press("ctrl+o", *"green-mesh")
        await go_to(pilot, "exposure")
        await choose(pilot, "exposure", "service", "NodePort")   # the node port fields are shown (empty)
        seen = await walk_every_field(pilot)
    assert "exposure: field discovery-node-port" in seen and "peers: field network" in seen


async def test_fifty_peers_the_last_selected_every_field_of_every_step(tmp_path):
    path = tmp_path / "fifty.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=tuple(Peer.new(f"peer-{i}") for i in range(50)))))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        app.screen.step_widget("exposure").peer_list.highlighted = 49
        await until(pilot, lambda: app.screen.selected_peer == "peer-49", "the last peer")
        await choose(pilot, "exposure", "service", "NodePort")
        await type_into(pilot, "exposure", "tls-node-port", "31443")
        await type_into(pilot, "exposure", "discovery-node-port", "31188")
        seen = await walk_every_field(pilot)
    assert "exposure: field discovery-node-port" in seen and "peers: field router-mode" in seen


def test_the_lines_a_field_owns(red_mesh):
    """The core's answer, on the docs' red-mesh file: a key's line to its value's last line."""
    from smfed_tui.fields import MESH_FIELDS
    from smfed_tui.session import Session
    s = Session.open(str(red_mesh))
    text = s.text.split("\n")
    by_key = {f.key: f for f in MESH_FIELDS + PEER_FIELDS + EXPOSURE_FIELDS}   # a peer's network view wins

    def owned(key, peer="blue-mesh"):
        fld = by_key[key]
        s.set_focus(fld, None if fld.scope == "mesh" else peer)
        return [text[n - 1].strip() for n in s.focus_lines]

    assert owned("network") == ["requestedNetworkView:", "- blue-network"]
    assert owned("router-mode") == ["routerMode: sni-dnat", "routerMode: sni-dnat"]   # both gateways
    egress = owned("egress")
    assert egress[0] == "egress-blue-mesh:" and egress[-1].startswith("name: http-discovery") and len(egress) == 14
    assert owned("name") == egress + owned("ingress")                                 # the peer: both gateways
    assert owned("service") == ["type: LoadBalancer"]
    assert owned("discovery-node-port") == ["- port: 8188"]   # no nodePort yet: where it goes, its port
    assert owned("cluster-name") == ["spec:"]                 # not in the file: its parent
    assert owned("trust-domain") == ["domain: red-mesh.local"]
