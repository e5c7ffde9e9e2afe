"""The store: synthesis in worker processes, replaced workers, determinism, shared caches."""

from __future__ import annotations

import pytest
from conftest import needs_audio_tools
from fakes import crashing_engine, tone_engine

from coach.audio.wav import RATE, read_wav
from coach.errors import ExitCode
from coach.voice.engines import EngineError, VoiceSettings
from coach.voice.store import Voice

PHRASES = ["Breathe in.", "Breathe out.", "Hold it there.", "And relax.", "Last one."]


@needs_audio_tools
def test_real_espeak_synthesis_in_worker_processes(tmp_path, capfd):
    voice = Voice(VoiceSettings(), cache_dir=tmp_path, jobs=2)
    lengths = voice.prepare(PHRASES)
    assert voice.synthesized == 5
    for text in PHRASES:
        clip = read_wav(voice.cache.path(text))
        assert 0.3 < len(clip) / RATE < 3
    assert "Audio saved" not in capfd.readouterr().out
    assert lengths["Last one."] == pytest.approx(len(voice.clip("Last one.")) / RATE)


@needs_audio_tools
def test_two_cold_espeak_runs_make_the_same_samples(tmp_path):
    # espeak-ng carries state between utterances; every phrase must still come out alike,
    # whichever worker says it and whatever that worker said before.
    first = Voice(VoiceSettings(), cache_dir=tmp_path / "a", jobs=2)
    second = Voice(VoiceSettings(), cache_dir=tmp_path / "b", jobs=1)
    first.prepare(PHRASES)
    second.prepare(list(reversed(PHRASES)))
    for text in PHRASES:
        assert (first.clip(text) == second.clip(text)).all(), text


def test_a_worker_that_dies_is_replaced_and_the_phrase_retried(tmp_path):
    settings = VoiceSettings(voice=str(tmp_path / "marks"), engine="fake")
    voice = Voice(settings, cache_dir=tmp_path / "cache", jobs=2, engine_factory=crashing_engine)
    phrases = [*PHRASES, "This one will crash its worker."]
    seen: list[tuple[int, int]] = []
    lengths = voice.prepare(phrases, progress=lambda done, total: seen.append((done, total)))
    assert (tmp_path / "marks" / "crashed").read_text() == "This one will crash its worker."
    assert set(lengths) == set(phrases)
    assert seen[-1] == (6, 6)


def test_a_phrase_that_kills_every_worker_ends_in_one_error_naming_it(tmp_path):
    settings = VoiceSettings(voice=str(tmp_path / "marks"), engine="fake")
    voice = Voice(settings, cache_dir=tmp_path / "cache", jobs=2, engine_factory=crashing_engine)
    with pytest.raises(EngineError) as caught:
        voice.prepare([*PHRASES, "We always crash here."])
    message = str(caught.value)
    assert "the fake engine could not say 'We always crash here.' twice" in message
    assert "worker process died" in message and "\n" not in message
    assert caught.value.exit_code == ExitCode.MISSING_DEPENDENCY


def test_concurrent_runs_share_the_first_complete_entry(tmp_path):
    settings = VoiceSettings(engine="fake")
    one = Voice(settings, cache_dir=tmp_path, jobs=1, engine_factory=tone_engine)
    two = Voice(settings, cache_dir=tmp_path, jobs=1, engine_factory=tone_engine)
    one.prepare(["Hold."])
    louder = two.clip("Hold.") * 0  # what a second, different synthesis would try to store
    assert not two.cache.put("Hold.", louder + 0.1)
    assert (two.cache.get("Hold.")[0] == one.clip("Hold.")).all()
