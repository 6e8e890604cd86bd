"""Modal forms for capturing records in a meeting (the yes/no confirmation is in ui/dialogs.py).

A form is described by :class:`FormField` specs and a ``save`` callable.
Enter (or Ctrl+S in a multi-line field) calls ``save`` with the typed values;
if it raises :class:`InvalidInput` the message is shown under the field the
error names (``exc.field``) and nothing is dismissed, so what was typed is
kept. On success the form closes with ``save``'s result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from cadence_tui.store.errors import InvalidInput, StoreError
from cadence_tui.ui.stylesheets import FORMS, css

#: What a form's ``save`` returns when the write was handed to the write queue
#: (ui/write_queue.py): the form closes; the screen says when it lands.
QUEUED = object()


class FormTextArea(TextArea):
    """A form's multi-line field. It says it takes Enter (a new line) and,
    when Tab indents, Esc: keys it handles itself though no binding runs
    them, which ``check_consume_key`` (Textual's question) then answers
    truthfully, so they keep their typed order (ui/key_order.py) and a
    screen's Enter binding is not offered while it is focused."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        if not self.read_only and (key == "enter" or (self.tab_behavior == "indent" and key == "escape")):
            return True
        return super().check_consume_key(key, character)


@dataclass(frozen=True)
class FormField:
    """One field of a capture form."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    multiline: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (label, value): a Select instead of a text field
    suggestions: tuple[str, ...] = ()  # completion for names (attendees)


class ClosesOnce:
    """Mixed into a modal form or dialog: it submits and closes once.

    Enter pressed twice, or text pasted with newlines, sends a second submit
    before the first has closed the form: without this it saved twice and
    its second ``dismiss`` popped the screen underneath (then
    ScreenStackError). Keys typed ahead of the first submit are dropped
    (see ``KeysInOrder.discard_typed_ahead``) instead of running as commands
    of the screen below.
    """

    closing = False

    def close_once(self, result: Any = None, *, submitted: bool = True) -> bool:
        """Dismiss with ``result`` unless already closing; False if it was."""
        if self.closing:
            return False
        self.closing = True
        app = self.app  # type: ignore[attr-defined]
        if submitted and hasattr(app, "discard_typed_ahead"):
            app.discard_typed_ahead()
        self.dismiss(result)
        return True

    def dismiss(self, result: Any = None):
        # Only the screen on top may close: a late second dismiss would pop
        # the screen underneath.
        self.closing = True
        if self.app.screen is not self:  # type: ignore[attr-defined]
            from textual.await_complete import AwaitComplete

            return AwaitComplete.nothing()
        return super().dismiss(result)  # type: ignore[misc]


class CaptureForm(ClosesOnce, ModalScreen[Any]):
    """A small modal form; see the module docstring."""

    CSS_PATH = css(*FORMS)

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", id="form-save"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        save: Callable[[dict[str, str]], Any],
        *,
        form_id: str = "capture-form",
        error: str = "",
        error_field: str | None = None,
    ) -> None:
        super().__init__(id=form_id, classes="capture-form")
        self.form_title = title
        self.fields = list(fields)
        self._save = save
        self._error = error  # shown on opening (a queued write that failed)
        self._error_field = error_field  # under this field (the store's InvalidInput named it)

    def compose(self) -> ComposeResult:
        multiline = any(f.multiline for f in self.fields)
        with Vertical(id="form-dialog"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(Text(f.label), classes="form-label")
                        with Vertical(classes="form-input"):
                            yield self._input_for(f)
                            yield Static("", id=f"error-{f.name}", classes="field-error", markup=False)
            yield Static("", id="form-error", classes="field-error", markup=False)
            with Horizontal(id="form-buttons"):
                hint = "Ctrl+S saves · Esc cancels" if multiline else "Enter saves · Tab next field · Esc cancels"
                yield Static(Text(hint, style="dim"), id="form-hint")
                yield Button("Save", id="form-save-button", variant="primary", compact=True)

    def _input_for(self, f: FormField):
        widget_id = f"field-{f.name}"
        if f.choices:
            value = f.value if f.value in {v for _, v in f.choices} else f.choices[0][1]
            return Select(
                [(Text(label), v) for label, v in f.choices], value=value, allow_blank=False, id=widget_id, compact=True
            )
        if f.multiline:
            area = FormTextArea(f.value, id=widget_id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            area.border_subtitle = f.placeholder
            return area
        suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
        return Input(f.value, placeholder=f.placeholder, id=widget_id, suggester=suggester, compact=True)

    def on_mount(self) -> None:
        first = self.query("#form-fields Input, #form-fields TextArea, #form-fields Select").first()
        first.focus()
        if self._error:
            self.show_error(self._error_field, self._error)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            if isinstance(widget, TextArea):
                out[f.name] = widget.text
            elif isinstance(widget, Select):
                out[f.name] = str(widget.value)
            else:
                out[f.name] = widget.value  # type: ignore[attr-defined]
        return out

    def show_error(self, field: str | None, message: str) -> None:
        target = self.query(f"#error-{field}").first(Static) if field and self.query(f"#error-{field}") else None
        target = target or self.query_one("#form-error", Static)
        target.update(message)
        target.add_class("-shown")
        if field and self.query(f"#field-{field}"):
            self.query_one(f"#field-{field}").focus()

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.update("")  # type: ignore[attr-defined]
            error.remove_class("-shown")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#form-save-button")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.closing:  # a second Enter before the form closed
            return
        self.clear_errors()
        try:
            result = self._save(self.values())
        except InvalidInput as exc:
            self.show_error(getattr(exc, "field", None), str(exc))
            return
        except StoreError as exc:  # locked, disk full: keep the form and what was typed
            self.show_error(None, str(exc))
            return
        self.close_once(result)

    def action_cancel(self) -> None:
        self.close_once(None, submitted=False)
