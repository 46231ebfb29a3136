"""An SMCP wrapped in a `kind: List` or an RHACM policy is read, validated and edited in place like a
document of its own: positions are the file's, a no-change edit is byte-identical, a new peer only
inserts lines (at the wrapped SMCP's indentation), removing a peer removes only its lines, and
`--smcp` chooses among several SMCPs in one file."""
from __future__ import annotations

import difflib
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from helpers.plain_driver import ENTER, WRITE, drive
from kube_fixtures import kube  # noqa: F401  (a fixture: the real kubectl against the loopback stand-in)
from smfed_tui.cli import main
from smfed_tui.errors import InputError
from smfed_tui.reader import read_mesh
from smfed_tui.session import Session
from smfed_tui.source import parse, require_smcp_v2

FIXTURES = Path(__file__).parent / "fixtures"
GITOPS = FIXTURES / "gitops"
LIST = GITOPS / "list-namespace-smcp.yaml"
POLICY = GITOPS / "policy-two-configurationpolicies.yaml"
BARE_POLICY = GITOPS / "configurationpolicy-bare.yaml"
THREE = GITOPS / "list-three-smcps.yaml"
WRAPPED = [LIST, POLICY, BARE_POLICY]
# the same SMCP as the List's and the policy's, as a document of its own
TOP_LEVEL = (FIXTURES / "edit" / "two-space-compact.yaml").read_text().split("\n", 1)[1]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()   # `--stdout` writes bytes
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    out.flush()
    return rc, out.buffer.getvalue().decode("utf-8"), err.getvalue()


def line_col(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the `nth` occurrence of `needle`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def opcodes(old: str, new: str) -> list[str]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True), autojunk=False)
    return [tag for tag, *_ in matcher.get_opcodes() if tag != "equal"]


@pytest.fixture
def copy(tmp_path):
    def _copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copyfile(source, target)
        return target
    return _copy


# --- finding it ---------------------------------------------------------------------------------------

def test_the_smcp_is_found_in_a_list_and_in_the_second_configuration_policy():
    src = parse(LIST.read_bytes(), "list.yaml")
    assert [o.kind for o in src.objects] == ["List", "Namespace", "ServiceMeshControlPlane"]
    assert src.smcp is src.objects[2].node and (src.smcp.start_mark.line + 1, src.smcp.start_mark.column + 1) == (12, 5)
    pol = parse(POLICY.read_bytes(), "policy.yaml")
    assert [o.kind for o in pol.objects] == ["Policy", "ConfigurationPolicy", "Namespace", "ConfigurationPolicy",
                                             "ServiceMeshControlPlane"]
    assert pol.objects[-1].within == ("Policy/red-mesh-federation", "ConfigurationPolicy/red-mesh-smcp")
    assert [p.name for p in read_mesh(pol).peers] == ["green-mesh", "blue-mesh"]


@pytest.mark.parametrize("path", WRAPPED, ids=lambda p: p.stem)
def test_the_wrapped_smcp_alone_is_a_document_of_its_own(path):
    """What `apply` sends: the SMCP moved to column 1, the List's `- ` and the policy's indentation gone."""
    text = parse(path.read_bytes(), path.name).smcp_text()
    assert text.startswith("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n")
    if path == LIST:   # the List holds the top-level fixture's SMCP, indented under `- `
        assert text == TOP_LEVEL + "# end of the List\n"
    alone = parse(text.encode(), "alone.yaml")
    assert alone.smcp.start_mark.column == 0 and read_mesh(alone) == read_mesh(parse(path.read_bytes(), path.name))


def test_no_smcp_lists_every_kind_found_and_says_where_an_smcp_may_be(tmp_path):
    path = tmp_path / "ns.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n")
    rc, _out, err = run("edit", str(path), "--peer", "x", "--stdout")
    assert rc == 2
    assert "no ServiceMeshControlPlane document in this file (found: List, Namespace)" in err
    assert "point the wizard at the file holding your SMCP" not in err
    assert "an item of a List, or an RHACM policy's objectDefinition" in err


