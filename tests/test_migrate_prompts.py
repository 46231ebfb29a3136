"""`smfed-wizard migrate --plain`: the decisions asked line by line, driven through prompt_toolkit pipe
input (Enter keeps the value shown, Ctrl-U clears it). A value the rules forbid is refused at the prompt
with the reason, and asked again."""
from __future__ import annotations

from pathlib import Path

import questionary
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from smfed_tui.cli import main
from smfed_tui.migrate.build import migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source
from smfed_tui.migrate.prompts import Asker, ask_decisions

GUIDE = Path(__file__).resolve().parent / "fixtures" / "migrate" / "guide"
ENTER, CLEAR = "\r", "\x15"


def sources():
    return [load_source(str(GUIDE / "east")), load_source(str(GUIDE / "west"))]


def drive(keys: str) -> Choices:
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            return ask_decisions(sources(), Choices(), Asker(questionary))


# the questions, in order: network east, network west, remote network east<-west, exportTo east,
# west's address, east's client, east-west namespace, east-west name, Istio name, Istio version,
# update strategy (a list); "write?" is asked by the command once the findings are shown
def test_enter_keeps_every_default(capsys):
    choices = drive(ENTER * 11)
    m = migrate(sources(), choices)
    assert m.refusals == []
    assert m.decisions.network == {0: "network-east-mesh", 1: "network-west-mesh"}
    assert m.decisions.remote_network == {(0, 1): "west-mesh-network"}
    assert m.decisions.export_to[0] == ("*",) and m.decisions.address == {} and m.decisions.client == {}


def test_typed_values_are_taken_and_a_forbidden_network_is_asked_again(capsys):
    keys = (ENTER * 2
            + CLEAR + "network-west-mesh" + ENTER      # refused: network-<peer> in east
            + CLEAR + "west-network" + ENTER           # the guide's own choice
            + CLEAR + "client" + ENTER
            + "203.0.113.9" + ENTER
            + "client/curl" + ENTER
            + ENTER * 4 + ENTER)
    choices = drive(keys)
    out = capsys.readouterr().out
    assert "network 2.x federation gives peer west-mesh" in out
    m = migrate(sources(), choices)
    assert m.refusals == []
    assert m.decisions.remote_network == {(0, 1): "west-network"}
    assert m.decisions.export_to[0] == ("client",)
    assert m.decisions.address == {1: "203.0.113.9"} and m.decisions.client == {0: ("client", "curl")}


def test_plain_needs_a_terminal(tmp_path, capsys):
    code = main(["migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(tmp_path / "o"), "--plain"])
    assert code == 2 and "needs a terminal" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_the_command_shows_the_findings_before_it_asks_to_write(tmp_path, capsys, monkeypatch):
    from smfed_tui.migrate import prompts
    seen = {}

    def confirm(asker=None):
        seen["before"] = capsys.readouterr().err      # what was printed before the question
        return seen.setdefault("answer", True)
    monkeypatch.setattr(prompts, "ask_decisions", lambda sources, choices, asker=None: choices)
    monkeypatch.setattr(prompts, "confirm_write", confirm)
    out = tmp_path / "out"
    assert main(["migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(out), "--plain"]) == 0
    assert "warning SMF334" in seen["before"] and (out / "plan.json").is_file()
    seen.clear()
    seen["answer"] = False
    assert main(["migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(tmp_path / "no"), "--plain"]) == 130
    assert not (tmp_path / "no").exists()


def test_tui_needs_a_terminal(tmp_path, capsys):
    code = main(["migrate", str(GUIDE / "east"), str(GUIDE / "west"), "-o", str(tmp_path / "o"), "--tui"])
    assert code == 2 and "--tui needs a terminal" in capsys.readouterr().err


def test_an_ipv6_address_given_as_a_flag_is_shown_and_asked_again_not_dropped(capsys):
    # resolve refuses an IPv6 address (SMF313) and leaves it out; the form showed the field empty, so
    # Enter wrote the placeholder and the user's flag was gone without a word
    from smfed_tui.migrate.form import decision_fields, problems
    given = Choices(addresses={"west-mesh": "2001:db8::1"})
    fields = decision_fields(sources(), given)
    address = next(f for f in fields if f.key == "address:west-mesh")
    assert address.value == "2001:db8::1"
    assert "IPv6" in problems(fields, {f.key: f.value for f in fields})["address:west-mesh"]
    with create_pipe_input() as inp:
        inp.send_text(ENTER * 4 + ENTER + CLEAR + "203.0.113.9" + ENTER + ENTER * 6)
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            choices = ask_decisions(sources(), given, Asker(questionary))
    assert "IPv6" in capsys.readouterr().out
    assert choices.addresses == {"west-mesh": "203.0.113.9"}
