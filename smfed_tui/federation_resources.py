"""The federation resources (ServiceMeshPeer, CA ConfigMap, ExportedServiceSet, ImportedServiceSet: what
federation needs beyond the SMCP, `smfed-wizard bundle`'s output) as the wizard's federation-resources step
edits them: what the user says about each
peer (its ingress addresses, namespace, trust domain, egress gateway for us, node ports, root
certificate file, the services exported to it and imported from it), checked as it is typed; the
bundle built from it by `bundle.build_bundle` and checked by the cross-file rules, as `smfed-wizard
bundle` does; the equivalent command; writing it through the safe writer. No UI here.

Each value is declared once, in `peer_facts.BUNDLE_FIELDS` (the `bundle` flags are made from the same
declarations), so the form renders it like every other field. A value the user has not given follows
the conventions (`bundle.default_remote`) and stays an assumption (`assumption`, for the form's
"assumed" mark) until the user types or confirms it or the peer's SMCP gives it; the command shows
what differs from the conventions and what was confirmed: its output and the written file are the same
bytes.
"""
from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, replace
from typing import Protocol

from .bundle import Assumption, Bundle, build_bundle, default_remote, is_own_placeholder, parse_service_ref
from .errors import InputError, SmfedError
from .fields import LIST, Field
from .findings import ERROR, WARNING, Finding, sort_key
from .i18n import _
from .line_diff import changed_line_numbers, unified_diff
from .checks.values import dns1123_problem
from .model import Mesh, Peer
from .peer_facts import (BUNDLE_FIELDS, FIELD_BY_KEY, SERVICE_KEYS, SMCP_KEYS, PeerSmcp, check_value, flag,
                         read_certificate, read_peer_smcp, remote_for)
from .revision_memo import RevisionMemo
from .safe_files import LoadedFile, read_file, write_file