# --- validate ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [LIST, POLICY], ids=lambda p: p.stem)
def test_validate_reports_positions_in_the_file(copy, path):
    """A wrong port name deep inside the wrapped SMCP is reported at its own line and column."""
    target = copy(path)
    text = target.read_text().replace("name: http-discovery", "name: tcp-discovery", 1)
    target.write_text(text)
    rc, out, _err = run("validate", str(target), "--format", "json")
    found = [f for f in json.loads(out) if "tcp-discovery" in f["message"]]
    assert [f["code"] for f in found] == ["SMF041"], out
    assert (found[0]["line"], found[0]["column"]) == line_col(text, "tcp-discovery")
    assert rc == (1 if found[0]["severity"] == "error" else 0)


def test_validate_checks_every_smcp_of_a_file(copy):
    target = copy(THREE)
    text = target.read_text()
    # the second and the third SMCP share a trust domain now: only a check of both can see it
    target.write_text(text.replace("domain: staging.local", "domain: green-mesh.local"))
    rc, out, _err = run("validate", str(target), "--format", "json")
    findings = json.loads(out)
    assert [(f["code"], f["line"]) for f in findings if f["code"] == "SMF012"] == [
        ("SMF012", line_col(text, "green-mesh.local")[0])]
    assert rc == 1


# --- edit ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", WRAPPED, ids=lambda p: p.stem)
def test_a_no_change_edit_is_byte_identical(path):
    rc, out, _err = run("edit", str(path), "--stdout")
    assert rc == 0 and out == path.read_text()


@pytest.mark.parametrize("path", [LIST, POLICY], ids=lambda p: p.stem)
def test_adding_a_peer_only_inserts_lines_at_the_nested_indentation(path):
    before = path.read_text()
    rc, after, err = run("edit", str(path), "--peer", "pink-mesh", "--stdout")
    assert rc == 0, err
    assert set(opcodes(before, after)) == {"insert"}
    _line, egress_col = line_col(before, "egress-blue-mesh:")
    _line, ingress_col = line_col(before, "ingress-blue-mesh:")
    assert line_col(after, "egress-pink-mesh:")[1] == egress_col
    assert line_col(after, "ingress-pink-mesh:")[1] == ingress_col
    # every line added sits inside the wrapped SMCP's block: deeper than its first key
    smcp_col = line_col(before, "apiVersion: maistra.io/v2")[1]
    added = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("+ ")]
    assert added and all(len(line[2:]) - len(line[2:].lstrip(" ")) >= smcp_col for line in added)
    edited = parse(after.encode(), path.name)
    assert [p.name for p in read_mesh(edited).peers] == ["green-mesh", "blue-mesh", "pink-mesh"]
    assert [o.kind for o in edited.objects] == [o.kind for o in parse(before.encode(), path.name).objects]


@pytest.mark.parametrize("path", [LIST, POLICY], ids=lambda p: p.stem)
def test_removing_a_peer_removes_only_its_lines(path):
    before = path.read_text()
    rc, after, err = run("edit", str(path), "--remove-peer", "green-mesh", "--stdout")
    assert rc == 0, err
    assert set(opcodes(before, after)) == {"delete"}
    gone = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]
    assert any("egress-green-mesh:" in line for line in gone) and any("ingress-green-mesh:" in line for line in gone)
    assert not any("blue-mesh" in line or "pruneObjectBehavior" in line for line in gone)
    assert [p.name for p in read_mesh(parse(after.encode(), path.name)).peers] == ["blue-mesh"]


def test_edit_writes_the_file_in_place(copy):
    target = copy(POLICY)
    before = target.read_text()
    assert run("edit", str(target), "--peer", "pink-mesh")[0] == 0
    after = target.read_text()
    assert set(opcodes(before, after)) == {"insert"} and "egress-pink-mesh" in after


# --- several SMCPs: --smcp ------------------------------------------------------------------------------

