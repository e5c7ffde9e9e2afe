"""The pyttsx3 wrapper against a fake driver, each quirk of 2.99 on purpose."""

from __future__ import annotations

import pytest
from fakes import FakeEngine, speaker

from coach.audio.wav import RATE
from coach.errors import OptionError, SynthesisError
from coach.voice.engines import VoiceSettings
from coach.voice.engines.pyttsx3_engine import VoiceInfo, match_voice


def test_a_late_callback_is_waited_for_and_its_print_kept_quiet(tmp_path, capsys):
    engine = FakeEngine(late=True)
    clip = speaker(engine).speak_to_file("Hello.", tmp_path / "a.wav")
    assert len(clip) == RATE // 2
    assert "Audio saved" not in capsys.readouterr().out


def test_an_empty_clip_is_retried_once(tmp_path):
    engine = FakeEngine(plan=["empty", "ok"])
    clip = speaker(engine).speak_to_file("Hello.", tmp_path / "a.wav")
    assert engine.runs == 2 and len(clip) > 0


def test_two_failures_name_the_phrase(tmp_path):
    engine = FakeEngine(plan=["empty", "empty"])
    with pytest.raises(SynthesisError, match=r"could not say 'Breathe in\.': the clip is empty"):
        speaker(engine).speak_to_file("Breathe in.", tmp_path / "a.wav")


def test_a_lost_rate_change_is_caught_and_retried(tmp_path):
    engine = FakeEngine(plan=["lose-rate", "ok"])
    speaker(engine, VoiceSettings(rate=150)).speak_to_file("Hi.", tmp_path / "a.wav")
    assert engine.runs == 2 and engine.props["rate"] == 150


def test_voice_names_resolve_with_variants_and_unknown_ones_suggest():
    voices = [
        VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
        VoiceInfo("gmw/en", "English", ("en",)),
    ]
    assert match_voice("en-us", voices) == "gmw/en-us"
    assert match_voice("en-us+f3", voices) == "gmw/en-us+f3"
    assert match_voice("English (America)", voices) == "gmw/en-us"
    with pytest.raises(OptionError, match="did you mean 'en-us'"):
        match_voice("en-uss", voices)


def test_rate_is_range_checked():
    with pytest.raises(OptionError, match="--rate 20 is out of range"):
        VoiceSettings(rate=20)
