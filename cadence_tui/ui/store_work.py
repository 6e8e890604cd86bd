"""Store calls off the UI thread, for screens and widgets.

A screen or widget mixes in :class:`StoreWork` and:

- reads with ``self.load_store(read, then)``: ``read(store)`` runs in a thread
  worker (``exclusive`` per ``group``: a newer read of the same group
  replaces an older one, whose result is dropped); it ends by posting a
  :class:`StoreLoaded` message to the widget, whose handler calls
  ``then(result)`` on the UI thread, where widgets change. A
  :class:`StoreError` (locked past the timeout, a row deleted meanwhile)
  comes back as a notification (or ``failed(error)``), never a crash.
- writes with ``self.write_store(run, then=..., what=..., values=..., reopen=...)``
  (a form: ``self.open_write_form(spec, then)``):
  the write goes to the app's one ordered write queue (ui/write_queue.py,
  the one the meeting's capture forms use): tried at once when nothing waits
  and the file is free (so a form still shows a wrong value under its field),
  else queued, with "saving…" shown until it lands. A queued write that fails
  calls ``reopen(error)`` (the form opens again with what was typed) or, when
  the screen has closed, the write queue shows the text whole.

Forms built this way return :data:`QUEUED` from their ``save`` when the write
was queued: the form closes; ``then`` runs when the write lands.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

from cadence_tui.store.errors import DatabaseBusy, StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.widgets.capture_forms import QUEUED
from cadence_tui.ui.write_queue import WriteDone, WriteFailed, WriteJob, write_queue

if TYPE_CHECKING:
    from textual.widget import Widget

    from cadence_tui.ui.widgets.playbook_forms import FormSpec

    _Host = Widget
else:
    _Host = object

__all__ = ["QUEUED", "StoreLoadFailed", "StoreLoaded", "StoreWork", "in_thread"]


def in_thread(
    node: Any,
    run: Callable[[Any], Any],
    then: Callable[[Any], object],
    *,
    group: str = "store",
    failed: Callable[[StoreError], object] | None = None,
) -> None:
    """``run(store)`` in a thread worker of ``node`` (any widget or screen,
    mixing in nothing), then ``then(result)`` on the UI thread; a store error
    goes to ``failed`` (default: a notification). For the entry points other
    screens call (open the editor, archive a cadence)."""
    app = node.app
    store = app.store

    def back_on_ui_thread(callback: Callable[..., object], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app has quit meanwhile: nothing to show it on
            app.call_from_thread(callback, *args)

    def work() -> None:
        try:
            result = run(store)
        except StoreError as exc:
            error = exc
            if failed is not None:
                back_on_ui_thread(failed, error)
            else:
                back_on_ui_thread(lambda: app.notify(str(error), severity="error", timeout=8, markup=False))
            return
        back_on_ui_thread(then, result)

    node.run_worker(work, thread=True, group=group, name=group)


class StoreLoaded(Message, bubble=False):
    """A read finished: ``then(result)`` runs on the UI thread."""

    def __init__(self, then: Callable[[Any], object], result: Any) -> None:
        super().__init__()
        self.then = then
        self.result = result


class StoreLoadFailed(Message, bubble=False):
    """A read failed with a store error (a user-facing sentence)."""

    def __init__(self, error: StoreError, failed: Callable[[StoreError], object] | None) -> None:
        super().__init__()
        self.error = error
        self.failed = failed


class StoreWork(_Host):
    """Mixed into a Screen or Widget: see the module docstring."""

    _shown_once = False  # its first read is on screen (see when_shown)
    _waiting_for_data: list[Callable[[], object]] | None = None

    def when_shown(self, action: Callable[[], object]) -> None:
        """Run ``action`` now if the first read is on screen, else right after
        it is: a key pressed as the screen opens acts on its data, not on
        an empty table."""
        if self._shown_once:
            action()
        else:
            if self._waiting_for_data is None:
                self._waiting_for_data = []
            self._waiting_for_data.append(action)

    def expect_data(self) -> None:
        """A read of what keys act on has started: until ``data_shown``, the
        actions given to ``when_shown`` wait (a key typed right after a save
        acts on the saved state, as it did when the store was read at once)."""
        self._shown_once = False

    def data_shown(self) -> None:
        """Called by the screen once its data is drawn: runs what waited for it."""
        self._shown_once = True
        waiting, self._waiting_for_data = self._waiting_for_data or [], None
        for action in waiting:
            action()

    def load_store(
        self,
        read: Callable[[Any], Any],
        then: Callable[[Any], object],
        *,
        group: str = "load",
        exclusive: bool = True,
        failed: Callable[[StoreError], object] | None = None,
    ) -> None:
        """Run ``read(store)`` in a thread worker, then ``then(result)`` here."""
        from textual.worker import get_current_worker

        store = app_store(self)

        def work() -> None:
            try:
                result = read(store)
            except StoreError as exc:
                message: Message = StoreLoadFailed(exc, failed)
            else:
                message = StoreLoaded(then, result)
            if not get_current_worker().is_cancelled:  # a newer read of the group replaced it
                self.post_message(message)

        self.run_worker(work, thread=True, exclusive=exclusive, group=group, name=group)

    def on_store_loaded(self, event: StoreLoaded) -> None:
        event.stop()
        event.then(event.result)

    def on_store_load_failed(self, event: StoreLoadFailed) -> None:
        event.stop()
        self.data_shown()  # keys waiting for it act on what is shown, rather than never
        if event.failed is not None:
            event.failed(event.error)
        else:
            self.notify(str(event.error), severity="error", timeout=8, markup=False)

    # -- writes ---------------------------------------------------------------------
    def write_store(
        self,
        run: Callable[[Any], Any],
        *,
        then: Callable[[Any], object] | None = None,
        what: str = "change",
        values: dict[str, str] | None = None,
        reopen: Callable[[StoreError], object] | None = None,
    ) -> Any:
        """Write through the app's ordered queue (see the module docstring).

        Returns ``run``'s result when it was made at once (errors raised as
        for a direct call: a form shows them), else :data:`QUEUED`."""
        app = self.app
        store = app_store(self)
        queue = write_queue(app)
        if store.writes_at_once and not queue.pending:
            try:
                with store.without_waiting():
                    return run(store)
            except DatabaseBusy:
                pass
        data = {"values": dict(values or {}), "then": then, "reopen": reopen}
        queue.submit(WriteJob(run, self, what, data))
        self.show_saving(queue.pending)
        return QUEUED

    def show_saving(self, pending: int) -> None:
        """Say "saving…" while writes wait for the lock (a screen may show it its own way)."""
        if pending:
            self.notify(
                "saving… (another program is writing to the database)",
                title="Saving",
                timeout=3,
                markup=False,
            )

    def on_write_done(self, event: WriteDone) -> None:
        event.stop()
        then = event.job.data.get("then")
        if then is not None:
            then(event.result)

    def on_write_failed(self, event: WriteFailed) -> None:
        """Nothing typed is lost: the form opens again with the text and the error."""
        event.stop()
        self.notify(str(event.error), severity="error", timeout=8, markup=False)
        reopen = event.job.data.get("reopen")
        if reopen is not None:
            reopen(event.error)

    # -- forms ------------------------------------------------------------------------
    def open_write_form(
        self,
        spec: FormSpec,
        then: Callable[[Any], object],
        *,
        values: dict[str, str] | None = None,
        error: str = "",
        closing: Any = None,
    ) -> None:
        """Open ``spec``'s form; its write goes through :meth:`write_store`,
        ``then(result)`` runs once it landed. A queued write that fails opens
        the form again with ``values`` (what was typed) and the error
        (``closing``: the copy that queued it)."""
        from dataclasses import replace

        from cadence_tui.ui.widgets.playbook_forms import PlaybookForm

        app = self.app
        # The copy that queued the write, popped but not yet removed, still owns
        # its id (``app.children`` holds only the active screen: it is not
        # there); so does a copy anywhere on the stack (the user opened it again).
        if (closing is not None and closing.is_attached) or any(s.id == spec.form_id for s in app.screen_stack):
            self.set_timer(0.05, lambda: self.open_write_form(spec, then, values=values, error=error, closing=closing))
            return
        fields = [replace(f, value=values[f.name]) if values and f.name in values else f for f in spec.fields]

        def save(typed: dict[str, str]) -> Any:
            return self.write_store(
                lambda store: spec.write(store, typed),
                then=then,
                what=spec.what,
                values=typed,
                reopen=lambda exc: self.open_write_form(spec, then, values=typed, error=str(exc), closing=form),
            )

        def done(result: Any) -> None:
            if result is not None and result is not QUEUED:
                then(result)

        form = PlaybookForm(spec.title, fields, save, form_id=spec.form_id, focus=spec.focus, error=error)
        app.push_screen(form, done)
