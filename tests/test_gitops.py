"""`topology -o DIR` for GitOps: a kustomization per mesh that the real `kubectl kustomize` builds, an
RHACM policy per mesh (`--acm`) holding exactly the plain files' objects and itself readable by
`validate` and `edit`, and an Argo CD ApplicationSet (`--argocd`) with an Application per mesh."""
from __future__ import annotations

import difflib
import io
import json
import os
import subprocess
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from kube_fixtures import kubectl_path
from smfed_tui.cli import main
from smfed_tui.gitops import REPO_URL_PLACEHOLDER, path_in_repository
from smfed_tui.source import parse
from smfed_tui.topology import TopologyError, parse_topology

THREE = """\
meshes:
  - name: red-mesh
    addresses: [203.0.113.10]
    exports: [bookinfo/ratings]
    cluster: red-cluster
  - name: green-mesh
    namespace: green-system
    exposure: NodePort
    addresses: [198.51.100.1, 198.51.100.2]
    nodePortBase: 30510
    cluster: green-cluster
  - name: blue-mesh
    exposure: NodePort
    addresses: [blue.example.com]
    cluster: green-cluster
federate: all
"""
MESHES = ("red-mesh", "green-mesh", "blue-mesh")
REPO = "https://git.example.com/platform/fleet.git"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    out.flush()
    return rc, out.buffer.getvalue().decode("utf-8"), err.getvalue()


@pytest.fixture
def written(tmp_path) -> Path:
    """The 3-mesh topology written with every GitOps output."""
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--acm", "rhacm-policies",
                        "--argocd", "openshift-gitops", "--repo-url", REPO, "--repo-path", "federation/out")
    assert rc == 0, err
    return tmp_path / "out"


def plain_objects(folder: Path) -> list[dict]:
    return [doc for name in ("smcp.yaml", "federation.yaml")
            for doc in yaml.safe_load_all((folder / name).read_text()) if doc]


def by_identity(objects: list[dict]) -> list[tuple]:
    return sorted((o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"], json.dumps(o, sort_keys=True))
                  for o in objects)


# --- kustomize ----------------------------------------------------------------------------------------

def test_real_kubectl_kustomize_builds_every_mesh_folder_into_its_plain_objects(written):
    for mesh in MESHES:
        folder = written / mesh
        assert sorted(os.listdir(folder)) == ["federation.yaml", "kustomization.yaml", "policy.yaml", "smcp.yaml"]
        built = subprocess.run([kubectl_path(), "kustomize", str(folder)], capture_output=True, text=True, timeout=60)
        assert built.returncode == 0, built.stderr
        objects = [doc for doc in yaml.safe_load_all(built.stdout) if doc]
        assert by_identity(objects) == by_identity(plain_objects(folder))
        # the policy is for the hub: in the kustomization it would send every object twice
        assert yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"] == ["smcp.yaml",
                                                                                            "federation.yaml"]
        assert not any(o["kind"] == "Policy" for o in objects)


def test_the_kustomization_is_written_without_gitops_flags_and_nothing_else_is(tmp_path):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    assert run("topology", str(topology), "-o", str(tmp_path / "out"))[0] == 0
    assert sorted(os.listdir(tmp_path / "out")) == sorted(MESHES)
    assert sorted(os.listdir(tmp_path / "out" / "red-mesh")) == ["federation.yaml", "kustomization.yaml", "smcp.yaml"]


# --- RHACM ----------------------------------------------------------------------------------------------

def policy_documents(folder: Path) -> dict[str, dict]:
    docs = [doc for doc in yaml.safe_load_all((folder / "policy.yaml").read_text()) if doc]
    assert [d["kind"] for d in docs] == ["Policy", "Placement", "PlacementBinding"]
    return {d["kind"]: d for d in docs}


@pytest.mark.parametrize("mesh, cluster", [("red-mesh", "red-cluster"), ("green-mesh", "green-cluster"),
                                           ("blue-mesh", "green-cluster")])
