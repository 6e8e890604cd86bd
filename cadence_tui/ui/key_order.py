"""Keys are handled in the order they were typed, however fast they come.

Why they were not: Textual hands a key to the focused widget's message queue.
A field handles the characters itself, but a key it leaves alone (Tab,
Enter, Backspace, arrows, a screen's letter keys) travels up the widget tree,
one queue at a time, and its binding runs only when it is back at the app.
Meanwhile the app has already handed the keys typed after it to the widget
that was focused when they arrived. So "Sam", Tab, "+3d" sent in one burst (a
paste without bracketed paste, a fast typist, a browser through ``cadence
serve``) put "+3d" into the owner field before the Tab moved the cursor, and
"abc", Backspace, "d" gave "abc" instead of "abd".

The fix, for every form and screen at once: when a key arrives that the
focused widget will not take itself, the app first lets that widget finish
the keys it was already given, then runs the key's binding at once and lets
what the binding set off reach its handlers (Enter: the field's Submitted,
then the form saving and closing) before looking at the next key. Keys a
field takes (characters; Enter in a text area) still go straight to it, in
order, as before.

A form that saves calls ``discard_typed_ahead``: the rest of a burst that
was typed before the form closed (text pasted with newlines) is dropped
rather than run as commands of the screen underneath.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.widget import Widget

# How long to wait for the focused widget to finish the keys it was given
# before a binding runs anyway (it never takes this long unless it is stuck).
DRAIN_TIMEOUT = 0.5
# How often to look whether that widget has closed while we wait.
CLOSE_POLL = 0.01

# The clock of ``Message.time`` (an event's time): Textual stamps messages with
# ``time.monotonic``, or ``time.perf_counter`` on Windows (textual/_time.py).
_message_clock = time.perf_counter if sys.platform == "win32" else time.monotonic


def takes_key(widget: Widget, event: events.Key) -> bool:
    """Will ``widget`` handle ``event`` itself (rather than leave it to a binding)?

    Textual's widgets say so through ``check_consume_key`` (an Input takes the
    printable keys, a Select its type-to-search letters); the forms'
    multi-line field also says it takes Enter (widgets/capture_forms.py).
    """
    return widget.check_consume_key(event.key, event.character)


async def drained(node: MessagePump) -> None:
    """Return once ``node`` has handled every message queued before now (or
    has closed: a removed widget handles nothing more)."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    if not node.call_later(finish):  # closing: nothing more will be handled there
        return
    # A node that closes meanwhile never runs ``finish``: look every few ms.
    deadline = loop.time() + DRAIN_TIMEOUT
    while not done.done() and node.is_running and loop.time() < deadline:
        await asyncio.wait({done}, timeout=CLOSE_POLL)


async def chain_drained(widget: Widget) -> None:
    """Return once ``widget`` and its ancestors up to its screen have handled
    what was queued before now, in that order: a message the widget posts
    (an Input's Submitted, a list's OptionSelected) reaches the form that
    acts on it before the next key is looked at."""
    from textual.dom import NoScreen

    try:
        screen = widget.screen
    except NoScreen:  # already removed: it handles nothing more
        return
    for node in widget.ancestors_with_self:
        await drained(node)
        # (Asked once, before: the key may close the screen while we wait,
        # and a removed widget has no screen to ask.)
        if node is screen:
            break


async def run_binding(app: App[object], key: str, *, priority: bool) -> bool:
    """Run the binding ``key`` has where the keyboard is (the focused widget,
    its screen, the app), as Textual itself would: ``Screen.active_bindings``
    is the map the footer shows (a priority binding wins, an action its node's
    ``check_action`` hides is left out), ``App.run_action`` runs it. False when
    nothing ran: Textual's own path then handles the key."""
    active = app.screen.active_bindings.get(key)
    if active is None or active.binding.priority != priority or not active.enabled:
        return False
    return await app.run_action(active.binding.action, active.node)


class KeysInOrder:
    """Mixed into the App: bindings run in key order (see the module docstring)."""

    # Keys and pastes made before this moment are dropped (see discard_typed_ahead).
    _typed_before: float = 0.0
    if TYPE_CHECKING:
        app_focus: bool  # App's reactive: whether the app has the terminal's focus

    def discard_typed_ahead(self) -> None:
        """Drop the keys already typed but not handled yet: called when a form
        is submitted. The rest of a burst that ended the form with Enter (text
        pasted with newlines, Enter pressed twice) would otherwise run as
        commands of the screen under it (`a` opening another form, `e` ending
        the meeting). Keys typed after this moment are handled as usual."""
        self._typed_before = _message_clock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if event.time <= self._typed_before:
                return
            if isinstance(event, events.Key) and await self._run_binding_in_order(event):
                return
        await super().on_event(event)  # type: ignore[misc]

    async def _run_binding_in_order(self, event: events.Key) -> bool:
        app = self  # an App
        focused = app.focused  # type: ignore[attr-defined]
        if focused is None or takes_key(focused, event):
            return False  # nothing can overtake it: Textual's own path
        screen = app.screen  # type: ignore[attr-defined]
        if screen.maximized is not None and event.key == "escape":
            return False  # Textual's own handling (Esc restores a maximized widget)
        if await run_binding(app, event.key, priority=True):  # type: ignore[arg-type]
            return await self._handled(focused)
        # The keys typed before this one, already with the widget, come first.
        await drained(focused)
        focused = app.focused  # type: ignore[attr-defined]
        if focused is None or takes_key(focused, event):
            return False
        if await run_binding(app, event.key, priority=False):  # type: ignore[arg-type]
            return await self._handled(focused)
        return False

    async def _handled(self, focused: Widget) -> bool:
        if not self.app_focus:
            self.app_focus = True  # as Textual does for any key
        # What the binding set off (Enter: the field's Submitted, then the
        # form saving and closing) is done before the next key is handled.
        await chain_drained(focused)
        return True
