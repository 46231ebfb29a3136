"""The floor under the wizard's startup: what the wizard pays before it draws a widget of its own.

It imports everything the wizard imports for its first frame (its modules, the Textual widgets they
use, PyYAML) and opens the file into a Session, exactly as `smfed-wizard FILE` does, then runs the
bare app of `bare_app.py` (one Static) instead of the wizard's screen. `floor / bare` is the share of
the startup ratio that no change to the screens can remove. argv[1]: the file to open.
"""
import sys

# First, as in the wizard: importing the screens before Textual pauses the collector for the startup.
from smfed_tui.screens import app as wizard   # noqa: F401  (imported for its cost, like the wizard)
from smfed_tui.session import Session

from bare_app import Bare   # noqa: E402  (this script's directory is on sys.path)

if __name__ == "__main__":
    session = Session.open(sys.argv[1])
    Bare().run(headless=True, size=(120, 36))
    wizard.startup_done()
    sys.exit(0)
