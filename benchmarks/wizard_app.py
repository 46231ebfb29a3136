"""The wizard as `smfed-wizard FILE` starts it (`run_app`), headless, printing the monotonic time
of its first interactive frame (Ready) and exiting there. argv[1]: the file to open."""
import sys
import time

from smfed_tui.screens import app as wizard

_ready = wizard.WizardApp.on_ready


def on_ready(self) -> None:
    _ready(self)
    print(f"READY {time.monotonic():.6f}", flush=True)
    self.exit(return_code=0)


wizard.WizardApp.on_ready = on_ready

if __name__ == "__main__":
    sys.exit(wizard.run_app(sys.argv[1], headless=True, size=(120, 36)))
