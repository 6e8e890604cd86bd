"""Stylesheets: the home screen's first frame parses only what it shows; every
other screen class names its own files (CSS_PATH), which Textual reads when
a screen of that class is first pushed (cadence_tui/ui/stylesheets.py)."""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import Screen

import cadence_tui.ui.screens
import cadence_tui.ui.widgets
from cadence_tui.integrations.paths import STYLES_DIR
from cadence_tui.ui.stylesheets import STARTUP


def loaded_stylesheets(app) -> set[str]:
    return {path.name for path in STYLES_DIR.glob("*.tcss") if app.stylesheet.has_source(str(path))}


def screen_classes() -> list[type[Screen]]:
    for package in (cadence_tui.ui.screens, cadence_tui.ui.widgets):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found, todo = [], [Screen]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("cadence_tui."):
                found.append(sub)
    return found


async def test_home_parses_only_the_startup_stylesheets(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert loaded_stylesheets(app) == set(STARTUP)
        from cadence_tui.ui.screens.actions import ActionItemsScreen

        await app.push_screen(ActionItemsScreen())
        await pilot.pause()
        assert loaded_stylesheets(app) == set(STARTUP) | {"actions.tcss"}


def test_every_stylesheet_is_named_by_a_screen_class() -> None:
    named = set(STARTUP)
    for cls in screen_classes():
        for path in cls.CSS_PATH or []:
            assert path.is_absolute() and path.is_file(), (cls, path)
            named.add(path.name)
    assert named == {path.name for path in STYLES_DIR.glob("*.tcss")}


async def test_a_form_opened_from_a_playbook_screen_gets_its_styles(make_app, store) -> None:
    """The metrics screen lists playbook.tcss only; the capture form it opens
    brings its own stylesheets."""
    from cadence_tui.ui.screens.metrics import MetricsScreen
    from cadence_tui.ui.widgets.capture_forms import CaptureForm
    from cadence_tui.ui.widgets.playbook_forms import metric_spec

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.push_screen(MetricsScreen())
        await pilot.pause()
        await app.push_screen(metric_spec(["sprint-review"]).form(store))
        await pilot.pause()
        assert isinstance(app.screen, CaptureForm)
        dialog = app.screen.query_one("#form-dialog")
        assert dialog.outer_size.width == 76  # meeting.tcss: #form-dialog { width: 76 }
        assert "meeting.tcss" in loaded_stylesheets(app)
