import math

import numpy as np
import pytest

from coach.audio.loudness import LoudnessMeter, limit, loudness, true_peak

RATE = 22050


def sine(freq: float, seconds: float, amplitude: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def test_a_1khz_sine_reads_as_its_level_minus_three():
    # BS.1770: a full-scale 997 Hz sine is -3.01 LUFS; K-weighting is about flat at 1 kHz.
    assert loudness(sine(997, 5, 0.1), RATE) == pytest.approx(-23.0, abs=0.1)


def test_streaming_in_blocks_equals_measuring_at_once():
    signal = np.concatenate(
        [sine(440, 3, 0.2), np.zeros(RATE * 2, np.float32), sine(2000, 4, 0.05)]
    )
    whole = LoudnessMeter(RATE)
    whole.add(signal)
    blocks = LoudnessMeter(RATE)
    for start in range(0, len(signal), 3001):
        blocks.add(signal[start : start + 3001])
    assert blocks.integrated() == pytest.approx(whole.integrated(), abs=1e-6)


def test_gating_ignores_silence():
    tone = sine(997, 4, 0.1)
    with_gaps = np.concatenate([tone, np.zeros(RATE * 20, np.float32)])
    assert loudness(with_gaps, RATE) == pytest.approx(loudness(tone, RATE), abs=0.2)
    assert loudness(np.zeros(RATE, np.float32), RATE) == -math.inf


def test_true_peak_finds_peaks_between_samples():
    # A quarter-rate sine sampled at 45 degrees: every sample is at 0.707 of the real peak.
    x = sine(RATE / 4, 1, 1.0, phase=math.pi / 4) * 0.5
    sample_peak = 20 * math.log10(np.abs(x).max())
    assert true_peak(x) > sample_peak + 2.5
    assert true_peak(x) == pytest.approx(20 * math.log10(0.5), abs=0.3)


def test_limit_keeps_peaks_under_the_ceiling_and_leaves_quiet_audio_alone():
    loud = np.concatenate([sine(300, 0.5, 0.9), sine(300, 0.5, 0.1)])
    limited = limit(loud, RATE, -12.0)
    assert true_peak(limited) <= -12.0
    quiet_part = slice(RATE // 2 + RATE // 10, RATE)
    assert np.allclose(limited[quiet_part], loud[quiet_part], atol=1e-3)
