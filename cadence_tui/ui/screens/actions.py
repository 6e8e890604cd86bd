"""Action items across all meetings: filter, sort, and change them in one key.

The list is an :class:`ActionTable` (virtualised, keyset paged), so the screen
opens and scrolls the same with 100 or 100,000 items. Every change is
committed at once and can be undone (``u``) from the store's undo stack.

The UI thread never waits on the database: the list reads its pages in
thread workers (widgets/action_table.py), the owner counts and settings are
read in workers of this screen, and every change (done, drop, reassign, due
date, undo, "who am I") goes through the app's one ordered write queue
(ui/write_queue.py), whose answer (WriteDone / WriteFailed) updates the list.
Typing in the search box echoes at once; the search itself runs once the
keys settle when searches have proved slower than a frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from cadence_tui.core.meeting import ActionItem
from cadence_tui.store.actions import SORT_LABELS, SORTS, ActionFilter, OwnerCount, same_name
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import css
from cadence_tui.ui.widgets.action_table import ActionTable, FunctionSource, Page, PagedTable, raise_worker_error
from cadence_tui.ui.widgets.capture_forms import ClosesOnce
from cadence_tui.ui.write_queue import WriteDone, WriteFailed, WriteJob, write_queue

STATUSES: tuple[str | None, ...] = ("open", "done", "dropped", None)
WHEN = ("any", "overdue", "week")
WHEN_LABELS = {"any": "any", "overdue": "overdue", "week": "this week"}
ME_SETTING = "actions.me"
SEARCH_DEBOUNCE = 0.2  # seconds of typing pause before a slow search runs
SEARCH_DEBOUNCE_FAST = 0.1  # ... before a search that has been quick (a fast typist's gap between letters)
SEARCH_DEBOUNCE_OVER = 0.016  # a search slower than a frame waits the longer pause


def with_shared_undo(app: Any, change: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``change`` as a write-queue job that keeps one undo history for the
    session: every action-item change and undo goes through the queue, whose
    store (its own connection) is handed the app's stack (jobs run one at a
    time, in order). The stack lives on the app, so the UI thread never has to
    load the store's action part to find it."""
    stack = app.__dict__.setdefault("_action_undo_stack", [])

    def run(store: Any) -> Any:
        store.actions._action_undo = stack  # ActionStore keeps its undo history there
        return change(store)

    return run


def pack_chips(chips: list[Text], width: int, *, lines: int = 2, first: Text | None = None) -> Text:
    """``chips`` side by side, two spaces apart, in at most ``lines`` lines of
    ``width`` cells: a chip never breaks across lines, and the chips that do
    not fit are counted at the end ("+3 more")."""
    rows: list[Text] = [first.copy() if first is not None else Text()]
    shown = 0
    for n, chip in enumerate(chips):
        rest = len(chips) - n - 1
        more = len(f"  +{rest} more") if rest else 0
        row = rows[-1]
        gap = 2 if row.cell_len else 0
        room = width - row.cell_len - gap - (more if len(rows) == lines else 0)
        if chip.cell_len > room:
            if len(rows) < lines and row.cell_len:
                rows.append(Text())
                row, gap = rows[-1], 0
                room = width - (more if len(rows) == lines else 0)
            if chip.cell_len > room:
                break
        if gap:
            row.append("  ")
        row.append_text(chip)
        shown += 1
    if shown < len(chips):
        rows[-1].append(f"  +{len(chips) - shown} more", style="dim")
    return Text("\n").join(rows)


def _update_lines(widget: Static, text: Text) -> None:
    """Show ``text``; a layout pass (~10 ms) only when its number of lines
    changed (the widget's height follows it), not on every filter key."""
    lines = text.plain.count("\n") + 1
    widget.update(text, layout=getattr(widget, "_shown_lines", None) != lines)
    widget._shown_lines = lines  # type: ignore[attr-defined]


