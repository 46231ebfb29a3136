"""What `topology -o DIR` writes for GitOps beside each mesh's smcp.yaml and federation.yaml.

- `DIR/<mesh>/kustomization.yaml`, always: `kubectl kustomize DIR/<mesh>` (and so Argo CD or Flux
  pointed at that folder) builds the mesh's resources.
- `--acm NAMESPACE`: `DIR/<mesh>/policy.yaml`, an RHACM Policy in NAMESPACE (on the hub) whose one
  ConfigurationPolicy holds, musthave, exactly the objects of smcp.yaml and federation.yaml, a Placement
  choosing the mesh's cluster by its `name` label (RHACM sets it on every ManagedCluster), and the
  PlacementBinding between them. It is NOT in the kustomization: the kustomization is what goes to the
  mesh's cluster, the policy goes to the hub and reaches the cluster through RHACM; listing it there
  would send every object twice, once directly and once through the policy.
- `--argocd NAMESPACE`: `DIR/applicationset.yaml`, one Argo CD ApplicationSet (list generator) making an
  Application per mesh from its folder, with the mesh's cluster as destination.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import yaml

from .checks.values import dns1123_problem
from .emit import emit_document
from .errors import InputError, UsageError
from .i18n import _
from .topology import MeshOutput, MeshSpec, Topology, TopologyError

KUSTOMIZATION = "kustomization.yaml"
POLICY = "policy.yaml"
APPLICATION_SET = "applicationset.yaml"
PLAIN_FILES = ("smcp.yaml", "federation.yaml")
REPO_URL_PLACEHOLDER = "https://git.example.com/REPLACE-ME/federation.git"
ARGOCD_PROJECT = "default"   # the project every Argo CD installation has
POLICY_API = "policy.open-cluster-management.io/v1"
PLACEMENT_API = "cluster.open-cluster-management.io/v1beta1"
# RHACM copies a policy into each cluster's namespace as `<namespace>.<name>`, a label value: its
# webhook refuses a longer one ("The combined length of namespace and policy name
# (namespaceName.policyName) should not exceed 63 characters", open-cluster-management-io/
# governance-policy-propagator commit c93f938, ACM-3558)
_REPLICATED_NAME_MAX = 63
# what Argo CD clones: a URL (https, http, ssh, git) or the scp-like USER@HOST:PATH, without spaces
_REPO_URL = re.compile(r"(?:(?:https?|ssh|git)://[^\s/]+(?:/\S*)?|[\w.-]+@[\w.-]+:\S+)")


@dataclass(frozen=True)
class GitOpsOptions:
    acm_namespace: str | None = None
    argocd_namespace: str | None = None
    repo_url: str | None = None      # None: REPO_URL_PLACEHOLDER, said as an assumption
    repo_path: str | None = None     # None: the output directory as given, said as an assumption


def add_gitops_flags(parser) -> None:
    group = parser.add_argument_group(_("GitOps (each mesh's folder also gets a kustomization.yaml)"))
    group.add_argument("--acm", metavar="NAMESPACE", help=_(
        "also write DIR/<mesh>/policy.yaml: an RHACM Policy in NAMESPACE on the hub, with a Placement on the "
        "mesh's cluster"))
    group.add_argument("--argocd", metavar="NAMESPACE", help=_(
        "also write DIR/applicationset.yaml: an Argo CD ApplicationSet in NAMESPACE, one Application per mesh"))
    group.add_argument("--repo-url", metavar="URL", help=_("the Git repository Argo CD reads DIR from (for --argocd)"))
    group.add_argument("--repo-path", metavar="PATH", help=_(
        "where DIR is inside that repository (for --argocd; default: DIR relative to the Git work tree holding it)"))


def options_from_args(args) -> GitOpsOptions:
    for flag, value in (("--acm", args.acm), ("--argocd", args.argocd)):
        problem = dns1123_problem(value) if value is not None else None
        if problem:
            raise UsageError(_("{flag} {value!r}: a namespace name {problem}").format(flag=flag, value=value,
                                                                                     problem=problem),
                             hint=_("give the namespace to create the resources in, e.g. {flag} {example}").format(
                                 flag=flag, example="rhacm-policies" if flag == "--acm" else "openshift-gitops"))
    if (args.acm is not None or args.argocd is not None) and not args.output:
        raise UsageError(_("--acm and --argocd write files: give -o DIR"),
                         hint=_("e.g. smfed-wizard topology {file} -o out/ --acm rhacm-policies").format(
                             file=args.topology_file))
    if args.argocd is None and (args.repo_url or args.repo_path):
        raise UsageError(_("--repo-url and --repo-path are for --argocd"), hint=_("add --argocd NAMESPACE"))
    if args.repo_url is not None and not _REPO_URL.fullmatch(args.repo_url):
        raise UsageError(_("--repo-url {url!r} is not a Git repository URL Argo CD can clone").format(url=args.repo_url),
                         hint=_("give https://HOST/PATH.git, ssh://HOST/PATH or USER@HOST:PATH"))
    if args.repo_path is not None and ".." in args.repo_path.replace(os.sep, "/").split("/"):
        # Argo CD refuses an application path that leaves the repository
        raise UsageError(_("--repo-path {path!r} leaves the repository").format(path=args.repo_path),
                         hint=_("give the folder of DIR inside the repository, from its top (e.g. clusters/federation)"))
    return GitOpsOptions(args.acm, args.argocd, args.repo_url, args.repo_path)


def gitops_files(topo: Topology, outputs: list[MeshOutput], directory: str,
                 options: GitOpsOptions) -> tuple[list[tuple[str, str]], list[str]]:
    """(the files to write beside the plain ones, the assumptions and notes to tell the user).
    TopologyError (each at its mesh in the topology file) when meshes lack what the options need."""
    _check_meshes(topo, options)
    files: list[tuple[str, str]] = []
    notes: list[str] = []
    for out in outputs:
        base = os.path.join(directory, out.name)
        files.append((os.path.join(base, KUSTOMIZATION), kustomization(out)))
        if options.acm_namespace:
            files.append((policy_path(directory, out.name), acm_policy(out, topo.spec(out.name), options.acm_namespace)))
    if options.acm_namespace:
        # a ConfigurationPolicy creates what it holds, not the namespace it goes in: NonCompliant until then
        notes.append(_("the policies create no namespace: {namespaces} must exist on their clusters first (an "
                       "object in a missing namespace leaves the policy NonCompliant)").format(
                           namespaces=", ".join(sorted({f"{spec.namespace} ({spec.cluster})" for spec in topo.meshes}))))
        notes.append(_("the Placements choose from the ManagedClusterSets bound to namespace {namespace} on the hub: "
                       "bind the set that holds your clusters there (a ManagedClusterSetBinding), or they select "
                       "no cluster").format(namespace=options.acm_namespace))
    if options.argocd_namespace:
        text, assumed = application_set(topo, directory, options)
        files.append((os.path.join(directory, APPLICATION_SET), text))
        notes += assumed
    return files, notes


def policy_path(directory: str, mesh: str) -> str:
    """Where `--acm` writes the mesh's policy (`topology.build` names it with each placeholder root it holds)."""
    return os.path.join(directory, mesh, POLICY)