def test_the_policy_holds_exactly_the_plain_objects_and_is_placed_on_the_mesh_cluster(written, mesh, cluster):
    docs = policy_documents(written / mesh)
    policy, placement, binding = docs["Policy"], docs["Placement"], docs["PlacementBinding"]
    assert {d["metadata"]["namespace"] for d in docs.values()} == {"rhacm-policies"}
    (template,) = policy["spec"]["policy-templates"]
    configuration = template["objectDefinition"]
    assert configuration["kind"] == "ConfigurationPolicy"
    held = configuration["spec"]["object-templates"]
    assert {t["complianceType"] for t in held} == {"musthave"}
    assert [t["objectDefinition"] for t in held] == plain_objects(written / mesh)
    assert placement["apiVersion"] == "cluster.open-cluster-management.io/v1beta1"
    assert placement["spec"]["predicates"] == [{"requiredClusterSelector": {"labelSelector": {"matchExpressions": [
        {"key": "name", "operator": "In", "values": [cluster]}]}}}]
    assert binding["placementRef"] == {"apiGroup": "cluster.open-cluster-management.io", "kind": "Placement",
                                       "name": placement["metadata"]["name"]}
    assert binding["subjects"] == [{"apiGroup": "policy.open-cluster-management.io", "kind": "Policy",
                                    "name": policy["metadata"]["name"]}]


def findings_of(*paths: Path) -> set[tuple[str, str, str]]:
    _rc, out, _err = run("validate", "--format", "json", *map(str, paths))
    return {(f["code"], f["severity"], f["path"]) for f in json.loads(out)}


def test_the_policy_file_is_validated_like_the_plain_files(written):
    others = [written / m / f for m in ("green-mesh", "blue-mesh") for f in ("smcp.yaml", "federation.yaml")]
    plain = findings_of(written / "red-mesh" / "smcp.yaml", written / "red-mesh" / "federation.yaml", *others)
    assert plain   # the CA placeholders at least: the comparison below compares something
    assert findings_of(written / "red-mesh" / "policy.yaml", *others) == plain


def test_a_policy_beside_the_plain_files_it_wraps_is_no_second_mesh(written):
    """`validate out/*/*.yaml` reads each mesh twice (policy.yaml holds its smcp.yaml and federation.yaml):
    the copies are one mesh, so no trust domain 'is also used', no node port collides, and every resource
    still finds its SMCP."""
    plain = [written / m / f for m in MESHES for f in ("smcp.yaml", "federation.yaml")]
    both = plain + [written / m / "policy.yaml" for m in MESHES]
    assert findings_of(*both) == findings_of(*plain)
    assert not {code for code, _severity, _path in findings_of(*both)} & {"SMF012", "SMF052", "SMF100"}


def test_the_policy_file_is_edited_in_place(written):
    path = written / "red-mesh" / "policy.yaml"
    before = path.read_text()
    rc, out, _err = run("edit", str(path), "--stdout")
    assert rc == 0 and out == before
    rc, out, err = run("edit", str(path), "--peer", "pink-mesh", "--stdout")
    assert rc == 0, err
    old, new = before.splitlines(), out.splitlines()
    tags = {t for t, *_ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if t != "equal"}
    assert tags == {"insert"}
    key = next(line for line in new if line.strip() == "egress-pink-mesh:")
    sibling = next(line for line in old if line.strip() == "egress-green-mesh:")
    assert len(key) - len(key.lstrip()) == len(sibling) - len(sibling.lstrip())
    assert parse(out.encode(), "policy.yaml").smcp is not None


def test_acm_needs_a_cluster_for_every_mesh_and_says_each_one_missing(tmp_path):
    topology = tmp_path / "fleet.yaml"
    text = THREE.replace("    cluster: green-cluster\n", "")
    topology.write_text(text)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--acm", "rhacm-policies")
    assert rc == 2 and not (tmp_path / "out").exists()
    for mesh in ("green-mesh", "blue-mesh"):
        line = text.splitlines().index(f"  - name: {mesh}") + 1
        assert (f"{topology}:{line}:5: error: mesh '{mesh}' has no `cluster:`; --acm needs the cluster each mesh "
                "runs on\n  fix: add `cluster: NAME` to the mesh") in err
    assert "red-mesh" not in err


