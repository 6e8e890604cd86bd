"""The key help screen: ``?`` on any screen lists the keys that work there.

The list is taken from the bindings active on the screen underneath at the
moment ``?`` is pressed (the focused widget, the screen, the app), so it is
always the truth for that screen, including keys hidden from the footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cadence_tui.ui.stylesheets import css


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help: where the key works, the key, what it does."""

    section: str
    keys: str
    description: str
    binding_id: str = ""


def collect_key_help(app: App) -> list[KeyHelp]:
    """The active bindings of the current screen (and its focused widget)
    first, then the app's, one line per action."""
    screen = app.screen
    seen: set[tuple[str, str]] = set()
    by_action: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str, str, str]] = []
    for active in app.active_bindings.values():
        binding, node = active.binding, active.node
        if not binding.description or not active.enabled:
            continue
        if node is app or binding.action.startswith("app."):
            section = "Everywhere"  # incl. the app's keys a screen hides from its footer
        elif node is screen:
            section = "This screen"
        else:
            # Widgets' own keys (cursor movement, text editing) only when
            # they are meant to be seen.
            if not binding.show:
                continue
            section = "This screen"
        ident = (section, f"{id(node)}:{binding.action}")
        display = app.get_key_display(binding)
        if ident not in seen:
            seen.add(ident)
            order.append((section, ident[1], binding.description, binding.id or ""))
            by_action[ident] = []
        if display not in by_action[ident]:
            by_action[ident].append(display)
    sections = {"This screen": 0, "Everywhere": 1}
    lines = [
        KeyHelp(section, ", ".join(by_action[(section, action)]), description, binding_id)
        for section, action, description, binding_id in order
    ]
    return sorted(lines, key=lambda line: sections[line.section])


class HelpTable(DataTable):
    """The list of keys: it has no cursor, so the keys scroll it; Home and
    End go to its first and last row (a DataTable's own go sideways)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath; Esc, q or ? closes it."""

    CSS_PATH = css("help.tcss")

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def __init__(self, lines: list[KeyHelp], title: str) -> None:
        super().__init__()
        self.lines = lines
        self.screen_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text.assemble(("Keys", "bold"), ("  " + self.screen_title, "dim")), id="help-title")
            yield HelpTable(id="help-table", cursor_type="row", show_cursor=False)
            yield Static(Text("Esc closes · ctrl+p finds any action by name", style="dim"), id="help-hint")

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        table.add_column("Key", key="key")
        table.add_column("Does", key="does")
        # The id is what a [keymap] entry in the config file names.
        table.add_column("Id (for keymap)", key="id")
        current = None
        for line in self.lines:
            if line.section != current:
                current = line.section
                table.add_row(Text(current, style="bold"), Text(""), Text(""))
            table.add_row(Text(line.keys, style="bold"), Text(line.description), Text(line.binding_id, style="dim"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss()


def show_key_help(app: App) -> None:
    """Push the help for the current screen (a second ``?`` closes it)."""
    if isinstance(app.screen, HelpScreen):
        app.screen.dismiss()
        return
    screen = app.screen
    title = getattr(screen, "help_title", None) or _readable(type(screen).__name__.removesuffix("Screen"))
    app.push_screen(HelpScreen(collect_key_help(app), title))


def _readable(class_name: str) -> str:
    """``ActionItems`` → ``Action items``."""
    import re

    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", class_name) or [class_name]
    return " ".join([words[0], *(w.lower() for w in words[1:])])
