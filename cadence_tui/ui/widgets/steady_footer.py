"""A footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes all its keys (a widget each, then a layout of
the whole screen) whenever the screen's bindings are updated: on every focus
change, even when the keys it shows are the same. In a meeting that was 4-9
recomposes for one key press (opening the Carried tab, a capture form
closing), most of a frame each. This one compares what it would show with
what it shows and keeps its widgets when nothing changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    _shown: tuple[Any, ...] | None = None

    def _signature(self, screen: Screen) -> tuple[Any, ...]:
        app = self.app
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip, app.get_key_display(binding))
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            signature = self._signature(screen)
            if signature == self._shown:
                return
            self._shown = signature
        super().bindings_changed(screen)