def owner_strip(counts: list[OwnerCount], width: int, selected: str | None, *, lines: int = 2) -> Text:
    """Open (and overdue) action items per owner: an owner's figures never
    wrap away from the name; owners that do not fit are counted at the end."""
    if not counts:
        return Text("No open action items.", style="dim")
    chips: list[Text] = []
    for c in counts:
        chip = Text(c.owner or "(none)", style="bold reverse" if same_name(c.owner, selected) else "bold")
        chip.append(f" {c.open:,}")
        if c.overdue:
            chip.append(f" ({c.overdue:,} overdue)" if len(counts) == 1 else f"/{c.overdue:,}", style="red")
        chips.append(chip)
    return pack_chips(chips, width, lines=lines, first=Text("open/overdue", style="dim"))


class PromptModal(ClosesOnce, ModalScreen[Any]):
    """One field; ``parse`` turns the text into the result or raises ValueError
    (or a StoreError) whose message is shown right under the field."""

    CSS_PATH = css("actions.tcss")

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    def __init__(self, title: str, value: str, hint: str, parse: Callable[[str], Any], *, max_length: int = 80) -> None:
        super().__init__(classes="actions-modal")
        self._title = title
        self._value = value
        self._hint = hint
        self._parse = parse
        self._max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Static(Text(self._title, style="bold"), classes="prompt-title")
            yield Input(self._value, max_length=self._max_length, id="prompt-input")
            yield Static("", id="prompt-error", classes="prompt-error")
            yield Static(Text(self._hint, style="dim"), classes="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from cadence_tui.store.errors import StoreError

        event.stop()
        if self.closing:  # a second Enter before the prompt closed
            return
        try:
            result = self._parse(event.value)
        except (ValueError, StoreError) as exc:
            self.query_one("#prompt-error", Static).update(Text(str(exc)))
            self.query_one("#prompt-input", Input).add_class("-invalid")
            return
        self.close_once(result)

    def action_cancel(self) -> None:
        self.close_once(None, submitted=False)


class OwnerPicker(ClosesOnce, ModalScreen[str | None]):
    """Everyone, me, or one owner (with open / overdue counts)."""

    CSS_PATH = css("actions.tcss")

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="owner-picker-cancel")]
    EVERYONE = "\x00everyone"

    def __init__(self, me: str, counts: list[Any]) -> None:
        super().__init__(classes="actions-modal")
        self._me = me
        self._counts = counts

    def compose(self) -> ComposeResult:
        options = [Option(Text("Everyone"), id=self.EVERYONE)]
        if self._me:
            options.append(Option(Text.assemble("Me (", self._me, ")"), id="\x00me"))
        for c in self._counts:
            label = Text(c.owner or "(no owner)")
            label.append(f"  {c.open} open", style="dim")
            if c.overdue:
                label.append(f", {c.overdue} overdue", style="red")
            options.append(Option(label, id="=" + c.owner))
        with Vertical(classes="prompt-box"):
            yield Static(Text("Show whose items?", style="bold"), classes="prompt-title")
            yield OptionList(*options, id="owner-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or self.EVERYONE
        if choice == self.EVERYONE:
            self.close_once(self.EVERYONE)
        elif choice == "\x00me":
            self.close_once(self._me)
        else:
            self.close_once(choice[1:])

    def action_cancel(self) -> None:
        self.close_once(None, submitted=False)


class ActionItemsScreen(Screen[None]):
    """Every action item, open ones first: what each person owes."""

    class ContextLoaded(Message):
        """Who "me" is and the cadences' keys, read in a worker."""

        def __init__(self, me: str, cadences: list[str]) -> None:
            super().__init__()
            self.me = me
            self.cadences = cadences

    class CountsLoaded(Message):
        """Open/overdue items per owner (for ``cadence_key``; ``everyone``: all cadences)."""

        def __init__(self, cadence_key: str | None, counts: list[OwnerCount], everyone: list[OwnerCount]) -> None:
            super().__init__()
            self.cadence_key = cadence_key
            self.counts = counts
            self.everyone = everyone

    CSS_PATH = css("actions.tcss")

    BINDINGS = [
        Binding("escape", "back", "Back", id="actions-back"),
        Binding("d", "done", "Done", id="action-done"),
        Binding("x", "drop", "Drop", id="action-drop"),
        Binding("r", "reassign", "Reassign", id="action-reassign"),
        Binding("e", "change_due", "Due date", id="action-change-due"),
        Binding("u,ctrl+z", "undo", "Undo", id="action-undo"),
        # The search box says "/ search titles" itself.
        Binding("slash", "search", "Search", show=False, id="actions-search"),
        # The filter keys are shown on the filter line itself (o owner:…, s sort:…).
        Binding("s", "cycle_sort", "Sort", show=False, id="actions-sort"),
        Binding("o", "pick_owner", "Owner", show=False, id="actions-owner"),
        Binding("m", "toggle_mine", "Mine", show=False, id="actions-mine"),
        Binding("w", "cycle_when", "Overdue/week", show=False, id="actions-when"),
        Binding("c", "cycle_cadence", "Cadence", show=False, id="actions-cadence"),
        Binding("v", "cycle_status", "Status", show=False, id="actions-status"),
        Binding("M", "set_me", "Set who I am", show=False, id="actions-set-me"),
        Binding("ctrl+l", "clear_filters", "Clear filters", show=False, id="actions-clear"),
        *quiet_global_keys(),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = ActionFilter()
        self.sort = "due"
        self.when = "any"
        self.me = ""
        self._cadences: list[str] = []
        self._filter_chips: list[Text] = []  # the filter line, one chip per filter
        self._owner_counts: list[OwnerCount] = []
        self._all_owner_counts: list[OwnerCount] = []  # every cadence's (the reassign hint)
        self._pending_search: str | None = None
        self._search_timer: Timer | None = None
        self._search_cost = 0.0

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(id="actions-title")
        with Horizontal(id="actions-filterbar"):
            yield Input(placeholder="/ search titles", id="actions-search-input", max_length=200)
            yield Static(id="actions-filters")
        yield Static(id="actions-owners")
        yield ActionTable(today=lambda: self.store.today(), id="action-table")
        yield Static(id="action-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ActionTable).on_move = self._table_moved
        config = getattr(self.app, "config", None)
        config_me = getattr(config, "me", "") or ""
        self.me = config_me  # until the worker has read the name saved with M (never "not set" meanwhile)
        self._load_context(config_me, bool(getattr(config, "me_from_env", False)))
        self.apply_filter()
        self.query_one(ActionTable).focus()
        self.call_after_refresh(self._draw_chips)  # again, at the widths laid out
        self.call_after_refresh(self._show_detail)

    def on_database_changed(self, _message: object) -> None:
        """Another terminal changed the database (ui/live_updates.py): read it
        again in workers (the list, the owner counts; the detail line follows
        the list's new rows when they land)."""
        if self.is_current:
            self.on_screen_resume()

    @property
    def busy(self) -> bool:
        """A read or a debounced search is still to come (tests and benches wait)."""
        return self._search_timer is not None or self.query_one(ActionTable).busy

    @work(thread=True, group="actions-context", exit_on_error=False)
    def _load_context(self, config_me: str, me_from_env: bool) -> None:
        store = self.store
        # $CADENCE_ME (a browser tab's user) outranks the name saved in the shared database.
        me = config_me if me_from_env else store.get_setting(ME_SETTING) or config_me
        self.post_message(self.ContextLoaded(me, [c.key for c in store.cadences.list_cadences()]))

    def on_worker_state_changed(self, event: Any) -> None:
        raise_worker_error(self, event)  # a failed read: as if a key had raised it

    def on_action_items_screen_context_loaded(self, message: ContextLoaded) -> None:
        self.me = message.me
        self._cadences = message.cadences
        self._refresh_title_only()

    def on_screen_resume(self) -> None:
        table = self.query_one(ActionTable)
        if table.source is not None:
            table.reload()
            self._load_counts(self.filter.cadence_key)

    # -- data -------------------------------------------------------------------
    def _effective_filter(self) -> ActionFilter:
        return replace(self.filter, overdue=self.when == "overdue", due_this_week=self.when == "week")

    def apply_filter(self) -> None:
        """Show the first page for the current filter and sort (read in workers)."""
        f = self._effective_filter()
        store, sort = self.store, self.sort

        def page(**kwargs: Any) -> Page[ActionItem]:
            result = store.actions.page_actions(f, sort, **kwargs)
            return Page(result.items, result.keys)

        self.query_one(ActionTable).set_source(FunctionSource(page, lambda: store.actions.count_actions(f)))
        self._refresh_header()
        self._load_counts(f.cadence_key)

    @work(thread=True, exclusive=True, group="actions-counts", exit_on_error=False)
    def _load_counts(self, cadence_key: str | None) -> None:
        store = self.store
        counts = store.actions.owner_counts(cadence_key)
        everyone = store.actions.owner_counts() if cadence_key else counts
        self.post_message(self.CountsLoaded(cadence_key, counts, everyone))

    def on_action_items_screen_counts_loaded(self, message: CountsLoaded) -> None:
        if message.cadence_key != self.filter.cadence_key:
            return  # the cadence filter changed since
        self._owner_counts = message.counts
        self._all_owner_counts = message.everyone
        self._draw_owners()

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        event.stop()
        if self.filter.search:
            self._search_cost = event.table.last_load_seconds
        self._refresh_title_only()
        self._show_detail()

    def _refresh_header(self) -> None:
        """The title and the filter line (no database: the counts come from workers)."""
        self._refresh_title_only()
        f = self.filter
        status = f.status or "all"
        self._filter_chips = []

        def chip(key: str, label: str, value: str | None, active: bool = False) -> None:
            # Each filter with its key: these keys are not in the footer.
            part = Text(key, style="reverse")
            part.append(f" {label}" + (":" if value is not None else ""), style="dim")
            if value is not None:
                part.append(value, style="bold underline" if active else "")
            self._filter_chips.append(part)

        chip("o", "owner", f.owner if f.owner is not None else "all", f.owner is not None)
        chip("m", "mine", None)
        chip("c", "cadence", f.cadence_key or "all", f.cadence_key is not None)
        chip("v", "status", status, f.status != "open")
        chip("w", "when", WHEN_LABELS[self.when], self.when != "any")
        chip("s", "sort", self.sort, self.sort != "due")
        self._draw_chips()

    def _draw_chips(self) -> None:
        """The filter and owner lines, packed to the width they have (guessed
        before the first layout; drawn again once laid out and on resize)."""
        filters = self.query_one("#actions-filters", Static)
        _update_lines(filters, pack_chips(self._filter_chips, filters.content_region.width or 50, lines=3))
        self._draw_owners()

    def _draw_owners(self) -> None:
        owners = self.query_one("#actions-owners", Static)
        _update_lines(owners, owner_strip(self._owner_counts, owners.content_region.width or 76, self.filter.owner))

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_chips)  # once the lines have their new width

    def _table_moved(self, table: PagedTable) -> None:
        if table.position is not None:
            self._refresh_title_only()  # in the same frame as the rows (PagedTable.on_move)
        self._show_detail()

    def _show_detail(self) -> None:
        """Who recorded the highlighted item and who closed it (one line)."""
        item = self.selected()
        text = Text(style="dim")
        if item is not None:
            text.append(f"#{item.id} added {item.created_at.astimezone():%a %d %b %H:%M}")
            if item.created_by:
                text.append(" by ")
                text.append(item.created_by, style="bold")
            if item.closed_at is not None:
                text.append(f" · {item.status} {item.closed_at.astimezone():%a %d %b %H:%M}")
                if item.closed_by:
                    text.append(" by ")
                    text.append(item.closed_by, style="bold")
        self.query_one("#action-detail", Static).update(text, layout=False)

    def _refresh_title_only(self) -> None:
        # Cheap: no queries, only the "n of N" part changes while scrolling.
        table = self.query_one(ActionTable)
        f = self.filter
        title = Text.assemble(("Action items", "bold"), "  ")
        title.append(f"{table.total:,} {f.status if f.status else 'items'}")
        if table.position is not None and table.total:
            title.append(f"  ·  {table.position:,} of {table.total:,}", style="dim")
        title.append(f"  ·  me: {self.me or '(not set: M)'}", style="dim")
        # layout=False: the title is one line whatever it says; a layout per key costs ~10 ms.
        self.query_one("#actions-title", Static).update(title, layout=False)

    def selected(self) -> ActionItem | None:
        return self.query_one(ActionTable).current

    def _write(self, change: Callable[[Any], Any], what: str | Callable[[Any], str], **data: Any) -> None:
        """Queue an action-item change (ui/write_queue.py): changes land in the
        order they were asked for, and the UI never waits on the file's lock."""
        job = WriteJob(with_shared_undo(self.app, change), self, what="change", data={"what": what, **data})
        write_queue(self.app).submit(job)

    def on_write_done(self, message: WriteDone) -> None:
        if message.job.target is not self:
            return
        message.stop()
        data = message.job.data
        if data.get("undo"):
            change, item = message.result
            if change is None:
                self.notify("Nothing to undo.", timeout=3)
                return
            self.query_one(ActionTable).reload(select=lambda row: item is not None and row.id == item.id)
            self._load_counts(self.filter.cadence_key)
            if item is not None:
                self.notify(f"Undone ({change.description}): {item.title}", timeout=4, markup=False)
            return
        if data.get("me") is not None:
            return  # "who am I" saved; the list already shows that owner
        what = data["what"]
        changed: ActionItem = message.result
        self._changed(changed, what(changed) if callable(what) else what)

    def on_write_failed(self, message: WriteFailed) -> None:
        if message.job.target is not self:
            return
        message.stop()
        from cadence_tui.store.errors import ReadOnlyDatabase

        if isinstance(message.error, ReadOnlyDatabase):
            # A role that may only read (PostgreSQL): said as the app says it
            # for every other write (CadenceApp.exit_on_store_error).
            self.notify(str(message.error), title="Read-only", severity="error", timeout=10, markup=False)
        else:
            self.notify(f"Not saved: {message.error}", title="Action items", severity="error", timeout=8, markup=False)
        self.query_one(ActionTable).reload()

    def _changed(self, item: ActionItem, what: str) -> None:
        self.query_one(ActionTable).reload()
        self._load_counts(self.filter.cadence_key)
        # markup=False: the title is user text ("[/]" must show as typed).
        self.notify(f"{what}: {item.title}  (u undoes)", timeout=4, markup=False)

    # -- changes -----------------------------------------------------------------
    def action_done(self) -> None:
        item = self.selected()
        if item is None:
            return
        new = "open" if item.status == "done" else "done"
        self._write(
            lambda store: store.actions.set_action_status(item.id, new), "Done" if new == "done" else "Reopened"
        )

    def action_drop(self) -> None:
        item = self.selected()
        if item is None:
            return
        new = "open" if item.status == "dropped" else "dropped"
        self._write(
            lambda store: store.actions.set_action_status(item.id, new), "Dropped" if new == "dropped" else "Reopened"
        )

    def action_reassign(self) -> None:
        item = self.selected()
        if item is None:
            return
        from cadence_tui.store.actions import clean_name

        def done(owner: str | None) -> None:
            if owner is not None:
                self._write(
                    lambda store: store.actions.reassign_action(item.id, owner), f"Now owned by {owner or 'nobody'}"
                )

        owners = ", ".join(c.owner for c in self._all_owner_counts[:8] if c.owner)
        self.app.push_screen(
            PromptModal(
                "Reassign to",
                item.owner,
                f"Enter to save, Esc to cancel. Owners: {owners}",
                clean_name,
            ),
            done,
        )

    def action_change_due(self) -> None:
        item = self.selected()
        if item is None:
            return
        from cadence_tui.core.duedates import ACCEPTED_FORMS, DueDateError, parse_due

        today = self.store.today()  # the clock, not the database
        hint_tail = f"; use {ACCEPTED_FORMS}"  # the hint under the field lists the forms already

        def done(result: Any) -> None:
            if result is None:
                return
            due = None if result == "" else result
            self._write(
                lambda store: store.actions.set_action_due(item.id, due),
                lambda changed: f"Due {changed.due.isoformat() if changed.due else 'date cleared'}",
            )

        def parse(text: str) -> Any:
            try:
                return parse_due(text, today) or ""
            except DueDateError as exc:
                raise DueDateError(str(exc).removesuffix(hint_tail)) from None

        self.app.push_screen(
            PromptModal(
                "Due date",
                item.due.isoformat() if item.due else "",
                f"{ACCEPTED_FORMS}. Empty clears it; Esc cancels.",
                parse,
                max_length=40,
            ),
            done,
        )

    def action_undo(self) -> None:
        def undo(store: Any) -> tuple[Any, ActionItem | None]:
            change = store.actions.last_action_change()
            if change is None:
                return None, None
            return change, store.actions.undo_action_change()

        self._write(undo, "Undone", undo=True)

    # -- filters -----------------------------------------------------------------
    def action_search(self) -> None:
        # At once, not after the keys already queued (Widget.focus waits for them):
        # the letters typed right after '/' are the search, not the list's keys.
        self.set_focus(self.query_one("#actions-search-input", Input))

    @on(Input.Changed, "#actions-search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        self._pending_search = event.value.strip() or None
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        # The letter shows at once; the search (up to ~60 ms on 100,000 items
        # for a one-letter prefix, read in a worker) runs once the keys settle,
        # so a burst of typing reads once, not once per letter, and no read
        # competes with the echo. Slow searches wait for a longer pause.
        pause = SEARCH_DEBOUNCE if self._search_cost > SEARCH_DEBOUNCE_OVER else SEARCH_DEBOUNCE_FAST
        self._search_timer = self.set_timer(pause, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        if self._pending_search == self.filter.search:
            return
        self.filter = replace(self.filter, search=self._pending_search)
        self.apply_filter()  # its cost (read in a worker) is kept on Loaded

    @on(Input.Submitted, "#actions-search-input")
    def _search_submitted(self, _event: Input.Submitted) -> None:
        self.set_focus(self.query_one(ActionTable))  # at once, as action_search

    def action_cycle_sort(self) -> None:
        keys = list(SORTS)
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.apply_filter()
        self.notify(f"Sorted by {SORT_LABELS[self.sort]}", timeout=2)

    def action_cycle_status(self) -> None:
        i = STATUSES.index(self.filter.status)
        self.filter = replace(self.filter, status=STATUSES[(i + 1) % len(STATUSES)])
        self.apply_filter()

    def action_cycle_when(self) -> None:
        self.when = WHEN[(WHEN.index(self.when) + 1) % len(WHEN)]
        self.apply_filter()

    def action_cycle_cadence(self) -> None:
        options: list[str | None] = [None, *self._cadences]
        i = options.index(self.filter.cadence_key) if self.filter.cadence_key in options else 0
        self.filter = replace(self.filter, cadence_key=options[(i + 1) % len(options)])
        self.apply_filter()

    def set_owner(self, owner: str | None) -> None:
        self.filter = replace(self.filter, owner=owner)
        self.apply_filter()

    def action_toggle_mine(self) -> None:
        if not self.me:
            self.action_set_me()
            return
        self.set_owner(None if same_name(self.filter.owner, self.me) else self.me)

    def action_pick_owner(self) -> None:
        def done(choice: str | None) -> None:
            if choice is not None:
                self.set_owner(None if choice == OwnerPicker.EVERYONE else choice)

        self.app.push_screen(OwnerPicker(self.me, self._owner_counts), done)

    def action_set_me(self) -> None:
        from cadence_tui.store.actions import clean_name

        def done(name: str | None) -> None:
            if name is None:
                return
            self.me = name
            self._write(lambda store: store.set_setting(ME_SETTING, name), "Me", me=name)
            self.set_owner(name or None)

        self.app.push_screen(
            PromptModal(
                "Who are you?", self.me, "Your name as action items use it; 'm' then shows your items.", clean_name
            ),
            done,
        )

    def action_clear_filters(self) -> None:
        self._pending_search = None
        self.filter = ActionFilter()
        self.when = "any"
        self.query_one("#actions-search-input", Input).value = ""
        self.apply_filter()

    def action_back(self) -> None:
        search = self.query_one("#actions-search-input", Input)
        if search.has_focus:
            self.set_focus(self.query_one(ActionTable))
            return
        self.app.pop_screen()
