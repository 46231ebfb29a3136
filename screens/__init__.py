"""The Textual wizard (installed as `smfed_tui.screens`): screens and widgets over the headless core.

Nothing here decides what is valid or how the file changes; it shows what `smfed_tui.session` says.

Starting the wizard creates a few hundred thousand objects that live as long as the app (Textual's
modules, the stylesheet, the widgets) and no garbage: the cyclic collector would scan them over and
over for nothing (about 40 ms of a 250 ms start). So it is paused from here, before Textual is
imported, until the first frame is on screen (`startup_done`, called by the app), and what exists
then is frozen out of later full collections. Only when this package is what brings Textual in:
imported into a process that already runs Textual (tests), it changes nothing.
"""
import gc as _gc
import sys as _sys

_paused = "textual" not in _sys.modules and _gc.isenabled()
if _paused:
    _gc.disable()


def startup_done() -> None:
    """Resume the collector paused at import (once), and keep the startup heap out of full passes."""
    global _paused
    if _paused:
        _paused = False
        _gc.enable()
    _gc.freeze()