def test_a_policy_name_rhacm_cannot_copy_is_refused(tmp_path):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--acm", "n" * 50)
    assert rc == 2 and "longer than 63 characters" in err and not (tmp_path / "out").exists()



ROOTS = Path(__file__).resolve().parent / "fixtures" / "migrate" / "roots"
ROOT_LINES = {"red-mesh": "    exports: [bookinfo/ratings]\n", "green-mesh": "    nodePortBase: 30510\n",
              "blue-mesh": "    addresses: [blue.example.com]\n"}


def _with_roots(tmp_path, meshes) -> Path:
    text = THREE
    for mesh, pem in zip(meshes, ("east-root.pem", "west-root.pem", "north-root.pem")):
        (tmp_path / pem).write_text((ROOTS / pem).read_text())
        text = text.replace(ROOT_LINES[mesh], ROOT_LINES[mesh] + f"    rootCertFile: {pem}\n")
    topology = tmp_path / "fleet.yaml"
    topology.write_text(text)
    return topology


def test_each_placeholder_root_is_said_once_naming_the_policy_that_enforces_it(tmp_path):
    topology = _with_roots(tmp_path, ["red-mesh", "green-mesh"])     # blue-mesh has no root
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--acm", "rhacm-policies")
    assert rc == 0, err
    # blue-mesh's placeholder is in red-mesh's and green-mesh's files: one line each, not one more per policy
    named = [line for line in err.splitlines() if "blue-mesh-ca-root-cert" in line]
    assert len(named) == 2, err
    for mesh in ("red-mesh", "green-mesh"):
        [line] = [line for line in named if line.startswith(f"warning: {tmp_path / 'out' / mesh / 'federation.yaml'}: ")]
        assert "rootCertFile: PEM_FILE` to mesh blue-mesh" in line
        assert f"before the hub gets {tmp_path / 'out' / mesh / 'policy.yaml'}, which holds the placeholder too" in line
        assert "REPLACE ME" in (tmp_path / "out" / mesh / "policy.yaml").read_text()
    assert "REPLACE ME" not in (tmp_path / "out" / "blue-mesh" / "policy.yaml").read_text()


def test_acm_says_which_namespaces_must_exist_on_which_cluster(written, tmp_path):
    topology = tmp_path / "fleet.yaml"     # written by the fixture; run again to read the notes
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "again"), "--acm", "rhacm-policies")
    assert rc == 0, err
    note = next(line for line in err.splitlines() if "the policies create no namespace" in line)
    assert "blue-mesh-system (green-cluster), green-system (green-cluster), red-mesh-system (red-cluster) must " \
           "exist on their clusters first" in note


def test_no_placeholder_note_once_every_root_is_given(tmp_path):
    topology = _with_roots(tmp_path, ["red-mesh", "green-mesh", "blue-mesh"])
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--acm", "rhacm-policies")
    assert rc == 0 and "holds a placeholder" not in err and "REPLACE ME" not in err, err

def test_the_written_folders_validate_as_a_whole_each_kustomization_said_skipped(tmp_path):
    topology = _with_roots(tmp_path, list(MESHES))
    out = tmp_path / "out"
    assert run("topology", str(topology), "-o", str(out), "--acm", "rhacm-policies")[0] == 0
    files = sorted(str(f) for f in out.glob("*/*.yaml"))   # what the shell makes of out/*/*.yaml
    rc, report, err = run("validate", *files)
    assert rc == 0, report + err
    assert [line for line in report.splitlines() if "skipped" in line] == [
        f"{out / mesh / 'kustomization.yaml'}: skipped: a Kustomization (kustomize.config.k8s.io) lists what "
        "kustomize builds; it is no object validate checks (validate the files it lists)" for mesh in sorted(MESHES)]
    assert report.splitlines()[-1] == "0 errors, 0 warnings, 0 hints in 9 files"
    rc, report, err = run("validate", *files, "--format", "json")   # the JSON stays a list of findings
    assert rc == 0 and json.loads(report) == [] and err.count(": skipped: a Kustomization") == 3, err


