"""Send keys to the app in one burst, as a terminal delivers a paste without
bracketed paste, a fast typist or a browser through ``cadence serve``: every
key event is queued before the app has handled the first. (Pilot's ``press``
waits for the app to be idle after each key, which hides ordering bugs.)"""

from __future__ import annotations

import unicodedata

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

KEY_NAMES = ("tab", "enter", "backspace", "left", "right", "home", "end", "escape", "down", "up")


def key_event(key: str) -> events.Key:
    """The event the terminal driver makes for ``key`` (as Pilot does)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def keys(*parts: str) -> list[str]:
    """``keys("Sam", "tab", "+3d")``: words are typed letter by letter (a newline
    as Enter); key names (KEY_NAMES, ctrl+…, shift+…) as keys."""
    out: list[str] = []
    for part in parts:
        if part in KEY_NAMES or part.startswith(("ctrl+", "shift+")):
            out.append(part)
        else:
            out.extend("enter" if c == "\n" else c for c in part)
    return out


async def burst(pilot, *parts: str) -> None:
    """Send the keys in one burst: all queued before any is handled."""
    app = pilot.app
    for key in keys(*parts):
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)
    for _ in range(5):
        await pilot.pause()
