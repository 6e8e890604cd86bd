"""The app's last line of defence: nothing a widget draws acts on the terminal.

Screens render user text with ``rich.text.Text`` or ``markup=False``, which
stops markup but not control characters: a title holding ``ESC ] 0 ; X BEL``
(possible through an import, a script or an older version) would retitle the
terminal, and ``ESC [ 2 J`` would wipe the screen. Rather than trust each of
the many places that show user text, every line a widget draws passes through
:class:`ControlCharacterFilter`, a Textual line filter (the public hook that
NO_COLOR's monochrome filter uses too, ``App.get_line_filters``): C0/C1 control
characters, ESC included, and bidi overrides are removed
(:func:`cadence_tui.core.textsafe.drop_unshowable`). All of them are zero
cells wide, so the layout is unchanged; the rest of a sequence (``]0;X``)
shows as the harmless text it is.

The check is one ``str.isprintable`` per segment (a few microseconds a line);
only a segment that fails it (rare: spaces other than U+0020 and zero-width
joiners also fail) is rebuilt.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from cadence_tui.core.textsafe import drop_unshowable


class ControlCharacterFilter(LineFilter):
    """Drops characters a terminal would act on from every drawn line."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            segment
            if segment.control or segment.text.isprintable()
            else Segment(drop_unshowable(segment.text), segment.style, segment.control)
            for segment in segments
        ]