@pytest.mark.parametrize("name, text, said", [
    ("kustomization.yaml", "resources:\n- smcp.yaml\n", None),     # kustomize needs no apiVersion or kind
    ("base.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n", None),
    ("kustomization.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: red}\n", "(found: Namespace)"),
    ("other.yaml", "resources:\n- smcp.yaml\n", "(found: no Kubernetes object)"),
])
def test_only_kustomize_files_are_skipped_and_nothing_but_them_is_no_pass(tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text)
    rc, report, err = run("validate", str(path))
    assert rc == 2
    if said is None:   # skipped, and then nothing was checked: not a pass
        assert ": skipped: a " in report and "nothing to validate: every file given is kustomize's or Argo CD's own" in err
    else:              # any other file that holds nothing to check keeps its error
        assert "no ServiceMeshControlPlane document in this file " + said in report and "skipped" not in report


# --- Argo CD ------------------------------------------------------------------------------------------

def test_the_application_set_makes_one_application_per_mesh_on_its_cluster(written):
    assert sorted(os.listdir(written)) == sorted(MESHES + ("applicationset.yaml",))
    appset = yaml.safe_load((written / "applicationset.yaml").read_text())
    assert (appset["kind"], appset["metadata"]) == ("ApplicationSet", {"name": "smfed-fleet",
                                                                       "namespace": "openshift-gitops"})
    (generator,) = appset["spec"]["generators"]
    assert generator["list"]["elements"] == [
        {"mesh": "red-mesh", "cluster": "red-cluster", "namespace": "red-mesh-system", "path": "federation/out/red-mesh"},
        {"mesh": "green-mesh", "cluster": "green-cluster", "namespace": "green-system",
         "path": "federation/out/green-mesh"},
        {"mesh": "blue-mesh", "cluster": "green-cluster", "namespace": "blue-mesh-system",
         "path": "federation/out/blue-mesh"}]
    template = appset["spec"]["template"]
    assert appset["spec"]["goTemplate"] is True
    assert template["metadata"]["name"] == "smfed-{{.mesh}}"
    assert template["spec"]["source"] == {"repoURL": REPO, "targetRevision": "HEAD", "path": "{{.path}}"}
    assert template["spec"]["destination"] == {"name": "{{.cluster}}", "namespace": "{{.namespace}}"}


def test_the_application_set_is_said_skipped_by_validate_not_refused_as_a_template(written):
    """Argo CD's `{{.mesh}}` are values inside YAML strings: validate says the ApplicationSet points at
    folders and is no object it checks, and does not call it a Helm/Jinja template to render first."""
    appset = str(written / "applicationset.yaml")
    rc, report, err = run("validate", appset, *sorted(str(f) for f in written.glob("*/smcp.yaml")))
    assert f"{appset}: skipped: an Argo CD ApplicationSet (argoproj.io) points at folders of a repository" in report
    assert "template" not in report + err and rc == 0, report + err
    rc, report, err = run("validate", appset)   # alone: nothing was checked, which is no pass
    assert rc == 2 and "nothing to validate" in err


def test_a_templated_file_that_is_no_application_set_is_still_refused_as_a_template(tmp_path):
    path = tmp_path / "chart.yaml"
    path.write_text("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: '{{ .Values.name }}'\n")
    rc, report, _err = run("validate", str(path))
    assert rc == 2 and "this is a template (Helm, Jinja or Go `{{ }}`)" in report


