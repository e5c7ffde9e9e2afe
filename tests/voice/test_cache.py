"""The phrase cache: hits, misses, corrupt entries, keys, atomic writes."""

from __future__ import annotations

import numpy as np
from fakes import FakeEngine, fake_pyttsx3

from coach.audio.wav import wav_problem
from coach.voice.cache import PhraseCache
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice


def test_cache_hit_miss_and_corruption(tmp_path):
    engine = FakeEngine()

    def voice() -> Voice:
        return Voice(VoiceSettings(), tmp_path, jobs=1, engine_factory=fake_pyttsx3(engine))

    first = voice()
    lengths = first.prepare(["One.", "Two."])
    assert first.synthesized == 2 and engine.runs == 2  # both missing: synthesized
    assert set(lengths) == {"One.", "Two."}
    again = voice()
    assert again.prepare(["One.", "Two."]) == lengths
    assert again.synthesized == 0  # warm: nothing synthesized
    path = again.cache.path("One.")
    path.write_bytes(path.read_bytes()[:100])  # truncate: corrupt
    third = voice()
    third.prepare(["One.", "Two."])
    assert third.synthesized == 1  # the corrupt one is remade
    assert wav_problem(path) is None
    path.write_bytes(b"RIFF garbage")
    assert third.cache.get("One.") is None and not path.exists()


def test_cache_keys_separate_voice_rate_and_engine(tmp_path):
    a = PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e1")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings(rate=160), engine="e1").path("Hi.")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings("en-us"), engine="e1").path("Hi.")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e2").path("Hi.")
    assert a.path("Hi.") == PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e1").path("Hi.")


def test_cache_writes_leave_no_temporary_files(tmp_path):
    cache = PhraseCache(tmp_path, VoiceSettings(), engine="e")
    cache.put("Hi.", np.full(100, 0.1, np.float32))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [cache.path("Hi.").name]
