"""The app's navigation keys, kept out of a screen's footer.

At 80 columns a screen's footer has room for that screen's own keys and `?`.
Screens other than home therefore re-bind the app's `a` (action items),
`h` (history) and `q` (quit) with ``show=False``: the keys still work and are
listed by `?` and the command palette. The binding ids are the app's own, so
a keymap in the config file remaps these too.
"""

from __future__ import annotations

from textual.binding import Binding

_GLOBAL_KEYS = (
    ("a", "app.open_actions", "Action items", "open-actions"),
    ("h", "app.open_history", "History", "open-history"),
    ("q", "app.quit", "Quit", "quit"),
)


def quiet_global_keys(*, skip: str = "") -> list[Binding]:
    """The app's `a`, `h` and `q` hidden from the footer; ``skip`` names keys
    the screen binds to something else (the meeting's `a` captures an action)."""
    return [
        Binding(key, action, description, id=ident, show=False)
        for key, action, description, ident in _GLOBAL_KEYS
        if key not in skip
    ]
