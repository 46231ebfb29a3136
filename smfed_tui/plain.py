"""The wizard as line-by-line prompts (`smfed-wizard --plain`, `ACCESSIBLE=1`, `TERM=dumb`).

The same steps as the Textual wizard (Mesh, Peers, Exposure, Review, Write), driven through the same
`Session`, so the defaults, the validators, the findings and the safe write are the core's. Every
prompt is rendered from the field declarations in `fields`: the label is the question, the docs'
help is the instruction, the current value is the default (so editing a file prefills every answer),
and CHOICE / BOOL fields become a list to pick from. Invalid input re-prompts with the core's
message and fix. Ctrl-C (or Ctrl-D) anywhere writes nothing and returns 130.

This is the only module that imports questionary, and only inside `run_plain`: importing it costs
nothing on the other paths. The apply after the write is `plain_apply.PlainApply`, a part of this class. Output is plain `print` text: nothing the user typed is interpreted as
markup.
"""
from __future__ import annotations

import copy
import dataclasses
import sys
from collections import Counter

from .checks.smcp_ports import SMF053
from .errors import ChangedOnDiskError, SmfedError, fix_line, format_error
from .exit_codes import EXIT_ABORTED, EXIT_OK
from .fields import BOOL, CHOICE, EXPOSURE_FIELDS, INT, MESH_FIELDS, PEER_FIELDS, TEXT, Field
from .findings import ERROR, Finding, counts_text, severity_label
from .i18n import N_, _
from .line_diff import unified_diff
from .new_file import name_problem
from .plain_apply import PlainApply
from .session import Session

STEPS = (N_("Mesh"), N_("Peers"), N_("Exposure"), N_("Review"), N_("Write"))   # shown translated: `_(step)`
NOT_SET = ""  # the choice value of "(not set)": what `Field.parse` reads as None for an optional field

PEER_NAME = PEER_FIELDS[0]
PEER_GATEWAY_FIELDS = PEER_FIELDS[1:]
_BY_KEY = {f.key: f for f in EXPOSURE_FIELDS}
SERVICE, TLS_NODE_PORT, DISCOVERY_NODE_PORT, NLB, ROUTE = (
    _BY_KEY["service"], _BY_KEY["tls-node-port"], _BY_KEY["discovery-node-port"], _BY_KEY["nlb"], _BY_KEY["route"])
ROUTER_MODE = next(f for f in PEER_FIELDS if f.key == "router-mode")

BOTH_OR_NEITHER = SMF053.code   # the rule "only one of the two node ports is set"


class _Quit(Exception):
    """The user chose to leave without writing (treated like Ctrl-C: exit 130)."""


def run_plain(path: str | None, *, kubectl: str | None = None, context: str | None = None,
              smcp: str | None = None) -> int:
    """Run the wizard on `path` (new or existing) with line-by-line prompts; the exit code.
    `kubectl` and `context`: what applying uses (None: oc, else kubectl, on PATH; the current context).
    `smcp`: which SMCP of a file that holds several (`--smcp`)."""
    try:
        session = Session.open(path, smcp=smcp)
    except SmfedError as err:
        print(format_error(err), file=sys.stderr)
        return err.exit_code
    wizard = PlainWizard(session, kubectl=kubectl, context=context)
    try:
        return wizard.run()
    except KeyboardInterrupt:
        reason = _("aborted (ctrl+c)")
    except EOFError:
        reason = _("input ended (ctrl+d or end of file)")
    except _Quit as quit_:
        reason = str(quit_) or _("quit")
    if wizard.written:
        print("\n" + _("{reason}; {file} was already written").format(reason=reason, file=session.path), file=sys.stderr)
    else:
        print("\n" + _("{reason}; nothing written").format(reason=reason), file=sys.stderr)
    return EXIT_ABORTED


def finding_line(f: Finding) -> str:
    """`warning SMF070 spec....requestedNetworkView: message` and the fix on the next line."""
    where = f" {f.path}" if f.path else ""
    line = " " + _("(line {line})").format(line=f.line) if f.line else ""
    return f"{severity_label(f.severity)} {f.code}{where}{line}: {f.message}\n    {fix_line(f.hint)}"


def problem_text(f: Finding) -> str:
    """Why an answer is refused, the way the core says it: code and message, then the fix."""
    return f"{severity_label(f.severity)} {f.code}: {f.message}\n    {fix_line(f.hint)}"


