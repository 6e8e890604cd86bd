"""Footer keys that join the footer when the terminal has room for them.

At 80 columns a screen's footer holds only its most used keys; the rest are
bound with ``show=False`` and listed by `?` and the palette. On a wider
terminal there is room for more: a screen names those keys, most useful first,
in ``FOOTER_WHEN_ROOM`` (binding ids), and :class:`FooterRoom` shows as many of
them as fit whole. The keys work the same either way: only the footer changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual.binding import ActiveBinding, Binding
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import App

# Columns the command palette's key takes at the right edge (`▏^p palette`).
_PALETTE_COLUMNS = 14


def footer_key_width(app: App, binding: Binding, *, compact: bool) -> int:
    """Columns one key takes in Textual's footer: `` k Label `` (compact: ``k Label ``)."""
    text = len(app.get_key_display(binding)) + 1 + len(binding.description)
    return text + (1 if compact else 2)


class FooterRoom:
    """Mixed into a ``Screen``: shows ``FOOTER_WHEN_ROOM`` keys when they fit."""

    FOOTER_WHEN_ROOM: ClassVar[tuple[str, ...]] = ()
    """Binding ids (``show=False`` bindings) to show when the footer has room, in order."""

    _room_shown: frozenset[str] = frozenset()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        if not self._room_shown:
            return bindings
        return {
            key: (
                ActiveBinding(active.node, replace(active.binding, show=True), active.enabled, active.tooltip)
                if active.binding.id in self._room_shown
                else active
            )
            for key, active in bindings.items()
        }

    def _keys_with_room(self) -> frozenset[str]:
        """The extra binding ids that fit beside the keys always shown."""
        if not self.FOOTER_WHEN_ROOM:
            return frozenset()
        screen = self  # a Screen
        footers = list(screen.query(Footer))  # type: ignore[attr-defined]
        if not footers:
            return frozenset()
        footer = footers[0]
        app = screen.app  # type: ignore[attr-defined]
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        shown_actions: set[str] = set()
        used = _PALETTE_COLUMNS if footer.show_command_palette else 0
        by_id: dict[str, Binding] = {}
        for active in bindings.values():
            binding = active.binding
            if binding.id:
                by_id.setdefault(binding.id, binding)
            if binding.show and binding.action not in shown_actions:
                shown_actions.add(binding.action)
                used += footer_key_width(app, binding, compact=footer.compact)
        room = screen.size.width - used  # type: ignore[attr-defined]
        chosen: set[str] = set()
        for ident in self.FOOTER_WHEN_ROOM:
            extra = by_id.get(ident)
            if extra is None or extra.action in shown_actions:
                continue
            width = footer_key_width(app, extra, compact=footer.compact)
            if width > room:
                break  # keep the order: a later, shorter key does not jump the queue
            room -= width
            chosen.add(ident)
            shown_actions.add(extra.action)
        return frozenset(chosen)

    def update_footer_room(self) -> None:
        """Recompute which extra keys fit; refresh the footer if that changed."""
        fits = self._keys_with_room()
        if fits != self._room_shown:
            self._room_shown = fits
            self.refresh_bindings()  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        # The first Resize can arrive before the footer is mounted.
        self.call_after_refresh(self.update_footer_room)  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        self.update_footer_room()
