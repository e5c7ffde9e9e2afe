"""The festival engine: against a fake festival process always, against the real one when present."""

from __future__ import annotations

import stat
import sys

import numpy as np
import pytest

from coach.audio.wav import RATE
from coach.errors import ExitCode, OptionError
from coach.voice.engines import EngineError, VoiceSettings
from coach.voice.engines.festival_engine import FestivalEngine, problem, scheme_string

needs_festival = pytest.mark.skipif(problem() is not None, reason="needs festival and its voice")

# A stand-in for `festival --pipe`: it answers each SynthText command with a 0.3 s tone written
# where the command asks, then the marker line, as Festival does; "die" makes it exit.
FAKE = r"""
import re, sys, wave
for line in sys.stdin:
    if "die" in line:
        sys.exit(3)
    saved = re.search(r'\(SynthText "((?:[^"\\]|\\.)*)"\) \d+\) "([^"]+)"', line)
    if saved:
        with wave.open(saved.group(2), "wb") as out:
            out.setnchannels(1); out.setsampwidth(2); out.setframerate(22050)
            out.writeframes(b"\x10\x20" * 6615)
        with open(saved.group(2) + ".said", "w") as said:
            said.write(saved.group(1))
    marker = re.search(r'\(format t "(coach-said \d+)', line)
    if marker:
        print(marker.group(1), flush=True)
"""


def fake_festival(tmp_path) -> tuple[str, ...]:
    script = tmp_path / "fake_festival.py"
    script.write_text(FAKE)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return (sys.executable, str(script))


def test_text_cannot_leave_its_scheme_string():
    assert scheme_string('say "hi" \\ (quit)\n') == '"say \\"hi\\" \\\\ (quit) "'


def test_each_phrase_goes_through_one_process(tmp_path):
    engine = FestivalEngine(VoiceSettings(engine="festival"), command=fake_festival(tmp_path))
    first = engine.say('Breathe "in".')
    process = engine._process
    second = engine.say("Breathe out.")
    assert len(first) == len(second) == 6615 and engine._process is process
    engine.close()


def test_a_festival_that_dies_is_one_error_naming_it(tmp_path):
    engine = FestivalEngine(VoiceSettings(engine="festival"), command=fake_festival(tmp_path))
    with pytest.raises(EngineError) as caught:
        engine.say("Now die.")
    assert "the festival engine stopped" in caught.value.message
    assert caught.value.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "apt-get install festival festvox-us-slt-hts" in str(caught.value)


def test_other_voices_are_refused():
    with pytest.raises(OptionError, match="not a festival voice"):
        FestivalEngine(VoiceSettings(voice="kal", engine="festival"))


@needs_festival
def test_slt_is_deterministic_and_at_the_session_rate():
    engine = FestivalEngine(VoiceSettings(engine="festival"))
    first = engine.say("Hold for ten seconds.")
    engine.say("Something else in between.")
    again = engine.say("Hold for ten seconds.")
    engine.close()
    assert 1.0 < len(first) / RATE < 4 and np.array_equal(first, again)


@needs_festival
def test_slt_slows_down_for_a_lower_rate():
    text = "Slowly lift your knee towards your chest."
    slow = FestivalEngine(VoiceSettings(engine="festival", rate=100))
    fast = FestivalEngine(VoiceSettings(engine="festival", rate=200))
    ratio = len(slow.say(text)) / len(fast.say(text))
    slow.close()
    fast.close()
    assert 1.5 < ratio < 2.5