class PlainWizard(PlainApply):
    """The steps, as prompts. `q` is the questionary module (imported by `run`)."""

    def __init__(self, session: Session, *, kubectl: str | None = None, context: str | None = None) -> None:
        self.session = session
        self.kubectl = kubectl
        self.context = context
        self.written = False
        self.q = None

    # --- the flow ---------------------------------------------------------------------------------

    def run(self) -> int:
        import questionary  # only this mode pays for it

        self.q = questionary
        s = self.session
        if s.is_edit:
            print(_("smfed-wizard: editing {file} (every answer is prefilled from the file; "
                    "press Enter to keep it)").format(file=s.path))
        elif s.path:
            print(_("smfed-wizard: new ServiceMeshControlPlane {file}").format(file=s.path))
            if name_problem(s.path):   # the mesh could not be named after the file: what to type instead
                print(name_problem(s.path))
        else:
            print(_("smfed-wizard: new ServiceMeshControlPlane"))
        print(_("Ctrl-C quits without writing."))
        self.step_mesh()
        self.step_peers()
        self.step_exposure()
        while True:
            action = self.step_review()
            if action == "write":
                return self.step_write()
            if action == "done":
                print(_("nothing to change; {file} is left as it was").format(file=s.path))
                return EXIT_OK
            {"mesh": self.step_mesh, "peers": self.step_peers, "exposure": self.step_exposure}[action]()

    def header(self, step: str, extra: str = "") -> None:
        n = STEPS.index(step) + 1
        print("\n" + _("== Step {n} of {total}: {step}{extra} ==").format(n=n, total=len(STEPS), step=_(step),
                                                                          extra=extra))

    # --- step 1: mesh -----------------------------------------------------------------------------

    def step_mesh(self) -> None:
        self.header("Mesh")
        for fld in MESH_FIELDS:
            self.ask_field(fld)

    # --- step 2: peers ----------------------------------------------------------------------------

    def step_peers(self) -> None:
        self.header("Peers")
        while True:
            peers = self.session.mesh.peers
            names = [p.name for p in peers]
            print(_("Peer meshes: {names}").format(names=", ".join(names) if names else _("none yet")))
            none = _("no peers yet") if not peers else None
            choices = [
                self.q.Choice(_("Add a peer"), value="add"),
                self.q.Choice(_("Change a peer's gateways"), value="edit", disabled=none),
                self.q.Choice(_("Rename a peer"), value="rename", disabled=none),
                self.q.Choice(_("Remove a peer"), value="remove", disabled=none),
                self.q.Choice(_("Done with peers"), value="done"),
            ]
            action = self.select(_("Peers"), choices, default="done" if peers else "add",
                                 instruction=_("add, rename or remove the meshes this mesh federates with"))
            if action == "done":
                return
            if action == "add":
                name = self.ask_text(PEER_NAME.label, "", PEER_NAME.help, self._peer_name_check(None))
                self.session.add_peer(PEER_NAME.parse(name))
                print(_("added {name}; its gateways (Enter keeps the default):").format(name=name.strip()))
                self.ask_peer_gateways(name.strip())
                continue
            name = self.pick_peer({"edit": _("Which peer's gateways?"), "rename": _("Rename which peer?"),
                                   "remove": _("Remove which peer?")}[action])
            if action == "edit":
                self.ask_peer_gateways(name)
            elif action == "rename":
                new = self.ask_text(PEER_NAME.label, name, PEER_NAME.help, self._peer_name_check(name)).strip()
                if new != name:
                    self.session.set_field(PEER_NAME, name, PEER_NAME.parse(new))
                    print(_("renamed {old} to {new}").format(old=name, new=new))
            else:
                peer = self.session.mesh.peer(name)
                if self.q.confirm(_("Remove {name} (gateways {egress} and {ingress})?").format(
                        name=name, egress=peer.egress, ingress=peer.ingress), default=False).unsafe_ask():
                    from .apply import client_name
                    left = self.session.left_by_removal(name, client_name(self.kubectl))
                    self.session.remove_peer(name)
                    print(_("removed {name}").format(name=name))
                    for line in left:   # its federation resources elsewhere: for the user to delete
                        print(line)

    def ask_peer_gateways(self, name: str) -> None:
        for fld in PEER_GATEWAY_FIELDS:
            peer = self.session.mesh.peer(name)
            # routerMode is read by v2.1 only: ask for it there, or when the file already sets it
            if fld is ROUTER_MODE and self.session.mesh.version != "v2.1" and peer.router_mode is None:
                continue
            self.ask_field(fld, name)

    def pick_peer(self, question: str) -> str:
        names = [p.name for p in self.session.mesh.peers]
        return self.select(question, [self.q.Choice(n, value=n) for n in names], default=names[0])

    def _peer_name_check(self, old: str | None):
        def check(text: str) -> str | None:
            name = text.strip()
            if old is not None and name == old:
                return None
            problem = PEER_NAME.problem(name)
            if problem:
                return (_("{label} {problem}").format(label=PEER_NAME.label, problem=problem) + "\n    "
                        + fix_line(_("peer names are DNS labels, e.g. green-mesh")))
            if self.session.mesh.peer(name) is not None:
                return _("there is already a peer named {name}; pick another name").format(name=name)
            return None
        return check

    # --- step 3: exposure -------------------------------------------------------------------------

    def step_exposure(self) -> None:
        peers = [p.name for p in self.session.mesh.peers]
        if not peers:
            self.header("Exposure", " " + _("(no peers: nothing to expose)"))
            return
        for name in peers:
            self.header("Exposure", _(": peer {name}").format(name=name))
            self.ask_exposure(name)

    def ask_exposure(self, name: str) -> None:
        s = self.session
        before = s.mesh.peer(name).exposure
        self.ask_field(SERVICE, name)
        exposure = s.mesh.peer(name).exposure
        if exposure.service_type == "NodePort":
            self.ask_node_ports(name, switched=before.service_type != "NodePort")
        elif before.service_type != exposure.service_type and (
                exposure.tls_node_port is not None or exposure.discovery_node_port is not None):
            # node ports only belong to a NodePort service (SMF050): the user moved away from it
            s.update(s.mesh.with_peer(s.mesh.peer(name).with_exposure(tls_node_port=None, discovery_node_port=None)))
            print(_("removed the node ports: they only apply to a NodePort service"))
        exposure = s.mesh.peer(name).exposure
        if exposure.service_type == "LoadBalancer" or exposure.aws_nlb:
            self.ask_field(NLB, name)
        self.ask_field(ROUTE, name)

    def ask_node_ports(self, name: str, *, switched: bool) -> None:
        s = self.session
        exposure = s.mesh.peer(name).exposure
        has_ports = exposure.tls_node_port is not None or exposure.discovery_node_port is not None
        try:
            suggestion = scratch(s).pick_free_node_ports(name)  # shown; taken only if the user picks it
        except ValueError as exc:
            suggestion = None
            print(_("no free node ports to suggest: {problem}").format(problem=exc))
        choices = [
            self.q.Choice(_("Pick free node ports ({tls} and {discovery})").format(
                              tls=suggestion[0], discovery=suggestion[1]) if suggestion
                          else _("Pick free node ports"), value="pick",
                          disabled=None if suggestion else _("none free in the range")),
            self.q.Choice(_("Type the node ports (now {ports})").format(ports=self._ports_text(exposure)) if has_ports
                          else _("Type the node ports"), value="type"),
            self.q.Choice(_("Leave them unset (Kubernetes picks random ones)"), value="unset"),
        ]
        default = "type" if has_ports else ("pick" if switched and suggestion else "unset")
        action = self.select(_("Node ports"), choices, default=default,
                             instruction=_("the peer connects to these ports on every node: 15443 (tls) and "
                                           "8188 (discovery)"))
        if action == "pick":
            tls, discovery = s.pick_free_node_ports(name)
            lo, hi = s.options.node_port_range
            print(_("node ports: {tls} (15443) and {discovery} (8188), free in this file and picked from across "
                    "{lo}-{hi} rather than its first ports, which others pick too; check that the cluster does not "
                    "use them (oc get svc -A)").format(tls=tls, discovery=discovery, lo=lo, hi=hi))
        elif action == "type":
            self.ask_field(TLS_NODE_PORT, name)
            # the pair is being typed: "only one of the two node ports is set", about the port asked
            # next, is no news before it is asked
            self.ask_field(DISCOVERY_NODE_PORT, name, quiet=(BOTH_OR_NEITHER,))
        elif has_ports:
            s.update(s.mesh.with_peer(s.mesh.peer(name).with_exposure(tls_node_port=None, discovery_node_port=None)))

    @staticmethod
    def _ports_text(exposure) -> str:
        return _("{tls} and {discovery}").format(tls=TLS_NODE_PORT.format(exposure.tls_node_port) or "-",
                                                 discovery=DISCOVERY_NODE_PORT.format(exposure.discovery_node_port) or "-")

    # --- step 4: review ---------------------------------------------------------------------------

    def step_review(self) -> str:
        s = self.session
        self.header("Review")
        print(counts_text(s.errors, s.warnings, s.hints))
        for f in s.findings:
            print("  " + finding_line(f))
        unchanged = s.is_unchanged()
        if s.is_edit:
            if unchanged:
                print(_("No changes to {file}.").format(file=s.path))
            else:
                print(_("Changes to {file}:").format(file=s.path))
                print(s.diff(), end="")
        if unchanged:
            first = self.q.Choice(_("Finish (nothing to change)"), value="done")
        else:
            plan = s.write_plan()
            first = self.q.Choice(_("Write {file}").format(file=s.path) if s.path else _("Write a file"), value="write",
                                  disabled=plan.why_blocked() or None)
        choices = [
            first,
            self.q.Choice(_("Show the full YAML"), value="show"),
            self.q.Choice(_("Change the mesh settings"), value="mesh"),
            self.q.Choice(_("Change the peers"), value="peers"),
            self.q.Choice(_("Change the exposure"), value="exposure"),
            self.q.Choice(_("Quit without writing"), value="quit"),
        ]
        default = first.value if s.can_write or unchanged else "mesh"
        while True:
            action = self.select(_("Review"), choices, default=default, instruction=_("what next?"))
            if action == "show":
                print(s.text, end="" if s.text.endswith("\n") else "\n")
                continue
            if action == "quit":
                raise _Quit(_("quit without writing"))
            return action

    # --- step 5: write ----------------------------------------------------------------------------

    def step_write(self) -> int:
        s = self.session
        self.header("Write")
        if not s.path:
            answer = self.ask_text(_("File to write"), s.suggested_path(),
                                   _("a new file; the wizard never overwrites a file it did not load"),
                                   lambda text: s.new_path_problem(text, edit_command="smfed-wizard --plain"))
            s.path = answer.strip()
        plan = s.write_plan()   # where, how much, what blocks it: the core decides (write_plan)
        if plan.kept_note():
            print(plan.kept_note())

        def confirm(shown) -> bool:
            return self.q.confirm(_("{what} Write it?").format(what=shown.what()), default=True).unsafe_ask()

        ours = s.text
        try:
            if not s.write(confirm):
                if s.is_unchanged():
                    print(_("No changes: {file} is left as it is").format(file=s.path))
                    return EXIT_OK
                raise _Quit(_("declined: {file} not written").format(file=s.path))
        except ChangedOnDiskError as err:
            print(format_error(err), file=sys.stderr)
            theirs = err.current.decode("utf-8", errors="replace")
            print(_("{file} changed on disk after it was loaded; it was NOT overwritten. "
                    "What is on disk now, against what the wizard would write:").format(file=s.path))
            print(unified_diff(theirs, ours, fromfile=f"on disk: {s.path}", tofile=f"wizard: {s.path}"), end="")
            return err.exit_code
        except SmfedError as err:
            print(format_error(err), file=sys.stderr)
            return err.exit_code
        self.written = True
        print(_("wrote {file}").format(file=s.path))
        code = self.offer_apply()
        self.print_next_steps()
        return code

    # --- prompts ----------------------------------------------------------------------------------

    def select(self, message: str, choices: list, *, default, instruction: str | None = None):
        keys = self.q.prompts.common.InquirerControl.SHORTCUT_KEYS
        shortcuts = len(choices) <= len(keys)
        if shortcuts:
            # numbered by position, disabled entries included, so "5" always means the 5th entry
            for key, choice in zip(keys, choices):
                choice.shortcut_key, choice.auto_shortcut = key, False
        return self.q.select(message, choices=choices, default=default, instruction=instruction,
                             use_shortcuts=shortcuts, use_jk_keys=False).unsafe_ask()

    def ask_text(self, message: str, default: str, instruction: str, check) -> str:
        refused = []

        def validate(text: str):
            problem = check(text)
            if problem is None:
                return True
            # The prompt stays open with the problem in its one-line error bar; the whole of it, fix
            # included, is also printed above the prompt, where it stays (and a screen reader reads it).
            from prompt_toolkit.application import run_in_terminal
            run_in_terminal(lambda: print(f"  {problem}"))
            refused.append(text)
            return problem.replace("\n", " ")
        answer = self.q.text(message, default=default, instruction=instruction, validate=validate,
                             validate_while_typing=False).unsafe_ask()
        if refused:   # the refusal printed above stays on screen: say that this answer replaced it
            print("  " + _("✓ {label}: {value} (accepted; the error above was about {refused})").format(
                label=message, value=answer.strip() or _("(empty)"), refused=refused[-1].strip() or _("(empty)")))
        return answer

    def ask_field(self, fld: Field, peer_name: str | None = None, *, quiet: tuple[str, ...] = ()) -> None:
        """Ask one field with its current value as the default; set it in the session when changed.
        Its findings are shown first, but for the codes in `quiet` (about what is being asked now)."""
        s = self.session
        peer = s.mesh.peer(peer_name) if peer_name else None
        current = fld.get(s.mesh, peer)
        default = fld.format(current)
        own_before = [f for f in self.own_findings(fld, peer_name) if f.code not in quiet]
        for f in own_before:
            print("  " + finding_line(f))
        assumed = s.assumption(fld, peer_name)
        if assumed:   # a new peer's value taken from the file's other peers: the answer settles it
            print("  ≈ " + assumed)
        check = self.checker(fld, peer_name, default)
        if fld.kind in (CHOICE, BOOL):
            choices = self.field_choices(fld, default)
            while True:
                answer = self.select(fld.label, choices, default=default, instruction=fld.help)
                problem = check(answer)
                if not problem:
                    break
                print(f"  {problem}")
        else:
            answer = self.ask_text(fld.label, default, fld.help, check)
        s.settle(fld, peer_name)
        if answer.strip() == default.strip():
            return
        s.set_field(fld, peer_name, fld.parse(answer))
        seen = {(f.code, f.message) for f in own_before}
        for f in self.own_findings(fld, peer_name):
            if (f.code, f.message) not in seen:
                print("  " + finding_line(f))

    def field_choices(self, fld: Field, default: str) -> list:
        values = list(fld.choices) if fld.kind == CHOICE else ["true", "false"]
        choices = [self.q.Choice(v, value=v) for v in values]
        if fld.optional:
            title = _("(not set: the operator's default)") if fld.kind == BOOL else _("(not set)")
            choices.append(self.q.Choice(title, value=NOT_SET))
        if default not in values and default != NOT_SET:
            # a value the file has that is not a choice: offer to keep it (the review lists the finding)
            choices.append(self.q.Choice(_("{value} (as in the file)").format(value=default), value=default))
        return choices

    # --- validation: the field's own check, then the core's findings for the field after setting it --

    def checker(self, fld: Field, peer_name: str | None, default: str):
        def check(text: str) -> str | None:
            if text.strip() == default.strip():
                return None  # keeping what is there never blocks (the review shows its findings)
            try:
                value = fld.parse(text)
            except ValueError as exc:
                return self.explain_invalid(fld, peer_name, text, str(exc))
            introduced = self.introduced_errors(fld, peer_name, value)
            return problem_text(introduced[0]) if introduced else None
        return check

    def introduced_errors(self, fld: Field, peer_name: str | None, value) -> list[Finding]:
        """Errors on this field (its YAML path and below) that setting `value` would add."""
        s = self.session
        trial = scratch(s)
        trial.set_field(fld, peer_name, value)
        new_name = value if (fld.scope == "peer" and fld.attr == "name") else peer_name
        before = [f for f in s.findings_for(fld, s.mesh.peer(peer_name) if peer_name else None)
                  if f.severity == ERROR]
        after = [f for f in trial.findings_for(fld, trial.mesh.peer(new_name) if new_name else None)
                 if f.severity == ERROR]
        extra = Counter(f.code for f in after) - Counter(f.code for f in before)
        return [f for f in after if f.code in extra]

    def explain_invalid(self, fld: Field, peer_name: str | None, text: str, problem: str) -> str:
        """The field's parse problem, told the way the core's rule tells it (code, message, fix) when
        the raw value, set anyway on a scratch copy, trips a rule; else the problem and the help."""
        raw = text.strip()
        value = int(raw) if fld.kind == INT and raw.isdigit() else raw if fld.kind == TEXT and raw else None
        if value is not None:
            try:
                introduced = self.introduced_errors(fld, peer_name, value)
            except (SmfedError, ValueError, TypeError, KeyError):
                introduced = []
            if introduced:
                return problem_text(introduced[0])
        return _("{label} {problem}").format(label=fld.label, problem=problem) + "\n    " + fix_line(fld.help)

    def own_findings(self, fld: Field, peer_name: str | None) -> list[Finding]:
        """Findings exactly at the field's YAML path (not the whole gateway below a name)."""
        s = self.session
        peer = s.mesh.peer(peer_name) if peer_name else None
        paths = fld.paths(s.mesh, peer)
        return [f for f in s.findings if f.path and f.path in paths]


def scratch(session: Session) -> Session:
    """A copy of the session to try a value on. It shares the immutable parts (model, parsed source)
    but has its own lists, dicts and sets (findings, caches, per-field state), so nothing done to the
    copy shows through in the session."""
    trial = copy.copy(session)
    for fld in dataclasses.fields(session):
        value = getattr(session, fld.name)
        if isinstance(value, (dict, list, set)):
            setattr(trial, fld.name, copy.copy(value))
    return trial
