"""Loudness (ITU-R BS.1770-4), true peak and a gentle peak limiter, on numpy arrays.

The meter is streaming: a session is fed to it block by block, and it keeps only one energy per
100 ms, so measuring a two-hour session takes little memory. The K-weighting filter is the one
libebur128 (and so ffmpeg's ``ebur128`` filter) designs for any sample rate, so the numbers agree.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, signal

Samples = NDArray[np.float32]

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = 10.0


def k_weighting(rate: int) -> NDArray[np.float64]:
    """The BS.1770 pre-filter and RLB high-pass as second-order sections."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2 * (k * k - 1) / a0,
        (1 - k / q + k * k) / a0,
    ]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


class LoudnessMeter:
    """Feed blocks of mono samples in order; read the integrated loudness at the end."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.step = rate // 10  # 100 ms: a quarter of a 400 ms gating block
        self.sos = k_weighting(rate)
        self.state = np.zeros((self.sos.shape[0], 2))
        self.energies: list[float] = []  # mean square of each 100 ms step
        self.partial = np.zeros(0)

    def add(self, block: Samples) -> None:
        weighted = np.zeros(len(block))
        sounding = np.flatnonzero(block)
        if len(sounding) or self.state.any():
            # Filter only from the first sound (or the running tail) to the last sound plus
            # 200 ms: beyond that the filter's ring-down is inaudible, and computing it through
            # the denormal range would be slow.
            first = 0 if self.state.any() or not len(sounding) else int(sounding[0])
            stop = min(len(block), (int(sounding[-1]) if len(sounding) else 0) + self.rate // 5)
            # A constant far below hearing keeps the filter out of denormal numbers in gaps.
            segment = block[first:stop].astype(np.float64) + 1e-15
            weighted[first:stop], self.state = signal.sosfilt(self.sos, segment, zi=self.state)
            if stop < len(block):
                self.state = np.zeros_like(self.state)
        data = np.concatenate([self.partial, weighted]) if len(self.partial) else weighted
        whole = len(data) // self.step * self.step
        if whole:
            squares = np.square(data[:whole])
            self.energies.extend(squares.reshape(-1, self.step).mean(axis=1).tolist())
        self.partial = data[whole:]

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS (-inf for silence)."""
        steps = np.array(self.energies)
        if len(steps) < 4:
            steps = np.concatenate([steps, np.zeros(4 - len(steps))])
        blocks = np.convolve(steps, np.ones(4) / 4, mode="valid")
        return gated_loudness(blocks)


def gated_loudness(block_energies: NDArray[np.float64]) -> float:
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(block_energies)
    kept = block_energies[loud > ABSOLUTE_GATE]
    if not len(kept):
        return -math.inf
    relative = -0.691 + 10 * math.log10(kept.mean()) - RELATIVE_GATE
    with np.errstate(divide="ignore"):
        loud_kept = -0.691 + 10 * np.log10(kept)
    final = kept[loud_kept > relative]
    return -0.691 + 10 * math.log10(final.mean())


def loudness(samples: Samples, rate: int) -> float:
    """Integrated loudness of a whole clip. Clips shorter than a gating block are measured whole."""
    if len(samples) < rate * 4 // 10:
        weighted = signal.sosfilt(k_weighting(rate), samples)
        energy = float(np.mean(np.square(weighted))) if len(weighted) else 0.0
        return -0.691 + 10 * math.log10(energy) if energy > 0 else -math.inf
    meter = LoudnessMeter(rate)
    meter.add(samples)
    meter.add(np.zeros(meter.step, dtype=np.float32))
    return meter.integrated()


# The 4x oversampling interpolator of BS.1770-4 Annex 2: four phases of 12 taps.
_PHASE0 = [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
           0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
           0.0148925781250, -0.0083007812500]  # fmt: skip
_PHASE1 = [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
           0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
           0.0330810546875, -0.0189208984375]  # fmt: skip
# Columns are the four phases, reversed so that a sliding window times the matrix convolves.
_TAPS = np.array([_PHASE0, _PHASE1, _PHASE1[::-1], _PHASE0[::-1]]).T[::-1].copy()


def peak_envelope(samples: Samples) -> NDArray[np.float64]:
    """The largest inter-sample peak near each sample (4x oversampled, BS.1770-4 Annex 2)."""
    x = samples.astype(np.float64)
    if len(x) == 0:
        return x
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, (6, 5)), len(_TAPS))
    between = np.abs(windows @ _TAPS).max(axis=1)  # one small matrix product: fast
    return np.asarray(np.maximum(np.abs(x), between), dtype=np.float64)


def true_peak(samples: Samples) -> float:
    """True peak in dBTP."""
    envelope = peak_envelope(samples)
    top = float(envelope.max()) if len(envelope) else 0.0
    return 20 * math.log10(top) if top > 0 else -math.inf


def limit(samples: Samples, rate: int, ceiling_db: float) -> Samples:
    """Turn down the few peaks above ``ceiling_db`` (dBTP), smoothly, leaving the rest untouched.

    The gain is the lowest needed within +-2.5 ms, averaged over 2.5 ms: each sample gets at most
    the gain its own peak needs, and the gain never jumps (no clicks).
    """
    ceiling = 10 ** (ceiling_db / 20)
    out = samples.astype(np.float32)
    for _ in range(4):  # smoothing can let a peak through by a hair; measure and go again
        envelope = peak_envelope(out)
        if envelope.max() <= ceiling:
            break
        need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12)) * 0.999
        width = max(3, rate // 400)
        gain = ndimage.uniform_filter1d(ndimage.minimum_filter1d(need, size=2 * width + 1), width)
        out = (out * gain).astype(np.float32)
    top = float(peak_envelope(out).max()) if len(out) else 0.0
    if top > ceiling:  # still a hair over: a last, tiny overall turn-down makes it certain
        out = (out * (ceiling / top * 0.999)).astype(np.float32)
    return out


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))
