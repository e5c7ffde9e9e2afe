"""Clip conditioning: trimmed, at the common loudness, under the ceiling."""

from __future__ import annotations

import numpy as np
import pytest

from coach.audio.loudness import loudness, true_peak
from coach.audio.wav import RATE
from coach.voice.condition import CLIP_CEILING, CLIP_LOUDNESS, condition


def test_condition_trims_levels_and_limits():
    raw = np.concatenate(
        [np.zeros(RATE // 2), 0.9 * np.sin(np.arange(RATE) * 0.05), np.zeros(RATE // 2)]
    ).astype(np.float32)
    clip = condition(raw)
    assert len(clip) < RATE * 1.05  # leading and trailing silence gone

    assert true_peak(clip) <= CLIP_CEILING
    assert loudness(clip, RATE) == pytest.approx(CLIP_LOUDNESS, abs=1.0)