def _check_meshes(topo: Topology, options: GitOpsOptions) -> None:
    flag = "--acm" if options.acm_namespace else "--argocd" if options.argocd_namespace else None
    if flag is None:
        return
    errors = []
    for spec in topo.meshes:
        if spec.cluster is None:
            errors.append(InputError(_("mesh {name!r} has no `cluster:`; {flag} needs the cluster each mesh runs on").format(
                                 name=spec.name, flag=flag),
                             path=topo.path, line=spec.entry[0], column=spec.entry[1],
                             hint=_("add `cluster: NAME` to the mesh (its RHACM ManagedCluster or Argo CD cluster name)")))
        if options.acm_namespace and len(options.acm_namespace) + 1 + len(_policy_name(spec)) > _REPLICATED_NAME_MAX:
            errors.append(InputError(_("the policy {namespace}.{name} is longer than {limit} characters, which RHACM cannot "
                               "copy to the cluster").format(namespace=options.acm_namespace, name=_policy_name(spec),
                                                            limit=_REPLICATED_NAME_MAX),
                             path=topo.path, line=spec.entry[0], column=spec.entry[1],
                             hint=_("choose a shorter --acm namespace or mesh name")))
    if errors:
        raise TopologyError(errors)


# --- kustomize ----------------------------------------------------------------------------------------

def kustomization(out: MeshOutput) -> str:
    """The mesh's plain files as kustomize resources (an empty file is left out: kustomize refuses one)."""
    resources = [name for name, text in zip(PLAIN_FILES, (out.smcp, out.federation)) if text.strip()]
    return emit_document({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                          "resources": resources})


# --- RHACM --------------------------------------------------------------------------------------------

def _policy_name(spec: MeshSpec) -> str:
    return f"smfed-{spec.name}"


def plain_objects(out: MeshOutput) -> list[dict]:
    """The objects of the mesh's smcp.yaml and federation.yaml, in that order."""
    return [doc for text in (out.smcp, out.federation) for doc in yaml.safe_load_all(text) if doc is not None]


