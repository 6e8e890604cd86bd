"""The summary of one meeting: preview it, switch format, copy it, save it.

Opened when a meeting ends (``app.show_summary``) and from history. Every
copy or save ends in a notification that says where the text went.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Input, Label, Static, TextArea

from cadence_tui.core.meeting_record import MeetingRecord
from cadence_tui.core.summary import FORMAT_LABELS, FORMATS, clean, render, suggested_filename
from cadence_tui.integrations.atomic_write import database_files
from cadence_tui.integrations.clipboard import CopyResult, copy_text, copy_to_system, default_save_dir, save_text
from cadence_tui.store import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import css
from cadence_tui.ui.widgets.steady_footer import SteadyFooter


class SaveSummaryScreen(ModalScreen[Path | None]):
    """Ask where to save; refuse to replace a file unless asked twice."""

    CSS_PATH = css("summary.tcss")

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="summary-save-cancel")]

    def __init__(self, text: str, default_path: Path) -> None:
        super().__init__()
        self.text = text
        self.default_path = default_path
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Label("Save the summary to", id="save-label")
            yield Input(str(self.default_path), id="save-path", select_on_focus=False)
            yield Static("", id="save-error", markup=False)
            with Horizontal(id="save-buttons"):
                yield Button("Save", id="save-ok", variant="primary")
                yield Button("Cancel", id="save-cancel-button")

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def _error(self, message: str) -> None:
        self.query_one("#save-error", Static).update(Text(message))
        self.query_one("#save-dialog").add_class("has-error")

    @on(Input.Changed, "#save-path")
    def _path_changed(self) -> None:
        self._confirmed_overwrite = None
        self.query_one("#save-error", Static).update("")
        self.query_one("#save-dialog").remove_class("has-error")

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#save-ok")
    def save(self) -> None:
        raw = self.query_one("#save-path", Input).value.strip()
        if not raw:
            self._error("Type a file name.")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = default_save_dir() / path
        if path.is_dir():
            self._error(f"{path} is a folder: add a file name.")
            return
        overwrite = self._confirmed_overwrite == path
        try:
            store = getattr(self.app, "store", None)
            result = save_text(
                path, self.text, overwrite=overwrite, protect=database_files(store.path if store is not None else None)
            )
        except FileExistsError:
            self._confirmed_overwrite = path
            self._error("That file exists. Press Enter again to replace it, or change the name.")
            return
        except OSError as exc:
            self._error(f"Cannot save there: {exc.strerror or exc}.")
            return
        self.dismiss(result.path)

    @on(Button.Pressed, "#save-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(None)


# Home and End in either preview go to the screen, which moves the preview
# of the current format: right after a format switch they can still reach the
# view just hidden (End "did nothing"), and a TextArea's own Home and End stay
# within the line. Not priority bindings: those run before the keys typed
# just ahead of them (``s`` then End would move the old view).
_PREVIEW_KEYS: list[BindingType] = [
    Binding("home", "screen.preview_home", "Top", show=False),
    Binding("end", "screen.preview_end", "Bottom", show=False),
]


class PlainPreview(TextArea):
    """The Slack / plain-text preview (read-only)."""

    BINDINGS = _PREVIEW_KEYS


class MarkdownPreview(ScrollView, can_focus=True):
    """The Markdown preview, drawn line by line: only the lines in view are
    painted, from the Markdown rendered once per width (RenderedMarkdown,
    usually in the worker that read the meeting). A widget holding the whole
    text (a Static in a scrolling frame) was re-rendered and re-cropped whole
    at each layout: most of opening a 200-item summary."""

    BINDINGS = _PREVIEW_KEYS

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.markdown: RenderedMarkdown | None = None
        self._lines: list[Strip] = []
        self._width = 0

    def show(self, markdown: RenderedMarkdown) -> None:
        self.markdown = markdown
        self._width = -1
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.scrollable_content_region.width
        if self.markdown is None or width <= 0 or width == self._width:
            return
        app = self.app
        options = app.console_options.update_width(width).update(highlight=False)
        segments = self.markdown._segments_for(app.console, options)
        lines = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        self._lines = [Strip(line) for line in lines]
        self._width = width
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + self.scroll_offset.y
        if index >= len(self._lines):
            return Strip.blank(width, base)
        # As a Static draws it: the widget's style beneath the text's own.
        return self._lines[index].apply_style(base).extend_cell_length(width, base)


class RenderedMarkdown(Markdown):
    """Rich's Markdown, rendered once per width.

    Textual renders a widget's content twice when it lays it out (once to
    measure its height, once to draw it), and again when the screen comes
    back: a 200-item summary took ~25 ms each time. The segments for a width
    are kept; :meth:`prerender` fills them from a worker thread.
    """

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        self._segments: dict[int, list[Segment]] = {}

    def prerender(self, console: Console, options: ConsoleOptions, width: int) -> None:
        self._segments_for(console, options.update_width(width).update(highlight=False))

    def _segments_for(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        segments = self._segments.get(options.max_width)
        if segments is None:
            segments = list(console.render(_Once(self), options))
            self._segments[options.max_width] = segments
        return segments

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._segments_for(console, options)


class _Once:
    """Renders a :class:`RenderedMarkdown` as plain Markdown (fills its cache)."""

    def __init__(self, markdown: RenderedMarkdown) -> None:
        self.markdown = markdown

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return Markdown.__rich_console__(self.markdown, console, options)


class SummaryScreen(Screen[None]):
    """A meeting's summary, previewed as it will look where it is pasted."""

    CSS_PATH = css("summary.tcss")

    BINDINGS = [
        Binding("escape", "back", "Back", id="summary-back"),
        Binding("f", "cycle_format", "Format", id="summary-format"),
        Binding("c", "copy", "Copy", id="summary-copy"),
        Binding("w", "save", "Save to file", id="summary-save"),
        Binding("m", "set_format('markdown')", "Markdown", id="summary-markdown", show=False),
        Binding("s", "set_format('slack')", "Slack", id="summary-slack", show=False),
        Binding("t", "set_format('text')", "Plain text", id="summary-text", show=False),
        Binding("home", "preview_home", "Top", id="summary-top", show=False),
        Binding("end", "preview_end", "Bottom", id="summary-bottom", show=False),
        *quiet_global_keys(),
    ]

    fmt: reactive[str] = reactive("markdown", init=False)

    def __init__(self, meeting_id: int, fmt: str | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self._initial_format = fmt
        self.record: MeetingRecord | None = None
        self.text = ""
        # Each format rendered once: (text, its Markdown for the preview).
        self._rendered: dict[str, tuple[str, RenderedMarkdown | None]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="summary-title", markup=False)
        yield Static(id="summary-formats")
        with ContentSwitcher(initial="summary-markdown-view", id="summary-preview"):
            # Rich's Markdown drawn by one widget, not Textual's Markdown widget:
            # that mounts a widget per paragraph and bullet (~1,900 for a busy
            # meeting, seconds to lay out).
            yield MarkdownPreview(id="summary-markdown-view")
            yield PlainPreview(id="summary-plain", read_only=True, soft_wrap=True, show_line_numbers=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        config = getattr(self.app, "config", None)
        wanted = self._initial_format or getattr(config, "summary_format", "markdown")
        self.set_reactive(SummaryScreen.fmt, wanted if wanted in FORMATS else "markdown")
        self.query_one("#summary-preview", ContentSwitcher).current = self._view().id
        self._view().focus()  # now, not when the text arrives: a focus change recomposes the footer
        self._load(self.fmt)

    @work(thread=True, exclusive=True, group="summary-load", exit_on_error=False)
    def _load(self, fmt: str) -> None:
        """Read the meeting and render its summary off the UI thread."""
        try:
            record = app_store(self).records.meeting_record(self.meeting_id)
        except StoreError as exc:
            self.app.call_from_thread(self._load_failed, exc)
            return
        text = render(record, fmt)
        markdown = None
        if fmt == "markdown":
            markdown = RenderedMarkdown(text)  # parsed here
            # Laid out by now (the screen painted while this read and parsed):
            # render at the preview's width, here too. If not, it renders there.
            width = self.query_one(MarkdownPreview).scrollable_content_region.width
            if width > 0:
                markdown.prerender(self.app.console, self.app.console_options, width)
        self.app.call_from_thread(self._loaded, record, fmt, text, markdown)

    def _load_failed(self, exc: StoreError) -> None:
        self.query_one("#summary-title", Static).update(Text(f"Summary: {exc}", style="bold red"))
        self.notify(str(exc), title="No summary", severity="error", markup=False)

    def _loaded(self, record: MeetingRecord, fmt: str, text: str, markdown: RenderedMarkdown | None) -> None:
        self.record = record
        if fmt == self.fmt:
            self._rendered[fmt] = (text, markdown)
        self._show()

    # -- showing ------------------------------------------------------------
    def watch_fmt(self) -> None:
        self._show()

    def _show(self) -> None:
        if self.record is None:
            return
        r = self.record
        text, markdown = self._rendered.get(self.fmt) or (render(r, self.fmt), None)
        if self.fmt == "markdown" and markdown is None:
            markdown = RenderedMarkdown(text)
        self._rendered[self.fmt] = (text, markdown)
        self.text = text
        # User text, cleaned like the summary itself: no escape sequence reaches the terminal.
        title = Text.assemble(("Summary  ", "dim"), (clean(r.cadence_name), "bold"), f"  {r.local_start:%a %d %b %Y}")
        if r.in_progress:
            title.append("  (meeting in progress)", style="yellow")
        self.query_one("#summary-title", Static).update(title)
        formats = Text()
        for i, (fmt, key) in enumerate(zip(FORMATS, "mst", strict=False)):
            if i:
                formats.append("  ")
            active = fmt == self.fmt
            formats.append(f" {FORMAT_LABELS[fmt]} ", style="reverse bold" if active else "")
            formats.append(f"({key})", style="dim")
        formats.append(f"    {len(self.text):,} characters", style="dim")
        self.query_one("#summary-formats", Static).update(formats)
        switcher = self.query_one("#summary-preview", ContentSwitcher)
        if self.fmt == "markdown":
            assert markdown is not None
            self.query_one(MarkdownPreview).show(markdown)
            switcher.current = "summary-markdown-view"
        else:
            self.query_one("#summary-plain", TextArea).load_text(self.text)
            switcher.current = "summary-plain"
        if self.focused is not self._view():
            self._view().focus()

    def _view(self) -> Widget:
        """The preview shown for the current format."""
        return self.query_one("#summary-markdown-view" if self.fmt == "markdown" else "#summary-plain", Widget)

    # -- actions ------------------------------------------------------------
    def action_preview_home(self) -> None:
        view = self._view()
        view.anchor(False)
        if isinstance(view, TextArea):
            view.move_cursor((0, 0))
        view.scroll_home(animate=False)

    def action_preview_end(self) -> None:
        """To the last line, and kept there (anchored) while the preview is
        still being laid out or wrapped — a preview just switched to has not
        its final height yet — until the reader scrolls away."""
        view = self._view()
        if isinstance(view, TextArea):
            view.move_cursor(view.document.end)
        view.anchor()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cycle_format(self) -> None:
        self.fmt = FORMATS[(FORMATS.index(self.fmt) + 1) % len(FORMATS)]

    def action_set_format(self, fmt: str) -> None:
        if fmt in FORMATS:
            self.fmt = fmt

    def action_copy(self) -> None:
        if self.record is None:
            self.notify("Nothing to copy", severity="warning")
            return
        self._copy_to_system(self.text, FORMAT_LABELS[self.fmt])

    @work(thread=True, exclusive=True, group="summary-copy", exit_on_error=False)
    def _copy_to_system(self, text: str, label: str) -> None:
        # pyperclip can block (a slow clipboard owner): keep it off the UI thread.
        result = copy_to_system(text)
        self.app.call_from_thread(self._copy_done, text, label, result)

    def _copy_done(self, text: str, label: str, system: CopyResult) -> None:
        result = system if system.ok else copy_text(text, use_system=False, osc52=self.app.copy_to_clipboard)
        if result.ok:
            title = f"{label} summary copied" if result.route == "system" else f"{label} summary"
            self.notify(result.message, title=title, markup=False, timeout=6)
        else:
            self.notify(
                f"{result.message}. Press w to save it to a file.",
                title="Not copied",
                severity="error",
                markup=False,
                timeout=8,
            )

    def action_save(self) -> None:
        if self.record is None:
            self.notify("Nothing to save", severity="warning")
            return
        default = default_save_dir() / suggested_filename(self.record, self.fmt)
        label = FORMAT_LABELS[self.fmt]

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved to {path}", title=f"{label} summary saved", markup=False, timeout=6)

        self.app.push_screen(SaveSummaryScreen(self.text, default), saved)
