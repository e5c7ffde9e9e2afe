"""Make the cue sounds in sounds/ from sine partials, so they are ours to ship (CC0).

Each file is 22,050 Hz mono 16-bit and exactly as long as coach/cues.py says. The output is
deterministic: run it again and the files come out byte for byte the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coach.audio.wav import RATE, write_wav_atomic
from coach.script.cues import SOUNDS

FOLDER = Path(__file__).resolve().parent.parent / "sounds"


def _tone(
    seconds: float, partials: Sequence[tuple[float, float, float]], attack: float = 0.005
) -> np.ndarray:
    """Sum of (frequency Hz, amplitude, decay time constant s) partials with a soft attack."""
    t = np.arange(round(seconds * RATE)) / RATE
    out = np.zeros_like(t)
    for freq, amp, decay in partials:
        out += amp * np.sin(2 * np.pi * freq * t) * np.exp(-t / decay)
    ramp = np.minimum(1.0, t / attack)
    tail = np.minimum(1.0, (t[-1] - t) / 0.05 + 1e-9)  # end at silence, no click
    return out * ramp * tail


def _at_peak(samples: np.ndarray, dbfs: float) -> np.ndarray:
    return (samples / np.abs(samples).max() * 10 ** (dbfs / 20)).astype(np.float32)


def _glide(seconds: float, start_hz: float, end_hz: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    freq = np.linspace(start_hz, end_hz, len(t))
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    envelope = np.sin(np.pi * t / t[-1]) ** 2
    return np.sin(phase) * envelope


def render() -> dict[str, np.ndarray]:
    seconds = {name: cue.length_ms / 1000 for name, cue in SOUNDS.items()}
    sounds = {
        # A small bell: a bright strike with slightly detuned overtones, ringing out.
        "bell": _at_peak(
            _tone(
                seconds["bell"],
                [(660, 1.0, 0.5), (1323, 0.45, 0.35), (1986, 0.2, 0.25), (2650, 0.1, 0.15)],
            ),
            -14,
        ),
        # Two soft notes, a fourth apart.
        "chime": _at_peak(
            _tone(seconds["chime"], [(880, 0.8, 0.35), (1760, 0.15, 0.2)])
            + np.concatenate(
                [np.zeros(RATE // 8), _tone(seconds["chime"] - 0.125, [(1174.7, 0.7, 0.35)])]
            ),
            -16,
        ),
        # A short wooden tick.
        "tick": _at_peak(
            _tone(seconds["tick"], [(1800, 1.0, 0.012), (3100, 0.4, 0.008)], attack=0.001), -18
        ),
        # A low gong with inharmonic partials and a long decay.
        "gong": _at_peak(
            _tone(
                seconds["gong"],
                [(98, 1.0, 1.8), (196.5, 0.5, 1.4), (270.5, 0.35, 1.1), (529, 0.2, 0.6)],
                attack=0.02,
            ),
            -10,
        ),
        "pause": _at_peak(_glide(seconds["pause"], 660, 440), -16),
        "resume": _at_peak(_glide(seconds["resume"], 440, 660), -16),
    }
    for name, samples in sounds.items():
        assert len(samples) == round(SOUNDS[name].length_ms * RATE / 1000), name
    return sounds


def main() -> int:
    for name, samples in render().items():
        write_wav_atomic(FOLDER / f"{name}.wav", samples)
        print(f"wrote sounds/{name}.wav")
    return 0


if __name__ == "__main__":
    sys.exit(main())