def test_without_repo_url_the_placeholder_is_written_and_said_to_be_an_assumption(tmp_path):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--argocd", "openshift-gitops")
    assert rc == 0
    appset = yaml.safe_load((tmp_path / "out" / "applicationset.yaml").read_text())
    assert appset["spec"]["template"]["spec"]["source"]["repoURL"] == REPO_URL_PLACEHOLDER
    assert f"assumed: the Git repository is {REPO_URL_PLACEHOLDER}, a placeholder" in err and "--repo-url" in err
    assert "assumed: the meshes' folders are under" in err
    assert "assumed: the Applications belong to the Argo CD project default" in err
    assert appset["spec"]["template"]["spec"]["project"] == "default"


def test_the_repository_path_is_found_from_the_git_work_tree(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "clusters" / "federation").mkdir(parents=True)
    assert path_in_repository(str(tmp_path / "repo" / "clusters" / "federation")) == "clusters/federation"
    monkeypatch.chdir(tmp_path / "repo" / "clusters")
    assert path_in_repository("federation") == "clusters/federation"
    assert not any((parent / ".git").exists() for parent in tmp_path.parents)   # outside any work tree:
    monkeypatch.chdir(tmp_path)
    assert path_in_repository("out/fleet") == "out/fleet"                       # DIR as given
    assert path_in_repository(str(tmp_path / "out")) == "out"                   # its last component


@pytest.mark.parametrize("argv, words", [
    (["--repo-url", REPO], "--repo-url and --repo-path are for --argocd"),
    (["--acm", "Not_A_Namespace"], "--acm 'Not_A_Namespace': a namespace name must consist of lower-case"),
    (["--argocd", ""], "--argocd '': a namespace name must not be empty"),
    # Argo CD could neither clone the first nor use a path outside the repository
    (["--argocd", "openshift-gitops", "--repo-url", "fleet repo"], "--repo-url 'fleet repo' is not a Git repository URL"),
    (["--argocd", "openshift-gitops", "--repo-path", "../fleet"], "--repo-path '../fleet' leaves the repository"),
])
def test_wrong_gitops_flags_are_usage_errors(tmp_path, argv, words):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), *argv)
    assert rc == 2 and words in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", [REPO, "git@github.com:platform/fleet.git", "ssh://git@git.example.com/fleet"])
def test_repository_urls_argo_cd_clones_are_taken(tmp_path, url):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, _out, err = run("topology", str(topology), "-o", str(tmp_path / "out"), "--argocd", "openshift-gitops",
                        "--repo-url", url, "--repo-path", "clusters/federation")
    assert rc == 0, err
    appset = yaml.safe_load((tmp_path / "out" / "applicationset.yaml").read_text())
    assert appset["spec"]["template"]["spec"]["source"]["repoURL"] == url


# --- the cluster key ---------------------------------------------------------------------------------

def test_cluster_is_read_per_mesh_and_checked():
    topo = parse_topology(THREE.encode(), "fleet.yaml")
    assert [m.cluster for m in topo.meshes] == ["red-cluster", "green-cluster", "green-cluster"]
    assert parse_topology(THREE.replace("    cluster: red-cluster\n", "").encode(), "t").meshes[0].cluster is None
    with pytest.raises(TopologyError) as info:
        parse_topology(textwrap.dedent(THREE).replace("cluster: red-cluster", "cluster: Red_Cluster").encode(), "t")
    assert (info.value.line, info.value.column) == (5, 14)
    assert info.value.message.startswith("cluster 'Red_Cluster': must consist of lower-case")


def test_printed_to_stdout_the_stream_holds_only_the_plain_objects(tmp_path):
    topology = tmp_path / "fleet.yaml"
    topology.write_text(THREE)
    rc, out, _err = run("topology", str(topology))
    assert rc == 0 and {doc["kind"] for doc in yaml.safe_load_all(out) if doc} >= {"ServiceMeshControlPlane"}
    assert "Kustomization" not in out
    rc, out, err = run("topology", str(topology), "--acm", "rhacm-policies")
    assert rc == 2 and out == "" and "--acm and --argocd write files: give -o DIR" in err
