"""The session-levels cache: one measurement per distinct audio."""

from __future__ import annotations

import numpy as np
import pytest

from coach.audio.levels import cached_levels
from coach.audio.mixer import Mix
from coach.audio.wav import RATE
from coach.script.timeline import Speech, Timeline
from coach.voice.cache import clear_cache


def test_session_levels_are_measured_once_per_distinct_audio(tmp_path, monkeypatch):

    class Clips:
        def __init__(self, amplitude: float) -> None:
            self.amplitude = amplitude

        def clip(self, text):
            return (self.amplitude * np.sin(np.arange(RATE) * 0.1)).astype(np.float32)

        def peak(self, text):
            return 20 * np.log10(self.amplitude)

    timeline = Timeline("T", "t", 5000, (Speech(1000, 2000, "a"),))
    first = cached_levels(Mix(timeline, Clips(0.1)), tmp_path)
    monkeypatch.setattr(Mix, "measure", lambda self: pytest.fail("measured again"))
    assert cached_levels(Mix(timeline, Clips(0.1)), tmp_path) == first
    monkeypatch.undo()
    louder = cached_levels(Mix(timeline, Clips(0.2)), tmp_path)  # other audio: measured anew
    assert louder.gain_db == pytest.approx(first.gain_db - 6.02, abs=0.05)
    assert clear_cache(tmp_path) == 2
