"""The app's last line of defence: nothing a widget draws acts on the terminal.

Screens render user text with ``rich.text.Text`` or ``markup=False``, which
stops markup but not control characters: a title holding ``ESC ] 0 ; X BEL``
(possible through an import, a script or an older version) would retitle the
terminal, and ``ESC [ 2 J`` would wipe the screen. Rather than trust each of
the many places that show user text, every line a widget draws passes through
:func:`cadence_tui.core.textsafe.drop_unshowable` on its way to the compositor
(and so to the terminal, screenshots and tests alike): C0/C1 control
characters, ESC included, and bidi overrides are removed. All of them are
zero cells wide, so the layout is unchanged; the rest of a sequence (``]0;X``)
shows as the harmless text it is.

The check is one ``str.isprintable`` per line drawn (a few microseconds);
only a line that fails it (rare: spaces other than U+0020 and zero-width
joiners also fail) is rebuilt.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from cadence_tui.core.textsafe import drop_unshowable

_INSTALLED = "_cadence_safe_render"


def safe_strip(strip: Strip) -> Strip:
    """``strip`` without characters a terminal would act on (the same strip when it has none)."""
    if strip.text.isprintable():
        return strip
    return Strip(
        [
            segment
            if segment.control or segment.text.isprintable()
            else Segment(drop_unshowable(segment.text), segment.style, segment.control)
            for segment in strip
        ],
        strip.cell_length,
    )


def install() -> None:
    """Wrap ``Widget.render_lines`` (every widget's way to the screen; the
    widgets that override it call it through ``super()``). Idempotent."""
    if getattr(Widget.render_lines, _INSTALLED, False):
        return
    original = Widget.render_lines

    def render_lines(self: Widget, crop: Region) -> list[Strip]:
        return [safe_strip(strip) for strip in original(self, crop)]

    setattr(render_lines, _INSTALLED, True)
    render_lines.__doc__ = original.__doc__
    Widget.render_lines = render_lines  # type: ignore[method-assign]
