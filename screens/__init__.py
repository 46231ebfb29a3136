"""The Textual wizard (installed as `smfed_tui.screens`): screens and widgets over the headless core.

Nothing here decides what is valid or how the file changes; it shows what `smfed_tui.session` says.
"""
