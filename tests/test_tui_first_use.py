"""A first session as a new administrator has it (issue: first use without surprises): quitting,
writing a new file, where the focus lands, the name a new file starts with, an empty peer list."""
from __future__ import annotations

from helpers.pilot import go_to, make_app, type_into, until, wizard_ready
from smfed_tui.new_file import mesh_name_for, name_problem

SIZE = (120, 36)


def _is_quit_question(app) -> bool:
    from smfed_tui.screens.quit_question import QUIT_QUESTION
    return app.screen.has_class(QUIT_QUESTION)


async def test_ctrl_q_asks_before_it_drops_unwritten_work(red_mesh):
    """ctrl+q (the footer's Quit) quit at once and lost the changes; esc on the first step asked."""
    before = red_mesh.read_bytes()
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "cluster-name", "east")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: _is_quit_question(app), "the quit question")
        assert "2 lines changed" in str(app.screen.body)
        await pilot.press("n")                                   # Stay: the work is still there
        await until(pilot, lambda: app.screen.__class__.__name__ == "WizardScreen", "back to the wizard")
        assert app.return_code is None and app.session.mesh.cluster_name == "east"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: _is_quit_question(app), "the quit question again")
        await pilot.press("ctrl+q")                              # a second ctrl+q on the question quits
    assert app.return_code == 130 and red_mesh.read_bytes() == before


