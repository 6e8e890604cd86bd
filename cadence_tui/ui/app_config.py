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
