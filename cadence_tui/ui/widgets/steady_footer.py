"""A footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes all its keys (a widget each, then a layout of
the whole screen) whenever the screen's bindings are updated: on every focus
change, even when the keys it shows are the same. In a meeting that was 4-9
recomposes for one key press (opening the Carried tab, a capture form
closing), most of a frame each. This one compares what it would show with
what it shows and keeps its widgets when nothing changed. When they did
change it rebuilds once for the changes that come together, at once rather
than after the next repaint, and its first keys include those that fit the
width (FooterRoom): a meeting's first frame shows its footer, with no
rebuild and re-layout after it (opening a meeting: two rebuilds after the
first frame before).
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

    _recompose_asked = False

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            if self._shown is None:
                # The keys that fit the width (FooterRoom) are known before the first
                # keys are built: one build, not one per change.
                fit = getattr(screen, "update_footer_room", None)
                if fit is not None:
                    fit()
            signature = self._signature(screen)
            if signature == self._shown:
                return
            self._shown = signature
            self._bindings_ready = True
            # One rebuild for the changes that come together (a screen's
            # mount, its focus and the keys that fit make two or three), made
            # as soon as this footer's queue gets to it, not after the next
            # repaint: a screen's first frame shows its keys.
            if not self._recompose_asked:
                self._recompose_asked = True
                self.call_later(self._recompose_keys)
            return
        super().bindings_changed(screen)

    async def _recompose_keys(self) -> None:
        self._recompose_asked = False
        await self.recompose()  # with the bindings as they are now
