"""`smfed-wizard migrate --tui`: the meshes loaded, the decisions asked with live validation, the result
previewed (findings, the runbook, every file) and written.

No domain logic here: the fields and their checks come from `smfed_tui.migrate.form`, the result from
`smfed_tui.migrate.build.migrate`, the writing from `smfed_tui.migrate.write`. What the user types is
shown as text, never as markup.

Exit codes: 0 written, 1 quit with refused cases left, 130 quit without writing.
"""
from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Select, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from smfed_tui.errors import SmfedError, format_error
from smfed_tui.exit_codes import EXIT_ABORTED, EXIT_OK, EXIT_REFUSED
from smfed_tui.findings import severity_label
from smfed_tui.i18n import N_, _
from smfed_tui.migrate.build import Migration, migrate
from smfed_tui.migrate.decisions import Choices
from smfed_tui.migrate.form import DecisionField, choices_with, decision_fields, problems
from smfed_tui.migrate.load import MeshSource
from smfed_tui.migrate.write import check_output_dir, write_output

from .footer import KeyBar

OUTPUT_KEY = "output"
PREVIEW_DELAY = 0.25    # seconds of quiet typing before the preview is built again


def _field_id(index: int) -> str:
    return f"decision-{index}"


class MigrateScreen(Screen):
    DEFAULT_CSS = """
    MigrateScreen { layout: vertical; }
    MigrateScreen #migrate-heading { height: auto; padding: 0 1; background: $panel; }
    MigrateScreen #migrate-body { height: 1fr; }
    MigrateScreen #migrate-form { width: 48%; min-width: 40; padding: 0 1; border-right: vkey $border-blurred; }
    MigrateScreen .decision-label { margin-top: 1; width: 1fr; }
    MigrateScreen .decision-help { color: $text-muted; }
    MigrateScreen .decision-problem { color: $error; height: auto; display: none; }
    MigrateScreen .decision-problem.shown { display: block; }
    MigrateScreen #migrate-preview { width: 1fr; }
    MigrateScreen #migrate-files { height: auto; max-height: 8; }
    MigrateScreen .preview-text { height: auto; padding: 0 1; }
    """
    BINDINGS = [Binding("ctrl+s", "write", N_("Write")),
                Binding("f2", "next_preview", N_("Next preview"))]

    def __init__(self, sources: list[MeshSource], choices: Choices, output: str | None) -> None:
        super().__init__()
        self.sources, self.choices = sources, choices
        self.fields: list[DecisionField] = decision_fields(sources, choices)
        self.values = {f.key: f.value for f in self.fields}
        self.values[OUTPUT_KEY] = output or "migration"
        self.migration: Migration | None = None
        self.build_error: str | None = None
        self._timer: Timer | None = None

    # -- layout ------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="migrate-heading")
        with Horizontal(id="migrate-body"):
            with VerticalScroll(id="migrate-form"):
                yield from self._row(OUTPUT_KEY, _("Output folder"), _("new, empty, or an earlier run's"))
                for index, field in enumerate(self.fields):
                    yield from self._row(_field_id(index), field.label, field.instruction, field)
            with TabbedContent(id="migrate-preview"):
                with TabPane(_("Findings"), id="tab-findings"):
                    with VerticalScroll():
                        yield Static(Content(""), id="preview-findings", classes="preview-text")
                with TabPane(_("Runbook"), id="tab-runbook"):
                    with VerticalScroll():
                        yield Static(Content(""), id="preview-runbook", classes="preview-text")
                with TabPane(_("Files"), id="tab-files"):
                    with Vertical():
                        yield OptionList(id="migrate-files")
                        with VerticalScroll():
                            yield Static(Content(""), id="preview-file", classes="preview-text")
        yield KeyBar()

    def _row(self, widget_id: str, label: str, instruction: str, field: DecisionField | None = None):
        yield Label(Content(label), classes="decision-label")
        if field is not None and field.options:
            yield Select([(o, o) for o in field.options], value=field.value, allow_blank=False, id=widget_id)
        else:
            value = self.values[OUTPUT_KEY] if field is None else field.value
            yield Input(value=value, id=widget_id)
        if instruction:
            yield Static(Content(instruction), classes="decision-help")
        yield Static(Content(""), id=f"{widget_id}-problem", classes="decision-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.rebuild()

    # -- typing ------------------------------------------------------------------------------------------
    def _key_of(self, widget_id: str | None) -> str | None:
        if widget_id == OUTPUT_KEY:
            return OUTPUT_KEY
        if widget_id and widget_id.startswith("decision-"):
            return self.fields[int(widget_id.rsplit("-", 1)[1])].key
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        key = self._key_of(event.input.id)
        if key is not None:
            self.values[key] = event.value
            self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        key = self._key_of(event.select.id)
        if key is not None and isinstance(event.value, str):
            self.values[key] = event.value
            self._changed()

    def _changed(self) -> None:
        self.show_problems()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self.rebuild)

    def field_problems(self) -> dict[str, str]:
        """widget id -> the problem of its value, as the user types."""
        found = problems(self.fields, self.values)
        out = {_field_id(i): found[f.key] for i, f in enumerate(self.fields) if f.key in found}
        try:
            check_output_dir(self.values[OUTPUT_KEY].strip() or ".")
        except SmfedError as err:
            out[OUTPUT_KEY] = err.message + (f" ({err.hint})" if err.hint else "")
        return out

    def show_problems(self) -> dict[str, str]:
        found = self.field_problems()
        for widget_id in [OUTPUT_KEY] + [_field_id(i) for i in range(len(self.fields))]:
            line = self.query_one(f"#{widget_id}-problem", Static)
            line.update(Content(found.get(widget_id, "")))
            line.set_class(widget_id in found, "shown")
        return found

    # -- the preview -------------------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the migration from the values as they are (unless a field is wrong) and show it."""
        self._timer = None
        found = self.show_problems()
        if any(key != OUTPUT_KEY for key in found):
            self.migration, self.build_error = None, None
        else:
            try:
                self.migration = migrate(self.sources, choices_with(self.choices, self.values),
                                         self.values[OUTPUT_KEY].strip() or None)
                self.build_error = None
            except SmfedError as err:
                self.migration, self.build_error = None, format_error(err)
        self.show_preview(found)

    def show_preview(self, found: dict[str, str]) -> None:
        m = self.migration
        heading = [_("smfed-wizard · migrate to OpenShift Service Mesh 3")]
        if self.build_error:
            heading.append(self.build_error)
        elif m is None:
            heading.append(_("{count} field(s) to fix before the preview").format(count=len(found)))
        elif m.refusals:
            heading.append(_("{refused} refused case(s): nothing can be written; see Findings").format(
                refused=len(m.refusals)))
        else:
            heading.append(_("{meshes} meshes, {imports} imported services, {steps} steps, {warnings} warning(s): "
                             "ctrl+s writes {dir}").format(meshes=len(m.meshes), imports=len(m.imports),
                                                           steps=len(m.steps), warnings=len(m.warnings),
                                                           dir=self.values[OUTPUT_KEY].strip()))
        self.query_one("#migrate-heading", Static).update(Content("\n".join(heading)))
        findings = "\n\n".join(f"{severity_label(f.severity)} {f.code} {f.message}\n  "
                               + _("fix: {hint}").format(hint=self.hint_of(f)) for f in (m.findings if m else []))
        self.query_one("#preview-findings", Static).update(Content(findings or (_("No findings.") if m else "")))
        self.query_one("#preview-runbook", Static).update(Content(m.runbook() if m and not m.refusals else ""))
        files = self.query_one("#migrate-files", OptionList)
        highlighted = files.highlighted
        files.clear_options()
        if m and not m.refusals:
            files.add_options([Option(Content(a.file), id=a.file) for a in m.artifacts])
            files.highlighted = min(highlighted or 0, len(m.artifacts) - 1) if m.artifacts else None
        self._show_file()

    def hint_of(self, finding) -> str:
        """The fix in this front end's words: a finding about a decision points at its field, not a flag."""
        label = next((f.label for f in self.fields if f.key == finding.path), None)
        return _("change the field “{field}”").format(field=label) if label else finding.hint

    def _show_file(self) -> None:
        files = self.query_one("#migrate-files", OptionList)
        text = ""
        if self.migration and files.highlighted is not None:
            artifact = self.migration.artifacts[files.highlighted]
            text = artifact.text()
        self.query_one("#preview-file", Static).update(Content(text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_file()

    def action_next_preview(self) -> None:
        tabs = self.query_one(TabbedContent)
        order = ["tab-findings", "tab-runbook", "tab-files"]
        tabs.active = order[(order.index(tabs.active) + 1) % len(order)] if tabs.active in order else order[0]

    # -- writing -----------------------------------------------------------------------------------------
    def action_write(self) -> None:
        self.rebuild()
        found = self.field_problems()
        if found:
            self.notify(_("fix the marked fields first"), severity="error")
            return
        if self.migration is None or self.migration.refusals:
            self.notify(_("not written: the refused cases under Findings are not covered by the guide"),
                        severity="error")
            self.query_one(TabbedContent).active = "tab-findings"
            return
        directory = self.values[OUTPUT_KEY].strip()
        try:
            write_output(directory, self.migration.files())
        except SmfedError as err:
            self.notify(format_error(err), severity="error", markup=False)
            return
        self.app.written = directory
        self.app.exit(return_code=EXIT_OK)


class MigrateApp(App):
    TITLE = "smfed-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True)]

    def __init__(self, sources: list[MeshSource], choices: Choices, output: str | None) -> None:
        super().__init__()
        self.sources, self.choices, self.output = sources, choices, output
        self.written: str | None = None
        self.theme = "textual-dark"

    def get_default_screen(self) -> MigrateScreen:
        return MigrateScreen(self.sources, self.choices, self.output)

    async def action_quit(self) -> None:
        screen = self.screen
        refused = isinstance(screen, MigrateScreen) and screen.migration is not None and screen.migration.refusals
        self.exit(return_code=EXIT_REFUSED if refused else EXIT_ABORTED)


def run_migrate_app(sources: list[MeshSource], choices: Choices, output: str | None) -> int:
    app = MigrateApp(sources, choices, output)
    app.run()
    if app.written:
        print(_("wrote {dir}: RUNBOOK.md, plan.json and the files of every phase").format(dir=app.written),
              file=sys.stderr)
    return EXIT_ABORTED if app.return_code is None else app.return_code
