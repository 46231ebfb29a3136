"""The federation resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet, ImportedServiceSet: what
federation needs beyond the SMCP, `smfed-wizard bundle`'s output) as the wizard's Next-steps step
edits them: what the user says about each
peer (its ingress addresses, namespace, trust domain, egress gateway for us, node ports, root
certificate file, the services exported to it and imported from it), checked as it is typed; the
bundle built from it by `bundle.build_bundle` and checked by the cross-file rules, as `smfed-wizard
bundle` does; the equivalent command; writing it through the safe writer. No UI here.

Each value is declared once as a `fields.Field` (scope "bundle"), so the form renders it like every
other field. A value the user has not given follows the conventions (`bundle.default_remote`), and
the command shows only what differs from them: the command's output and the written file are the
same bytes.
"""
from __future__ import annotations

import difflib
import os
import shlex
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .bundle import (Bundle, CertificateError, address_problem, build_bundle, default_remote, normalize_certificates,
                     parse_service_ref, remote_ports)
from .errors import InputError
from .fields import LIST, MESH_FIELD_BY_KEY, Field
from .findings import ERROR, WARNING, Finding, sort_key
from .i18n import N_, _
from .model import Exposure, Peer
from .checks.values import dns1035_problem, dns1123_problem
from .safe_files import LoadedFile, read_file, write_file

if TYPE_CHECKING:
    from .session import Session

SCOPE = "bundle"


def _service_ref_problem(text: str) -> str | None:
    try:
        parse_service_ref(text)
    except ValueError as exc:
        return str(exc)
    return None


def _node_ports_problem(text: str) -> str | None:
    tls, comma, discovery = text.partition(",")
    if not (comma and tls.strip().isascii() and tls.strip().isdigit() and discovery.strip().isascii()
            and discovery.strip().isdigit()):
        return _("give TLS,DISCOVERY node ports, e.g. 30510,32359")
    return None


# The order is the form's; `key` is the `smfed-wizard bundle` flag: --peer-<key>, or --export / --import.
BUNDLE_FIELDS = (
    Field("smcp", SCOPE, "smcp_file", N_("Peer's SMCP file"),
          N_("The peer mesh's own ServiceMeshControlPlane file, when you have it: its namespace, trust domain, "
             "egress gateway for this mesh and, for a NodePort ingress, its node ports are read from it into the "
             "fields below, as smfed-wizard bundle --peer-smcp does. A relative path is relative to the SMCP's "
             "directory."),
          optional=True),
    Field("address", SCOPE, "addresses", N_("Peer's ingress addresses"),
          N_("spec.remote.addresses of the ServiceMeshPeer: how this mesh reaches the peer's federation ingress "
             "gateway, its load balancer's address or, for a NodePort ingress, node IPs. Without one the resource "
             "holds a placeholder."),
          kind=LIST, optional=True, check=address_problem),
    Field("node-ports", SCOPE, "node_ports", N_("Peer's node ports (tls,discovery)"),
          N_("spec.remote.servicePort and discoveryPort: empty for a LoadBalancer ingress (15443 and 8188); the "
             "two node ports when the peer exposes its ingress as NodePort."),
          optional=True, check=_node_ports_problem),
    Field("namespace", SCOPE, "namespace", N_("Peer's namespace"),
          N_("The namespace of the peer's control plane: part of the clientID of its egress gateway."),
          check=dns1123_problem),
    Field("trust-domain", SCOPE, "trust_domain", N_("Peer's trust domain"),
          N_("spec.security.trustDomain: the peer mesh's own trust domain, never this mesh's."),
          check=MESH_FIELD_BY_KEY["trust-domain"].check),
    Field("egress", SCOPE, "egress_for_us", N_("Peer's egress gateway for us"),
          N_("The name of the peer's egress gateway that serves this mesh: its service account is in the clientID."),
          check=dns1035_problem),
    Field("ca", SCOPE, "ca_file", N_("Peer's root CA (PEM file)"),
          N_("The peer's root CA certificate, for the ConfigMap <peer>-ca-root-cert (root-cert.pem). Read it with "
             "oc get configmap istio-ca-root-cert -n <peer namespace> on the peer's cluster. A relative path "
             "is relative to the SMCP's directory. Without one the ConfigMap holds a placeholder."),
          optional=True),
    Field("export", SCOPE, "exports", N_("Exported to the peer"),
          N_("ExportedServiceSet rules: NAMESPACE/NAME of services this mesh exports to the peer (either may be *)."),
          kind=LIST, optional=True, check=_service_ref_problem),
    Field("import", SCOPE, "imports", N_("Imported from the peer"),
          N_("ImportedServiceSet rules: NAMESPACE/NAME of services the peer exports that this mesh imports."),
          kind=LIST, optional=True, check=_service_ref_problem),
)
FIELD_BY_KEY = {f.key: f for f in BUNDLE_FIELDS}

