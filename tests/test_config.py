"""The user's config file: precedence, sources, validation with FILE:LINE, and safe rewriting."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from coach.cli import app
from coach.config import KEYS, config_path, effective, read_config, set_value, unset
from coach.errors import ConfigError, ExitCode, OptionError

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("COACH_CONFIG", str(path))
    return path


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="coach")


def test_the_file_lives_in_the_xdg_config_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COACH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "coach" / "config.toml"


def test_without_a_file_every_setting_is_coachs_default(config, monkeypatch):
    monkeypatch.delenv("COACH_CACHE_DIR")
    settings = effective()
    assert {s.key: s.source for s in settings} == dict.fromkeys(KEYS, "default")
    assert settings["engine"] == "pyttsx3" and settings["rate"] == 150
    assert settings["pace"] == "normal" and settings["voice"] is None


def test_flag_beats_environment_beats_file_beats_default(config, monkeypatch):
    config.parent.mkdir()
    config.write_text('# mine\nrate = 140\npace = "slow"\ncache_dir = "~/phrases"\n')
    monkeypatch.setenv("COACH_CACHE_DIR", "/from/env")
    settings = effective({"rate": 200, "pace": None})
    assert (settings["rate"], settings.items["rate"].source) == (200, "command line")
    assert (settings["pace"], settings.items["pace"].source) == ("slow", "config file, line 3")
    assert settings.items["cache_dir"].source == "environment COACH_CACHE_DIR"
    monkeypatch.delenv("COACH_CACHE_DIR")
    assert effective()["cache_dir"] == Path.home() / "phrases"
    assert effective().items["level"].source == "default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rate = 140\npace = "brisk"\n', "config.toml:2: pace 'brisk' is not a pace"),
        ("rate = 500\n", "config.toml:1: rate: 500 is out of range: allowed 80 to 300"),
        ('\n\nspeed = "fast"\n', "config.toml:3: unknown setting 'speed'"),
        ('pace = "slow"\nrate = \n', "config.toml:2: invalid value"),
        ('engine = "espeak"\n', "config.toml:1: engine: 'espeak' is not an engine: use pyttsx3"),
        ("level = 3\n", "config.toml:1: level: 3 is not a word"),
        ('rate = 140\n[voice]\nname = "x"\n', "config.toml:2: [voice] is a section"),
    ],
)
def test_a_malformed_file_names_its_line(config, text, message):
    config.parent.mkdir()
    config.write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_config()
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(config))


def test_a_malformed_file_is_one_error_line_with_exit_2_for_every_command(config):
    config.parent.mkdir()
    config.write_text("rate = 140\npace = 'brisk'\n")
    for args in (("config",), ("plan", "bridge", "--estimate"), ("config", "set", "rate", "120")):
        result = run(*args)
        assert result.exit_code == ExitCode.BAD_INPUT, args
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"coach: error: {config}:2: pace "), args


def test_set_writes_atomically_and_keeps_the_rest_of_the_file(config):
    config.parent.mkdir()
    config.write_text('# my settings\nrate = 140  # slower\npace = "slow"\n')
    assert set_value("rate", "120").source == "config file, line 2"
    assert set_value("engine", "pyttsx3").source == "config file, line 4"
    assert config.read_text() == '# my settings\nrate = 120\npace = "slow"\nengine = "pyttsx3"\n'
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]  # no temp file left
    assert unset("pace") and not unset("pace")
    assert "pace" not in config.read_text() and "# my settings" in config.read_text()


def test_set_validates_before_writing(config):
    with pytest.raises(OptionError, match="rate: 20 is out of range"):
        set_value("rate", "20")
    with pytest.raises(OptionError, match=r"unknown setting 'paec'.*did you mean 'pace'"):
        set_value("paec", "slow")
    with pytest.raises(OptionError, match="level 'expert' is not a level"):
        set_value("level", "expert")
    assert not config.exists()


@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_voice_name_survives_the_round_trip(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    set_value("voice", text, path)
    assert read_config(path)["voice"].value == text.strip()


def test_coach_config_shows_each_value_and_its_source(config, monkeypatch):
    monkeypatch.delenv("COACH_CACHE_DIR")
    result = run("config", "set", "pace", "slow")
    assert result.exit_code == 0, result.output
    assert result.output == f"pace = slow ({config}, line 2)\n"
    shown = run("config").output.splitlines()
    assert shown[0] == f"Config file: {config}"
    rows = {line.split()[0]: line for line in shown[1:-1]}
    assert list(rows) == list(KEYS)
    assert rows["pace"].split()[1:] == ["slow", "config", "file,", "line", "2"]
    assert rows["rate"].split()[1:] == ["150", "default"]
    assert "(the engine's own)" in rows["voice"]
    assert run("config", "set", "rate", "fast").exit_code == ExitCode.BAD_INPUT


def test_config_defaults_shape_sessions_and_flags_override_them(config):
    def length(*args: str) -> float:
        result = run("plan", "low-back-daily", "--estimate", "-f", "json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["duration_s"]

    normal = length()
    assert run("config", "set", "pace", "slow").exit_code == 0
    assert length() > normal
    assert length("--pace", "normal") == normal
