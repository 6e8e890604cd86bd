"""Two processes writing to one file at once lose nothing."""

import subprocess
import sys
import textwrap
from pathlib import Path

from cadence_tui.store import open_store

WRITER = textwrap.dedent(
    """
    import sys
    from cadence_tui.store import open_store
    store = open_store(sys.argv[1])
    tag, n = sys.argv[2], int(sys.argv[3])
    for i in range(n):
        store.actions.add_action(f"{tag} {i}", owner=tag, cadence_key="sprint-review")
        if i % 10 == 0:
            # a read-modify-write, the pattern that BEGIN IMMEDIATE protects
            first = store.actions.list_actions(limit=1)[0]
            store.actions.reassign_action(first.id, tag)
    print("ok", n)
    """
)


def test_two_processes_writing_lose_nothing(db_path: Path) -> None:
    open_store(db_path).close()  # created and seeded once
    n = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), tag, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=False):
        assert p.returncode == 0, err
        assert "locked" not in err
    store = open_store(db_path)
    for tag in ("alpha", "beta"):
        titles = {r[0] for r in store.query("SELECT title FROM action_items WHERE title LIKE ?", (f"{tag} %",))}
        assert titles == {f"{tag} {i}" for i in range(n)}
    assert store.scalar("PRAGMA integrity_check") == "ok"
    store.close()
