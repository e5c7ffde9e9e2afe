"""The store: real espeak synthesis in worker processes, and the lengths it hands the compiler."""

from __future__ import annotations

import pytest
from conftest import needs_audio_tools

from coach.audio.wav import RATE, read_wav
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice


@needs_audio_tools
def test_real_espeak_synthesis_in_worker_processes(tmp_path, capfd):
    voice = Voice(VoiceSettings(), cache_dir=tmp_path, jobs=2)
    phrases = ["Breathe in.", "Breathe out.", "Hold it there.", "And relax.", "Last one."]
    lengths = voice.prepare(phrases)
    assert voice.synthesized == 5
    for text in phrases:
        clip = read_wav(voice.cache.path(text))
        assert 0.3 < len(clip) / RATE < 3
    assert "Audio saved" not in capfd.readouterr().out
    assert lengths["Last one."] == pytest.approx(len(voice.clip("Last one.")) / RATE)
