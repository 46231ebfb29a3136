"""Colour only for a person at a terminal: pipes and NO_COLOR get the plain compiler lines."""
import io

from smfed_tui.colour import write_diff, write_finding


class Tty(io.StringIO):
    def isatty(self):
        return True


HEAD = "f.yaml:3:5: error SMF021 cannot define additional gateway named '[bold]x[/'"


def test_a_pipe_gets_plain_text():
    out = io.StringIO()
    write_finding(out, HEAD, "error", "fix: pick another name")
    assert out.getvalue() == HEAD + "\n  fix: pick another name\n"


def test_a_terminal_gets_colour_and_user_text_stays_literal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Tty()
    write_finding(out, HEAD, "error", "fix: pick another name")
    text = out.getvalue()
    assert "\x1b[" in text
    assert "'[bold]x[/'" in text  # not taken as markup


def test_no_color_wins_over_a_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    write_diff(out, "--- a\n+++ b\n-old\n+new\n")
    assert out.getvalue() == "--- a\n+++ b\n-old\n+new\n"


def test_a_diff_on_a_terminal_marks_added_and_removed_lines(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Tty()
    write_diff(out, "-old\n+new\n")
    assert "\x1b[31m-old" in out.getvalue() and "\x1b[32m+new" in out.getvalue()
