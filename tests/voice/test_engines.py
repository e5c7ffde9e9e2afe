"""The engine registry and what a user sees of it: `coach voices`, `--engine`, missing engines."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.errors import ExitCode, OptionError
from coach.voice.engines import ENGINES, spec


def test_every_engine_says_how_to_install_it_and_its_licence():
    assert list(ENGINES) == ["pyttsx3", "piper", "festival"]
    for item in ENGINES.values():
        assert item.install and item.licence and item.summary
        error = item.missing("something is absent")
        assert error.exit_code == ExitCode.MISSING_DEPENDENCY
        assert str(error) == (
            f"the {item.id} engine is not usable: something is absent; run: {item.install}"
        )
    assert "GPL-3.0-or-later" in ENGINES["piper"].licence
    assert "restricts commercial use" in ENGINES["piper"].licence


def test_an_unknown_engine_suggests_the_nearest():
    with pytest.raises(OptionError, match="'pipr' is not an engine \\(did you mean 'piper'\\?\\)"):
        spec("pipr")


def test_voices_lists_every_engine_with_its_state():
    result = CliRunner().invoke(app, ["voices"])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert [h.split(":")[0] for h in heads] == ["pyttsx3 (default)", "piper", "festival"]
    for head in heads:
        assert head.endswith("; available") or "; not available: " in head


def test_an_unknown_engine_on_the_command_line_is_one_line_exit_2():
    result = CliRunner().invoke(app, ["plan", "pelvic-tilt", "--engine", "nope"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.count("\n") == 1 and "'nope' is not an engine" in result.output


def test_a_missing_engine_is_one_line_naming_it_and_its_install_command(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path), "COACH_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "plan", "pelvic-tilt", "--engine", "festival"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == ExitCode.MISSING_DEPENDENCY
    assert result.stderr == (
        "coach: error: the festival engine is not usable: festival is not installed; "
        "run: sudo apt-get install festival festvox-us-slt-hts\n"
    )
