"""The wizard as `smfed-wizard FILE` starts it (`run_app`), headless, printing the monotonic time
of its first interactive frame (Ready) and exiting there. argv[1]: the file to open.

After the time is printed (so it is not measured), it checks that the frame really was interactive:
the Mesh form's first field was on screen and focused, and a key typed then reaches the session
(the field's value, the model and the preview follow it). `INTERACTIVE ok` or `INTERACTIVE no: why`.
"""
import sys
import time

from smfed_tui.screens import app as wizard

_ready = wizard.WizardApp.on_ready


def on_ready(self) -> None:
    _ready(self)
    print(f"READY {time.monotonic():.6f}", flush=True)
    screen = self.screen
    editor = screen.query_one("#field-mesh-name-editor")
    on_frame = editor in screen._compositor.visible_widgets and screen.focused is editor
    before = (editor.value, self.session.mesh.name, self.session.revision)
    self.simulate_key("x")

    def check() -> None:
        after = (editor.value, self.session.mesh.name, self.session.revision)
        typed = after[0] == before[0] + "x" and after[1] == after[0] and after[2] > before[2]
        problem = "" if on_frame else "the name field was not on the first frame, focused"
        problem = problem or ("" if typed else f"typing did not reach the session: {before} -> {after}")
        print("INTERACTIVE ok" if not problem else f"INTERACTIVE no: {problem}", flush=True)
        self.exit(return_code=0)

    self.set_timer(0.05, check)


wizard.WizardApp.on_ready = on_ready

if __name__ == "__main__":
    sys.exit(wizard.run_app(sys.argv[1], headless=True, size=(120, 36)))
