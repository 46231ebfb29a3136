"""The wizard's first frame built from stock Textual widgets, with nothing of the wizard in it.

Same layout as the wizard at 120x36: a top bar, the step list, the Mesh form (its title and seven rows
of label over a one-line editor, as the issue asks: name, namespace, version, trust domain, cluster name,
network, image pull policy), the preview (the file's text, plain) and the key bar. No smfed_tui
import, no PyYAML, no validation, no highlighting: what any Textual program showing this screen pays.

`stock / bare` is the lowest startup ratio a Textual implementation of this screen can have, so it
tells whether a target for `startup_ratio` is reachable at all (benchmarks/run.py prints it as
`startup_stock_ratio`). tests/test_benchmarks.py keeps this screen no heavier than the wizard's.
Prints the monotonic time of its first interactive frame (Ready), like bare_app.py. argv[1]: the file;
argv[2], optional: show only the first N fields (to see how many fields a target leaves room for).
"""
import sys
import time

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

STEPS = ("Mesh", "Peers", "Exposure", "Review", "Write/Apply", "Federation", "Status")   # the wizard's step list
MESH_FIELDS = ("Name", "Namespace", "Version", "Trust domain", "Cluster name", "Network",
               "Image pull policy")


class StockWizard(App):
    CSS = """
    #top { height: 1; padding: 0 1; }
    #steps { width: 20; padding: 1 1 0 1; border-right: vkey $border-blurred; }
    #form { width: 1fr; padding: 1 2; }
    .row { height: 3; }
    #pane { width: 38%; border-left: vkey $border-blurred; }
    #preview-title { height: 1; padding: 0 1; }
    #preview { text-wrap: nowrap; text-overflow: clip; }
    #keys { dock: bottom; height: 1; }
    """

    def __init__(self, text: str, fields: int = len(MESH_FIELDS)) -> None:
        super().__init__()
        self.text = text
        self.fields = fields

    def compose(self) -> ComposeResult:
        yield Static("smfed-wizard  red-mesh.yaml (editing)", id="top")
        with Horizontal():
            yield Static("\n".join(STEPS), id="steps")
            with Vertical(id="form"):
                yield Static("Mesh")
                for name in MESH_FIELDS[:self.fields]:
                    with Vertical(classes="row"):
                        yield Label(name)
                        yield Input("", compact=True)
            with Vertical(id="pane"):
                yield Static("Preview", id="preview-title")
                yield Static(self.text, id="preview", markup=False)
        yield Static("ctrl+n Next  ctrl+p Previous  ctrl+s Write  f1 Help  ctrl+q Quit", id="keys")

    def on_ready(self) -> None:
        print(f"READY {time.monotonic():.6f}", flush=True)
        self.exit()


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        StockWizard(fh.read(), *map(int, sys.argv[2:3])).run(headless=True, size=(120, 36))
    sys.exit(0)
