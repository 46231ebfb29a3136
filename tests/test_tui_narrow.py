"""80x24 (issue 15 point 12): a word too long for a field's width is not broken silently mid-token.

At 80 columns Federation resources said "'green-mesh-ingress.replace-me.invali" and, on the next line, "d'".
A long word now breaks after a '.', '-' or '/' and the line that goes on starts with a mark."""
from __future__ import annotations

from textual.content import Content

from helpers.pilot import go_to, make_app, until
from smfed_tui.screens.token_wrap import CONTINUED, break_points, wrap_long_words


def test_a_long_word_breaks_after_a_dot_dash_or_slash():
    word = "'green-mesh-ingress.replace-me.invalid'"
    points = break_points(word, 37)
    assert [word[:p][-1] for p in points] == ["."]                      # after "replace-me."
    assert break_points("x" * 25, 10) == [10, 19]                     # none to break at: where it is full
    assert break_points("short", 10) == []


def test_a_broken_word_is_marked_and_keeps_its_styles():
    content = Content.assemble(("warning: ", "bold"), "says 'green-mesh-ingress.replace-me.invalid'")
    lines = [line.plain for line in wrap_long_words(content, 37).wrap(37)]
    assert lines == ["warning: says", "'green-mesh-ingress.replace-me.", f"{CONTINUED}invalid'"]
    assert wrap_long_words(content, 80) is content


async def test_next_steps_at_80x24_breaks_the_placeholder_address_at_a_dot(red_mesh):
    app = make_app(red_mesh)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "federation")
        messages = app.screen.query_one("#field-bundle-address .field-messages")
        await until(pilot, lambda: messages.size.width > 0, "the address field's message laid out")
        await pilot.pause()
        width = messages.content_region.width
        lines = [strip.text.rstrip() for strip in messages.render_lines(messages.region.reset_offset)]
        text = "\n".join(lines)
        assert "replace-me.invali" not in text.replace("replace-me.invalid", "")    # not cut mid-token
        assert any(line.endswith("replace-me.") for line in lines), text
        assert any(line.startswith(f"{CONTINUED}invalid") for line in lines), text
        assert all(len(line) <= width for line in lines)


async def test_review_breaks_a_finding_path_at_a_dot(red_mesh):
    """The findings list folded a path anywhere: "...additionalEgress.egress-g" then "reen-mesh..."."""
    app = make_app(red_mesh)
    async with app.run_test(size=(120, 36)) as pilot:
        await go_to(pilot, "review")
        options = app.screen.query_one("#review-findings")
        prompts = lambda: [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # noqa: E731
        await until(pilot, lambda: any(CONTINUED in p for p in prompts()), "the list fitted to its width")
        said = next(p for p in prompts() if "SMF070" in p)
        assert f"spec.gateways.additionalEgress.\n{CONTINUED}egress-green-mesh.requestedNetworkView" in said
        width = options.scrollable_content_region.width
        assert all(len(line) <= width for p in prompts() for line in p.split("\n") if "additionalEgress" in line)
