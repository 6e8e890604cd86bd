"""What each layer imports, checked in a fresh interpreter.

The domain and the store never reach Textual or the clipboard; the CLI module
stays light (every command starts fast); the app's start-up store paints the
home screen without loading every part of the store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "cadence_tui"


def _modules(folder: str) -> list[str]:
    """Every module of a package folder (no hand-kept list to fall behind)."""
    return sorted(f"cadence_tui.{folder}.{p.stem}" for p in (PACKAGE / folder).glob("*.py") if p.stem != "__init__")


# The domain (with the cadence kinds), the store and the integrations other than the clipboard (which is
# pyperclip's wrapper) never load Textual; the domain and store not pyperclip either.
DOMAIN = [
    "cadence_tui.core",
    *_modules("core"),
    "cadence_tui.store",
    *_modules("store"),
    "cadence_tui.kinds",
    *_modules("kinds"),
    *[m for m in _modules("integrations") if not m.endswith(".clipboard")],
]


def loaded_after(code: str) -> set[str]:
    """The modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def forbidden(loaded: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if m.split(".")[0] in roots or m in roots or m.startswith(roots))


def test_domain_and_store_never_import_textual_or_clipboard() -> None:
    loaded = loaded_after("\n".join(f"import {m}" for m in DOMAIN))
    assert not forbidden(loaded, ("textual", "pyperclip")), forbidden(loaded, ("textual", "pyperclip"))
    assert not forbidden(loaded, ("cadence_tui.ui.app", "cadence_tui.ui.screens", "cadence_tui.ui.widgets"))


def test_cli_module_is_light() -> None:
    loaded = loaded_after("import cadence_tui.cli")
    heavy = forbidden(loaded, ("textual", "sqlite_utils", "dateutil", "pyperclip"))
    assert not heavy, f"cadence_tui.cli imports {heavy} at import time; import them inside the command"
    # Store parts and command modules load when a command needs them.
    assert "cadence_tui.store.actions" not in loaded
    eager = sorted(m for m in loaded if m.startswith("cadence_tui.cli."))
    assert not eager, f"cli.py imports {eager}: name command modules in LAZY_COMMANDS instead"


def test_importing_the_store_package_does_not_load_its_parts() -> None:
    loaded = loaded_after("import cadence_tui.store\nfrom cadence_tui.store import StoreError, open_store")
    parts = sorted(
        m
        for m in loaded
        if m.startswith("cadence_tui.store.") and m.rsplit(".", 1)[1] not in ("base", "errors", "schema", "engines")
    )
    assert not parts, f"store/__init__.py imports {parts}: import a part inside its Store property instead"
    # The PostgreSQL driver loads only for a PostgreSQL URL (store/engines/postgres.py).
    assert not forbidden(loaded, ("psycopg",)), forbidden(loaded, ("psycopg",))


def test_the_store_serves_the_home_screen_without_the_other_parts(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    loaded = loaded_after(
        "from cadence_tui.store import open_store\n"
        f"s = open_store({str(db)!r})\n"
        "rows = s.cadences.overview()\n"
        "[s.cadences.next_occurrence(r.cadence) for r in rows]\n"
        "[s.cadences.agenda_template(r.cadence.id) for r in rows]\n"
        "assert len(rows) == 4\n"
    )
    assert "cadence_tui.store.actions" not in loaded
    assert "cadence_tui.store.meetings" not in loaded
    # The scorecard, not the rest of the playbook (hand-offs, fail-fast, escalation).
    assert "cadence_tui.store.playbook" not in loaded and "cadence_tui.core.playbook" not in loaded
    # Not what meetings record (core/meeting.py's dataclasses), nor dateutil's
    # zones (needed only for a time in a DST gap): each costs the first frame.
    assert "cadence_tui.core.meeting" not in loaded
    assert "dateutil.tz" not in loaded


def test_each_part_is_created_once_on_first_use(tmp_path: Path) -> None:
    from cadence_tui.store import PART_NAMES, StorePart, open_store

    store = open_store(tmp_path / "c.db")
    try:
        assert "actions" not in {type(p).__module__.rsplit(".", 1)[1] for p in store._parts.values()}
        item = store.actions.add_action("Send the deck", owner="Lena", cadence_key="sprint-review")
        assert store.actions is store.actions  # one part, with its state (the undo stack)
        assert store.actions.get_action(item.id).title == "Send the deck"
        store.load_all_parts()
        for name in PART_NAMES:
            part = getattr(store, name)
            assert isinstance(part, StorePart) and part.store is store and part.conn is store.conn
    finally:
        store.close()


async def test_home_screen_first_frame_needs_only_the_startup_parts(tmp_path: Path, clock, monkeypatch) -> None:
    """If this fails, the home screen used a part of the store other than the
    cadences and the scorecard before its first frame: call it after the first
    frame (or in a worker) instead."""
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import CadenceApp, make_app
    from cadence_tui.ui.widgets.cadence_table import CadenceTable

    # Only the parts the first frame asks for, not the load after it.
    monkeypatch.setattr(CadenceApp, "_load_store_parts", lambda self: None)
    store = open_store(tmp_path / "c.db", now=clock)
    try:
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#cadence-table", CadenceTable)
            assert table.row_count == 4
            used = sorted(type(p).__name__ for p in store._parts.values())
            assert set(used) <= {"CadenceStore", "ScorecardStore"}, used
    finally:
        store.close()


def test_a_bare_start_does_not_import_click(tmp_path: Path) -> None:
    """`cadence` and `cadence --db PATH` open the app without the command line
    (launch.py): click and the subcommands are for the other commands."""
    from cadence_tui.launch import bare_app_db

    assert bare_app_db([]) == (True, None)
    assert bare_app_db(["--db", "x.db"]) == (True, "x.db")
    assert bare_app_db(["--db=x.db"]) == (True, "x.db")
    for args in (["--help"], ["--db"], ["--db", "--help"], ["--db", "x.db", "actions"], ["actions"], ["--db="]):
        assert bare_app_db(args)[0] is False, args
    # Everything run_app imports before the app itself takes over.
    loaded = loaded_after(
        "import sys\n"
        f"sys.argv = ['cadence', '--db', {str(tmp_path / 'c.db')!r}]\n"
        "import cadence_tui.launch as launch\n"
        "launch.run_app = lambda db: (__import__('cadence_tui.ui.app'), 0)[1]\n"
        "launch.main()\n"
    )
    assert "cadence_tui.launch" in loaded and "cadence_tui.ui.app" in loaded
    assert not forbidden(loaded, ("click", "cadence_tui.cli")), forbidden(loaded, ("click", "cadence_tui.cli"))
