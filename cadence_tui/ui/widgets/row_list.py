"""A table drawn line by line: only the rows on screen are ever rendered.

``DataTable`` keeps a row object per row and measures every cell when rows
are added: a meeting's 578 carried items took 100-150 ms to build, and
changing one cell re-rendered every visible row. :class:`RowList` asks its
subclass for the cells of a row only when that row is drawn
(:meth:`RowList.row_cells`), so showing any number of rows costs what one
screenful costs, and a changed row repaints one line.

It looks and behaves like the row-cursor ``DataTable`` it replaces: the same
component classes (``datatable--header``, ``datatable--cursor``) and CSS,
a fixed header, one space of padding each side of fixed-width columns, the
same keys (up/down, page up/down, ctrl+home/end, enter) and the
same messages' names (``RowHighlighted``, ``RowSelected``, with
``cursor_row``). ``get_row_at`` and ``row_count`` are kept for callers and
tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class ListColumn:
    """A column of a :class:`RowList`: its key, heading and width in cells."""

    key: str
    label: str
    width: int


class RowList(ScrollView, can_focus=True):
    """See the module docstring. Subclasses set :attr:`columns` (widths may
    change, then call :meth:`refresh_rows`), and implement :meth:`row_cells`
    and ``row_count``'s source, :meth:`_row_total`."""

    COMPONENT_CLASSES = {"datatable--header", "datatable--cursor", "datatable--hover"}

    # DataTable's own rules for what this table shows (row cursor, header, focus tint).
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
        # As DataTable with a row cursor: home and end only scroll sideways.
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, init=False, always_update=False)

    class _RowMessage(Message):
        def __init__(self, row_list: RowList, cursor_row: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.cursor_row = cursor_row

        @property
        def control(self) -> RowList:
            return self.row_list

    class RowHighlighted(_RowMessage):
        """The cursor moved to ``cursor_row``."""

    class RowSelected(_RowMessage):
        """Enter (or a click) on ``cursor_row``."""

    columns: list[ListColumn]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = []
        self._lines: dict[tuple, Strip] = {}  # rendered rows, by (row, cursor, hover, focus, width)
        self._version = 0
        self._hover: int | None = None  # the row under the mouse (hover_row)

    # -- what subclasses provide ------------------------------------------------
    def _row_total(self) -> int:
        return 0

    def row_cells(self, index: int) -> Sequence[Text]:
        """The cells of row ``index`` (0-based), one Text per column."""
        raise NotImplementedError

    # -- the DataTable-like surface -----------------------------------------------
    @property
    def row_count(self) -> int:
        return self._row_total()

    def get_row_at(self, index: int) -> list[Text]:
        if not 0 <= index < self.row_count:
            raise IndexError(index)
        return list(self.row_cells(index))

    def move_cursor(self, *, row: int | None = None, column: int | None = None, animate: bool = False) -> None:
        del column, animate
        if row is not None and self.row_count:
            self.cursor_row = max(0, min(row, self.row_count - 1))
            self._scroll_cursor_into_view()

    def refresh_rows(self) -> None:
        """Every row may have changed (new items, new widths): drop what was drawn."""
        self._lines.clear()
        self._version += 1
        total = self.row_count
        self.virtual_size = Size(self._table_width(), total + 1)
        if total and self.cursor_row >= total:
            self.cursor_row = total - 1
        self.refresh()

    @property
    def hover_row(self) -> int | None:
        """The row under the mouse pointer, shown tinted as DataTable shows it
        (None when the pointer is elsewhere, or once the cursor moved: a key
        moving it hides the tint until the mouse moves again)."""
        return self._hover

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            old, self._hover = self._hover, index
            for row in (old, index):
                if row is not None:
                    self.refresh_row(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self.row_at(event))

    def on_leave(self, _event: events.Leave) -> None:
        self._set_hover(None)

    def refresh_row(self, index: int) -> None:
        """Row ``index`` changed: repaint that line only."""
        for key in [k for k in self._lines if k[0] == index]:
            del self._lines[key]
        self._refresh_index(index)

    # -- drawing ------------------------------------------------------------------------
    def _table_width(self) -> int:
        return sum(c.width + 2 for c in self.columns)

    def _refresh_index(self, index: int) -> None:
        y = index + 1 - self.scroll_offset.y
        if 1 <= y < self.size.height:
            self.refresh_line(y)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        index = y - 1 + self.scroll_offset.y
        if index >= self.row_count:
            return Strip.blank(width, base)
        cursor = index == self.cursor_row
        hover = index == self._hover
        key = (index, cursor, hover, self.has_focus, width, base, self._version)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._row_strip(index, cursor, hover, width, base)
            if len(self._lines) > 400:
                self._lines.clear()
            self._lines[key] = strip
        return strip

    def _header(self, width: int, base: Style) -> Strip:
        header = base + self.get_component_rich_style("datatable--header")
        segments: list[Segment] = []
        for column in self.columns:
            segments += self._cell(Text(column.label), column.width, header, Style.null())
        return Strip(segments).adjust_cell_length(width, header)

    def _row_strip(self, index: int, cursor: bool, hover: bool, width: int, base: Style) -> Strip:
        pre, post = base, Style.null()
        if hover and not cursor:
            pre = base + self.get_component_rich_style("datatable--hover")
        if cursor:
            component = self.get_component_rich_style("datatable--cursor")
            pre = base + component
            # DataTable's default: the cursor's CSS colours win over the cells' own.
            post = Style.from_color(component.color, component.bgcolor)
        segments: list[Segment] = []
        for column, cell in zip(self.columns, self.row_cells(index), strict=False):
            segments += self._cell(cell, column.width, pre, post)
        return Strip(segments).adjust_cell_length(width, pre + post)

    def _cell(self, cell: Text, width: int, pre: Style, post: Style) -> list[Segment]:
        # As DataTable draws a cell: its text in its own style, the padding plain.
        # A cell's ``justify="right"`` (or "center") places it in its column.
        length = cell.cell_len
        if not cell.spans and length <= width:
            # One style for the whole cell (nearly every cell): its segments
            # directly, the same ones the general way below gives, ~4x sooner.
            room = width - length
            before = _space_before(cell, room)
            padded, after = " " * before + cell.plain, " " * (room - before + 1)
            if not cell.style:
                segments = [Segment(" " + padded + after)]
            else:
                style, plain = self.app.console.get_style(cell.style, default=Style.null()), Style.null()
                segments = [Segment(" ", plain), Segment(padded, style), Segment(after, plain)]
            return list(Segment.apply_style(segments, pre, post))
        text = Text(" ", end="")
        body = cell.copy()
        body.truncate(width, overflow="crop")
        room = width - body.cell_len
        before = _space_before(cell, room)
        body.pad_left(before)  # in the cell's own style, as DataTable pads it
        text.append_text(body)
        text.append(" " * (room - before + 1))
        return list(Segment.apply_style(text.render(self.app.console), pre, post))

    def _scroll_cursor_into_view(self) -> None:
        rows_visible = max(1, self.size.height - 1)
        top = self.scroll_offset.y
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + rows_visible:
            self.scroll_to(y=row - rows_visible + 1, animate=False, immediate=True)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._set_hover(None)
        self.refresh_row(old)
        self.refresh_row(new)
        self.post_message(self.RowHighlighted(self, new))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self._table_width(), self.row_count + 1)

    # -- keys --------------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        # As DataTable: the view moves a page, the cursor the same number of rows.
        page = self._page()
        self.scroll_relative(y=-page, animate=False, immediate=True)
        self.cursor_row = max(0, self.cursor_row - page)

    def action_page_down(self) -> None:
        page = self._page()
        self.scroll_relative(y=page, animate=False, force=True, immediate=True)
        if self.row_count:
            self.cursor_row = min(self.row_count - 1, self.cursor_row + page)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    def action_scroll_home(self) -> None:
        self.scroll_x = 0

    def action_scroll_end(self) -> None:
        self.scroll_x = self.max_scroll_x

    def action_select_cursor(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def row_at(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse (None on the header, a border or past the rows)."""
        offset = event.get_content_offset(self)  # inside any border and padding
        if offset is None or offset.y < 1:  # line 0 is the header
            return None
        index = offset.y - 1 + self.scroll_offset.y
        return index if 0 <= index < self.row_count else None

    def on_click(self, event: events.Click) -> None:
        index = self.row_at(event)
        if index is not None:
            if index == self.cursor_row and event.chain >= 2:
                self.action_select_cursor()
            self.move_cursor(row=index)


def _space_before(cell: Text, room: int) -> int:
    """Of a cell's ``room`` spare columns, how many go before its text (``justify``)."""
    return room if cell.justify == "right" else room // 2 if cell.justify == "center" else 0