def test_several_smcps_without_smcp_is_one_clear_error_listing_them(copy):
    target = copy(THREE)
    before = target.read_bytes()
    rc, out, err = run("edit", str(target), "--peer", "pink-mesh")
    assert rc == 2 and out == "" and target.read_bytes() == before
    assert err.startswith(f"{target}:15:3: error: more than one ServiceMeshControlPlane in this file: "
                          "red-mesh-system/red-mesh (line 5), staging-system/red-mesh (line 15), "
                          "green-mesh-system/green-mesh (line 25)\n")
    assert "--smcp NAME (or --smcp NAMESPACE/NAME)" in err and "Traceback" not in err


@pytest.mark.parametrize("selector, namespace", [("green-mesh", "green-mesh-system"),
                                                 ("staging-system/red-mesh", "staging-system"),
                                                 ("red-mesh-system/red-mesh", "red-mesh-system")])
def test_smcp_picks_one_and_edits_only_it(selector, namespace):
    before = THREE.read_text()
    rc, after, err = run("edit", str(THREE), "--smcp", selector, "--peer", "pink-mesh", "--stdout")
    assert rc == 0, err
    assert set(opcodes(before, after)) == {"insert"}
    chosen = ["red-mesh-system", "staging-system", "green-mesh-system"].index(namespace)
    peers = [[p.name for p in read_mesh(parse(after.encode(), "three.yaml", smcp=i)).peers] for i in range(3)]
    assert peers == [["pink-mesh"] if i == chosen else [] for i in range(3)]


@pytest.mark.parametrize("selector, words", [
    ("red-mesh", "--smcp red-mesh names 2 ServiceMeshControlPlanes here: red-mesh-system/red-mesh (line 5), "
                 "staging-system/red-mesh (line 15)"),
    ("blue-mesh", "--smcp blue-mesh: no ServiceMeshControlPlane of that name here; this file holds "
                  "red-mesh-system/red-mesh (line 5), staging-system/red-mesh (line 15), "
                  "green-mesh-system/green-mesh (line 25)"),
])
def test_smcp_that_names_none_or_several_is_refused_with_the_list(selector, words):
    rc, out, err = run("edit", str(THREE), "--smcp", selector, "--stdout")
    assert rc == 2 and out == ""
    assert words in err and "Traceback" not in err


def test_require_smcp_v2_names_the_choice_for_library_callers():
    with pytest.raises(InputError) as info:
        require_smcp_v2(parse(THREE.read_bytes(), "three.yaml"))
    assert "more than one ServiceMeshControlPlane" in info.value.message and info.value.line == 15


# --- the wizard's session -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", WRAPPED, ids=lambda p: p.stem)
def test_the_wizard_session_opens_a_wrapped_smcp_and_keeps_every_other_byte(copy, path):
    target = copy(path)
    session = Session.open(str(target))
    assert session.is_edit and session.is_unchanged() and session.text == path.read_text()
    assert session.manifest().startswith("apiVersion: maistra.io/v2\n")
    session.add_peer("pink-mesh")
    assert set(opcodes(path.read_text(), session.text)) == {"insert"}
    session.write()
    assert "egress-pink-mesh" in target.read_text() and read_mesh(parse(target.read_bytes(), "x")).peer("pink-mesh")


def test_the_wizard_session_keeps_to_the_chosen_smcp_through_a_rename(copy):
    target = copy(THREE)
    with pytest.raises(InputError, match="more than one ServiceMeshControlPlane"):
        Session.open(str(target))
    session = Session.open(str(target), smcp="staging-system/red-mesh")
    assert session.mesh.namespace == "staging-system"
    from dataclasses import replace
    session.update(replace(session.mesh, name="staging-mesh"))   # the selector no longer matches by name
    session.add_peer("pink-mesh")
    assert session.manifest().startswith("apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n"
                                         "  name: staging-mesh\n  namespace: staging-system")
    assert "ingress-pink-mesh" in session.manifest()
    session.write()
    written = parse(target.read_bytes(), "x")
    assert [read_mesh(parse(target.read_bytes(), "x", smcp=i)).name for i in range(3)] == [
        "red-mesh", "staging-mesh", "green-mesh"]
    assert read_mesh(parse(target.read_bytes(), "x", smcp=1)).peer("pink-mesh") and len(written.smcps) == 3