# Where a field's value shows in the bundle: (document of the peer's four, the key on the line).
_FOCUS = {"smcp": (1, "clientID:"), "address": (1, "addresses:"), "node-ports": (1, "discoveryPort:"),
          "namespace": (1, "clientID:"), "trust-domain": (1, "trustDomain:"), "egress": (1, "clientID:"),
          "ca": (0, "root-cert.pem:"), "export": (2, "exportRules:"), "import": (3, "importRules:")}
DOCUMENTS_PER_PEER = 4


@dataclass(frozen=True)
class BundleWrite:
    """What writing the bundle to `path` would do; made by `FederationResources.prepare_write`, used by `write`."""

    path: str
    data: bytes
    existing: LoadedFile | None         # the file there now (None: no file yet)
    changed_on_disk: bool = False       # it differs from what the wizard wrote there earlier
    diff: str = ""                      # from the file there now to the bundle

    @property
    def unchanged(self) -> bool:
        return self.existing is not None and self.existing.data == self.data


class FederationResources:
    """The Next-steps state of one wizard run: per-peer values, the bundle, its file."""

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.values: dict[str, dict[str, object]] = {}       # peer -> field key -> value the user gave
        self.invalid: dict[tuple[str, str], str] = {}         # (field key, peer) -> why the text is no value
        self.certificates: dict[str, str] = {}               # peer -> checked PEM read from its file
        self.path: str | None = None                         # the file chosen; None: `default_path()`
        self.revision = 0
        self._written: dict[str, str] = {}                   # real path -> sha256 of what the wizard wrote
        self._baseline: tuple[str, str | None] | None = None  # (file, its text then) for `changed_lines`
        self._cache: dict = {}

    # --- values -------------------------------------------------------------------------------------

    def default(self, fld: Field, peer: str):
        if fld.key in ("namespace", "trust-domain", "egress"):
            local = self.session.mesh
            return getattr(default_remote(local, local.peer(peer) or Peer.new(peer)), fld.attr)
        return () if fld.kind == LIST else None

    def value(self, fld: Field, peer: str):
        given = self.values.get(peer, {})
        return given[fld.key] if fld.key in given else self.default(fld, peer)

    def problem(self, fld: Field, peer: str) -> str | None:
        return self.invalid.get((fld.key, peer))

    def set_text(self, fld: Field, peer: str, text: str) -> str | None:
        """Take what the user typed; returns the problem to show under the field, or None. Text that is
        not a usable value keeps the previous value and blocks writing until it is fixed."""
        key = (fld.key, peer)
        try:
            value = fld.parse(text)
            if fld.kind == LIST:
                value = tuple(dict.fromkeys(value or ()))   # `bundle` drops a service given twice
            if fld.key == "trust-domain" and value == self.session.mesh.trust_domain:
                raise ValueError(_("is this mesh's own trust domain; each mesh needs its own (§6.4)"))
            if fld.key == "ca":
                self._read_certificate(peer, value)
            filled = self._read_peer_smcp(peer, value) if fld.key == "smcp" else {}
        except ValueError as exc:
            self.invalid[key] = str(exc)
            self._changed()
            return str(exc)
        self.invalid.pop(key, None)
        for other, other_value in ((fld.key, value), *filled.items()):
            self._take(FIELD_BY_KEY[other], peer, other_value)
        self._changed()
        return None

    def _take(self, fld: Field, peer: str, value) -> None:
        if fld.key != "smcp":
            self.invalid.pop((fld.key, peer), None)
        if value == self.default(fld, peer):   # the convention: it follows the names again
            self.values.get(peer, {}).pop(fld.key, None)
        else:
            self.values.setdefault(peer, {})[fld.key] = value

    def _read_peer_smcp(self, peer: str, path: str | None) -> dict[str, object]:
        """The values the peer's own SMCP gives (field key -> value), as `bundle --peer-smcp` reads
        them; ValueError says why the file cannot give them."""
        if not path:
            return {}
        from .bundle import remote_from_mesh
        from .reader import read_mesh
        from .source import parse
        local = self.session.mesh
        try:
            remote = read_mesh(parse(read_file(self.resolve(path)).data, os.path.basename(path)))
        except InputError as err:
            raise ValueError(err.message) from None
        if remote.name != peer:
            raise ValueError(_("this is the SMCP of {mesh!r}, not of {peer!r}").format(mesh=remote.name, peer=peer))
        try:
            facts = remote_from_mesh(local.name, remote)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        if not facts.ports_known:
            raise ValueError(_("its ingress for {mesh!r} is NodePort without fixed node ports: set them in its "
                               "SMCP first").format(mesh=local.name))
        exposure = remote.peer(local.name).exposure
        node_ports = (f"{facts.service_port},{facts.discovery_port}" if exposure.service_type == "NodePort"
                      else None)
        return {"namespace": facts.namespace, "trust-domain": facts.trust_domain, "egress": facts.egress_for_us,
                "node-ports": node_ports}

    def _read_certificate(self, peer: str, path: str | None) -> None:
        if not path:
            self.certificates.pop(peer, None)
            return
        try:
            data = read_file(self.resolve(path)).data.decode("utf-8")
            self.certificates[peer] = normalize_certificates(data)
        except InputError as err:
            raise ValueError(err.message) from None
        except UnicodeDecodeError:
            raise ValueError(_("not a UTF-8 text file")) from None
        except CertificateError as exc:
            raise ValueError(_("not a root certificate: {problem}").format(problem=exc)) from None

    def renamed(self, old: str, new: str) -> None:
        """A peer was renamed in the Peers step: what was said about it stays with it."""
        for table in (self.values, self.certificates):
            if old in table:
                table[new] = table.pop(old)
        for key in [k for k in self.invalid if k[1] == old]:
            self.invalid[(key[0], new)] = self.invalid.pop(key)
        self._changed()

    def removed(self, name: str) -> None:
        self.values.pop(name, None)
        self.certificates.pop(name, None)
        for key in [k for k in self.invalid if k[1] == name]:
            del self.invalid[key]
        self._changed()

    def _changed(self) -> None:
        self.revision += 1
        self._cache.clear()

    # --- the bundle ---------------------------------------------------------------------------------

    def _key(self) -> tuple:
        return (self.session.revision, self.revision)

    def remotes(self) -> dict:
        local = self.session.mesh
        out = {}
        for peer in local.peers:
            remote = default_remote(local, peer)
            changes: dict = {}
            for fld in BUNDLE_FIELDS:
                if fld.key not in self.values.get(peer.name, {}):
                    continue
                value = self.values[peer.name][fld.key]
                if fld.key == "node-ports":
                    tls, _comma, discovery = value.partition(",")
                    service, disc, known = remote_ports(Exposure("NodePort", int(tls), int(discovery)))
                    changes.update(service_port=service, discovery_port=disc, ports_known=known)
                elif fld.key == "ca":
                    changes["ca_pem"] = self.certificates.get(peer.name)
                elif fld.key not in ("export", "import", "smcp"):   # smcp: its values are in the others'
                    changes[fld.attr] = value
            out[peer.name] = replace(remote, **changes)
        return out

    def service_sets(self) -> tuple[dict, dict]:
        exports, imports = {}, {}
        for peer in self.session.mesh.peers:
            exports[peer.name] = [parse_service_ref(t) for t in self.value(FIELD_BY_KEY["export"], peer.name)]
            imports[peer.name] = [parse_service_ref(t) for t in self.value(FIELD_BY_KEY["import"], peer.name)]
        return exports, imports

    def bundle(self) -> Bundle:
        cached = self._cache.get(("bundle", self._key()))
        if cached is None:
            exports, imports = self.service_sets()
            cached = build_bundle(self.session.mesh, self.remotes(), exports, imports)
            self._cache[("bundle", self._key())] = cached
        return cached

    def text(self) -> str:
        cached = self._cache.get(("text", self._key()))
        if cached is None:
            cached = self._cache[("text", self._key())] = self.bundle().text()
        return cached

    def findings(self) -> list[Finding]:
        """The cross-file rules' errors over this mesh's SMCP and the bundle, as `bundle` reports them."""
        cached = self._cache.get(("findings", self._key()))
        if cached is None:
            from .checks.federation import check_federation
            from .source import parse
            s = self.session
            try:
                smcp = parse(s.output_bytes(), s.path or "<new>", trusted=True, smcp=s.smcp_choice)
                generated = parse(self.text().encode("utf-8"), os.path.basename(self.target()), trusted=True)
            except InputError:
                cached = []
            else:
                cached = sorted((f for f in check_federation([smcp, generated]) if f.severity == ERROR),
                                key=sort_key)
            self._cache[("findings", self._key())] = cached
        return cached

    def notes(self, peer: str) -> dict[str, list[Finding]]:
        """What to show under a field of `peer` whose value is still a placeholder (field key -> warnings):
        the resources are written, but not applied before someone fills these in."""
        from .bundle import ca_config_map_name, placeholder_address
        out: dict[str, list[Finding]] = {}
        if not self.value(FIELD_BY_KEY["address"], peer):
            out["address"] = [Finding("", WARNING, "spec.remote.addresses", None, None, _(
                "no address yet: the ServiceMeshPeer says {placeholder!r}").format(
                    placeholder=placeholder_address(peer)), _("give the peer's ingress address before applying"))]
        if peer not in self.certificates:
            out["ca"] = [Finding("", WARNING, "data", None, None, _(
                "no root certificate yet: ConfigMap {config_map} holds a placeholder").format(
                    config_map=ca_config_map_name(peer)), _("give the peer's root CA file before applying"))]
        return out

    def placeholders(self) -> int:
        """How many values are still placeholders, over all peers."""
        return sum(len(self.notes(p.name)) for p in self.session.mesh.peers)

    def changed_lines(self) -> set[int]:
        """Lines of the bundle that differ from the file there (when there is one), else from the
        bundle the conventions alone give: what the user's values changed."""
        cached = self._cache.get(("changed", self._key()))
        if cached is None:
            from .session import changed_line_numbers
            target = self.target()
            if self._baseline is None or self._baseline[0] != target:
                try:
                    old = read_file(target).data.decode("utf-8", "replace") if os.path.lexists(target) else None
                except InputError:
                    old = None
                self._baseline = (target, old)
            old = self._baseline[1]
            if old is None:
                old = build_bundle(self.session.mesh).text()
            cached = self._cache[("changed", self._key())] = changed_line_numbers(old.split("\n"), self.text())
        return cached

    def diff_against(self, data: bytes) -> str:
        """Unified diff from `data` (the file as it is on disk) to the bundle."""
        name = os.path.basename(self.target())
        old = data.decode("utf-8", "replace")
        return "".join(difflib.unified_diff(old.splitlines(keepends=True), self.text().splitlines(keepends=True),
                                            fromfile=f"on disk/{name}", tofile=f"wizard/{name}"))

    @property
    def blocking(self) -> int:
        return len(self.invalid) + len(self.findings())

    @property
    def can_write(self) -> bool:
        return bool(self.session.mesh.peers) and self.blocking == 0

    def focus_line(self, fld: Field | None, peer: str | None) -> int | None:
        """The 1-based line of the bundle where field `fld` of `peer` shows (its peer's first line
        without a field, None without a peer)."""
        names = [p.name for p in self.session.mesh.peers]
        if peer not in names:
            return None
        document, key = _FOCUS.get(fld.key, (0, "")) if fld is not None else (0, "")
        index = names.index(peer) * DOCUMENTS_PER_PEER + document
        lines = self.text().split("\n")
        start = line = 0
        for number, text in enumerate(lines):   # documents are separated by `---` lines
            if text == "---":
                start += 1
                if start == index:
                    line = number + 1
                    break
        if index and not line:
            return None
        if key:
            for number in range(line, len(lines)):
                if lines[number] == "---":
                    break
                if lines[number].lstrip(" -").startswith(key):
                    return number + 1
        return line + 1

    # --- the command that gives the same file -------------------------------------------------------

    def command(self) -> list[str]:
        """`smfed-wizard bundle SMCP_FILE ...` with a flag for every value that is not the convention;
        it prints what `prepare_write` writes."""
        s = self.session
        argv = ["smfed-wizard", "bundle", os.path.basename(s.path) if s.path else "FILE"]
        for peer in s.mesh.peers:
            given = self.values.get(peer.name, {})
            for fld in BUNDLE_FIELDS:
                if fld.key not in given or given[fld.key] == self.default(fld, peer.name) or fld.key == "smcp":
                    continue   # smcp: what it gave is in the other fields, each with its flag
                value = given[fld.key]
                if fld.key in ("export", "import"):
                    for ref in value:
                        argv += [f"--{fld.key}", f"{peer.name}:{ref}"]
                elif fld.key == "ca":
                    argv += ["--peer-ca", f"{peer.name}={os.path.expanduser(value)}"]
                else:
                    shown = ",".join(value) if fld.kind == LIST else value
                    argv += [f"--peer-{fld.key}", f"{peer.name}={shown}"]
        return argv

    def command_text(self) -> str:
        """The command as typed in the SMCP's directory, its output redirected to the chosen file."""
        return f"{shlex.join(self.command())} > {shlex.quote(os.path.expanduser(self.path_text()))}"

    # --- the file -----------------------------------------------------------------------------------
    # Relative paths (the bundle's file, a certificate file) are relative to the SMCP's directory (the
    # current one for a new file without a name), so the screen shows no directory it was not given.

    def base_dir(self) -> str:
        s = self.session
        return os.path.dirname(os.path.abspath(s.path)) if s.path else os.getcwd()

    def resolve(self, text: str) -> str:
        path = os.path.expanduser(text)
        return path if os.path.isabs(path) else os.path.join(self.base_dir(), path)

    def default_path(self) -> str:
        """`<mesh>-federation.yaml`, next to the SMCP."""
        return f"{self.session.mesh.name}-federation.yaml"

    def path_text(self) -> str:
        """The file as the user gave it (or the default), relative to the SMCP's directory."""
        return self.path or self.default_path()

    def target(self) -> str:
        return self.resolve(self.path_text())

    def set_path(self, text: str) -> str | None:
        """Choose the file to write; returns a problem with the name, or None. Empty: the default."""
        text = text.strip()
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            return _("a file name cannot hold control characters")
        if text.endswith(("/", os.sep)):
            return _("name a file, not a directory")
        self.path = text or None
        self._changed()
        return None

    def prepare_write(self) -> BundleWrite:
        """What writing now would do: the file there, whether the wizard's earlier write there was
        changed by someone else, the diff. Certificates are read again, as `bundle` would read them."""
        for peer, given in self.values.items():
            if given.get("ca"):
                try:
                    self._read_certificate(peer, given["ca"])
                    self.invalid.pop(("ca", peer), None)
                except ValueError as exc:
                    self.invalid[("ca", peer)] = str(exc)
        self._changed()
        path = self.target()
        data = self.text().encode("utf-8")
        existing = read_file(path) if os.path.lexists(path) else None
        written = self._written.get(os.path.realpath(path))
        changed = existing is not None and written is not None and existing.sha256 != written
        return BundleWrite(path, data, existing, changed, self.diff_against(existing.data) if existing else "")

    def forget_write(self, path: str) -> None:
        """After the user was told the file changed on disk: the next write asks before overwriting."""
        self._written.pop(os.path.realpath(path), None)

    def write(self, plan: BundleWrite) -> str:
        """Write through the safe writer; raises ChangedOnDiskError (someone changed it since
        `prepare_write`) or WriteError, the file left as it was."""
        if not self.can_write:
            raise InputError(_("{count} error(s) must be fixed before writing").format(count=self.blocking))
        real = write_file(plan.path, plan.data, expected=plan.existing)
        self._written[os.path.realpath(plan.path)] = read_file(plan.path).sha256
        self._baseline = None   # the file on disk is what changed lines compare with now
        self._changed()
        return real


__all__ = ["BUNDLE_FIELDS", "FIELD_BY_KEY", "BundleWrite", "FederationResources"]
