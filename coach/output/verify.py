"""The last check before a file is published: decode it and measure what a listener will hear.

Whatever went wrong upstream (a gain that is not a number, a cache of silent clips, an encoder
that clipped), a finished file that is silent or clipped is refused, so it never replaces the
user's old file with exit code 0.

The file is decoded by ffmpeg into a pipe and measured block by block with
:mod:`coach.audio.loudness`, so memory stays flat however long the session is (decoding the
whole file in memory, as pydub's AudioSegment does, took 507 MB for a 6.6-minute session).
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coach.audio.loudness import _PHASES, LoudnessMeter, k_impulse
from coach.audio.wav import RATE
from coach.errors import ExportError

SILENT_LUFS = -40.0  # 24 dB under the target: nothing a listener would call a session
CLIPPED_DBTP = 0.0  # a true peak above full scale is distortion on every player
_CHUNK = RATE * 8  # samples decoded and measured at a time
_CONTEXT = 12  # samples either side that the 4x true-peak interpolator reads
_STEP, _FFT = 6144, 8192  # overlap-add: 6144 new samples and the 2048 taps fit 8192 points


@dataclass(frozen=True)
class Measured:
    """What the finished file measures: integrated loudness (LUFS) and true peak (dBTP)."""

    loudness: float
    true_peak: float


def measure_file(encoder: str, path: Path) -> Measured:
    """Decode ``path`` (any format ffmpeg reads) and measure it, in constant memory."""
    command = [
        encoder, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
        "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1",
    ]  # fmt: skip
    meter = _Meter()
    # Its own session: a Ctrl-C meant for coach must not end the decoder first.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        while block := process.stdout.read(_CHUNK * 2):
            meter.add(np.frombuffer(block[: len(block) // 2 * 2], dtype="<i2"))
        error = process.stderr.read().decode(errors="replace").strip()
        code = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if code != 0:
        reason = error.splitlines()[-1] if error else f"exit code {code}"
        raise ExportError(f"the written file does not decode: {reason}")
    return meter.result()


def check_levels(measured: Measured, name: str) -> None:
    """Refuse a file that is silent or clipped, saying which and by how much."""
    if not measured.loudness > SILENT_LUFS:  # also catches NaN
        raise ExportError(
            f"{name} came out silent ({measured.loudness:.1f} LUFS); it was not saved",
            "run 'coach cache clear' and export again; 'coach doctor' checks the voice",
        )
    if not measured.true_peak <= CLIPPED_DBTP:
        raise ExportError(
            f"{name} came out clipped (true peak {measured.true_peak:+.1f} dBTP); it was not saved",
            "run 'coach cache clear' and export again",
        )


class _Meter:
    """K-weighted loudness and true peak of a stream fed in order, in any block sizes."""

    def __init__(self) -> None:
        self.loudness = LoudnessMeter(RATE)
        self.ring = np.zeros(len(k_impulse(RATE)) - 1)  # the K-filter's ring-down, carried over
        self.before = np.zeros(_CONTEXT)  # the last samples of the block before `pending`
        self.pending = np.zeros(0)
        self.peak = 0.0  # the largest true-peak amplitude so far (linear)

    def add(self, pcm: NDArray[np.int16]) -> None:
        samples = pcm.astype(np.float64) / 32768
        self._weigh(samples)
        if len(self.pending):
            self._peak(samples[:_CONTEXT])
        self.before = np.concatenate([self.before, self.pending])[-_CONTEXT:]
        self.pending = samples

    def result(self) -> Measured:
        self._peak(np.zeros(0))
        self.loudness.add(self.ring)
        self.loudness.add(np.zeros(self.loudness.step))
        level = self.loudness.integrated()
        peak = 20 * math.log10(self.peak) if self.peak > 0 else -math.inf
        return Measured(level, peak)

    def _weigh(self, samples: NDArray[np.float64]) -> None:
        # Overlap-add in single precision with short FFTs: four times faster than one long
        # double-precision FFT, and far more precise than a loudness figure needs.
        blocks = -(-len(samples) // _STEP)
        padded = np.zeros(blocks * _STEP, dtype=np.float32)
        padded[: len(samples)] = samples
        spectra = np.fft.rfft(padded.reshape(blocks, _STEP), _FFT, axis=1) * _k_spectrum()
        filtered = np.fft.irfft(spectra, _FFT, axis=1)
        out = np.zeros((blocks + 1) * _STEP, dtype=np.float64)
        out[: blocks * _STEP] = filtered[:, :_STEP].reshape(-1)
        out.reshape(blocks + 1, _STEP)[1:, : _FFT - _STEP] += filtered[:, _STEP:]
        out[: len(self.ring)] += self.ring
        self.loudness.add(out[: len(samples)])
        self.ring = out[len(samples) : len(samples) + len(self.ring)]

    def _peak(self, after: NDArray[np.float64]) -> None:
        block = self.pending
        if not len(block):
            return
        window = np.concatenate([self.before, block, after, np.zeros(_CONTEXT - len(after))])
        # BS.1770-4's 4x interpolation as one matrix product: the four phases' taps times the
        # block shifted by each tap gives every value between two samples of the block.
        data = window.astype(np.float32)
        width = len(data) - _TAPS.shape[1] + 1
        shifted = np.stack([data[k : k + width] for k in range(_TAPS.shape[1])])
        between = np.abs(_TAPS @ shifted).max(initial=0.0)
        self.peak = max(self.peak, float(between), float(np.abs(block).max()))


@cache
def _k_spectrum() -> NDArray[np.complex64]:
    return np.fft.rfft(k_impulse(RATE), _FFT).astype(np.complex64)


# The meter's own interpolation filter (reversed, as a convolution reads its taps backwards).
_TAPS = np.array([taps[::-1] for taps in _PHASES], dtype=np.float32)
