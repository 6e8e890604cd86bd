"""Which stylesheets (styles/*.tcss) each screen needs, as absolute paths.

Textual reads a screen class's ``CSS_PATH`` the first time a screen of that
class is pushed (``App.push_screen``), so only the app's own ``CSS_PATH`` —
what the home screen shows — is parsed before the first frame. The paths are
absolute: a relative ``CSS_PATH`` would resolve beside the module defining
the class, not in styles/.

Once read, a stylesheet stays for the rest of the session and its rules
apply on every screen. The forms' files share selectors (``.field-error``,
the dialogs' layout): they are always listed together, in one order
(``FORMS``), so the cascade is the same whichever screen opens first.
"""

from __future__ import annotations

from pathlib import PurePath

from cadence_tui.integrations.paths import STYLES_DIR

STARTUP = ("app.tcss", "home.tcss", "scorecard.tcss")  # the app's CSS_PATH: the home screen
FORMS = ("cadence_editor.tcss", "dialogs.tcss", "meeting.tcss")  # capture forms, confirm dialogs, the editor


def css(*names: str) -> list[str | PurePath]:
    """``CSS_PATH`` for a screen class: the named files in styles/."""
    return [STYLES_DIR / name for name in names]