def acm_policy(out: MeshOutput, spec: MeshSpec, namespace: str) -> str:
    name = _policy_name(spec)
    configuration = {
        "apiVersion": POLICY_API, "kind": "ConfigurationPolicy", "metadata": {"name": name},
        "spec": {"remediationAction": "enforce", "severity": "high",
                 "object-templates": [{"complianceType": "musthave", "objectDefinition": obj}
                                      for obj in plain_objects(out)]}}
    policy = {
        "apiVersion": POLICY_API, "kind": "Policy", "metadata": {"name": name, "namespace": namespace},
        # enforce: RHACM creates and keeps the objects on the cluster (inform would only report them missing)
        "spec": {"remediationAction": "enforce", "disabled": False,
                 "policy-templates": [{"objectDefinition": configuration}]}}
    placement = {
        "apiVersion": PLACEMENT_API, "kind": "Placement", "metadata": {"name": name, "namespace": namespace},
        "spec": {"predicates": [{"requiredClusterSelector": {"labelSelector": {"matchExpressions": [
            {"key": "name", "operator": "In", "values": [spec.cluster]}]}}}]}}
    binding = {
        "apiVersion": POLICY_API, "kind": "PlacementBinding", "metadata": {"name": name, "namespace": namespace},
        "placementRef": {"apiGroup": "cluster.open-cluster-management.io", "kind": "Placement", "name": name},
        "subjects": [{"apiGroup": "policy.open-cluster-management.io", "kind": "Policy", "name": name}]}
    return "---\n".join(emit_document(doc) for doc in (policy, placement, binding))


# --- Argo CD ------------------------------------------------------------------------------------------

def application_set(topo: Topology, directory: str, options: GitOpsOptions) -> tuple[str, list[str]]:
    """(the ApplicationSet, what it assumed). Each list element carries its mesh's folder and cluster;
    the template only copies them (Go templates, missing keys an error)."""
    assumed = []
    repo_url = options.repo_url
    if not repo_url:
        repo_url = REPO_URL_PLACEHOLDER
        assumed.append(_("assumed: the Git repository is {url}, a placeholder: replace it in {file}, or give "
                         "--repo-url").format(url=repo_url, file=APPLICATION_SET))
    repo_path = options.repo_path
    if repo_path is None:
        repo_path = path_in_repository(directory)
        assumed.append(_("assumed: the meshes' folders are under {path} in the repository (give --repo-path "
                         "otherwise)").format(path=repo_path))
    assumed.append(_("assumed: the Applications belong to the Argo CD project {project} (change "
                     "spec.template.spec.project in {file} for another)").format(project=ARGOCD_PROJECT,
                                                                               file=APPLICATION_SET))
    elements = [{"mesh": spec.name, "cluster": spec.cluster, "namespace": spec.namespace,
                 "path": posix_join(repo_path, spec.name)} for spec in topo.meshes]
    document = {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
        "metadata": {"name": _application_set_name(topo.path), "namespace": options.argocd_namespace},
        "spec": {
            "goTemplate": True, "goTemplateOptions": ["missingkey=error"],
            "generators": [{"list": {"elements": elements}}],
            "template": {
                "metadata": {"name": "smfed-{{.mesh}}"},
                "spec": {"project": ARGOCD_PROJECT,
                         "source": {"repoURL": repo_url, "targetRevision": "HEAD", "path": "{{.path}}"},
                         # the cluster as Argo CD knows it (RHACM's GitOps integration registers it by the
                         # ManagedCluster's name); the control plane's namespace is created when missing
                         "destination": {"name": "{{.cluster}}", "namespace": "{{.namespace}}"},
                         "syncPolicy": {"syncOptions": ["CreateNamespace=true"]}}}}}
    return emit_document(document), assumed


def path_in_repository(directory: str) -> str:
    """Where DIR probably is in the repository Argo CD reads: relative to the Git work tree holding it
    (the nearest parent with a `.git`), else DIR as given when relative, else its last component."""
    absolute = os.path.abspath(directory or ".")
    probe = absolute
    while not os.path.exists(os.path.join(probe, ".git")):
        parent = os.path.dirname(probe)
        if parent == probe:
            return os.path.normpath(directory) if directory and not os.path.isabs(directory) else \
                os.path.basename(absolute)
        probe = parent
    return os.path.relpath(absolute, probe)


def posix_join(base: str, name: str) -> str:
    base = base.replace(os.sep, "/").strip("/")
    return name if base in ("", ".") else f"{base}/{name}"


def _application_set_name(topology_path: str) -> str:
    """`smfed-<topology file name>`, as a DNS-1123 name (one ApplicationSet per topology)."""
    stem = os.path.splitext(os.path.basename(topology_path))[0].lower()
    stem = re.sub(r"[^a-z0-9-]+", "-", stem).strip("-")[:40].strip("-")
    return f"smfed-{stem}" if stem else "smfed-federation"
