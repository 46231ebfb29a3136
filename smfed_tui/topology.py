"""A federation topology: several meshes and which pairs federate, turned into every file both sides need.

The topology file (see `FORMAT`) is read with the same guarded loader as an SMCP (`source.parse`), so
every mistake is reported with its file, line and column. From it we build, for every mesh, the SMCP
(one egress and one ingress gateway per peer) and the peer
resources (`bundle`), with both sides of each pair derived from the same values so they agree.
"""
from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .bundle import CertificateError, ServiceRef, address_problem, build_bundle, normalize_certificates, \
    parse_service_ref, remote_from_mesh
from .checks.values import dns1123_problem
from .errors import InputError
from .i18n import N_, _
from .model import DEFAULT_NODE_PORT_RANGE, DEFAULT_VERSION, Exposure, Mesh, Peer, default_namespace, \
    default_trust_domain, free_node_ports

# An example topology file, shown in `topology --help` (translated there: the comments explain the keys).
FORMAT = N_("""\
meshes:
  - name: red-mesh                 # its federation name: what its peers call it
    smcpName: red                  # optional: the SMCP's metadata.name, when it is not the name above
    namespace: red-mesh-system     # default <name>-system
    trustDomain: red-mesh.local    # default <name>.local
    exposure: LoadBalancer         # or NodePort
    addresses: [203.0.113.10]      # how peers reach this mesh's federation ingress gateways
    nodePortBase: 30510            # optional, NodePort only: node ports are assigned from here
    version: v2.6                  # optional
    exports: [bookinfo/ratings]    # optional: NS/NAME exported to every peer, imported by every peer
    rootCertFile: red-root.pem     # optional: this mesh's root certificate, for its peers' CA ConfigMaps
    cluster: red-cluster           # optional: the cluster it runs on (RHACM ManagedCluster, Argo CD cluster)
federate: all                      # or a list of pairs: [[red-mesh, green-mesh], ...]
""")

TOP_KEYS = ("meshes", "federate")
MESH_KEYS = ("name", "smcpName", "namespace", "trustDomain", "exposure", "addresses", "nodePortBase", "version",
             "exports", "rootCertFile", "cluster")
EXPOSURES = ("LoadBalancer", "NodePort")


class TopologyError(InputError):
    """Every problem found in a topology file; the first one is this error's own message."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.message, path=first.path, line=first.line, column=first.column, hint=first.hint)
        self.errors = errors


@dataclass(frozen=True)
class MeshSpec:
    name: str
    namespace: str
    trust_domain: str
    exposure: str
    addresses: tuple[str, ...]
    node_port_base: int | None = None
    version: str = DEFAULT_VERSION
    exports: tuple[ServiceRef, ...] = ()
    root_cert: str | None = None                # canonical PEM
    smcp_name: str | None = None                # the SMCP's metadata.name; None: `name`, the federation name
    position: tuple[int, int] = (1, 1)          # of the nodePortBase value, else the mesh entry
    # The cluster the mesh runs on (`cluster:`), by the name RHACM (ManagedCluster) and Argo CD know it
    # by; None: not said. Meshes on one cluster share its node ports; the GitOps outputs place each
    # mesh's resources there.
    cluster: str | None = None
    entry: tuple[int, int] = (1, 1)             # of the mesh entry itself


@dataclass(frozen=True)
class Topology:
    path: str
    meshes: tuple[MeshSpec, ...]
    pairs: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...] = ()

    def spec(self, name: str) -> MeshSpec:
        return next(m for m in self.meshes if m.name == name)

    def partners(self, name: str) -> list[str]:
        """The meshes `name` federates with, in the file's mesh order."""
        linked = {b for a, b in self.pairs if a == name} | {a for a, b in self.pairs if b == name}
        return [m.name for m in self.meshes if m.name in linked]


# --- reading the file --------------------------------------------------------------------------------

