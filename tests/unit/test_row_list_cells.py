"""RowList draws a cell of one style (nearly all) by a shorter way than a cell
with several styles; both ways must give the same segments, or a table's
rows would look different depending on how their text was built."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

from cadence_tui.ui.widgets.row_list import RowList


class _App:
    console = Console(color_system="truecolor")


class _List(RowList):
    @property
    def app(self):  # type: ignore[override]
        return _App


def cell_segments(cell: Text, width: int, pre: Style, post: Style) -> list[Segment]:
    return _List._cell(_List.__new__(_List), cell, width, pre, post)


def with_a_span(cell: Text) -> Text:
    """The same cell with an empty span added: drawn the general way, it
    must look the same (the span styles nothing)."""
    spanned = cell.copy()
    spanned.spans = [Span(0, 0, "")]
    return spanned


def drawn(segments: list[Segment]) -> list[tuple[str, Style | None]]:
    return [(s.text, s.style) for s in Segment.simplify(segments) if s.text]


CELLS = [
    Text("Sprint Review", style="bold"),
    Text("3933", justify="right"),
    Text("0", style="dim", justify="right"),
    Text("mid", style="italic", justify="center"),
    Text("● in progress", style="bold green"),
    Text("日本語", style=Style(underline=True)),
    Text(""),
]


@pytest.mark.parametrize("cell", CELLS, ids=[c.plain or "empty" for c in CELLS])
@pytest.mark.parametrize(
    ("pre", "post"),
    [
        (Style(bgcolor="blue"), Style.null()),
        (Style(bold=True, color="white", bgcolor="black"), Style.from_color(None, None)),
        (Style.null(), Style(color="red", bgcolor="white")),
    ],
)
def test_a_one_style_cell_looks_as_the_general_way_draws_it(cell: Text, pre: Style, post: Style) -> None:
    width = cell.cell_len + 5
    quick = cell_segments(cell, width, pre, post)
    general = cell_segments(with_a_span(cell), width, pre, post)
    assert drawn(quick) == drawn(general)
    assert Segment.get_line_length(quick) == width + 2  # a space each side, padded to the column
