"""ui/write_queue.py: one connection for the queue's whole life, closed at
the app's exit only once the writes still queued have landed."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from cadence_tui.ui.write_queue import WriteDone, WriteJob, WriteQueue


class Target:
    """Stands for the widget that submitted a write: keeps what it is told."""

    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True


def join_queue_threads() -> None:
    for thread in threading.enumerate():
        if thread.name == "cadence-writes":
            thread.join(10)


def closed(store) -> bool:
    """(Only once no thread uses the store: a close racing a query may crash.)"""
    try:
        store.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_the_queue_opens_its_connection_once_and_keeps_it(store) -> None:
    queue = WriteQueue(store)
    target = Target()
    used: list[object] = []

    def add(title: str):
        def run(s):
            used.append(s)
            return s.actions.add_action(title, cadence_key="sprint-review").id

        return WriteJob(run, target, "action item")  # type: ignore[arg-type]

    for burst in range(3):  # the thread ends between bursts; the connection stays
        queue.submit(add(f"First {burst}"))
        queue.submit(add(f"Second {burst}"))
        assert queue.wait_idle(10)
    assert len(used) == 6 and len({id(s) for s in used}) == 1
    queue_store = used[0]
    assert queue_store is not store and not closed(queue_store)
    assert all(isinstance(m, WriteDone) for m in target.messages)
    ids = [m.result for m in target.messages]  # type: ignore[attr-defined]
    assert ids == sorted(ids)  # in submission order
    join_queue_threads()
    queue.close()
    assert closed(queue_store)


def test_close_while_writes_wait_lets_them_land_first(store) -> None:
    queue = WriteQueue(store)
    target = Target()
    release = threading.Event()
    used: list[object] = []

    def slow(s):
        used.append(s)
        release.wait(10)  # a write waiting on another process's lock
        return s.actions.add_action("Late but saved", cadence_key="sprint-review").id

    queue.submit(WriteJob(slow, target, "action item"))  # type: ignore[arg-type]
    queue.submit(WriteJob(lambda s: s.actions.add_action("After it", cadence_key="sprint-review").id, target))  # type: ignore[arg-type]
    queue.close()  # the app exits: the queue's writes are not cut off
    assert not queue.wait_idle(0.2)
    assert used and not closed(used[0])
    release.set()
    assert queue.wait_idle(10)
    titles = {a.title for a in store.actions.list_actions()}
    assert {"Late but saved", "After it"} <= titles
    assert len(target.messages) == 2 and all(isinstance(m, WriteDone) for m in target.messages)
    join_queue_threads()  # it closes the connection just after it said idle
    assert closed(used[0])


def test_the_queue_connection_is_adopted_by_the_apps_watcher(store) -> None:
    watcher = store.change_watcher()
    queue = WriteQueue(store)
    target = Target()
    seen: list[Any] = []
    queue.submit(WriteJob(lambda s: seen.append(s), target))  # type: ignore[arg-type]
    assert queue.wait_idle(10)
    assert seen[0] is not store and seen[0].commits_seen_by is watcher
    queue.close()
    watcher.close()
