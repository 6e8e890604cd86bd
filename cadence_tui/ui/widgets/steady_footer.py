"""A footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes all its keys (a widget each, then a layout of
the whole screen) whenever the screen's bindings are updated: on every focus
change, even when the keys it shows are the same. In a meeting that was 4-9
recomposes for one key press (opening the Carried tab, a capture form
closing), most of a frame each. This one compares what it would show with
what it shows and keeps its widgets when nothing changed. Changes that come
together (a screen's mount, its focus, the keys that fit the width) make one
rebuild, and its first keys include those that fit (FooterRoom).
``keys_in_first_frame=True`` builds the first keys at once rather than after
the next repaint: the screen's first frame shows them (the meeting screen:
two rebuilds and re-layouts after its first frame before). Without it (home,
whose first frame is the app's start-up) nothing is done before the first
frame: the keys are fitted and built once, just after it.
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

    def __init__(self, *args: Any, keys_in_first_frame: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys_in_first_frame = keys_in_first_frame

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            if self._shown is None and not self._keys_in_first_frame:
                # As Textual's footer: the first keys come after the first
                # frame, so nothing is compared or fitted before it (home's
                # start-up); one build for all the changes until then.
                self._bindings_ready = True
                if not self._recompose_asked:
                    self._recompose_asked = True
                    self.call_after_refresh(self._first_keys)
                return
            first = self._shown is None  # keys_in_first_frame: built before the first repaint
            if first:
                self._fit_room(screen)
            signature = self._signature(screen)
            if signature == self._shown:
                return
            self._shown = signature
            self._bindings_ready = True
            # One rebuild for the changes that come together (a screen's
            # mount, its focus and the keys that fit make two or three).
            if not self._recompose_asked:
                self._recompose_asked = True
                if first:
                    self.call_later(self._recompose_keys)  # before the first repaint
                else:
                    self.call_after_refresh(self._recompose_keys)
            return
        super().bindings_changed(screen)

    @staticmethod
    def _fit_room(screen: Screen) -> None:
        """The keys that fit the width (FooterRoom) are known before the first
        keys are built: one build, not one per change."""
        fit = getattr(screen, "update_footer_room", None)
        if fit is not None:
            fit()

    async def _first_keys(self) -> None:
        screen = self.screen
        self._fit_room(screen)
        self._shown = self._signature(screen)
        await self._recompose_keys()

    async def _recompose_keys(self) -> None:
        self._recompose_asked = False
        await self.recompose()  # with the bindings as they are now