# --- federation resources wrapped the same way --------------------------------------------------------

TWO_MESHES = """\
meshes:
  - name: red-mesh
    addresses: [203.0.113.10]
    exports: [bookinfo/ratings]
  - name: green-mesh
    exposure: NodePort
    addresses: [198.51.100.1]
federate: all
"""


def as_list(*texts: str) -> str:
    """Every document of `texts` as an item of one `kind: List`, indented under `- `."""
    items = []
    for text in texts:
        for doc in text.split("---\n"):
            lines = doc.rstrip("\n").split("\n")
            items.append("\n".join(("- " if i == 0 else "  ") + line for i, line in enumerate(lines)))
    return "apiVersion: v1\nkind: List\nitems:\n" + "\n".join(items) + "\n"


def test_cross_file_checks_read_federation_resources_wrapped_in_a_list(tmp_path):
    topology = tmp_path / "topology.yaml"
    topology.write_text(TWO_MESHES)
    assert run("topology", str(topology), "-o", str(tmp_path / "out"))[0] == 0
    red, green = tmp_path / "out" / "red-mesh", tmp_path / "out" / "green-mesh"
    wrapped = tmp_path / "red-mesh-list.yaml"
    text = as_list((red / "smcp.yaml").read_text(), (red / "federation.yaml").read_text())
    # the ServiceMeshPeer for green-mesh now names a trust domain green-mesh does not have
    text = text.replace("trustDomain: green-mesh.local", "trustDomain: other.local")
    wrapped.write_text(text)
    plain = [str(red / "smcp.yaml"), str(red / "federation.yaml"), str(green / "smcp.yaml"), str(green / "federation.yaml")]
    _rc, out, _err = run("validate", "--format", "json", *plain)
    before = [(f["code"], f["path"]) for f in json.loads(out) if f["file"].startswith(str(red))]
    rc, out, _err = run("validate", "--format", "json", str(wrapped), *plain[2:])
    findings = json.loads(out)
    in_list = [f for f in findings if f["file"] == str(wrapped)]
    # what the plain files get (the peer CA placeholder, SMF112), the wrapped ConfigMap gets too
    assert [(f["code"], f["path"]) for f in in_list if f["code"] == "SMF112"] == [
        (c, p) for c, p in before if c == "SMF112"] != []
    mismatch = [f for f in in_list if "other.local" in f["message"]]
    assert mismatch and (mismatch[0]["line"], mismatch[0]["column"]) == line_col(text, "other.local")
    assert rc == 1


def test_plain_mode_edits_the_smcp_chosen_with_smcp(copy, capsys):
    target = copy(THREE)
    before = target.read_text()
    keys = (ENTER * 2 + "5" + ENTER + ENTER * 4          # version v2.6 -> v2.5, the rest kept
            + "1" + ENTER + "pink-mesh" + ENTER + ENTER * 5 + ENTER   # add a peer, its defaults; done
            + ENTER * 3 + WRITE)                          # its exposure as offered; write
    assert drive(target, keys, smcp="staging-system/red-mesh") == 0, capsys.readouterr().out[-2000:]
    after = target.read_text()
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    changes = [(tag, i1, i2) for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag != "equal"]
    staging = range(line_col(before, "staging-system")[0] - 3, line_col(before, "green-mesh-system")[0] - 3)
    assert changes and all(i1 in staging for _tag, i1, _i2 in changes)   # inside the chosen SMCP only
    assert "    version: v2.5\n" in after and "\n        egress-pink-mesh:\n" in after
    chosen = parse(after.encode(), "three.yaml", smcp="staging-system/red-mesh")
    assert [p.name for p in read_mesh(chosen).peers] == ["pink-mesh"]
    capsys.readouterr()
    assert drive(target, ENTER) == 2 and "more than one ServiceMeshControlPlane" in capsys.readouterr().err