async def test_ctrl_q_quits_at_once_when_nothing_is_unwritten(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        await pilot.press("ctrl+q")
    assert app.return_code == 130


async def test_a_new_file_is_confirmed_with_where_it_goes_and_its_size(tmp_path):
    """The README and help promised a confirmation that a new file did not get: it was written at once."""
    from smfed_tui.screens.modals import ConfirmModal
    path = tmp_path / "red-mesh.yaml"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await pilot.press("ctrl+o", *"green-mesh")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        body = str(app.screen.body)
        assert "Create red-mesh.yaml?" in str(app.screen.title_content)
        assert f"in {tmp_path}" in body and f"{len(app.session.output_bytes())} bytes" in body
        await pilot.press("n")
        await pilot.pause()
        assert not path.exists() and not app.written
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question again")
        await pilot.press("y")
        await until(pilot, lambda: app.written, "the write")
    assert path.read_bytes() == app.session.output_bytes()


async def test_after_writing_letters_typed_on_act_on_nothing(tmp_path):
    """After writing, focus landed in the federation-resources peer list, where `a` adds a peer: text typed on
    created peer-2 and was lost."""
    app = make_app(tmp_path / "red-mesh.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        await pilot.press("ctrl+o", *"green-mesh", "ctrl+s", "y")
        await until(pilot, lambda: app.written and app.screen.step == "federation", "Federation resources after the write")
        await pilot.pause()
        await pilot.press(*"add", "d")
        await pilot.pause()
        assert [p.name for p in app.session.mesh.peers] == ["green-mesh"]
        assert app.screen.focused is None


async def test_a_new_file_takes_its_mesh_name_from_the_file_name(tmp_path):
    """`smfed-wizard prod-east.yaml` started as red-mesh / red-mesh-system / red-mesh.local."""
    app = make_app(tmp_path / "prod-east.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        mesh = app.session.mesh
        assert (mesh.name, mesh.namespace, mesh.trust_domain) == ("prod-east", "prod-east-system", "prod-east.local")


async def test_a_file_name_that_is_no_mesh_name_is_said_with_what_to_type(tmp_path):
    app = make_app(tmp_path / "Prod_East.yml")
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        await pilot.pause()
        assert app.session.mesh.name == "red-mesh"
        shown = [n.message for n in app._notifications]
        assert any("Prod_East is no mesh name" in m and "type its name in the first field" in m for m in shown)


def test_mesh_name_for_a_file_name():
    assert mesh_name_for("/x/prod-east.yaml") == "prod-east" and name_problem("/x/prod-east.yaml") is None
    assert mesh_name_for("green.YML") == "green"
    assert mesh_name_for("Prod_East.yaml") == "red-mesh" and "Prod_East" in name_problem("Prod_East.yaml")
    assert mesh_name_for(None) == "red-mesh" and name_problem(None) is None


async def test_enter_on_add_peer_adds_one_when_the_list_is_empty(tmp_path):
    """With no peer, nothing was highlighted, so Enter on "+ add peer" did nothing."""
    app = make_app(tmp_path / "red-mesh.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        assert app.screen.focused is app.screen.query_one("#peers-list")
        await pilot.press("enter")
        await until(pilot, lambda: len(app.session.mesh.peers) == 1, "a peer added")


async def test_guessed_next_steps_values_are_marked_assumed_until_kept_or_typed(red_mesh):
    """The peer's namespace, trust domain and egress gateway (which make the clientID) looked like typed
    values; the core says which are assumed (FederationResources.assumption), the form marks them."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        step = app.screen.current_step_widget()

        def marked(key: str) -> bool:
            row = next(r for r in step.rows if r.fld.key == key)
            return row._assumed is not None and row._assumed.display and "≈\u00a0assumed" in str(
                row.query_one(".field-label").render())

        assert marked("namespace") and marked("trust-domain") and marked("egress")
        note = str(next(r for r in step.rows if r.fld.key == "namespace")._assumed.render())
        assert "assumed from" in note and "Enter keeps it" in note
        step.row_for(next(r.fld for r in step.rows if r.fld.key == "namespace")).focus_editor()
        await pilot.press("enter")                                # keep the namespace shown
        await until(pilot, lambda: not marked("namespace"), "the namespace confirmed")
        await type_into(pilot, "bundle", "trust-domain", "green.example")   # typed: the user's, not a guess
        await until(pilot, lambda: not marked("trust-domain"), "the trust domain typed")
        assert marked("egress")


async def test_review_lists_errors_first_and_says_what_to_do_for_a_field_that_is_no_value(red_mesh):
    """Review listed by line (a hint above two errors), and a peer name already taken read
    "SMF000 ... (document) fix: type a valid value"."""
    from smfed_tui.findings import SEVERITY_ORDER
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "mesh", "trust-domain", "cluster.local")          # an error, late in the file
        await go_to(pilot, "peers")
        await type_into(pilot, "peer", "name", "blue-mesh")                        # taken: no value
        await go_to(pilot, "review")
        review = app.screen.step_widget("review")
        listed = review.listed
        # (the peer is renamed as the name is typed: it is blue-mes when blue-mesh turns out to be taken)
        assert listed[0] == (None, (listed[0][1][0], "blue-mes")) and listed[0][1][0].key == "name"
        severities = [SEVERITY_ORDER[f.severity] for f, _place in listed[1:]]
        assert severities == sorted(severities) and severities[0] == 0
        shown = str(review.query_one("#review-findings").get_option_at_index(0).prompt)
        assert "Peer mesh name of peer blue-mes" in shown and "SMF000" not in shown
        assert "fix: type a value this field takes" in shown
        await pilot.press("enter")                                                # goes to that field
        await until(pilot, lambda: app.screen.focused is app.screen.query_one("#field-peer-name-editor"),
                    "the peer name field")


async def test_commands_to_copy_are_never_wrapped_at_80x24(red_mesh):
    """At 80x24 the kubectl commands were soft-wrapped, so a copy-paste broke them; and the Write step
    spoke of the preview "on the right" (later "as the preview shows it") where there is none."""
    from textual.widgets import Static
    app = make_app(red_mesh)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "write")
        box = app.screen.query_one("#apply-command-lines")
        lines = box.text.split("\n")
        assert len(lines) == 3 and lines[0].startswith("kubectl diff --server-side")
        inner = box.query_one(Static)
        await until(pilot, lambda: inner.size.height > 0, "the commands laid out")
        assert inner.size.height == 3 and inner.size.width > box.size.width   # one line each; it scrolls
        said = str(app.screen.query_one("#apply-commands").render())
        # at 80x24 the preview is hidden: the text must not point at it as if it were there
        assert "on the right" not in said and "preview shows" not in said and "f2 shows its YAML" in said


async def test_focus_and_the_chosen_value_read_without_colour(red_mesh):
    """A focused field differed from the others by a near-identical shade, and a choice showed its value
    by colour only: a glyph marks each, so the screen reads in monochrome (NO_COLOR)."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await wizard_ready(pilot)
        name_label = app.screen.query_one("#field-mesh-name .field-label")
        version = app.screen.query_one("#field-mesh-version-editor")
        assert str(name_label.render()).startswith("▸ Mesh name")          # the first field has focus
        assert "[v2.2]" in version.render().plain and "[v2.3]" not in version.render().plain
        version.focus()
        await pilot.press("right")
        await until(pilot, lambda: "[v2.3]" in version.render().plain, "the choice moved")
        assert not str(name_label.render()).startswith("▸")
        assert str(app.screen.query_one("#field-mesh-version .field-label").render()).startswith("▸ Version")


async def test_titles_say_whose_gateway_and_which_direction(red_mesh):
    """"Exposure: blue-mesh" read like blue-mesh's own exposure (it is this mesh's ingress for blue-mesh),
    and Federation resources' "Peer's node ports" is the other direction without saying so."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "exposure")
        title = str(app.screen.query_one("#exposure-step .form-title").render())
        assert title == "This mesh's ingress for green-mesh"
        await go_to(pilot, "federation")
        label = str(app.screen.query_one("#field-bundle-node-ports .field-label").render())
        assert "Node ports of the peer's ingress, which this mesh dials" in label


async def test_the_preview_takes_the_width_the_form_does_not_need(red_mesh):
    """At 160 columns the preview cut YAML lines at about 60 columns while 50 columns of the form stayed
    empty: the form stops growing where its fields have room, the preview takes the rest."""
    app = make_app(red_mesh)
    async with app.run_test(size=(160, 45)) as pilot:
        await wizard_ready(pilot)
        await pilot.pause()
        form, preview = app.screen.query_one("#switcher"), app.screen.query_one("#preview-pane")
        assert form.size.width <= 64 and preview.size.width >= 70


async def test_quitting_asks_while_the_federation_resources_file_is_not_written(red_mesh):
    """The SMCP written, values typed on Federation resources but their file not: ctrl+q quit at once and lost them."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "federation")
        await type_into(pilot, "bundle", "address", "203.0.113.20")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: _is_quit_question(app), "the quit question")
        body = str(app.screen.body)
        assert "red-mesh-federation.yaml is not written" in body and "red-mesh.yaml" not in body.replace(
            "red-mesh-federation.yaml", "")
        await pilot.press("y")
    assert app.return_code == 130


async def test_the_peer_shown_is_marked_in_the_list_without_colour(red_mesh):
    """The peer whose fields are shown was marked by the highlight's colour only."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        peers = app.screen.query_one("#peers-list")
        shown = lambda: [str(peers.get_option_at_index(i).prompt) for i in range(2)]   # noqa: E731
        assert shown() == ["▸ green-mesh", "  blue-mesh"]
        await pilot.press("down")
        await until(pilot, lambda: shown() == ["  green-mesh", "▸ blue-mesh"], "the mark moved")
        assert app.screen.selected_peer == "blue-mesh"


async def test_the_preview_brings_the_fields_lines_up_from_the_bottom(red_mesh):
    """On Peers the preview stayed where it was while the peer's gateway stood on its last lines, its
    block below the screen: the lines a field owns are brought a third of the way down."""
    app = make_app(red_mesh)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "peers")
        preview = app.screen.query_one("#preview")
        await pilot.press("down")                                   # blue-mesh: its egress gateway, line 28
        await until(pilot, lambda: app.screen.selected_peer == "blue-mesh", "blue-mesh shown")
        await pilot.pause()
        line = preview.focus_line
        height = preview.scrollable_content_region.height
        # in rows: a line above it may wrap into several
        assert line is not None and preview.row_of(line - 1) - preview.scroll_offset.y <= (height * 2) // 3
        assert preview.scroll_offset.y > 0
