"""The user's settings: a TOML file in the user config dir.

```toml
me = "Lena"                 # who "me" is in the action-item filters (default: $USER)
variance_threshold = 10     # % over which a finance budget line is flagged
theme = "dark"              # "dark", "light" or any Textual theme name
summary_format = "markdown" # markdown | slack | text
digest_webhook = "https://hooks.slack.com/services/..."
database_url = "postgresql://lena@db.example.com/cadence"  # a team's shared database (default: the local file)
```

A bad file gives a :class:`ConfigError` naming the key and the line.

``$CADENCE_ME`` (when set and not blank) overrides ``me``: ``cadence serve
--user-header`` passes each browser tab's user to its app process that way.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

CONFIG_ENV_VAR = "CADENCE_CONFIG"
ME_ENV_VAR = "CADENCE_ME"
ME_MAX_LENGTH = 80
SUMMARY_FORMATS = ("markdown", "slack", "text")


class ConfigError(ValueError):
    """The config file is unreadable or holds a bad value; the message says where."""


@dataclass(frozen=True)
class Config:
    """The config file's settings, with their defaults (``load_config``)."""

    me: str = field(default_factory=lambda: os.environ.get("USER", "") or os.environ.get("USERNAME", ""))
    variance_threshold: float = 10.0
    theme: str = "dark"
    summary_format: str = "markdown"
    digest_webhook: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None
    path: Path | None = None
    # True when ``me`` came from $CADENCE_ME (a per-session identity, which
    # outranks the "me" saved in the shared database).
    me_from_env: bool = False


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return Path(env).expanduser()
    from cadence_tui.integrations.paths import config_dir

    return config_dir() / "config.toml"


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def env_me() -> str | None:
    """``$CADENCE_ME`` cleaned (control characters out, trimmed, at most 80
    characters), or None when it is unset or blank."""
    raw = os.environ.get(ME_ENV_VAR, "")
    if not raw.strip():
        return None  # nearly always: nothing to clean (every start reads it)
    from cadence_tui.core.textsafe import drop_unshowable, strip_control

    name = drop_unshowable(strip_control(raw)).strip()[:ME_MAX_LENGTH].strip()
    return name or None


def load_config(path: Path | None = None) -> Config:
    """Read the config file (a missing file means defaults); $CADENCE_ME
    overrides its ``me``."""
    config = _load_file(path)
    name = env_me()
    if name is None:
        return config
    return replace(config, me=name, me_from_env=True)


def _load_file(path: Path | None) -> Config:
    path = path or config_path()
    if path.exists() and not path.is_file() and str(path) != os.devnull:
        # Reading a FIFO would wait for ever; a directory or device is no
        # config (but CADENCE_CONFIG=/dev/null means "no config": defaults).
        raise ConfigError(f"cannot read the config file {path}: it is not a regular file")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}") from None
    import tomllib  # only when there is a file (most starts have none)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None

    def bad(key: str, why: str) -> ConfigError:
        line = _line_of(text, key)
        where = f"{path}, line {line}" if line else str(path)
        return ConfigError(f"{where}: '{key}' {why}")

    defaults = Config()
    values: dict = {"path": path}
    known = {"me", "variance_threshold", "theme", "summary_format", "digest_webhook", "keymap", "database_url"}
    for key in data:
        if key not in known:
            raise bad(key, f"is not a setting (known: {', '.join(sorted(known))})")
    if "me" in data:
        if not isinstance(data["me"], str) or len(data["me"]) > 80:
            raise bad("me", "must be a name in quotes")
        values["me"] = data["me"].strip()
    if "variance_threshold" in data:
        v = data["variance_threshold"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1000:
            raise bad("variance_threshold", "must be a number of percent between 0 and 1000")
        values["variance_threshold"] = float(v)
    if "theme" in data:
        if not isinstance(data["theme"], str) or not data["theme"].strip():
            raise bad("theme", 'must be a theme name such as "dark" or "light"')
        values["theme"] = data["theme"].strip()
    if "summary_format" in data:
        if data["summary_format"] not in SUMMARY_FORMATS:
            raise bad("summary_format", f"must be one of {', '.join(SUMMARY_FORMATS)}")
        values["summary_format"] = data["summary_format"]
    if "digest_webhook" in data:
        url = data["digest_webhook"]
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise bad("digest_webhook", "must be an https:// URL")
        values["digest_webhook"] = url
    if "database_url" in data:
        db_url = data["database_url"]
        if not isinstance(db_url, str) or not db_url.strip().lower().startswith(("postgresql://", "postgres://")):
            # (The password, if any, is not repeated here.)
            raise bad("database_url", "must be a postgresql:// URL (leave it out for the local file)")
        values["database_url"] = db_url.strip()
    if "keymap" in data:
        keymap = data["keymap"]
        if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
            raise bad("keymap", 'must be a table of binding-id = "keys"')
        values["keymap"] = dict(keymap)
    return Config(**{**defaults.__dict__, **values})


THEME_ALIASES = {"dark": "textual-dark", "light": "textual-light"}


def where(config: Config, key: str) -> str:
    """``path, line N`` of a key in the config file (for messages)."""
    if config.path is None:
        return "config"
    try:
        line = _line_of(config.path.read_text(encoding="utf-8"), key)
    except (OSError, UnicodeDecodeError):
        line = None
    return f"{config.path}, line {line}" if line else str(config.path)


def resolve_theme(config: Config, available: set[str] | frozenset[str] | list[str]) -> tuple[str, str | None]:
    """The Textual theme for ``config.theme`` and a warning if it is unknown
    (``dark``/``light`` map to Textual's own dark and light themes)."""
    name = THEME_ALIASES.get(config.theme.lower(), config.theme)
    if name in available:
        return name, None
    known = ", ".join(["dark", "light", *sorted(t for t in available if t not in THEME_ALIASES.values())])
    return THEME_ALIASES["dark"], (
        f"{where(config, 'theme')}: 'theme' {config.theme!r} is not a theme (known: {known}); using dark"
    )


def who_am_i(config: Config) -> str:
    """Who "me" is, as recorded on what this terminal writes (created_by,
    closed_by, proposed_by): the config's ``me``, else the login name."""
    if config.me.strip():
        return config.me.strip()
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without passwd entry)
        return ""
