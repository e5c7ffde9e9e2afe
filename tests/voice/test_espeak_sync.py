"""espeak-ng driven synchronously, one forked child per phrase: the real library, when present."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import needs_audio_tools

from coach.audio.wav import RATE
from coach.errors import ExitCode, SynthesisError
from coach.voice.engines import VoiceSettings, create
from coach.voice.engines.espeak_sync import say


@needs_audio_tools
def test_the_same_phrase_gives_the_same_samples_whatever_came_before():
    first = say("Hold for ten seconds.", None, 150)
    say("Breathe in slowly, and let your shoulders drop.", None, 150)
    say("Rest.", None, 220)
    again = say("Hold for ten seconds.", None, 150)
    assert len(first) > RATE and np.array_equal(first, again)


@needs_audio_tools
def test_the_rate_is_applied_every_time():
    slow = [len(say("Slowly lift your knee towards your chest.", None, 100)) for _ in range(3)]
    fast = [len(say("Slowly lift your knee towards your chest.", None, 200)) for _ in range(3)]
    assert len(set(slow)) == 1 and len(set(fast)) == 1
    assert 1.6 < slow[0] / fast[0] < 2.4


@needs_audio_tools
def test_an_unknown_voice_is_named():
    with pytest.raises(SynthesisError, match="espeak-ng has no voice 'nonexistent'"):
        say("Hi.", "nonexistent", 150)


@needs_audio_tools
def test_voices_resolve_through_the_engine():
    engine = create(VoiceSettings(voice="en-us+f3"))
    clip = engine.say("Hello there.")
    assert len(clip) > RATE // 4
    assert "sync-fork" in engine.version()


@needs_audio_tools
def test_missing_voice_data_is_one_line_naming_the_engine_and_the_fix(tmp_path):
    empty = tmp_path / "data"
    for name in ("espeak-ng-data", "espeak-data"):
        (empty / name).mkdir(parents=True)
    env = {**os.environ, "ESPEAK_DATA_PATH": str(empty), "COACH_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "plan", "pelvic-tilt", "--reps", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == ExitCode.MISSING_DEPENDENCY, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: error: ")
    assert "pyttsx3 engine" in lines[0] and "cannot read its voice data" in lines[0]
    assert "apt-get install --reinstall espeak-ng espeak-ng-data" in lines[0]
