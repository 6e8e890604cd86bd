"""A virtualised list: only a window of rows is held, fetched a page at a time.

:class:`PagedTable` asks a :class:`PageSource` for pages around the cursor
(keyset paging in the store), keeps at most ``MAX_WINDOW`` rows, and paints
only the visible lines (Textual's line API). Moving the cursor repaints two
lines; scrolling the window repaints the widget. A list of 100,000 rows costs
what a list of 200 does. :class:`ActionTable` shows action items.

The UI thread never reads the source: every page and count is read in a
thread worker that posts :class:`PagedTable.PageFetched` back to the table.
While the cursor moves, the next page is read ahead (when the cursor comes
within ``PREFETCH`` rows of either end of the window), so keys are served
from rows already held; a key that runs past them moves as far as it can and
the rest of the move follows when the page arrives. A new source (a filter or
sort change) keeps the old rows on screen until its first page is in, then
posts :class:`PagedTable.Loaded`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from cadence_tui.core.meeting import ActionItem
from cadence_tui.core.timefmt import age_in_days

RowT = TypeVar("RowT")

PAGE = 64
MAX_WINDOW = 192
PREFETCH = PAGE // 2  # read the next page ahead once the cursor is this close to the window's end


@dataclass
class Page(Generic[RowT]):
    """A page read from a PageSource: rows in display order, each with its sort key (keyset paging)."""

    rows: list[RowT]
    keys: list[tuple]


class PageSource(Protocol[RowT]):
    """Where a :class:`PagedTable` reads from. Pages come back in display order."""

    def page(
        self,
        *,
        after: tuple | None = None,
        before: tuple | None = None,
        inclusive: bool = False,
        from_end: bool = False,
        limit: int = PAGE,
    ) -> Page[RowT]: ...

    def count(self) -> int: ...


class FunctionSource(Generic[RowT]):
    """A :class:`PageSource` from two callables."""

    def __init__(self, page: Callable[..., Page[RowT]], count: Callable[[], int]) -> None:
        self._page = page
        self._count = count

    def page(self, **kwargs: Any) -> Page[RowT]:
        return self._page(**kwargs)

    def count(self) -> int:
        return self._count()


class PagedTable(Widget, Generic[RowT], can_focus=True):
    """A keyboard-driven list over a :class:`PageSource`; line 0 is the header."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list-page-down"),
        Binding("home", "first", "First", show=False, id="list-first"),
        Binding("end", "last", "Last", show=False, id="list-last"),
        Binding("enter", "select", "Open", show=False, id="list-select"),
    ]
    COMPONENT_CLASSES = {"paged-table--header", "paged-table--cursor", "paged-table--empty"}

    class RowMessage(Message):
        """A message about one ``row`` of ``table``."""

        def __init__(self, table: PagedTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> PagedTable:
            return self.table

    class Highlighted(RowMessage):
        """The cursor moved onto ``row`` (None: the list is empty)."""

    class Selected(RowMessage):
        """Enter (or a click on the highlighted row) on ``row``."""

    class Loaded(Message):
        """A new list (or a reload) is on screen: ``total`` and the rows are current."""

        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    class PageFetched(Message, bubble=False):
        """What a worker read for ``kind`` ("first", "last", "reload", "forward",
        "backward"); ``generation`` tells a stale answer from the current one."""

        def __init__(self, generation: int, kind: str, result: Any, error: BaseException | None, asked: Any) -> None:
            super().__init__()
            self.generation = generation
            self.kind = kind
            self.result = result
            self.error = error
            self.asked = asked

    empty_text = "Nothing to show."

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source: PageSource[RowT] | None = None
        self.rows: list[RowT] = []
        self.keys: list[tuple] = []
        self.cursor = 0
        self.view_top = 0
        self.at_start = True
        self.at_end = True
        self.window_start: int | None = 0  # absolute position of rows[0], when known
        self.total = 0
        self.reading = False  # a new list (or a reload) is being read
        self.last_load_seconds = 0.0  # how long the last first page + count took to read
        self._generation = 0
        self._in_flight: set[str] = set()
        self._pending_move = 0  # rows a key still has to move once the next page is in
        self._select: Callable[[RowT], bool] | None = None
        #: Called whenever the cursor or the rows changed, before the repaint
        #: (the Highlighted message follows, a frame later at worst).
        self.on_move: Callable[[PagedTable[RowT]], None] | None = None
        self._line_styles: dict[bool, tuple[Style, Style, Style, Style]] = {}
        self._strip_cache: dict[tuple, tuple[Any, Strip]] = {}
        self._palette: dict[tuple[str, bool], Style] = {}

    # -- data (read in thread workers) ------------------------------------------
    @property
    def busy(self) -> bool:
        """A read is under way (tests and benches wait for it)."""
        return bool(self._in_flight)

    def set_source(self, source: PageSource[RowT]) -> None:
        """Show a new list (a filter or sort changed): first page, cursor on top."""
        self.source = source
        self._generation += 1
        self._in_flight.clear()
        self._pending_move = 0
        self._load_first()

    def reload(self, select: Callable[[RowT], bool] | None = None) -> None:
        """Re-read the rows on screen (after an edit), keeping the cursor's place,
        or putting it on the first row ``select`` accepts if that row is in the window."""
        if self.source is None:
            return
        self._generation += 1
        self._in_flight.clear()
        self._pending_move = 0
        self._select = select
        if not self.rows:
            self._load_first()
            return
        want = max(len(self.rows), PAGE)
        at_start, first_key = self.at_start, self.keys[0]

        def read(source: PageSource[RowT]) -> tuple[int, Page[RowT]]:
            if at_start:
                return source.count(), source.page(limit=want)
            return source.count(), source.page(after=first_key, inclusive=True, limit=want)

        self._fetch("reload", read, asked=want)

    def _load_first(self) -> None:
        self._fetch("first", lambda source: (source.count(), source.page(limit=PAGE)))

    def _load_last(self) -> None:
        self._fetch("last", lambda source: (source.count(), source.page(from_end=True, limit=PAGE)))

    def _fetch(self, kind: str, read: Callable[[PageSource[RowT]], Any], asked: Any = None) -> None:
        """Run ``read(source)`` in a thread; its result comes back as PageFetched."""
        source = self.source
        if source is None or kind in self._in_flight:
            return
        if kind in ("first", "last", "reload"):
            self.reading = True
        self._in_flight.add(kind)
        generation = self._generation

        def work() -> None:
            started = time.perf_counter()
            try:
                result, error = read(source), None
            except Exception as exc:  # re-raised on the UI thread (a StoreError ends the app cleanly)
                result, error = None, exc
            if kind == "first":
                self.last_load_seconds = time.perf_counter() - started
            self.post_message(self.PageFetched(generation, kind, result, error, asked))

        self.run_worker(work, thread=True, group=f"paged-table-{kind}", exit_on_error=False)

    def on_paged_table_page_fetched(self, message: PageFetched) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # a newer list or reload replaced this one
        kind = message.kind
        self._in_flight.discard(kind)
        if message.error is not None:
            self.reading = False
            # As if the key had raised it: a store error ends the app with its one line (app.py).
            exit_on_store_error = getattr(self.app, "exit_on_store_error", None)
            if exit_on_store_error is None or not exit_on_store_error(message.error):
                raise message.error
            return
        if kind in ("first", "last", "reload"):
            total, page = message.result
            self.total = total
            if kind == "reload" and not page.rows:
                self._load_last()  # the rows shown are gone (an edit moved them out)
                return
            self.reading = False
            if kind == "first":
                self._set_rows(page, at_start=True, at_end=len(page.rows) < PAGE)
                self.window_start = 0
                self.cursor = 0
                self.view_top = 0
            elif kind == "last":
                self._set_rows(page, at_start=len(page.rows) < PAGE, at_end=True)
                self.window_start = max(0, self.total - len(self.rows))
                self.cursor = max(0, len(self.rows) - 1)
                self.view_top = max(0, self.cursor - self.visible_rows + 1)
            else:
                index = self.cursor
                self._set_rows(page, at_start=self.at_start, at_end=len(page.rows) < message.asked)
                self.cursor = min(index, len(self.rows) - 1)
            select, self._select = self._select, None
            if select is not None:
                for i, row in enumerate(self.rows):
                    if select(row):
                        self.cursor = i
                        break
            self._settle(repaint=True)
            self.post_message(self.Loaded(self))
            return
        bound, page = message.result
        if kind == "forward":
            if not self.keys or self.keys[-1] != bound:
                return  # the window moved the other way meanwhile
            extended = self._extend_forward(page)
        else:
            if not self.keys or self.keys[0] != bound:
                return
            extended = self._extend_backward(page)
        pending, self._pending_move = self._pending_move, 0
        if pending:
            self.move(pending, repaint=extended)
        elif extended:
            self._prefetch()

    def _set_rows(self, page: Page[RowT], *, at_start: bool, at_end: bool) -> None:
        self.rows, self.keys = list(page.rows), list(page.keys)
        self.at_start, self.at_end = at_start, at_end

    def _prefetch(self) -> None:
        """Read the next page ahead when the cursor nears either end of the window."""
        if self.reading or not self.keys:
            return
        if not self.at_end and len(self.rows) - 1 - self.cursor < PREFETCH:
            last = self.keys[-1]
            self._fetch("forward", lambda source: (last, source.page(after=last, limit=PAGE)))
        if not self.at_start and self.cursor < PREFETCH:
            first = self.keys[0]
            self._fetch("backward", lambda source: (first, source.page(before=first, limit=PAGE)))

    def _extend_forward(self, page: Page[RowT]) -> bool:
        self.rows += page.rows
        self.keys += page.keys
        self.at_end = len(page.rows) < PAGE
        drop = len(self.rows) - MAX_WINDOW
        if drop > 0:
            del self.rows[:drop], self.keys[:drop]
            self.cursor -= drop
            self.view_top = max(0, self.view_top - drop)
            self.at_start = False
            if self.window_start is not None:
                self.window_start += drop
        return bool(page.rows)

    def _extend_backward(self, page: Page[RowT]) -> bool:
        n = len(page.rows)
        self.rows[:0] = page.rows
        self.keys[:0] = page.keys
        self.cursor += n
        self.view_top += n
        self.at_start = n < PAGE
        if self.window_start is not None:
            self.window_start = 0 if self.at_start else max(0, self.window_start - n)
        drop = len(self.rows) - MAX_WINDOW
        if drop > 0:
            del self.rows[-drop:], self.keys[-drop:]
            self.at_end = False
        return n > 0

    # -- cursor -----------------------------------------------------------------
    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def current(self) -> RowT | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def position(self) -> int | None:
        """1-based position of the cursor in the whole list, when known."""
        if not self.rows or self.window_start is None:
            return None
        return self.window_start + self.cursor + 1

    def move(self, delta: int, *, repaint: bool = False) -> None:
        if not self.rows:
            return
        old_cursor, old_top = self.cursor, self.view_top
        target = self.cursor + delta
        # Past the rows held: go as far as they reach now, the rest once the page is in.
        if self._pending_move and (self._pending_move > 0) != (delta > 0):
            self._pending_move = 0  # a key the other way cancels the rest of a move
        if target > len(self.rows) - 1 and not self.at_end and not self.reading:
            self._pending_move += target - (len(self.rows) - 1)
        elif target < 0 and not self.at_start and not self.reading:
            self._pending_move += target
        self.cursor = max(0, min(target, len(self.rows) - 1))
        if repaint:
            self._settle(repaint=True)
        else:
            self._settle(repaint=False, old_cursor=old_cursor, old_top=old_top)
        self._prefetch()
        if self._pending_move:
            # The page a key ran into was not read ahead (a long jump): ask for it now.
            if self._pending_move > 0 and not self.at_end:
                last = self.keys[-1]
                self._fetch("forward", lambda source: (last, source.page(after=last, limit=PAGE)))
            elif self._pending_move < 0 and not self.at_start:
                first = self.keys[0]
                self._fetch("backward", lambda source: (first, source.page(before=first, limit=PAGE)))

    def _goto(self, index: int) -> None:
        old_cursor, old_top = self.cursor, self.view_top
        self.cursor = index
        self._settle(repaint=False, old_cursor=old_cursor, old_top=old_top)

    def _settle(self, *, repaint: bool, old_cursor: int | None = None, old_top: int | None = None) -> None:
        """Keep the cursor visible, repaint what changed, tell the screen."""
        if self.rows:
            self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        else:
            self.cursor = 0
        height = self.visible_rows
        if self.cursor < self.view_top:
            self.view_top = self.cursor
        elif self.cursor >= self.view_top + height:
            self.view_top = self.cursor - height + 1
        self.view_top = max(0, min(self.view_top, max(0, len(self.rows) - height)))
        if repaint or old_top is None:
            self.refresh()
        elif old_top != self.view_top:
            # Scrolled: the rows change, not the border or the header line.
            self.refresh(Region(0, 1, self.size.width, height))
        elif old_cursor is not None and old_cursor != self.cursor:
            width = self.size.width
            for index in (old_cursor, self.cursor):
                y = index - self.view_top + 1
                if 1 <= y <= height:
                    self.refresh(Region(0, y, width, 1))
        if self.on_move is not None:
            # Now, not from the Highlighted message: what the screen shows of
            # the position (its title) joins this frame instead of the next one.
            self.on_move(self)
        self.post_message(self.Highlighted(self, self.current))

    def action_cursor_down(self) -> None:
        self.move(1)

    def action_cursor_up(self) -> None:
        self.move(-1)

    def action_page_down(self) -> None:
        self.move(self.visible_rows)

    def action_page_up(self) -> None:
        self.move(-self.visible_rows)

    def action_first(self) -> None:
        if self.source is None:
            return
        if self.at_start and self.rows:
            self._goto(0)  # the first row is held: no read
            return
        self._generation += 1
        self._in_flight.clear()
        self._pending_move = 0
        self._load_first()

    def action_last(self) -> None:
        if self.source is None:
            return
        if self.at_end and self.rows:
            self._goto(len(self.rows) - 1)
            return
        self._generation += 1
        self._in_flight.clear()
        self._pending_move = 0
        self._load_last()

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = self.view_top + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self._goto(index)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.move(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.move(-3)

    def on_resize(self, _event: events.Resize) -> None:
        self._settle(repaint=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- painting ---------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(2, len(self.rows) + 1)

    def header(self, width: int) -> Text:
        return Text("")

    def render_row(self, row: RowT, width: int) -> Text:
        return Text(str(row))

    def palette(self, name: str, *, bold: bool = False) -> Style:
        """A theme colour ("error", "warning", "text-muted", ...) as a truecolor style.

        Plain ANSI names ("red", "dim") would be converted on every painted
        line by Textual's ANSI-to-truecolor filter; theme colours pass through.
        """
        key = (name, bold)
        style = self._palette.get(key)
        if style is None:
            from textual.color import Color

            variables = self.app.theme_variables
            try:
                if name == "text-muted":  # "auto 60%": the foreground blended into the surface
                    surface = Color.parse(variables.get("surface", "#000000"))
                    color = surface.blend(Color.parse(variables["foreground"]), 0.6).rich_color
                else:
                    color = Color.parse(variables[name]).rich_color
            except Exception:  # an odd theme: fall back to the widget's colour
                color = None
            style = Style(color=color, bold=bold)
            self._palette[key] = style
        return style

    def notify_style_update(self) -> None:
        self._line_styles.clear()
        self._strip_cache.clear()
        self._palette.clear()
        super().notify_style_update()

    def _styles_for_lines(self) -> tuple[Style, Style, Style, Style]:
        """(base, header, cursor, empty) rich styles, computed once per CSS/focus state:
        ``rich_style`` walks the DOM and costs ~0.3 ms, too much per painted line."""
        focused = self.has_focus
        cached = self._line_styles.get(focused)
        if cached is None:
            base = self.rich_style
            cursor = base + self.get_component_rich_style("paged-table--cursor")
            if not focused:
                cursor = cursor + Style(dim=True)
            cached = (
                base,
                self.get_component_rich_style("paged-table--header"),
                cursor,
                self.get_component_rich_style("paged-table--empty"),
            )
            self._line_styles[focused] = cached
        return cached

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, header_style, cursor_style, empty_style = self._styles_for_lines()
        if y == 0:
            text = self.header(width)
            style = header_style
        else:
            index = self.view_top + y - 1
            if not self.rows:
                if y != 1:
                    return Strip.blank(width, base)
                text = Text(self.empty_text)
                style = empty_style
            elif index >= len(self.rows):
                return Strip.blank(width, base)
            else:
                row = self.rows[index]
                is_cursor = index == self.cursor
                # Scrolling by one line repaints every line: cache each row's strip.
                # The row object is kept with its strip: an id() reused after
                # garbage collection can never return a stale line.
                cache_key = (id(row), width, is_cursor, self.has_focus)
                cached = self._strip_cache.get(cache_key)
                if cached is not None and cached[0] is row:
                    return cached[1]
                text = self.render_row(row, width)
                style = cursor_style if is_cursor else base
                strip = self._to_strip(text, style, width)
                if len(self._strip_cache) > 2000:
                    self._strip_cache.clear()
                self._strip_cache[cache_key] = (row, strip)
                return strip
        return self._to_strip(text, style, width)

    def _to_strip(self, text: Text, style: Style, width: int) -> Strip:
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [Segment(s.text, style + s.style if s.style else style) for s in text.render(self.app.console)]
        return Strip(segments, width)


def raise_worker_error(node: Widget, event: Any) -> None:
    """For a screen's ``on_worker_state_changed``: a read that failed in one of
    its thread workers (``exit_on_error=False``) fails as if a key had raised
    it — a store error ends the app with its one line (app.py), anything else
    reaches Textual."""
    from textual.worker import WorkerState

    if event.state != WorkerState.ERROR or event.worker.error is None:
        return
    error = event.worker.error
    exit_on_store_error = getattr(node.app, "exit_on_store_error", None)
    if exit_on_store_error is None or not exit_on_store_error(error):
        raise error


# -- action items -----------------------------------------------------------------------------------
class ActionTable(PagedTable[ActionItem]):
    """Action items: due (overdue in red), owner, cadence, title, status, age."""

    empty_text = "No action items match these filters."

    def __init__(self, *, today: Callable[[], date], id: str | None = None) -> None:
        super().__init__(id=id)
        self._today = today

    def _widths(self, width: int) -> tuple[int, int, int, int, int]:
        """Column widths (due, owner, cadence, age, title); cadence and age only when there is room."""
        due = 11
        owner = 10 if width < 100 else 14
        cadence = 0 if width < 90 else (12 if width < 130 else 20)
        age = 0 if width < 120 else 5
        title = max(10, width - due - owner - cadence - age - 8)
        return due, owner, cadence, age, title

    def header(self, width: int) -> Text:
        due, owner, cadence, age, _title = self._widths(width)
        text = Text(" ")
        text.append("Due".ljust(due + 1))
        text.append("Owner".ljust(owner + 1))
        if cadence:
            text.append("Cadence".ljust(cadence + 1))
        if age:
            text.append("Age".rjust(age - 1).ljust(age + 1))
        text.append("Title")
        return text

    def render_row(self, row: ActionItem, width: int) -> Text:
        due_w, owner_w, cadence_w, age_w, _title_w = self._widths(width)
        today = self._today()
        overdue = row.is_overdue(today)
        text = Text(" ")
        due_text = row.due.isoformat() if row.due else "—"
        muted = self.palette("text-muted")
        if overdue:
            text.append(("!" + due_text).ljust(due_w + 1), style=self.palette("error", bold=True))
        elif row.due is not None and row.status == "open" and (row.due - today).days <= 2:
            text.append((" " + due_text).ljust(due_w + 1), style=self.palette("warning"))
        else:
            text.append((" " + due_text).ljust(due_w + 1), style="" if row.due else muted)
        owner = row.owner or "—"
        text.append(_fit(owner, owner_w).ljust(owner_w + 1), style="" if row.owner else muted)
        if cadence_w:
            text.append(_fit(row.cadence_key, cadence_w).ljust(cadence_w + 1), style=muted)
        if age_w:
            days = (today - row.created_at.astimezone().date()).days
            text.append(age_in_days(days).rjust(age_w - 1).ljust(age_w + 1), style=muted)
        if row.status == "open":
            text.append(row.title)
        else:
            text.append(row.title, style=muted + Style(strike=row.status == "dropped"))
            text.append(f"  [{row.status}]", style=muted + Style(italic=True))
        return text


def _fit(value: str, width: int) -> str:
    return value if len(value) <= width else value[: max(0, width - 1)] + "…"
