"""`smfed-wizard migrate` beyond the guide's one-way pair: both directions, three meshes, names computed
without status, and every case the guide does not cover (refused: exit 1, nothing written)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from migrate_builders import Federation, Import, pod, service
from smfed_tui import crd_schema
from smfed_tui.cli import main
from smfed_tui.errors import InputError
from smfed_tui.migrate.artifacts import merge_patch
from smfed_tui.migrate.build import migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.load import load_source


def run(fed: Federation, tmp_path, **choices):
    return migrate([load_source(p) for p in fed.write(tmp_path / "in")], Choices(**choices))


def artifact_docs(migration, file):
    return next(list(a.documents) for a in migration.artifacts if a.file == file)


def assert_all_valid(migration):
    for artifact in migration.artifacts:
        if artifact.format == "json-patch":
            continue
        objects = ([merge_patch(migration.meshes[artifact.mesh].smcp.obj, artifact.documents[0])]
                   if artifact.format == "merge-patch" else artifact.documents)
        for obj in objects:
            problems = crd_schema.validate(obj)
            if artifact.file.endswith("remote-gateways.yaml") and not migration.decisions.address:
                problems = [p for p in problems if p.path[:2] != ("spec", "addresses")]
            assert problems == [], (artifact.file, [p.message for p in problems])


def bidirectional():
    return Federation({"east": "east.local", "west": "west.local"},
                      [Import("east", "west", "a", "httpbin"), Import("west", "east", "c", "reviews", as_local=True)]).build()


def test_bidirectional(tmp_path):
    m = run(bidirectional(), tmp_path, addresses={"east": "192.0.2.1", "west": "gw.west.example.com"})
    assert m.refusals == []
    files = {a.file for a in m.artifacts}
    assert {"east/2-export.yaml", "west/2-export.yaml", "east/3-import.yaml", "west/3-import.yaml"} <= files
    east_remote, = artifact_docs(m, "east/3-remote-gateways.yaml")
    west_remote, = artifact_docs(m, "west/3-remote-gateways.yaml")
    assert east_remote["spec"]["addresses"] == [{"type": "Hostname", "value": "gw.west.example.com"}]
    assert west_remote["spec"]["addresses"] == [{"type": "IPAddress", "value": "192.0.2.1"}]
    se = next(d for d in artifact_docs(m, "west/3-import.yaml") if d["kind"] == "ServiceEntry")
    assert se["spec"]["hosts"] == ["reviews.c.svc.cluster.local"]
    assert se["spec"]["subjectAltNames"] == ["spiffe://east.local/ns/c/sa/reviews-sa"]
    # east exports reviews under its own name: the allow-list has it, no alias ServiceEntry is needed
    east_export = artifact_docs(m, "east/2-export.yaml")
    assert [d["kind"] for d in east_export] == ["Namespace", "Gateway", "Gateway"]
    assert east_export[2]["spec"]["servers"][0]["hosts"] == ["reviews.c.svc.cluster.local"]
    deletes = [s.command.split()[2:4] for s in m.steps if s.phase == "remove-federation" and s.action == "delete"]
    kinds = [kind for kind, _name in deletes]
    assert kinds == ["importedserviceset"] * 2 + ["exportedserviceset"] * 2 + ["servicemeshpeer"] * 2
    for step in m.steps:
        if step.action == "delete" or (step.phase == "remove-federation-gateways" and step.action == "patch"):
            assert m.steps[step.n - 2].action == "verify"
    assert_all_valid(m)


def test_three_meshes(tmp_path):
    fed = Federation({"east": "east.local", "west": "west.local", "north": "north.local"},
                     [Import("east", "west", "a", "httpbin"), Import("east", "north", "n", "ratings"),
                      Import("west", "north", "n", "ratings")]).build()
    m = run(fed, tmp_path)
    assert m.refusals == []
    remotes = artifact_docs(m, "east/3-remote-gateways.yaml")
    labels = [g["metadata"]["labels"]["topology.istio.io/network"] for g in remotes]
    assert sorted(labels) == ["north-network", "west-network"]
    assert sorted(g["metadata"]["name"] for g in remotes) == ["remote-gateway-north", "remote-gateway-west"]
    istio, = artifact_docs(m, "east/6-istio.yaml")
    config = istio["spec"]["values"]["meshConfig"]
    assert sorted(config["trustDomainAliases"]) == ["north.local", "west.local"]
    assert len(config["caCertificates"]) == 2
    allow = artifact_docs(m, "north/2-export.yaml")[2]
    assert allow["spec"]["servers"][0]["hosts"] == ["ratings.n.svc.north-imports.local"]
    alias = artifact_docs(m, "north/2-export.yaml")[3]
    assert alias["metadata"]["namespace"] == "n" and alias["spec"]["hosts"] == ["ratings.n.svc.north-imports.local"]
    assert {s.mesh for s in m.steps if s.phase == "import" and s.action == "apply"} == {"east", "west"}
    assert_all_valid(m)


def test_names_computed_without_status_are_the_same_and_said(tmp_path):
    fed = bidirectional()
    contexts = {label: label for label in fed.meshes}     # no SMF330 about the kube contexts
    with_status = run(fed, tmp_path / "a", contexts=contexts)
    for label in fed.meshes:
        for obj in fed.objects[label]:
            obj.pop("status", None)
    computed = run(fed, tmp_path / "b", contexts=contexts)
    assert [(i.hostname, i.namespace, i.name) for i in computed.imports] == \
        [(i.hostname, i.namespace, i.name) for i in with_status.imports]
    assert "SMF330" in {f.code for f in computed.warnings} and "SMF330" not in {f.code for f in with_status.warnings}


# --- refused: exit 1, nothing written ---------------------------------------------------------------

def guide_like() -> Federation:
    return Federation({"east-mesh": "east.local", "west-mesh": "west.local"},
                      [Import("east-mesh", "west-mesh", "a", "httpbin"),
                       Import("east-mesh", "west-mesh", "b", "httpbin", as_local=True)]).build()


def multitenant(fed):
    del fed.find("west-mesh", "ServiceMeshControlPlane")["spec"]["mode"]   # 2.x's default is MultiTenant


def renamed_local(fed):
    entry = fed.find("east-mesh", "ImportedServiceSet")["status"]["importedServices"][1]["localService"]
    entry.update(hostname="web.b.svc.cluster.local", name="web")


def colliding_local(fed):
    fed.objects["east-mesh"].append(service("b", "httpbin"))


def equal_trust_domains(fed):
    fed.find("east-mesh", "ServiceMeshControlPlane")["spec"]["security"]["trust"]["domain"] = "west.local"


def label_selector_without_status(fed):
    ess = fed.find("west-mesh", "ExportedServiceSet")
    del ess["status"]
    ess["spec"]["exportRules"].append({"type": "LabelSelector", "labelSelector": {
        "namespace": "c", "selector": {"matchLabels": {"export": "yes"}}}})


def no_pods(fed):
    fed.objects["west-mesh"] = [o for o in fed.objects["west-mesh"] if o["kind"] != "Pod"]


def unresolvable_port(fed):
    fed.objects["west-mesh"] = [o for o in fed.objects["west-mesh"] if o["kind"] != "Pod"]
    fed.objects["west-mesh"] += [dict(pod("a", "httpbin", "httpbin-sa"), spec={"serviceAccountName": "httpbin-sa",
                                                                                "containers": [{"name": "x"}]}),
                                 pod("b", "httpbin", "httpbin-sa")]


def no_service(fed):
    fed.objects["west-mesh"] = [o for o in fed.objects["west-mesh"]
                                if not (o["kind"] == "Service" and o["metadata"]["namespace"] == "a")]


def old_version(fed):
    fed.find("east-mesh", "ServiceMeshControlPlane")["spec"]["version"] = "v2.5"


def no_root(fed):
    fed.objects["east-mesh"] = [o for o in fed.objects["east-mesh"] if o["kind"] != "ConfigMap"]


def unknown_peer(fed):
    fed.find("east-mesh", "ServiceMeshPeer")["spec"]["security"]["trustDomain"] = "elsewhere.local"


CASES = [
    ("MultiTenant SMCP", multitenant, (), "SMF301"),
    ("control plane v2.5", old_version, (), "SMF302"),
    ("equal trust domains", equal_trust_domains, (), "SMF303"),
    ("a peer with no SOURCE", unknown_peer, (), "SMF304"),
    ("label selector export rule without status", label_selector_without_status, (), "SMF306"),
    ("importAsLocal under a changed name", renamed_local, (), "SMF308"),
    ("importAsLocal colliding with a local Service", colliding_local, (), "SMF309"),
    ("exported Service missing", no_service, (), "SMF310"),
    ("missing service account (no pods)", no_pods, (), "SMF311"),
    ("missing port (named targetPort no pod declares)", unresolvable_port, (), "SMF312"),
    ("IPv6 east-west address", None, ("--address", "west-mesh=2001:db8::10"), "SMF313"),
    ("peer root certificate missing", no_root, (), "SMF314"),
    ("remote network = network-<peer>", None, ("--remote-network", "east-mesh:west-mesh=network-west-mesh"), "SMF315"),
    ("remote network = the local network", None, ("--remote-network", "west-mesh=network-east-mesh"), "SMF315"),
    ("local network = a peer's federation network", None, ("--network", "east-mesh=network-west-mesh"), "SMF315"),
]


@pytest.mark.parametrize("what,change,flags,code", CASES, ids=[c[0] for c in CASES])
def test_refused_cases_write_nothing(what, change, flags, code, tmp_path, capsys):
    fed = guide_like()
    if change:
        change(fed)
    out = tmp_path / "out"
    exit_code = main(["migrate", *fed.write(tmp_path / "in"), "-o", str(out), *flags])
    err = capsys.readouterr().err
    assert exit_code == 1, err
    assert not out.exists()
    assert f"error {code} " in err, err
    assert "fix: " in err and "not written" in err
    assert "Traceback" not in err


def test_the_clean_case_of_the_refusals_is_written(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["migrate", *guide_like().write(tmp_path / "in"), "-o", str(out)]) == 0, capsys.readouterr().err
    assert (out / "plan.json").is_file()


def test_unusable_input_and_usage_exit_2(tmp_path, capsys):
    fed = guide_like()
    paths = fed.write(tmp_path / "in")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("kind: ServiceMeshControlPlane\nmetadata: {name: a\n")
    assert main(["migrate", str(bad), paths[1], "-o", str(tmp_path / "o1")]) == 2
    err = capsys.readouterr().err
    assert "x.yaml:" in err and "not valid YAML" in err and "Traceback" not in err
    assert main(["migrate", *paths, "-o", str(tmp_path / "o2"), "--network", "nowhere=n1"]) == 2
    assert "no mesh 'nowhere'" in capsys.readouterr().err
    assert main(["migrate", *paths]) == 2    # no -o
    assert "-o DIR" in capsys.readouterr().err
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert main(["migrate", *paths, "-o", str(other)]) == 2
    assert (other / "notes.txt").read_text() == "mine" and len(list(other.iterdir())) == 1


def test_running_again_keeps_the_users_backups_and_fills_the_address(tmp_path, capsys):
    paths = guide_like().write(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["migrate", *paths, "-o", str(out)]) == 0
    (out / "east-mesh" / "0-backup.yaml").write_text("saved by the user in phase 0\n")
    assert "REPLACE WITH" in (out / "east-mesh" / "3-remote-gateways.yaml").read_text()
    assert main(["migrate", *paths, "-o", str(out), "--address", "west-mesh=198.51.100.7"]) == 0, capsys.readouterr().err
    assert (out / "east-mesh" / "0-backup.yaml").read_text() == "saved by the user in phase 0\n"
    remote = (out / "east-mesh" / "3-remote-gateways.yaml").read_text()
    assert "198.51.100.7" in remote and "REPLACE WITH" not in remote


def test_readme_lists_every_migration_code_as_the_code_defines_it():
    import re
    from pathlib import Path

    from smfed_tui.migrate.findings import CODES
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("<!-- migrate-table"):readme.index("<!-- end migrate-table -->")]
    rows = re.findall(r"^\| (SMF3\d\d) \| (\w+) \| (.+) \|$", table, re.MULTILINE)
    assert rows == [(code, severity, title) for code, (severity, title) in CODES.items()]
    used = set()
    for path in sorted((root / "smfed_tui" / "migrate").glob("*.py")):
        used |= set(re.findall(r'(?:refused|flagged)\("(SMF3\d\d)"', path.read_text(encoding="utf-8")))
    assert used == set(CODES)     # every code is used, and every code used is listed


def test_existing_trust_aliases_are_kept_and_additional_domains_win(tmp_path):
    fed = guide_like()
    east = fed.find("east-mesh", "ServiceMeshControlPlane")["spec"]
    east["security"]["trust"]["additionalDomains"] = ["old.local"]
    east["techPreview"] = {"meshConfig": {"trustDomainAliases": ["legacy.local"]}}
    fed.find("west-mesh", "ServiceMeshControlPlane")["spec"]["techPreview"] = {
        "meshConfig": {"trustDomainAliases": ["legacy.local"]}}
    m = run(fed, tmp_path)
    east_patch, = artifact_docs(m, "east-mesh/1-smcp-merge-patch.json")
    west_patch, = artifact_docs(m, "west-mesh/1-smcp-merge-patch.json")
    # the operator lets additionalDomains overwrite meshConfig.trustDomainAliases: extend that list, whole
    assert east_patch["spec"]["security"]["trust"]["additionalDomains"] == ["old.local", "legacy.local", "west.local"]
    assert "techPreview" not in east_patch["spec"]
    assert west_patch["spec"]["techPreview"]["meshConfig"]["trustDomainAliases"] == ["legacy.local", "east.local"]


def test_missing_client_is_said_once_per_importer(tmp_path):
    m = run(guide_like(), tmp_path)
    assert [f.code for f in m.warnings if f.code == "SMF334"] == ["SMF334"]
    assert "<client-namespace>" in next(s.command for s in m.steps if s.phase == "import" and s.action == "verify")
    with_client = run(guide_like(), tmp_path / "b", clients={"east-mesh": "client/curl"})
    assert "SMF334" not in {f.code for f in with_client.warnings}


def test_one_host_imported_from_two_meshes_is_refused(tmp_path, capsys):
    fed = Federation({"east": "east.local", "west": "west.local", "north": "north.local"},
                     [Import("east", "west", "b", "httpbin", as_local=True),
                      Import("east", "north", "b", "httpbin", as_local=True)]).build()
    out = tmp_path / "out"
    assert main(["migrate", *fed.write(tmp_path / "in"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error SMF318" in err and "httpbin.b.svc.cluster.local" in err and not out.exists()


def _ports_as_text(fed):
    fed.find("west-mesh", "Service")["spec"]["ports"] = "8000"


def _port_without_number(fed):
    fed.find("west-mesh", "Service")["spec"]["ports"][0].pop("port")


def _containers_as_map(fed):
    for obj in fed.objects["west-mesh"]:
        if obj["kind"] == "Pod":
            obj["spec"]["containers"] = {"name": "x"}


def _rules_as_text(fed):
    fed.find("west-mesh", "ExportedServiceSet")["spec"]["exportRules"] = "all"


def _spec_as_list(fed):
    fed.find("east-mesh", "ServiceMeshControlPlane")["spec"] = ["v2.6"]


def _labels_as_list(fed):
    for obj in fed.objects["west-mesh"]:
        if obj["kind"] == "Pod":
            obj["metadata"]["labels"] = ["app=httpbin"]


HOSTILE = [("Service ports as text", _ports_as_text, "SMF3"), ("a port without a number", _port_without_number, "SMF312"),
           ("containers as a mapping", _containers_as_map, "SMF312"), ("export rules as text", _rules_as_text, "SMF319"),
           ("SMCP spec as a list", _spec_as_list, "SMF319"), ("pod labels as a list", _labels_as_list, "SMF311")]


@pytest.mark.parametrize("what,change,code", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_malformed_input_is_refused_with_a_message_never_a_traceback(what, change, code, tmp_path, capsys):
    fed = guide_like()
    change(fed)
    out = tmp_path / "out"
    assert main(["migrate", *fed.write(tmp_path / "in"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error {code}" in err and "Traceback" not in err and not out.exists()


def test_an_import_the_exporter_no_longer_exports_is_said_not_dropped_silently(tmp_path):
    fed = guide_like()
    ess = fed.find("west-mesh", "ExportedServiceSet")
    ess["status"]["exportedServices"] = ess["status"]["exportedServices"][:1]
    m = run(fed, tmp_path)
    assert [i.hostname for i in m.imports] == ["httpbin.a.svc.west-mesh-imports.local"]
    assert any(f.code == "SMF331" and "does not export it" in f.message for f in m.warnings)


def test_an_object_yaml_cannot_construct_is_unusable_input(tmp_path, capsys):
    paths = guide_like().write(tmp_path / "in")
    extra = tmp_path / "in" / "west-mesh" / "extra.yaml"
    extra.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: istio-system}\n"
                     "data:\n  when: !custom 3\n")
    assert main(["migrate", *paths, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "extra.yaml:5:" in err and "cannot be read" in err and "Traceback" not in err


def test_a_federation_that_imports_nothing_still_gates_every_deletion(tmp_path):
    m = run(Federation({"east": "east.local", "west": "west.local"}).build(), tmp_path)
    assert m.refusals == [] and m.imports == []
    assert not [a for a in m.artifacts if a.phase in ("export", "import")]
    changing = [s for s in m.steps if s.action == "delete" or (s.action == "patch" and s.phase != "control-plane")]
    assert changing
    for step in changing:
        assert m.steps[step.n - 2].action == "verify", step


def test_a_control_plane_without_version_is_taken_as_the_operators_and_said(tmp_path):
    fed = guide_like()
    del fed.find("west-mesh", "ServiceMeshControlPlane")["spec"]["version"]
    m = run(fed, tmp_path)
    assert m.refusals == []
    assert any(f.code == "SMF330" and "no spec.version" in f.message for f in m.warnings)


def test_istio_version_must_be_one_the_target_operator_serves(tmp_path, capsys):
    paths = guide_like().write(tmp_path / "in")
    assert main(["migrate", *paths, "-o", str(tmp_path / "o"), "--istio-version", "v1.26-latest"]) == 2
    err = capsys.readouterr().err
    assert "not served by the OSSM 3.0 operator" in err and "v1.24-latest" in err
    assert main(["migrate", *paths, "-o", str(tmp_path / "o2"), "--istio-version", "v1.24.6"]) == 0


def test_a_source_that_does_not_exist_is_said_as_such(tmp_path, capsys):
    fed = bidirectional()
    east, _west = fed.write(tmp_path / "in")
    missing = str(tmp_path / "wset")
    assert main(["migrate", east, missing, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: error: no such file or directory" in err and "context:NAME" in err
    assert "names a file, not a directory" not in err      # a SOURCE may well be a directory
    assert not (tmp_path / "out").exists()


def test_the_same_source_twice_is_a_usage_error_not_two_meshes(tmp_path, capsys):
    fed = bidirectional()
    east, _west = fed.write(tmp_path / "in")
    assert main(["migrate", east, east + "/", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "is given twice" in err and "SMF303" not in err and not (tmp_path / "out").exists()


def _policy_wrapping(objects: list[dict]) -> dict:
    """An RHACM Policy holding `objects`, as `topology --acm` writes beside the plain files."""
    return {"apiVersion": "policy.open-cluster-management.io/v1", "kind": "Policy",
            "metadata": {"name": "smfed-east", "namespace": "rhacm-policies"},
            "spec": {"remediationAction": "enforce", "policy-templates": [{"objectDefinition": {
                "apiVersion": "policy.open-cluster-management.io/v1", "kind": "ConfigurationPolicy",
                "metadata": {"name": "smfed-east"},
                "spec": {"remediationAction": "enforce", "severity": "high", "object-templates": [
                    {"complianceType": "musthave", "objectDefinition": obj} for obj in objects]}}}]}}


def test_a_gitops_folder_with_the_same_objects_plain_and_in_a_policy_is_one_mesh(tmp_path):
    """topology --acm writes each mesh's objects plain and again inside policy.yaml: one mesh, read at
    the plain file; a copy that differs is still two SMCPs, refused with its place."""
    fed = bidirectional()
    east = Path(fed.write(tmp_path)[0])
    (east / "policy.yaml").write_text(yaml.safe_dump(_policy_wrapping(fed.objects["east"]), sort_keys=False))
    loaded = load_source(str(east))
    assert loaded.smcp().where.file == str(east / "resources.yaml")
    assert len(loaded.objects) == len(fed.objects["east"])
    changed = copy.deepcopy(fed.objects["east"])
    changed[0]["spec"]["version"] = "v2.5"
    (east / "policy.yaml").write_text(yaml.safe_dump(_policy_wrapping(changed), sort_keys=False))
    with pytest.raises(InputError, match="holds 2 ServiceMeshControlPlanes"):
        load_source(str(east)).smcp()
