"""The baseline for startup: a bare Textual app showing one Static. Prints the monotonic time of
its first interactive frame (Textual's Ready event: the DOM is ready and the first frame shown)."""
import sys
import time

from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("Hello")

    def on_ready(self) -> None:
        print(f"READY {time.monotonic():.6f}", flush=True)
        self.exit()


if __name__ == "__main__":
    Bare().run(headless=True, size=(120, 36))
    sys.exit(0)
