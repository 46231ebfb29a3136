"""The runbook's commands as an administrator runs them: from DIR, on the cluster each step names.
Every `oc` command carries its context where oc reads it (before exec's `--`), and the re-run command of
the east-west address pause works from DIR with the decisions the first run made, however they were made."""
from __future__ import annotations

import json
import shlex
from pathlib import Path

from smfed_tui.cli import main
from smfed_tui.migrate.build import migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source

GUIDE = Path(__file__).resolve().parent / "fixtures" / "migrate" / "guide"
CONTEXTS = {"east-mesh": "east-ctx", "west-mesh": "west-ctx"}


def test_every_oc_command_takes_its_context_before_the_container_command():
    m = migrate([load_source(str(GUIDE / "east")), load_source(str(GUIDE / "west"))],
                Choices(contexts=CONTEXTS, clients={"east-mesh": "client/curl"}))
    lines = [line for s in m.steps for line in s.command.split("\n") if line.startswith("oc ")]
    execs = [line for line in lines if " exec " in line]
    assert execs
    for line in lines:
        words = shlex.split(line.split(" > ")[0])
        context = [i for i, w in enumerate(words) if w.startswith("--context=")]
        assert len(context) == 1, line
        if "--" in words:     # after `--` it would be curl's option, and oc would use the current context
            assert context[0] < words.index("--"), line


def _pause_rerun(runbook_plan: dict) -> list[str]:
    pause, = [s for s in runbook_plan["steps"] if "loadBalancer" in s["command"]]
    fetch, rerun = pause["command"].split("\n")
    assert rerun.startswith("# smfed-wizard migrate ")
    return shlex.split(rerun[2:].replace("=ADDRESS", "=203.0.113.50"))


def test_the_pause_rerun_works_from_dir_with_the_decisions_made(tmp_path, monkeypatch, capsys):
    # the first run is started elsewhere with relative paths, and its decisions are not all flags
    # (here: plain mode's answers, as the Choices it returns); the re-run is started from DIR
    monkeypatch.chdir(GUIDE)
    choices = Choices(networks={"east-mesh": "east-net"}, remote_networks={"east-mesh:west-mesh": "west-remote"},
                      export_to={"east-mesh": "client"}, clients={"east-mesh": "client/curl"},
                      eastwest_namespace="ew", istio_name="ossm3")
    out = tmp_path / "migration"
    first = migrate([load_source("east"), load_source("west")], choices, str(out))
    assert not first.refusals
    words = _pause_rerun(json.loads(first.files()["plan.json"]))
    assert words[:2] == ["smfed-wizard", "migrate"]
    assert all(Path(w).is_absolute() for w in words[2:4]), words
    out.mkdir()
    monkeypatch.chdir(out)
    assert main(words[1:]) == 0, capsys.readouterr().err
    for name in ("east-mesh/1-smcp-merge-patch.json", "west-mesh/2-export.yaml", "east-mesh/6-istio.yaml"):
        assert (out / name).read_text() == first.files()[name], name
    remote = (out / "east-mesh" / "3-remote-gateways.yaml").read_text()
    assert "203.0.113.50" in remote and "west-remote" in remote
    assert "exportTo:\n  - client" in (out / "east-mesh" / "3-import.yaml").read_text()


def test_the_rerun_command_is_copied_from_the_runbook_as_written(tmp_path):
    # in the prose, Markdown escaping would put backslashes into it (exportTo \\*, \\<address\\>)
    m = migrate([load_source(str(GUIDE / "east")), load_source(str(GUIDE / "west"))], Choices(export_to={"": "*"}),
                str(tmp_path))
    block = m.runbook().split("oc get service eastwestgateway-istio")[1].split("```")[0]
    rerun = next(line.strip() for line in block.splitlines() if line.strip().startswith("# smfed-wizard"))
    assert "\\" not in rerun and "--export-to '*'" in rerun and rerun.endswith("--address west-mesh=ADDRESS")
    prose = next(line for line in m.runbook().splitlines() if "pause: read the east-west gateway's address" in line)
    assert "\\" not in prose and "commented-out command below" in prose


def test_the_rerun_names_a_relative_output_folder_absolutely(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    m = migrate([load_source(str(GUIDE / "east")), load_source(str(GUIDE / "west"))], Choices(), "migration")
    words = _pause_rerun(json.loads(m.files()["plan.json"]))
    assert words[words.index("-o") + 1] == str(tmp_path / "migration")
