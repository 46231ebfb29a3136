"""Each field is declared once (`smfed_tui.fields`) and rendered three ways: a CLI flag, a plain-mode
questionary prompt and a Textual form row. These tests hold the three to the one declaration, so
they cannot drift apart.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
from pathlib import Path

import pytest
import questionary
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from smfed_tui.cli import build_parser
from smfed_tui.fields import EXPOSURE_FIELDS, MESH_FIELDS, PEER_FIELDS, PEER_OPTION_FIELDS
from smfed_tui.plain import run_plain

ALL_FIELDS = MESH_FIELDS + PEER_FIELDS + EXPOSURE_FIELDS
ENTER = "\r"


def subparser(name: str) -> argparse.ArgumentParser:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[name]


def flag(parser: argparse.ArgumentParser, option: str) -> argparse.Action:
    return next(a for a in parser._actions if option in a.option_strings)


# --- the CLI flags -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["generate", "edit"])
def test_every_mesh_flag_is_the_field_with_its_help(command):
    parser = subparser(command)
    for fld in MESH_FIELDS:
        action = flag(parser, f"--{fld.key}")
        assert action.help.startswith(fld.help), fld.key
        assert action.dest == f"mesh_{fld.attr}"
        for choice in fld.choices:
            assert choice in action.help, (fld.key, choice)


@pytest.mark.parametrize("command", ["generate", "edit"])
def test_every_peer_and_exposure_field_is_a_peer_key(command):
    peer_help = flag(subparser(command), "--peer").help
    assert set(PEER_OPTION_FIELDS) == {f.key for f in PEER_FIELDS[1:] + EXPOSURE_FIELDS}
    for key, fld in PEER_OPTION_FIELDS.items():
        assert key in peer_help
        assert PEER_OPTION_FIELDS[key] is fld


# --- the plain prompts ---------------------------------------------------------------------------------

@pytest.fixture
def asked(red_mesh, monkeypatch) -> list[tuple[str, str | None, str]]:
    """(message, instruction, default) of every prompt of one plain-mode run that visits every field:
    editing the red-mesh example, changing a peer's gateways (routerMode is set there), renaming it,
    switching it to NodePort and typing the node ports."""
    seen: list[tuple[str, str | None, str]] = []
    for kind in ("text", "select", "confirm"):
        real = getattr(questionary, kind)

        def recording(message, *args, _real=real, **kwargs):
            default = kwargs.get("default")
            seen.append((message, kwargs.get("instruction"), "" if default is None else str(default)))
            return _real(message, *args, **kwargs)
        monkeypatch.setattr(questionary, kind, recording)
    path = red_mesh
    keys = (ENTER * 7                                   # the mesh fields, as they are
            + "2" + ENTER + ENTER + ENTER * 6           # change green-mesh's gateways: all six kept
            + "3" + ENTER + ENTER + ENTER               # rename green-mesh: name kept
            + "5" + ENTER                               # done
            + "2" + ENTER + "2" + ENTER + "30510" + ENTER + "32359" + ENTER + ENTER   # NodePort, typed
            + ENTER * 3                                 # blue-mesh as it is
            + "6" + ENTER)                              # review: quit without writing
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            assert run_plain(str(path)) == 130
    return seen


def test_every_field_is_asked_with_its_label_and_help(asked):
    prompts = {(message, instruction) for message, instruction, _ in asked}
    for fld in ALL_FIELDS:
        assert (fld.label, fld.help) in prompts, f"{fld.scope} field {fld.key!r} was not asked as declared"


def test_prompts_for_fields_are_prefilled_with_the_file_values(asked):
    defaults = {message: default for message, _, default in asked}
    expected = {"Mesh name": "red-mesh", "Control plane namespace": "red-mesh-system", "Version": "v2.2",
                "Trust domain": "red-mesh.local", "Image pull policy": "Always",
                "Egress gateway": "egress-green-mesh", "Requested network view": "green-network",
                "Router mode": "sni-dnat", "Ingress service type": "LoadBalancer"}
    labels = {f.label for f in ALL_FIELDS}
    for label, value in expected.items():
        assert label in labels
        assert defaults[label] == value, label


# --- the Textual form ----------------------------------------------------------------------------------

def screens_dir() -> Path | None:
    spec = importlib.util.find_spec("smfed_tui.screens")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0])
    return path if any(path.glob("*.py")) else None


def fields_imported_by(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "fields":
            names.update(alias.name for alias in node.names)
    return names


def test_the_textual_form_renders_the_same_field_objects():
    where = screens_dir()
    if where is None:
        pytest.skip("no smfed_tui.screens package yet: the CLI and plain renderings are checked above")
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(where.glob("*.py"))}
    imported = set().union(*(fields_imported_by(src) for src in sources.values()))
    for name in ("MESH_FIELDS", "PEER_FIELDS", "EXPOSURE_FIELDS"):
        assert name in imported, f"no screens module imports fields.{name}"
    # no screen restates a field's label or help as its own string: it would drift from the declaration
    for file, source in sources.items():
        literals = {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant)
                    and isinstance(n.value, str)}
        for fld in ALL_FIELDS:
            assert fld.help not in literals, (file, fld.key)


# --- the one table of SMCP paths ---------------------------------------------------------------------

def test_every_field_of_the_model_has_its_place_in_the_one_table_and_reads_back():
    """A field written to the SMCP finds its path in smcp_paths' table (by scope and attribute), and
    what is written there for a peer with every exposure value set reads back as the same model."""
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Exposure, Mesh, Peer
    from smfed_tui.reader import read_mesh
    from smfed_tui.source import parse
    peer = Peer.new("green-mesh")
    peer = Peer(**{**peer.__dict__, "router_mode": "standard",
                   "exposure": Exposure("NodePort", 30510, 32359, aws_nlb=True, route_enabled=False)})
    mesh = Mesh.new("red-mesh", peers=(peer,), cluster_name="east", network="net-east", image_pull_policy="Always")
    for fld in ALL_FIELDS:
        if (fld.scope, fld.attr) != ("peer", "name"):   # a peer's name lives nowhere of its own
            assert fld.location(mesh, peer), fld.key
    back = read_mesh(parse(generate_text(mesh).encode(), "x.yaml"))
    assert back == mesh
    assert back.peers[0].exposure == peer.exposure


def test_every_exposure_place_is_in_an_area_of_the_exposure_step():
    """The Exposure step shows the findings of the areas smcp_paths names: a new exposure row outside
    every area would show its findings on the Peers step."""
    from smfed_tui.smcp_paths import EXPOSURE_AREAS, EXPOSURE_PLACES, path_text
    for place in EXPOSURE_PLACES:
        text = "." + path_text(place.path)
        assert any("." + path_text(area) in text for area in EXPOSURE_AREAS), place.path