class _Reader:
    def __init__(self, path: str, read_cert) -> None:
        self.path = path
        self.read_cert = read_cert
        self.errors: list[InputError] = []

    def error(self, node: Node, message: str, hint: str | None = None) -> None:
        mark = node.start_mark
        self.errors.append(InputError(message, path=self.path, line=mark.line + 1, column=mark.column + 1, hint=hint))

    def keys(self, node: MappingNode, known: tuple[str, ...], where: str) -> dict[str, tuple[ScalarNode, Node]]:
        out = {}
        for k, v in node.value:
            key = k.value if isinstance(k, ScalarNode) else None
            if key in known:
                out[key] = (k, v)
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            message = (_("unknown key {key!r} in {where}: did you mean {close!r}?") if close else
                       _("unknown key {key!r} in {where}"))
            self.error(k, message.format(key=key, where=where, close=close[0] if close else None),
                       _("the keys are: {keys}").format(keys=", ".join(known)))
        return out

    def string(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value != "":
            return node.value
        self.error(node, _("{what} must be a non-empty string").format(what=what))
        return None

    def strings(self, node: Node, what: str) -> list[tuple[str, Node]]:
        items = node.value if isinstance(node, SequenceNode) else None
        if items is None:
            self.error(node, _("{what} must be a list, e.g. [a, b]").format(what=what))
            return []
        out = []
        for item in items:
            value = self.string(item, _("each entry of {what}").format(what=what))
            if value is not None:
                out.append((value, item))
        return out


def mesh_field_problem(key: str, value: str) -> str | None:
    """The wizard's own validators for mesh fields (one rule, one place: `fields`)."""
    from .fields import MESH_FIELDS
    return next(f for f in MESH_FIELDS if f.key == key).problem(value)


def parse_topology(data: bytes, path: str, read_cert=None) -> Topology:
    """The topology in `data`; TopologyError listing every problem with its line and column.

    `read_cert(relative_path) -> str` reads a rootCertFile (None: rootCertFile is refused)."""
    from .source import parse
    src = parse(data, path)
    r = _Reader(path, read_cert)
    if len(src.documents) != 1 or not isinstance(src.documents[0], MappingNode):
        raise InputError(_("a topology file holds one mapping with `meshes:` and `federate:`"), path=path, line=1,
                         column=1, hint=_("see `smfed-wizard topology --help` for the format"))
    root = src.documents[0]
    top = r.keys(root, TOP_KEYS, _("the topology"))
    meshes: list[MeshSpec] = []
    if "meshes" not in top:
        r.error(root, _("the topology has no `meshes:` list"))
    else:
        seen: dict[str, Node] = {}
        domains: dict[str, Node] = {}
        items = top["meshes"][1].value if isinstance(top["meshes"][1], SequenceNode) else None
        if items is None:
            r.error(top["meshes"][1], _("`meshes` must be a list of meshes"))
        for item in items or ():
            name, spec = _mesh(r, item)
            if name is None:
                continue
            if name in seen:
                first = seen[name].start_mark.line + 1
                r.error(item, _("mesh {name!r} is listed twice (first at line {first})").format(name=name, first=first),
                        _("give each mesh its own name"))
                continue
            seen[name] = item   # declared, even when its other values are wrong: pairs may name it
            if spec is None:
                continue
            if spec.trust_domain in domains:
                first = domains[spec.trust_domain].start_mark.line + 1
                # each mesh needs its own trust domain, or the peer CA is ignored.
                r.error(item, _("mesh {name!r} has trust domain {domain!r}, like the mesh at line {first}").format(
                            name=spec.name, domain=spec.trust_domain, first=first),
                        _("each mesh in a federation needs its own trust domain"))
            domains.setdefault(spec.trust_domain, item)
            meshes.append(spec)
    pairs = _pairs(r, top.get("federate"), list(seen) if "meshes" in top else [], root)
    names = [m.name for m in meshes]
    if r.errors:
        raise TopologyError(r.errors)
    linked = {n for pair in pairs for n in pair}
    warnings = tuple(_("mesh {name!r} federates with no other mesh").format(name=n) for n in names if n not in linked)
    return Topology(path, tuple(meshes), tuple(pairs), warnings)


def _mesh(r: _Reader, node: Node) -> tuple[str | None, MeshSpec | None]:
    """(its name, the mesh); the mesh is None when one of its values is wrong (reported), the name
    too when it has none."""
    if not isinstance(node, MappingNode):
        r.error(node, _("each mesh is a mapping with at least `name:` and `addresses:`"))
        return None, None
    keys = r.keys(node, MESH_KEYS, _("a mesh"))
    before = len(r.errors)
    if "name" not in keys:
        r.error(node, _("this mesh has no `name:`"))
        return None, None
    name = r.string(keys["name"][1], "name")
    if name is None:
        return None, None
    problem = mesh_field_problem("name", name)
    if problem:
        r.error(keys["name"][1], _("mesh name {name!r}: {problem}").format(name=name, problem=problem))
    values: dict = {"name": name, "namespace": default_namespace(name), "trust_domain": default_trust_domain(name),
                    "exposure": "LoadBalancer", "position": (node.start_mark.line + 1, node.start_mark.column + 1),
                    "entry": (node.start_mark.line + 1, node.start_mark.column + 1)}
    for key, attr, field_key in (("smcpName", "smcp_name", "name"), ("namespace", "namespace", "namespace"),
                                 ("trustDomain", "trust_domain", "trust-domain"),
                                 ("version", "version", "version")):
        if key in keys:
            value = r.string(keys[key][1], key)
            problem = mesh_field_problem(field_key, value) if value is not None else None
            if problem:
                r.error(keys[key][1], _("{key} {value!r}: {problem}").format(key=key, value=value, problem=problem))
            elif value is not None:
                values[attr] = value
    if "exposure" in keys:
        value = r.string(keys["exposure"][1], "exposure")
        if value is not None and value not in EXPOSURES:
            close = difflib.get_close_matches(value, EXPOSURES, n=1, cutoff=0.6)
            message = (_("exposure {value!r} is not LoadBalancer or NodePort; did you mean {close!r}?") if close
                       else _("exposure {value!r} is not LoadBalancer or NodePort"))
            r.error(keys["exposure"][1], message.format(value=value, close=close[0] if close else None),
                    _("peers in other clusters reach a mesh through a LoadBalancer, or NodePort without one"))
        elif value is not None:
            values["exposure"] = value
    if "addresses" not in keys:
        r.error(node, _("mesh {name!r} has no `addresses:`").format(name=name),
                _("list how peers reach its ingress: LB address or node IPs"))
    else:
        addresses = r.strings(keys["addresses"][1], "addresses")
        for address, item in addresses:
            problem = address_problem(address)
            if problem:
                r.error(item, _("address {problem}").format(problem=problem))
        if not addresses and isinstance(keys["addresses"][1], SequenceNode):
            r.error(keys["addresses"][1], _("mesh {name!r} lists no address").format(name=name))
        values["addresses"] = tuple(a for a, _ in addresses)
    if "nodePortBase" in keys:
        base_node = keys["nodePortBase"][1]
        base = int(base_node.value) if isinstance(base_node, ScalarNode) and base_node.tag.endswith(":int") else None
        lo, hi = DEFAULT_NODE_PORT_RANGE
        if values["exposure"] != "NodePort":
            r.error(keys["nodePortBase"][0], _("nodePortBase is for `exposure: NodePort` only"))
        elif base is None or not lo <= base <= hi:
            r.error(base_node, _("nodePortBase must be a number from {lo} to {hi}").format(lo=lo, hi=hi))
        else:
            values["node_port_base"] = base
            values["position"] = (base_node.start_mark.line + 1, base_node.start_mark.column + 1)
    if "exports" in keys:
        refs = []
        for text, item in r.strings(keys["exports"][1], "exports"):
            try:
                refs.append(parse_service_ref(text))
            except ValueError as exc:
                r.error(item, str(exc))
        values["exports"] = tuple(refs)
    if "rootCertFile" in keys:
        values["root_cert"] = _root_cert(r, keys["rootCertFile"][1])
    if "cluster" in keys:
        values["cluster"] = _cluster(r, keys["cluster"][1])
    return name, (MeshSpec(**values) if len(r.errors) == before else None)


def _cluster(r: _Reader, node: Node) -> str | None:
    """A cluster name as RHACM names a ManagedCluster: a DNS-1123 label (it is also a namespace on the hub)."""
    name = r.string(node, "cluster")
    problem = dns1123_problem(name) if name is not None else None
    if problem:
        r.error(node, _("cluster {name!r}: {problem}").format(name=name, problem=problem),
                _("give the cluster's name as RHACM or Argo CD knows it"))
        return None
    return name


def _root_cert(r: _Reader, node: Node) -> str | None:
    rel = r.string(node, "rootCertFile")
    if rel is None:
        return None
    if r.read_cert is None:
        r.error(node, _("rootCertFile cannot be read here"))
        return None
    try:
        return normalize_certificates(r.read_cert(rel))
    except CertificateError as exc:
        r.error(node, _("rootCertFile {path!r}: {problem}").format(path=rel, problem=exc),
                _("give the mesh's root CA certificate in PEM"))
    except InputError as exc:
        r.error(node, _("rootCertFile {path!r}: {problem}").format(path=rel, problem=exc.message), exc.hint)
    return None


def _pairs(r: _Reader, entry, names: list[str], root: Node) -> list[tuple[str, str]]:
    if entry is None:
        r.error(root, _("the topology has no `federate:` (all, or a list of pairs)"))
        return []
    node = entry[1]
    if isinstance(node, ScalarNode) and node.value == "all":
        return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    if not isinstance(node, SequenceNode):
        r.error(node, _("federate must be `all` or a list of pairs, e.g. [[red-mesh, green-mesh]]"))
        return []
    pairs: list[tuple[str, str]] = []
    seen: dict[frozenset, int] = {}
    for item in node.value:
        members = r.strings(item, _("a pair")) if isinstance(item, SequenceNode) else None
        if members is None or len(members) != 2 or len(item.value) != 2:
            if members is None:
                r.error(item, _("each pair is a list of two mesh names, e.g. [red-mesh, green-mesh]"))
            elif len(item.value) != 2:
                r.error(item, _("a pair names two meshes, not {count}").format(count=len(item.value)))
            continue
        ok = True
        for name, name_node in members:
            if name not in names:
                close = difflib.get_close_matches(name, names, n=1)
                message = (_("unknown mesh {name!r} in federate: did you mean {close!r}?") if close else
                           _("unknown mesh {name!r} in federate"))
                r.error(name_node, message.format(name=name, close=close[0] if close else None),
                        _("the meshes are: {names}").format(names=", ".join(names)))
                ok = False
        (a, _a_node), (b, _b_node) = members
        if ok and a == b:
            r.error(item, _("mesh {name!r} cannot federate with itself").format(name=a))
            ok = False
        key = frozenset((a, b))
        if ok and key in seen:
            r.error(item, _("the pair {a}/{b} is listed twice (first at line {first})").format(a=a, b=b, first=seen[key]))
            ok = False
        if ok:
            seen[key] = item.start_mark.line + 1
            pairs.append((a, b))
    return pairs


def load_topology(path: str) -> Topology:
    """Read and parse the topology file; rootCertFile paths are relative to its directory."""
    from .safe_files import read_file
    base = os.path.dirname(os.path.abspath(path))

    def read_cert(rel: str) -> str:
        loaded = read_file(os.path.join(base, rel))
        try:
            return loaded.data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(_("not a UTF-8 text file"), path=rel) from None

    return parse_topology(read_file(path).data, path, read_cert)


# --- building every mesh -------------------------------------------------------------------------------

def assign_node_ports(topo: Topology, node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE) -> dict:
    """{(mesh, peer): (tls node port, discovery node port)} for every NodePort mesh's ingress per peer.

    Node ports are cluster-wide. `validate` treats the files it is given as one cluster, so
    the ports are kept distinct across the whole topology, which is also distinct within each cluster.
    Each mesh takes the lowest free ports from its nodePortBase (or the range start), in peer order."""
    used: set[int] = set()
    out: dict[tuple[str, str], tuple[int, int]] = {}
    errors = []
    for spec in topo.meshes:
        if spec.exposure != "NodePort":
            continue
        lo = spec.node_port_base or node_port_range[0]
        for peer in topo.partners(spec.name):
            try:
                tls, discovery = free_node_ports(Mesh.new(spec.name), peer, (lo, node_port_range[1]), used)
            except ValueError as exc:
                errors.append(InputError(_("mesh {name!r}: {problem} for peer {peer!r}").format(
                                             name=spec.name, problem=exc, peer=peer), path=topo.path,
                                         line=spec.position[0], column=spec.position[1],
                                         hint=_("lower nodePortBase (node ports are unique across the topology)")))
                break
            used.update((tls, discovery))
            out[(spec.name, peer)] = (tls, discovery)
    if errors:
        raise TopologyError(errors)
    return out


def build_meshes(topo: Topology) -> dict[str, Mesh]:
    ports = assign_node_ports(topo)
    meshes = {}
    for spec in topo.meshes:
        peers = []
        for partner in topo.partners(spec.name):
            tls, discovery = ports.get((spec.name, partner), (None, None))
            # a federation ingress serves no Route; NodePort when there is no LoadBalancer.
            exposure = Exposure(service_type=spec.exposure, tls_node_port=tls, discovery_node_port=discovery,
                                route_enabled=False)
            peers.append(replace(Peer.new(partner), exposure=exposure))
        meshes[spec.name] = Mesh.new(spec.smcp_name or spec.name, namespace=spec.namespace,
                                     trust_domain=spec.trust_domain, version=spec.version, peers=tuple(peers),
                                     federation_name=spec.name if spec.smcp_name else None)
    return meshes


@dataclass
class MeshOutput:
    name: str
    mesh: Mesh
    smcp: str
    federation: str
    warnings: list[str] = field(default_factory=list)

    def files(self, directory: str) -> list[tuple[str, str]]:
        base = os.path.join(directory, self.name)
        return [(os.path.join(base, "smcp.yaml"), self.smcp), (os.path.join(base, "federation.yaml"), self.federation)]


def build(topo: Topology, enforced_by: Callable[[str], str] | None = None) -> list[MeshOutput]:
    """Every mesh's SMCP and peer resources; both sides of a pair come from the same models.
    `enforced_by` names, for a mesh, the file of the policy that also holds its objects (`--acm`): a
    placeholder root is said once, in its federation.yaml's warning, with that policy in it."""
    from .edit import generate_text
    meshes = build_meshes(topo)
    outputs = []
    for spec in topo.meshes:
        mesh = meshes[spec.name]
        remotes, exports, imports = {}, {}, {}
        for peer in mesh.peers:
            other = topo.spec(peer.name)
            remotes[peer.name] = remote_from_mesh(spec.name, meshes[peer.name], other.addresses, other.root_cert)
            exports[peer.name] = spec.exports
            imports[peer.name] = other.exports
        policy = enforced_by(spec.name) if enforced_by is not None else None
        bundle = build_bundle(mesh, remotes, exports, imports, fixes=_fixes(topo.path, policy))
        outputs.append(MeshOutput(spec.name, mesh, generate_text(mesh), bundle.text(), bundle.warnings))
    return outputs


def _fixes(path: str, policy: str | None = None) -> dict:
    """What a bundle warning tells a topology's author to do: a key of the topology file, not a flag of
    `bundle` (`addresses:` is required, so only the root certificate can be missing). An enforced
    policy holding the same placeholder is named in the same fix: it is the same placeholder, said once."""
    from .bundle import FLAG_FIXES
    name = os.path.basename(path)

    def root(peer: str) -> str:
        fix = _("add `rootCertFile: PEM_FILE` to mesh {peer} in {file}").format(peer=peer, file=name)
        if policy is None:
            return fix
        return _("{fix} and run again before the hub gets {policy}, which holds the placeholder too: enforced, "
                 "it would write it onto the cluster and keep it there").format(fix=fix, policy=policy)
    return dict(FLAG_FIXES, root=root)


def check_outputs(outputs: list[MeshOutput], directory: str) -> list:
    """What `validate` would say about every generated file, without writing any."""
    from .bundle import is_own_placeholder
    from .checks.across import check_across
    from .checks.federation import check_federation
    from .checks.schema import check_schema
    from .checks.smcp import check_source
    from .source import parse
    sources = [parse(text.encode("utf-8"), path, trusted=True) for out in outputs for path, text in out.files(directory)]
    findings = [f for src in sources for f in check_source(src)]
    # a mesh without rootCertFile gets a placeholder certificate in its peers' CA ConfigMaps: written,
    # and refused by `validate` until the real one is in (bundle.is_own_placeholder)
    findings += check_across(sources) + [f for f in check_federation(sources)
                                         if not any(is_own_placeholder(f, src.path) for src in sources)]
    findings += [f for src in sources for f in check_schema(src)]   # every object written meets its CRD schema
    return findings
