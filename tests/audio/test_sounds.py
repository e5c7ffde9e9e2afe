"""The shipped cue sounds are exactly what scripts/make_sounds.py makes."""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import make_sounds  # noqa: E402

from coach.audio.wav import read_wav  # noqa: E402


def test_shipped_sounds_match_the_generator():
    for name, samples in make_sounds.render().items():
        shipped = read_wav(ROOT / "sounds" / f"{name}.wav")
        expected = np.round(samples * 32767) / 32768
        assert np.allclose(shipped, expected, atol=1 / 32768), name


def test_sounds_are_quieter_than_speech_peaks():
    from coach.voice.condition import CLIP_CEILING

    for name, samples in make_sounds.render().items():
        peak = 20 * np.log10(np.abs(samples).max())
        assert peak <= CLIP_CEILING - 1 or name == "gong", name