# --- apply ------------------------------------------------------------------------------------------------

def test_apply_sends_the_wrapped_smcp_alone_as_a_document(kube, copy, monkeypatch):   # noqa: F811
    """`apply` of a List (or policy) file sends the chosen SMCP moved to column 1, nothing around it."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))   # no terminal: --yes decides
    target = copy(THREE)
    kube.namespaces.add("green-mesh-system")
    rc, _out, err = run("apply", str(target), "--yes", "--smcp", "green-mesh")
    assert rc == 0, err
    sent = [r for r in kube.requests_for("PATCH", "/servicemeshcontrolplanes/") if "dryRun" not in r.query]
    assert [r.path.rsplit("/", 3)[-3:] for r in sent] == [["green-mesh-system", "servicemeshcontrolplanes",
                                                          "green-mesh"]]
    assert json.loads(sent[0].body) == yaml.safe_load(target.read_text())["items"][2]   # the third item, alone
    rc, _out, err = run("apply", str(target), "--yes")
    assert rc == 2 and "more than one ServiceMeshControlPlane" in err and "--smcp" in err


def test_bundle_takes_smcp_too(copy, tmp_path):
    target = copy(THREE)
    assert run("edit", str(target), "--smcp", "green-mesh", "--peer", "pink-mesh")[0] == 0
    rc, _out, err = run("bundle", str(target), "-o", str(tmp_path / "out"))
    assert rc == 2 and "more than one ServiceMeshControlPlane" in err
    rc, _out, err = run("bundle", str(target), "--smcp", "green-mesh", "-o", str(tmp_path / "out"))
    assert rc == 0, err
    bundle = list(yaml.safe_load_all((tmp_path / "out" / "federation.yaml").read_text()))
    assert {(d["kind"], d["metadata"]["namespace"]) for d in bundle} >= {("ServiceMeshPeer", "green-mesh-system")}


def test_an_smcp_in_object_templates_raw_is_named_as_not_read_where_it_is(tmp_path):
    # a template string is no YAML node of the file: the SMCP there cannot be edited in place, and the
    # message says so at that key instead of claiming the file holds no SMCP
    path = tmp_path / "policy.yaml"
    shutil.copy(GITOPS / "policy-object-templates-raw.yaml", path)
    before = path.read_bytes()
    line, column = line_col(before.decode(), "|")
    for argv in (("validate", str(path)), ("edit", str(path), "--peer", "blue-mesh")):
        rc, out, err = run(*argv)
        said = out + err     # validate reports on stdout, edit on stderr
        assert rc == 2
        assert f"{path}:{line}:{column}: error: no ServiceMeshControlPlane read in this file: a ConfigurationPolicy " \
               "holds its objects in object-templates-raw" in said
        assert "write them as object-templates" in said
    assert path.read_bytes() == before


def test_an_rhacm_template_is_named_as_rhacm_s_not_as_helm_s(tmp_path):
    # RHACM fills `{{hub ... hub}}` in when it copies the policy: "render it with helm template" is no way out
    path = tmp_path / "policy.yaml"
    shutil.copy(GITOPS / "policy-hub-template.yaml", path)
    before = path.read_bytes()
    line, column = line_col(before.decode(), "{{hub")
    for argv in (("validate", str(path)), ("edit", str(path), "--peer", "blue-mesh")):
        rc, out, err = run(*argv)
        assert rc == 2
        assert f"{path}:{line}:{column}: error: an RHACM policy template" in out + err
        assert "helm template" not in out + err
    assert path.read_bytes() == before


def test_a_helm_template_is_still_named_as_such(tmp_path):
    path = tmp_path / "smcp.yaml"
    text = TOP_LEVEL.replace("version: v2.5", "version: {{ .Values.version }}")
    assert text != TOP_LEVEL
    path.write_text(text)
    rc, out, err = run("validate", str(path))
    assert rc == 2 and "helm template" in out + err and "RHACM" not in out + err
