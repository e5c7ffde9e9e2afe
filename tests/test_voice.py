"""The pyttsx3 wrapper against a fake engine (each quirk of 2.99 on purpose), the cache, and
one real synthesis through espeak-ng."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools

from coach.errors import OptionError, SynthesisError
from coach.voice import (
    RATE,
    PhraseCache,
    Speaker,
    Voice,
    VoiceInfo,
    VoiceSettings,
    condition,
    match_voice,
    read_wav,
    wav_problem,
)


def write_tone(path: Path, seconds: float = 0.5) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())


class FakeEngine:
    """Behaves like pyttsx3 2.99's espeak driver, quirks included, as each test asks."""

    def __init__(self, plan: list[str] | None = None, late: bool = False) -> None:
        self.plan = plan or []  # per run: "ok", "empty", "none", "lose-rate"
        self.late = late  # write and call back from another thread after runAndWait returns
        self.callbacks: list = []
        self.props = {"rate": 200, "voice": "gmw/en"}
        self.pending: tuple[str, str] | None = None
        self.runs = 0
        self.threads: list[threading.Thread] = []

    def connect(self, topic, cb):
        assert topic == "finished-utterance"
        self.callbacks.append(cb)

    def setProperty(self, name, value):  # noqa: N802
        self.props[name] = value

    def getProperty(self, name):  # noqa: N802
        if name == "voices":
            return [
                type(
                    "V",
                    (),
                    {"id": "gmw/en-us", "name": "English (America)", "languages": ["en-us"]},
                )()
            ]
        return self.props[name]

    def save_to_file(self, text, filename, name=None):
        self.pending = (text, filename)

    def runAndWait(self):  # noqa: N802
        action = self.plan[self.runs] if self.runs < len(self.plan) else "ok"
        self.runs += 1
        _text, filename = self.pending

        def finish():
            print(f"Audio saved to {filename}")  # what pyttsx3 2.99 prints
            if action == "empty":
                Path(filename).write_bytes(b"")
            elif action == "lose-rate":
                self.props["rate"] = 200
                write_tone(Path(filename))
            elif action != "none":
                write_tone(Path(filename))
            for cb in self.callbacks:
                cb(name=None, completed=True)

        if self.late:
            thread = threading.Timer(0.05, finish)
            self.threads.append(thread)
            thread.start()
        else:
            finish()


def speaker(engine: FakeEngine, settings: VoiceSettings | None = None) -> Speaker:
    return Speaker(settings or VoiceSettings(), engine_factory=lambda: engine)


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


def test_cache_hit_miss_and_corruption(tmp_path):
    engine = FakeEngine()
    voice = Voice(
        VoiceSettings(), cache_dir=tmp_path, jobs=1, speaker_factory=lambda s: speaker(engine, s)
    )
    assert voice.prepare(["One.", "Two."]) == 2  # both missing: synthesized
    assert engine.runs == 2
    again = Voice(
        VoiceSettings(), cache_dir=tmp_path, jobs=1, speaker_factory=lambda s: speaker(engine, s)
    )
    assert again.prepare(["One.", "Two."]) == 0  # warm: nothing synthesized
    path = again.cache.path("One.")
    path.write_bytes(path.read_bytes()[:100])  # truncate: corrupt
    third = Voice(
        VoiceSettings(), cache_dir=tmp_path, jobs=1, speaker_factory=lambda s: speaker(engine, s)
    )
    assert third.prepare(["One.", "Two."]) == 1  # the corrupt one is remade
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


def test_condition_trims_levels_and_limits():
    raw = np.concatenate(
        [np.zeros(RATE // 2), 0.9 * np.sin(np.arange(RATE) * 0.05), np.zeros(RATE // 2)]
    ).astype(np.float32)
    clip = condition(raw)
    assert len(clip) < RATE * 1.05  # leading and trailing silence gone
    from coach.loudness import loudness, true_peak
    from coach.voice import CLIP_CEILING, CLIP_LOUDNESS

    assert true_peak(clip) <= CLIP_CEILING
    assert loudness(clip, RATE) == pytest.approx(CLIP_LOUDNESS, abs=1.0)


@needs_audio_tools
def test_real_espeak_synthesis_in_worker_processes(tmp_path, capfd):
    voice = Voice(VoiceSettings(), cache_dir=tmp_path, jobs=2)
    phrases = ["Breathe in.", "Breathe out.", "Hold it there.", "And relax.", "Last one."]
    assert voice.prepare(phrases) == 5
    for text in phrases:
        clip = read_wav(voice.cache.path(text))
        assert 0.3 < len(clip) / RATE < 3
    assert "Audio saved" not in capfd.readouterr().out
    assert voice.seconds("Last one.") == pytest.approx(len(voice.clip("Last one.")) / RATE)


def test_session_levels_are_measured_once_per_distinct_audio(tmp_path, monkeypatch):
    from coach.mixer import Mix
    from coach.timeline import Speech, Timeline

    class Clips:
        def __init__(self, amplitude: float) -> None:
            self.amplitude = amplitude

        def clip(self, text):
            return (self.amplitude * np.sin(np.arange(RATE) * 0.1)).astype(np.float32)

        def peak(self, text):
            return 20 * np.log10(self.amplitude)

    timeline = Timeline("T", "t", 5000, (Speech(1000, 2000, "a"),))
    cache = PhraseCache(tmp_path, VoiceSettings(), engine="e")
    first = cache.levels(Mix(timeline, Clips(0.1)))
    monkeypatch.setattr(Mix, "measure", lambda self: pytest.fail("measured again"))
    assert cache.levels(Mix(timeline, Clips(0.1))) == first
    monkeypatch.undo()
    louder = cache.levels(Mix(timeline, Clips(0.2)))  # other audio: measured anew
    assert louder.gain_db == pytest.approx(first.gain_db - 6.02, abs=0.05)
    assert cache.clear() == 2