class SessionView(Protocol):
    """What the federation resources read of the wizard's session (`session.Session`, which owns them
    and so is not imported here)."""

    mesh: Mesh
    path: str | None
    revision: int
    smcp_choice: int | None

    def output_bytes(self) -> bytes: ...


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
    """The federation-resources state of one wizard run: per-peer values, the bundle, its file."""

    def __init__(self, session: SessionView) -> None:
        self.session = session
        self.values: dict[str, dict[str, object]] = {}       # peer -> field key -> value the user gave
        self.invalid: dict[tuple[str, str], str] = {}         # (field key, peer) -> why the text is no value
        self.certificates: dict[str, str] = {}               # peer -> checked PEM read from its file
        self.reads: dict[str, PeerSmcp] = {}                 # peer -> what its SMCP file said
        self.confirmed: set[tuple[str, str]] = set()         # (field key, peer) the user typed or confirmed
        self.federation_name: str | None = None              # what the peers call this mesh; None: the SMCP name
        self.path: str | None = None                         # the file chosen; None: `default_path()`
        self.revision = 0
        self._written: dict[str, str] = {}                   # real path -> sha256 of what the wizard wrote
        self._baseline: tuple[str, str | None] | None = None  # (file, its text then) for `changed_lines`
        self._memo = RevisionMemo(lambda: (self.session.revision, self.revision))   # derived per revision

    # --- values -------------------------------------------------------------------------------------

    def default(self, fld: Field, peer: str):
        if fld.key in ("namespace", "trust-domain", "egress"):
            local = self.local()
            return getattr(default_remote(local, local.peer(peer) or Peer.new(peer)), fld.attr)
        return () if fld.kind == LIST else None

    def value(self, fld: Field, peer: str):
        given = self.values.get(peer, {})
        return given[fld.key] if fld.key in given else self.default(fld, peer)

    def problem(self, fld: Field, peer: str) -> str | None:
        return self.invalid.get((fld.key, peer))

    def set_text(self, fld: Field, peer: str, text: str) -> str | None:
        """Take what the user typed; returns the problem to show under the field, or None. Text that is
        not a usable value keeps the previous value and blocks writing until it is fixed. A value typed
        (even the conventional one) is the user's: no longer an assumption."""
        key = (fld.key, peer)
        try:
            value = fld.parse(text)
            if fld.kind == LIST:
                value = tuple(dict.fromkeys(value or ()))   # `bundle` drops a service given twice
            check_value(self.local(), fld, value)
            if fld.key == "ca":
                self._read_certificate(peer, value)
            filled = self._read_peer_smcp(peer, value) if fld.key == "smcp" else {}
        except ValueError as exc:
            self.invalid[key] = str(exc)
            self._changed()
            return str(exc)
        self.invalid.pop(key, None)
        self.confirmed.add(key)
        for other, other_value in ((fld.key, value), *filled.items()):
            self._take(FIELD_BY_KEY[other], peer, other_value)
        self._changed()
        return None

    def local(self) -> Mesh:
        """The mesh as its peers know it: the session's, with the federation name given here (it is in no
        field of the SMCP, so the SMCP file cannot hold it)."""
        mesh = self.session.mesh
        return replace(mesh, federation_name=self.federation_name) if self.federation_name else mesh

    def set_federation_name(self, text: str) -> str | None:
        """This mesh's federation name (empty: the SMCP name); returns the problem with it, or None. The
        peers' gateways for this mesh are found by it, and the guessed egress gateway names it."""
        text = text.strip()
        problem = dns1123_problem(text) if text else None
        if problem is None:
            self.federation_name = text or None
            self._changed()
        return problem

    def confirm(self, fld: Field, peer: str) -> None:
        """The user accepts the value shown (an assumption until now) as it is."""
        self.confirmed.add((fld.key, peer))
        self._changed()

    def assumption(self, fld: Field, peer: str) -> Assumption | None:
        """Why the value of `fld` for `peer` is an assumption (what it was derived from), or None when
        it was typed, confirmed or read: the form marks an assumed value until then."""
        remote = self.remotes().get(peer)
        return remote.assumed(fld.key) if remote is not None else None

    def _take(self, fld: Field, peer: str, value) -> None:
        if fld.key != "smcp":
            self.invalid.pop((fld.key, peer), None)
        if value == self.default(fld, peer):   # the convention: it follows the names again
            self.values.get(peer, {}).pop(fld.key, None)
        else:
            self.values.setdefault(peer, {})[fld.key] = value

    def _read_peer_smcp(self, peer: str, path: str | None) -> dict[str, object]:
        """The values the peer's own SMCP gives (field key -> value), read as `bundle --peer-smcp
        PEER=FILE` reads it; ValueError says why the file cannot give them."""
        if not path:
            self.reads.pop(peer, None)
            return {}
        try:
            read = read_peer_smcp(self.local(), os.path.basename(path), read_file(self.resolve(path)).data, peer)
        except InputError as err:
            raise ValueError(err.message) from None
        if not read.remote.ports_known:
            raise ValueError(_("its ingress for {mesh!r} is NodePort without fixed node ports: set them in its "
                               "SMCP first").format(mesh=self.local().federation))
        self.reads[peer] = read
        return {key: read.values[key] for key in SMCP_KEYS}

    def _read_certificate(self, peer: str, path: str | None) -> None:
        if not path:
            self.certificates.pop(peer, None)
            return
        try:
            self.certificates[peer] = read_certificate(self.resolve(path))
        except InputError as err:
            raise ValueError(err.message) from None

    def renamed(self, old: str, new: str) -> None:
        """A peer was renamed in the Peers step: what was said about it stays with it."""
        for table in (self.values, self.certificates, self.reads):
            if old in table:
                table[new] = table.pop(old)
        self.confirmed = {(key, new if name == old else name) for key, name in self.confirmed}
        for key in [k for k in self.invalid if k[1] == old]:
            self.invalid[(key[0], new)] = self.invalid.pop(key)
        self._changed()

    def removed(self, name: str) -> None:
        self.values.pop(name, None)
        self.certificates.pop(name, None)
        self.reads.pop(name, None)
        self.confirmed = {(key, peer) for key, peer in self.confirmed if peer != name}
        for key in [k for k in self.invalid if k[1] == name]:
            del self.invalid[key]
        self._changed()

    def _changed(self) -> None:
        self.revision += 1

    # --- the bundle ---------------------------------------------------------------------------------

    def remotes(self) -> dict:
        return self._memo.get("remotes", self._remotes)

    def _remotes(self) -> dict:
        local = self.local()
        out = {}
        for peer in local.peers:
            given = dict(self.values.get(peer.name, {}))
            confirmed = {key for key, name in self.confirmed if name == peer.name}
            for key in confirmed - set(given):   # a conventional value the user confirmed
                given[key] = self.value(FIELD_BY_KEY[key], peer.name)
            out[peer.name] = remote_for(local, peer, given, certificate=self.certificates.get(peer.name),
                                        read=self.reads.get(peer.name), confirmed=confirmed)
        return out

    def service_sets(self) -> tuple[dict, dict]:
        exports, imports = {}, {}
        for peer in self.session.mesh.peers:
            exports[peer.name] = [parse_service_ref(t) for t in self.value(FIELD_BY_KEY["export"], peer.name)]
            imports[peer.name] = [parse_service_ref(t) for t in self.value(FIELD_BY_KEY["import"], peer.name)]
        return exports, imports

    def bundle(self) -> Bundle:
        return self._memo.get("bundle", lambda: build_bundle(self.local(), self.remotes(), *self.service_sets()))

    def text(self) -> str:
        return self._memo.get("text", lambda: self.bundle().text())

    def findings(self) -> list[Finding]:
        """The cross-file rules' errors over this mesh's SMCP and the bundle, as `bundle` reports them."""
        return self._memo.get("findings", self._findings)

    def _findings(self) -> list[Finding]:
        from .checks.federation import check_federation
        from .source import parse
        s = self.session
        try:
            smcp = parse(s.output_bytes(), s.path or "<new>", trusted=True, smcp=s.smcp_choice)
            generated = parse(self.text().encode("utf-8"), os.path.basename(self.target()), trusted=True)
        except InputError:
            return []
        # the bundle's own errors, as `bundle` blocks on them (what is wrong in the SMCP is the
        # SMCP's to fix, and does not stop its peer resources)
        return sorted((f for f in check_federation([smcp, generated]) if f.severity == ERROR
                       and f.file == generated.path and not is_own_placeholder(f, generated.path)), key=sort_key)

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
        return self._memo.get("changed", self._changed_lines)

    def _changed_lines(self) -> set[int]:
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
        return changed_line_numbers(old.split("\n"), self.text())

    def diff_against(self, data: bytes) -> str:
        """Unified diff from `data` (the file as it is on disk) to the bundle."""
        name = os.path.basename(self.target())
        old = data.decode("utf-8", "replace")
        return unified_diff(old, self.text(), fromfile=f"on disk/{name}", tofile=f"wizard/{name}")

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
        if self.federation_name:
            argv += ["--federation-name", self.federation_name]
        for peer in s.mesh.peers:
            given = self.values.get(peer.name, {})
            for fld in BUNDLE_FIELDS:
                confirmed = (fld.key, peer.name) in self.confirmed and fld.key in ("namespace", "trust-domain",
                                                                                    "egress")
                if fld.key == "smcp" or not (confirmed or fld.key in given and given[fld.key] != self.default(
                        fld, peer.name)):
                    continue   # smcp: what it gave is in the other fields, each with its flag
                value = self.value(fld, peer.name)
                if fld.key in SERVICE_KEYS:
                    argv += [arg for ref in value for arg in (flag(fld), f"{peer.name}:{ref}")]
                elif fld.key == "ca":
                    argv += [flag(fld), f"{peer.name}={os.path.expanduser(value)}"]
                else:
                    argv += [flag(fld), f"{peer.name}={','.join(value) if fld.kind == LIST else value}"]
        return argv

    def command_text(self) -> str:
        """The command as typed in the SMCP's directory, its output redirected to the chosen file."""
        return f"{shlex.join(self.command())} > {shlex.quote(os.path.expanduser(self.path_text()))}"

    def apply_command(self, written: str, client: str, context: str | None = None) -> str:
        """The command that applies the written file `written` (as shown), with `client` (oc or kubectl)
        in kubeconfig `context` (None: the current one)."""
        return shlex.join([client, "apply", "-f", written] + ([f"--context={context}"] if context else []))

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

    def has_unwritten_work(self) -> bool:
        """Whether quitting now loses what the user gave on Federation resources: values typed or confirmed that
        the file on disk does not hold (yet)."""
        if not (self.values or self.confirmed):
            return False
        path = self.target()
        try:
            return not os.path.lexists(path) or read_file(path).data != self.text().encode("utf-8")
        except (OSError, SmfedError):
            return True

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
