"""Applying the user's config file to the running app: theme and keymap.

Kept apart from ``config.py`` (which must not import Textual) and small, so
``app.py`` only calls :func:`apply_config`.
"""

from __future__ import annotations

from textual.app import App

from cadence_tui.integrations.config import Config, resolve_theme, where


def apply_config(app: App, config: Config) -> list[str]:
    """Set the theme and the keymap; returns warnings to show the user (a bad
    value never stops the app: the default is used and the message names the
    key and line)."""
    warnings: list[str] = []
    theme, problem = resolve_theme(config, set(app.available_themes))
    app.theme = theme
    if problem:
        warnings.append(problem)
    if config.keymap:
        keymap = {}
        for binding_id, keys in config.keymap.items():
            cleaned = ",".join(k.strip() for k in keys.split(",") if k.strip())
            if not cleaned:
                warnings.append(f"{where(config, 'keymap')}: keymap {binding_id!r} has no key; ignored")
                continue
            keymap[binding_id] = cleaned
        app.set_keymap(keymap)
    return warnings


def known_binding_ids() -> set[str]:
    """Every binding id of the app, its screens and widgets (imports them all:
    fine for a command, too slow for start-up)."""
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import cadence_tui

    ids: set[str] = set()
    for info in pkgutil.walk_packages(cadence_tui.__path__, "cadence_tui."):
        if not info.name.startswith(("cadence_tui.ui.screens", "cadence_tui.ui.widgets", "cadence_tui.ui.app")):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DOMNode):
                for binding in getattr(value, "BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        ids.add(binding.id)
    return ids
