"""Where Cadence keeps its files.

platformdirs is imported lazily: the default path is only needed when no
``--db``/``CADENCE_DB`` is given.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "cadence"
DB_ENV_VAR = "CADENCE_DB"
DB_FILENAME = "cadence.db"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # cadence_tui/


def _styles_dir() -> Path:
    """The stylesheets: inside the package when installed from a wheel,
    at the repository's top level for an editable install."""
    packaged = _PACKAGE_DIR / "styles"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "styles"


STYLES_DIR = _styles_dir()


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database path: ``$CADENCE_DB`` if set, else the user data dir."""
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME
