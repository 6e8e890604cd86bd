"""The config file: values, clear errors naming key and line, and what the
app does with theme and keymap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.integrations.config import Config, ConfigError, config_path, load_config, resolve_theme
from tests.notes import shown_notes
from tests.settle import settle


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "nope.toml")
    assert config.theme == "dark" and config.summary_format == "markdown" and config.keymap == {}


def test_values_are_read(tmp_path):
    path = write(
        tmp_path,
        'me = "Lena"\nvariance_threshold = 7.5\ntheme = "light"\n'
        'summary_format = "slack"\n[keymap]\nedit-cadence = "ctrl+e"\n',
    )
    config = load_config(path)
    assert (config.me, config.variance_threshold, config.theme, config.summary_format) == (
        "Lena",
        7.5,
        "light",
        "slack",
    )
    assert config.keymap == {"edit-cadence": "ctrl+e"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('me = "A"\n\nvariance_threshold = "high"\n', "line 3: 'variance_threshold' must be a number"),
        ('summary_format = "html"\n', "line 1: 'summary_format' must be one of markdown, slack, text"),
        ('me = "A"\ncolour = "red"\n', "line 2: 'colour' is not a setting"),
        ('theme = ""\n', "line 1: 'theme' must be a theme name"),
        ("keymap = 3\n", "line 1: 'keymap' must be a table"),
        ('me = "A\n', "config.toml"),  # TOML syntax error: names the file and where
    ],
)
def test_bad_values_name_key_and_line(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert expected in str(err.value)
    assert str(tmp_path) in str(err.value)


def test_config_path_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CADENCE_CONFIG", str(tmp_path / "c.toml"))
    assert config_path() == tmp_path / "c.toml"
    monkeypatch.delenv("CADENCE_CONFIG")
    assert config_path().name == "config.toml" and "cadence" in str(config_path())


def test_theme_aliases_and_unknown_theme(tmp_path):
    available = {"textual-dark", "textual-light", "nord"}
    assert resolve_theme(Config(theme="light"), available) == ("textual-light", None)
    assert resolve_theme(Config(theme="dark"), available) == ("textual-dark", None)
    assert resolve_theme(Config(theme="nord"), available) == ("nord", None)
    path = write(tmp_path, 'me = "x"\ntheme = "purple"\n')
    theme, warning = resolve_theme(load_config(path), available)
    assert theme == "textual-dark"
    assert "line 2: 'theme' 'purple' is not a theme" in warning and "nord" in warning


def test_cli_config_path_and_show(tmp_path, monkeypatch):
    path = write(tmp_path, 'me = "Lena"\ntheme = "light"\n')
    monkeypatch.setenv("CADENCE_CONFIG", str(path))
    runner = CliRunner()
    assert runner.invoke(cli, ["config", "path"]).output.strip() == str(path)
    shown = runner.invoke(cli, ["config", "show"])
    assert shown.exit_code == 0
    assert 'me = "Lena"' in shown.output and 'theme = "light"' in shown.output
    path.write_text('me = "Lena"\nvariance_threshold = -1\n')
    bad = runner.invoke(cli, ["config", "show"])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("cadence: error: ")
    assert "line 2: 'variance_threshold'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_bad_config_stops_the_app_with_one_line(tmp_path):
    path = write(tmp_path, 'summary_format = "pdf"\n')
    result = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "--db", str(tmp_path / "c.db")],
        env={"CADENCE_CONFIG": str(path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"cadence: error: {path}, line 1: 'summary_format' must be one of markdown, slack, text"
    ]


async def test_app_applies_light_theme_and_keymap(store, tmp_path):
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen

    config = Config(theme="light", keymap={"edit-cadence": "ctrl+e"})
    app = make_app(store, config)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-light"
        await pilot.press("ctrl+e")
        await settle(pilot)  # the editor opens once the cadence is read (in a worker)
        assert isinstance(app.screen, CadenceEditorScreen)


async def test_app_warns_about_an_unknown_theme(store, tmp_path):
    from cadence_tui.ui.app import make_app

    path = write(tmp_path, 'theme = "purple"\n')
    app = make_app(store, load_config(path))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        messages = await shown_notes(pilot)
        assert any("line 1: 'theme' 'purple' is not a theme" in m for m in messages)


def test_config_init_writes_a_loadable_template(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "config.toml"
    monkeypatch.setenv("CADENCE_CONFIG", str(path))
    runner = CliRunner()
    result = runner.invoke(cli, ["config", "init"])
    assert result.exit_code == 0 and path.exists()
    assert load_config(path) == Config(path=path)  # all commented out: the defaults
    again = runner.invoke(cli, ["config", "init"])
    assert again.exit_code == 1 and "--force" in again.stderr
    # Uncommenting a line works as documented.
    path.write_text(path.read_text().replace('# theme = "dark"', 'theme = "light"'))
    assert load_config(path).theme == "light"


def test_config_show_warns_about_unknown_keymap_ids(tmp_path, monkeypatch):
    path = write(tmp_path, '[keymap]\nedit-cadence = "ctrl+e"\nfly-away = "f9"\n')
    monkeypatch.setenv("CADENCE_CONFIG", str(path))
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    assert "keymap 'fly-away' is not a key binding id" in result.stderr
    assert "edit-cadence" not in result.stderr


def test_database_url_is_read_checked_and_shown_without_its_password(tmp_path, monkeypatch):
    path = write(tmp_path, 'database_url = "postgresql://lena:hunter2@db.example.com/cadence"\n')
    assert load_config(path).database_url == "postgresql://lena:hunter2@db.example.com/cadence"
    monkeypatch.setenv("CADENCE_CONFIG", str(path))
    shown = CliRunner().invoke(cli, ["config", "show"])
    assert shown.exit_code == 0
    assert 'database_url = "postgresql://lena@db.example.com/cadence"' in shown.output
    assert "hunter2" not in shown.output + shown.stderr
    for bad in ('"sqlite:///x.db"', "5", '"/home/lena/cadence.db"'):
        path.write_text(f"database_url = {bad}\n")
        with pytest.raises(ConfigError, match="line 1: 'database_url' must be a postgresql:// URL"):
            load_config(path)
