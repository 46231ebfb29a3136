"""The list of peer meshes, with an "add peer" entry: picking a peer shows its form.

Keys while the list has focus: `a` adds a peer, `d` (or delete) removes the highlighted one (after a
confirmation the screen asks for). Peer names are shown literally, never as markup.
"""
from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from smfed_tui.i18n import N_, _

ADD_ID = "+add"


class PeerList(OptionList):
    DEFAULT_CSS = """
    PeerList { width: 20; height: auto; max-height: 100%; border: round $border-blurred; padding: 0; }
    PeerList:focus { border: round $border; }
    """
    BINDINGS = [
        Binding("a", "add", N_("Add")),
        Binding("d,delete", "remove", N_("Remove")),
    ]

    class AddRequested(Message):
        pass

    class RemoveRequested(Message):
        def __init__(self, peer: str) -> None:
            super().__init__()
            self.peer = peer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = _("Peers")
        self._names: list[str] = []
        self._labels: list[tuple[str, int]] | None = None   # None: the options are not built yet
        self._syncing = False

    def show_peers(self, names: list[str], errors: dict[str, int], selected: str | None) -> None:
        labels = [(n, errors.get(n, 0), n == selected) for n in names]
        self._syncing = True
        try:
            if labels != self._labels:
                if self._labels is None or names != self._names:
                    self.set_options([Option(self._prompt(*label)) for label in labels]
                                     + [Option(Content.styled(_("+ add peer"), "$text-accent"), id=ADD_ID)])
                else:
                    for index, (old, new) in enumerate(zip(self._labels, labels)):
                        if old != new:
                            self.replace_option_prompt_at_index(index, self._prompt(*new))
                self._names = list(names)
                self._labels = labels
            if selected in self._names:
                index = self._names.index(selected)
                if self.highlighted != index:
                    self.highlighted = index
            elif not self._names and self.highlighted is None:
                self.highlighted = 0   # "+ add peer", the only entry: Enter on it adds one
        finally:
            self._syncing = False

    @staticmethod
    def _prompt(name: str, errors: int, selected: bool = False) -> Content:
        # the peer whose fields are shown gets a ▸, so the list reads without colour too
        parts = [("▸ " if selected else "  ", "bold"), (name, "")]
        if errors:
            parts.append((f" ✗{errors}", "$text-error"))
        return Content.assemble(*parts)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        # The screen follows the highlight at once, inside the key's handling (as a typed value does,
        # FieldInput). Through a message it followed later, and the list, re-synced with the older
        # choice meanwhile, pulled the highlight back: 24 quick Downs stopped at the ninth peer.
        if self._syncing or highlighted is None or not 0 <= highlighted < len(self._names):
            return
        choose = getattr(self.screen, "choose_peer", None) if self.is_attached else None
        if choose is not None:
            choose(self._names[highlighted])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()   # handled by watch_highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == ADD_ID:
            self.post_message(self.AddRequested())

    def action_add(self) -> None:
        self.post_message(self.AddRequested())

    def action_remove(self) -> None:
        index = self.highlighted
        if index is not None and 0 <= index < len(self._names):
            self.post_message(self.RemoveRequested(self._names[index]))
