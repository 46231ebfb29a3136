"""The preview uses the width (issue 15 point 9): at 120 columns the form keeps what its fields need and
the preview gets the rest; a line still too wide soft-wraps instead of being cut at the right edge,
going on after its own indentation and ↪, its number on its first row only, the changed mark and the
focus background on all its rows; the preview still follows the focused field when lines above it
wrap. At 160 columns a typical file needs no wrapping.

What is asserted is what the preview draws, read back row by row as a user reads the screen."""
from __future__ import annotations

from helpers.pilot import go_to, make_app, type_into, until, wizard_ready
from smfed_tui.edit import generate_text
from smfed_tui.model import Mesh, Peer
from smfed_tui.screens.line_wrap import break_offsets

CONTINUED = "↪"
# long peer names, as a fleet named by team, region and environment has them
LONG = tuple(f"payments-{i:02d}-eastern-region-production" for i in range(12))


def write_mesh(tmp_path, peers: tuple[str, ...]):
    path = tmp_path / "red-mesh.yaml"
    path.write_text(generate_text(Mesh.new("red-mesh", peers=tuple(Peer.new(p) for p in peers))))
    return path


def drawn_rows(preview) -> list[tuple[str, list]]:
    """Every row the preview draws, top to bottom (scrolled through a screen at a time): its text and
    its segments."""
    height = preview.scrollable_content_region.height
    total = preview.virtual_size.height
    rows: dict[int, tuple[str, list]] = {}
    for top in range(0, max(total, 1), height):
        preview.scroll_to(y=top, animate=False)
        at = preview.scroll_offset.y
        for y in range(height):
            if at + y < total and at + y not in rows:
                strip = preview.render_line(y)
                rows[at + y] = (strip.text, list(strip))
    return [rows[row] for row in sorted(rows)]


def read_back(preview) -> list[tuple[str, list[str]]]:
    """The lines as the preview shows them: (number, the texts of its rows after the gutter), a row
    with a blank gutter going on from the line above."""
    gutter = preview.gutter_width()
    digits = gutter - 2
    lines: list[tuple[str, list[str]]] = []
    for text, _segments in drawn_rows(preview):
        number, body = text[:digits].strip(), text[gutter:]
        if number:
            lines.append((number, [body]))
        else:
            assert lines, "the first row goes on from nothing"
            lines[-1][1].append(body)
    return lines


def indentation(line: str) -> int:
    """Where a YAML line's content starts: after its indentation and '- ' marks."""
    return len(line) - len(line.lstrip(" -"))


def assert_every_line_whole(preview, source: list[str]) -> int:
    """Each line of `source` is on screen whole: its rows, joined, hold all of it (nothing cut at the
    right edge), the rows it goes on in start at its content's column with ↪. Returns how many wrap."""
    shown = read_back(preview)
    assert [number for number, _rows in shown] == [str(n) for n in range(1, len(source) + 1)]
    wrapped = 0
    for (number, rows), line in zip(shown, source):
        joined = rows[0].rstrip()
        for row in rows[1:]:
            mark = row.index(CONTINUED)
            assert row[:mark].strip() == "" and mark == indentation(line), (number, row)
            joined += row[mark + 1:].rstrip()
        assert "".join(joined.split()) == "".join(line.split()), (number, rows)   # (a break's space: a row's end)
        assert rows[0].startswith(line[:indentation(line)]), (number, rows[0])
        wrapped += len(rows) > 1
    assert not preview.show_horizontal_scrollbar and preview.max_scroll_x == 0   # nothing to scroll sideways to
    return wrapped


async def test_at_120_columns_every_line_reads_whole_and_the_form_keeps_its_minimum(tmp_path):
    app = make_app(write_mesh(tmp_path, LONG[:3]))
    async with app.run_test(size=(120, 36)) as pilot:
        await go_to(pilot, "peers")
        preview = app.screen.query_one("#preview")
        await until(pilot, lambda: not preview.has_class("-starting"), "the preview's scroll bars")
        await pilot.pause()
        form, pane = app.screen.query_one("#switcher"), app.screen.query_one("#preview-pane")
        # the form keeps what the peer fields beside the list need; the preview takes the rest
        assert form.size.width >= 48 and pane.size.width > 50   # more than the half it had
        for key in ("name", "egress", "ingress-label"):
            assert app.screen.query_one(f"#field-peer-{key}-editor").size.width >= 24, key
        source = app.session.text.rstrip("\n").split("\n")
        assert max(len(line) for line in source) + preview.gutter_width() > preview.size.width   # it must wrap
        assert assert_every_line_whole(preview, source) >= 6   # each peer's two label lines, at least


