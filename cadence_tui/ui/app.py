"""The Textual application: screens, global keys, the command palette."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingsMap, Keymap
from textual.screen import Screen

from cadence_tui.integrations.config import Config
from cadence_tui.launch import ERROR_PREFIX
from cadence_tui.ui.key_order import KeysInOrder
from cadence_tui.ui.stylesheets import STARTUP, css

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.dom import DOMNode
    from textual.filter import LineFilter

    from cadence_tui.store import Store
    from cadence_tui.ui.screens.home_data import HomeSnapshot


class CadenceApp(KeysInOrder, App[None]):
    """Cadence. The store is opened by the caller (the CLI or a test).
    Keys are handled in the order they were typed (see key_order.py)."""

    TITLE = "Cadence"
    # Only what the home screen shows is parsed before the first frame: every
    # other screen class names its own stylesheets (CSS_PATH), which Textual
    # reads when a screen of that class is first pushed (ui/stylesheets.py).
    CSS_PATH = css(*STARTUP)
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Footer order: what a team member needs most first.
        Binding("a", "open_actions", "Action items", id="open-actions"),
        Binding("h", "open_history", "History", id="open-history"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        # Textual's own palette key, declared here (as Textual allows) so the
        # palette's list of keys sees it among the app's BINDINGS.
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            "palette",
            show=False,
            priority=True,
            tooltip="Open the command palette",
        ),
    ]

    def __init__(self, store: Store, config: Config | None = None) -> None:
        super().__init__()
        from cadence_tui.ui.widgets.safe_render import ControlCharacterFilter

        # No widget draws a control character, whatever the database holds.
        self._control_filter = ControlCharacterFilter()
        self.store = store
        self.keymap: dict[str, str] = {}  # binding id -> keys, from the config file (set_keymap)
        self.config = config or Config()
        from cadence_tui.integrations.config import who_am_i

        store.actor = who_am_i(self.config)  # "me": recorded on every capture and change
        # Theme and keymap from the config file (NO_COLOR: Textual itself then
        # renders monochrome, whatever the theme).
        from cadence_tui.ui.app_config import apply_config

        self.config_warnings = apply_config(self, self.config)
        self._welcome_shown = False  # the first-start note is up (any key dismisses it)
        self.first_screen: Callable[[], Screen] | None = None  # shown over home at start (cadence follow)
        # The home screen's start-up read, begun by launch.run_app (screens/home_data.py).
        self.home_prefetch: Future[HomeSnapshot] | None = None

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), self._control_filter]

    def get_default_screen(self) -> Screen:
        # Home is the base screen, composed with the app itself: pushing it
        # from on_mount instead costs a first frame that Textual throws away
        # (the app's mount is batched) and a second full repaint.
        from cadence_tui.ui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self.store.seeded_now:
            # A first start: say where the data lives and how to begin.
            self.notify(
                f"Your meetings are kept in {self.store.path}. The four default cadences are ready:"
                " s starts the highlighted one's next meeting, E edits it, ? lists every key.",
                title="Welcome to Cadence",
                timeout=15,
                markup=False,
            )
            self._welcome_shown = True
        self._notify_config_warnings()
        # Below 80x24 every screen says so instead of dropping parts unseen.
        self.screen_change_signal.subscribe(self, lambda screen: self._check_size())
        self._check_size()
        # Start-up: the home screen needs only part of the store; the rest loads
        # in a thread once the home screen is painted (Store.load_all_parts).
        self.set_timer(0.5, self._load_store_parts)
        if self.first_screen is not None:  # `cadence follow`: the follow-along view over home
            self.push_screen(self.first_screen())
        # Live screens: another connection's commits reach the open screens
        # (ui/live_updates.py). Started once home is painted: its thread and
        # connection would otherwise compete with the first frame.
        self.call_after_refresh(self._start_live_updates)

    def _start_live_updates(self) -> None:
        from cadence_tui.ui.live_updates import start_live_updates

        if self.is_running and getattr(self, "live_updates", None) is None:
            self.live_updates = start_live_updates(self)

    def on_unmount(self) -> None:
        # The live-updates thread ends (and closes its connection) with the app.
        live = getattr(self, "live_updates", None)
        if live is not None:
            live.stop()
        # The write queue's connection closes (after the writes still queued, ui/write_queue.py).
        queue = getattr(self, "_write_queue", None)
        if queue is not None:
            queue.close()

    def _notify_config_warnings(self) -> None:
        for warning in self.config_warnings:
            self.notify(warning, title="Config", severity="warning", timeout=12, markup=False)

    async def on_event(self, event: events.Event) -> None:
        # Keys run their bindings here (key_order.py): a store error one of
        # them raised ends the app cleanly. One raised elsewhere (a screen's
        # handler, a timer) reaches Textual, which exits with the error's own
        # one line (StoreError.__rich__).
        try:
            await super().on_event(event)
        except Exception as error:
            if not self.exit_on_store_error(error):
                raise
            return
        if isinstance(event, events.Key) and self._welcome_shown:
            # The welcome note covers part of home: the first key dismisses it
            # (and still does what it does). Config warnings stay up.
            self._welcome_shown = False
            self.clear_notifications()
            self._notify_config_warnings()
        if isinstance(event, events.Resize):
            # Textual applies a new size after a short debounce timer.
            self.set_timer(1 / 60, self._check_size)

    def _check_size(self) -> None:
        from cadence_tui.ui.widgets.size_notice import update_size_notice

        update_size_notice(self.screen, self.size)

    def watch_app_focus(self, focus: bool) -> None:
        # In a browser (textual-serve) the app is told "blurred" as it starts,
        # before its first screen has focused anything, so Textual has nothing
        # to give focus back to: the home table stayed unfocused and arrows
        # did nothing until Tab. On focus, an unfocused screen auto-focuses as
        # it does when it opens. (Textual's own watcher runs first.)
        if not focus or not self.screen_stack:
            return
        screen = self.screen
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else self.AUTO_FOCUS
        if screen.focused is None and selector:
            for widget in screen.query(selector):
                if widget.focusable:
                    screen.set_focus(widget, scroll_visible=False)
                    break

    def _load_store_parts(self) -> None:
        if not gc.isenabled():  # `cadence` turned it off for start-up (launch.run_app)
            gc.collect()
            gc.freeze()  # what start-up built lives on: later collections skip it
            gc.enable()
        from cadence_tui.store import SCREEN_PARTS

        self.run_worker(
            lambda: self.store.load_all_parts(SCREEN_PARTS), thread=True, exit_on_error=False, group="startup"
        )

    def show_summary(self, meeting_id: int) -> None:
        """Open a meeting's summary (after ending a meeting, from history)."""
        from cadence_tui.ui.screens.summary import SummaryScreen

        self.push_screen(SummaryScreen(meeting_id))

    def action_open_actions(self) -> None:
        """Every action item across all meetings (screens/actions.py)."""
        from textual.screen import ModalScreen

        from cadence_tui.ui.screens.actions import ActionItemsScreen

        if not isinstance(self.screen, (ActionItemsScreen, ModalScreen)):
            self.push_screen(ActionItemsScreen())

    def action_open_history(self) -> None:
        """Past meetings and full-text search (screens/history.py)."""
        from textual.screen import ModalScreen

        from cadence_tui.ui.screens.history import HistoryScreen

        if not isinstance(self.screen, (HistoryScreen, ModalScreen)):
            self.push_screen(HistoryScreen())

    def action_help(self) -> None:
        """The key help screen for the current screen (screens/help.py)."""
        from cadence_tui.ui.screens.help import show_key_help

        show_key_help(self)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every key binding active on ``screen`` (the one
        the palette was opened from: while it is open, ``self.screen`` is the
        palette itself), so any action reachable by a key is also found by
        name, including the keys hidden from the footer."""
        titles: set[str] = set()
        for command in self.binding_commands(screen):
            titles.add(command.title)
            yield command
        # Textual's own commands, unless one of ours has the name ("Quit", "Keys").
        for command in super().get_system_commands(screen):
            if command.title not in titles:
                yield command

    def binding_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """One command per action bound on ``screen``: its focused widget's
        keys, the screen's, the app's, including keys the focused widget takes
        for itself (a list's Enter, an input's letters): the action still runs
        from the palette. Widgets' built-in keys (cursor movement) only when
        they are meant to be seen; our widgets' keys (they have ids) always."""
        focused = screen.focused
        nodes = list(focused.ancestors_with_self) if focused is not None else [screen, self]
        seen: set[tuple[int, str]] = set()
        for node in nodes:
            for binding in declared_bindings(node, self.keymap):
                if not binding.description:
                    continue
                if node is not screen and node is not self and not (binding.show or binding.id):
                    continue
                # `q` on a screen runs "app.quit", ctrl+q on the app "quit": one command.
                target, _, name = binding.action.rpartition(".")
                ident = (id(self) if target == "app" else id(node), name)
                if ident in seen:
                    continue
                seen.add(ident)
                if not self.action_enabled(binding.action, node):  # disabled or hidden
                    continue
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip or binding.description} (key: {self.get_key_display(binding)})",
                    lambda node=node, action=binding.action: self.call_later(node.run_action, action),
                )
            if node is screen and screen.is_modal:
                break

    def set_keymap(self, keymap: Keymap) -> None:
        """Textual's, remembering the keymap: the palette shows the keys it sets."""
        self.keymap = dict(keymap)
        super().set_keymap(keymap)

    def action_enabled(self, action: str, node: DOMNode) -> bool:
        """Whether ``action`` (bound on ``node``) can run now: its target's
        ``check_action`` neither hides (False) nor disables (None) it."""
        from textual.actions import parse

        namespace, name, parameters = parse(action)
        target: DOMNode | None = node
        if namespace == "app":
            target = self
        elif namespace == "screen":
            target = node.screen if node is not self else self.screen
        elif namespace == "focused":
            target = self.focused
        elif namespace:
            return True  # a namespace of its own: Textual decides when it runs
        return target is not None and bool(target.check_action(name, parameters))

    def exit_on_store_error(self, error: BaseException) -> bool:
        """A StoreError no screen caught (a lock held past the timeout, a full
        disk, a file damaged while open): exit with one clear line, status 1,
        instead of a traceback. Every edit was committed or rolled back whole,
        so nothing is lost. False if ``error`` is not a database error."""
        from cadence_tui.store.errors import store_failure

        # A sqlite3 error read straight from a cursor (a damaged file) too.
        failure = store_failure(error, self.store.path)
        if failure is None:
            return False
        from cadence_tui.store.errors import ReadOnlyAccess

        if isinstance(failure, ReadOnlyAccess):
            # A user who may only read (a PostgreSQL role): that write was
            # refused whole; everything else still works, so say it and go on.
            self.notify(str(failure), title="Read-only", severity="error", timeout=10, markup=False)
            return True
        from rich.text import Text

        from cadence_tui.core.textsafe import show_controls

        self.exit(return_code=1, message=Text(f"{ERROR_PREFIX}{show_controls(str(failure))}"))
        return True


def declared_bindings(node: DOMNode, keymap: Mapping[str, str] | None = None) -> list[Binding]:
    """The bindings ``node``'s classes declare (``BINDINGS``, a subclass's key
    replacing its base's), with the user's keymap applied: those Textual
    gives the node, including keys its widget takes for itself."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(type(node).__mro__):
        if "BINDINGS" in vars(base):
            keys.update(BindingsMap(vars(base)["BINDINGS"]).key_to_bindings)
    bindings = BindingsMap.from_keys(keys)
    if keymap:
        bindings.apply_keymap(keymap)
    return [binding for _key, binding in bindings]


def make_app(store: Store, config: Config | None = None) -> CadenceApp:
    """The one place the app is built: by the CLI and by the tests."""
    return CadenceApp(store, config)