async def test_at_160_columns_a_typical_file_needs_no_wrapping(tmp_path):
    """Peer names as they usually are (the labels' lines 73 columns long): one row each, none cut."""
    app = make_app(write_mesh(tmp_path, ("prod-eastus-mesh", "prod-westus-mesh")))
    async with app.run_test(size=(160, 45)) as pilot:
        await wizard_ready(pilot)
        preview = app.screen.query_one("#preview")
        await until(pilot, lambda: not preview.has_class("-starting"), "the preview's scroll bars")
        await pilot.pause()
        source = app.session.text.rstrip("\n").split("\n")
        assert max(map(len, source)) >= 73      # longer than the 70 columns the preview once had here
        assert assert_every_line_whole(preview, source) == 0
        assert preview.virtual_size.height == len(source)
        assert not any(CONTINUED in text for text, _s in drawn_rows(preview))


async def test_the_preview_follows_the_field_below_wrapped_lines(tmp_path):
    """The last of 12 peers with long names: every peer's label lines above it take several rows. The
    lines its ingress label owns are on screen, each row of them with the focus background; typed into,
    the changed mark is on each of its rows and the number on the first only."""
    app = make_app(write_mesh(tmp_path, LONG))
    async with app.run_test(size=(120, 36)) as pilot:
        await go_to(pilot, "peers")
        screen = app.screen
        screen.step_widget("peers").peer_list.highlighted = len(LONG) - 1
        await until(pilot, lambda: screen.selected_peer == LONG[-1], "the last peer")
        await type_into(pilot, "peer", "ingress-label", f"ingress-{LONG[-1]}-x")
        preview = screen.query_one("#preview")
        line = preview.focus_line
        text = app.session.text.split("\n")[line - 1]
        assert text.strip().startswith("federation.maistra.io/ingress-for:") and text.endswith("-x")
        assert line in preview.changed
        focus = preview.focus_style().bgcolor
        top, height = preview.scroll_offset.y, preview.scrollable_content_region.height
        drawn = [preview.render_line(y) for y in range(height)]
        highlighted = [y for y, strip in enumerate(drawn)
                       if any(s.style is not None and s.style.bgcolor == focus for s in strip)]
        assert highlighted, "the focused line is not on screen"
        rows = [drawn[y].text for y in highlighted]
        gutter = preview.gutter_width()
        assert rows[0][:gutter - 2].strip() == str(line)                  # its number on the first row
        assert len(rows) >= 2 and all(row[:gutter - 2].strip() == "" and CONTINUED in row for row in rows[1:])
        assert all(row[gutter - 2] == "▌" for row in rows)               # changed: every row marked
        joined = rows[0][gutter:].rstrip() + "".join(row.split(CONTINUED, 1)[1].rstrip() for row in rows[1:])
        assert "".join(joined.split()) == "".join(text.split())
        # a third of the way down or so: in the upper two thirds of the screen, the whole line shown
        assert 0 < highlighted[0] <= (height * 2) // 3 and highlighted[-1] < height
        # its row: past its line number by at least a row for each of the 23 label lines above it
        assert top + highlighted[0] >= line - 1 + 2 * len(LONG) - 1


def test_breaks_fall_between_words_then_parts_and_nothing_is_lost():
    line = "                federation.maistra.io/ingress-for: ingress-payments-eastern-region-production"
    for width in (20, 30, 46, 50, 60, 80):
        indent = min(16, width // 2)
        cuts = break_offsets(line, width, indent)
        pieces = [line[a:b] for a, b in zip((0, *cuts), (*cuts, len(line)))]
        assert "".join(pieces) == line
        assert len(pieces[0]) <= width and all(len(p) <= width - indent - 1 for p in pieces[1:]), (width, pieces)
        assert (len(pieces) > 1) is (len(line) > width)
    assert break_offsets(line, 50, 16)[0] == 50       # full up to the space: 'key:' | ' value'
    assert break_offsets("    note: a b c d e f g h i j k l", 20, 4) == (20,)   # after the last space that fits
    pieces = break_offsets("    addr: green-mesh-ingress.replace-me.invalid", 40, 10)
    assert "    addr: green-mesh-ingress.replace-me."[pieces[0] - 1] in " ."   # at a space, or a dot
    wide = "    키: 컨트롤 플레인 네임스페이스 컨트롤 플레인 네임스페이스"
    from rich.cells import cell_len
    cuts = break_offsets(wide, 20, 4)
    pieces = [wide[a:b] for a, b in zip((0, *cuts), (*cuts, len(wide)))]
    assert "".join(pieces) == wide and cell_len(pieces[0]) <= 20 and all(cell_len(p) <= 15 for p in pieces[1:])
