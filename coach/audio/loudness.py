"""Loudness (ITU-R BS.1770-4), true peak and a gentle peak limiter, in plain numpy.

K-weighting is the filter libebur128 (and so ffmpeg's ``ebur128``) designs for any sample rate,
applied as its impulse response by FFT convolution. That lets a mixer K-weight each distinct
clip once and add the weighted clips up, instead of filtering every sample of a long session.
The meter keeps one energy per 100 ms, so measuring two hours takes little memory.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numpy.typing import NDArray

from coach.audio.wav import Samples

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = 10.0
K_TAPS = 2048  # the K-filter's response has fallen below 1e-10 by then (at 22,050 Hz)


def k_weighting(rate: int) -> NDArray[np.float64]:
    """The BS.1770 pre-filter and RLB high-pass as second-order sections (b0 b1 b2 a0 a1 a2)."""
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


@cache
def k_impulse(rate: int) -> NDArray[np.float64]:
    """The K-filter's impulse response, by running an impulse through both biquads."""
    signal = [1.0] + [0.0] * (K_TAPS - 1)
    for b0, b1, b2, _a0, a1, a2 in k_weighting(rate):
        out, z1, z2 = [], 0.0, 0.0
        for x in signal:
            y = b0 * x + z1
            z1 = b1 * x - a1 * y + z2
            z2 = b2 * x - a2 * y
            out.append(y)
        signal = out
    return np.array(signal)


_BLOCK = 6144  # overlap-add block; with the 2048 taps each block fits an 8192-point FFT
_FFT = 8192


@cache
def _k_spectrum(rate: int) -> NDArray[np.complex128]:
    return np.fft.rfft(k_impulse(rate), _FFT)


def k_weight(samples: Samples, rate: int) -> NDArray[np.float64]:
    """K-weighted samples, including the filter's ring-down after the last one."""
    if not len(samples):
        return np.zeros(0)
    blocks = -(-len(samples) // _BLOCK)
    padded = np.zeros(blocks * _BLOCK)
    padded[: len(samples)] = samples
    spectra = np.fft.rfft(padded.reshape(blocks, _BLOCK), _FFT, axis=1) * _k_spectrum(rate)
    filtered = np.fft.irfft(spectra, _FFT, axis=1)
    out = np.zeros(blocks * _BLOCK + _FFT - _BLOCK)
    out[: blocks * _BLOCK] = filtered[:, :_BLOCK].reshape(-1)
    # Each block's ring-down spills into the start of the next; spills never overlap each other.
    spill = (np.arange(1, blocks + 1) * _BLOCK)[:, None] + np.arange(_FFT - _BLOCK)[None, :]
    out[spill] += filtered[:, _BLOCK:]
    return out[: len(samples) + K_TAPS - 1]


class LoudnessMeter:
    """Feed K-weighted blocks in order; read the integrated loudness at the end."""

    def __init__(self, rate: int) -> None:
        self.step = rate // 10  # 100 ms: a quarter of a 400 ms gating block
        self.energies: list[float] = []  # mean square of each 100 ms step
        self.partial: NDArray[np.float64] = np.zeros(0)

    def add(self, weighted: NDArray[np.floating]) -> None:
        incoming = np.asarray(weighted, dtype=np.float64)
        data = np.concatenate([self.partial, incoming]) if len(self.partial) else incoming
        whole = len(data) // self.step * self.step
        if whole:
            steps = data[:whole].astype(np.float64).reshape(-1, self.step)
            self.energies.extend(np.einsum("ij,ij->i", steps, steps) / self.step)
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
    final = kept[loud[loud > ABSOLUTE_GATE] > relative]
    return -0.691 + 10 * math.log10(final.mean())


def loudness(samples: Samples, rate: int) -> float:
    """Integrated loudness of a whole clip. Clips shorter than a gating block are measured whole."""
    weighted = k_weight(samples, rate)
    if len(samples) < rate * 4 // 10:
        energy = float(np.mean(np.square(weighted[: len(samples)]))) if len(samples) else 0.0
        return -0.691 + 10 * math.log10(energy) if energy > 0 else -math.inf
    meter = LoudnessMeter(rate)
    meter.add(weighted)
    meter.add(np.zeros(meter.step, dtype=np.float64))
    return meter.integrated()


# The 4x oversampling interpolator of BS.1770-4 Annex 2: four phases of 12 taps.
_PHASE0 = [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
           0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
           0.0148925781250, -0.0083007812500]  # fmt: skip
_PHASE1 = [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
           0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
           0.0330810546875, -0.0189208984375]  # fmt: skip
_PHASES = [np.array(p) for p in (_PHASE0, _PHASE1, _PHASE1[::-1], _PHASE0[::-1])]


def peak_envelope(samples: Samples) -> NDArray[np.float64]:
    """The largest inter-sample peak near each sample (4x oversampled, BS.1770-4 Annex 2)."""
    x = samples.astype(np.float64)
    envelope = np.abs(x)
    for taps in _PHASES:
        np.maximum(envelope, np.abs(np.convolve(x, taps, mode="same")), out=envelope)
    return envelope


def true_peak(samples: Samples) -> float:
    """True peak in dBTP."""
    top = float(np.max(peak_envelope(samples))) if len(samples) else 0.0
    return 20 * math.log10(top) if top > 0 else -math.inf


def limit(samples: Samples, rate: int, ceiling_db: float) -> Samples:
    """Turn down the few peaks above ``ceiling_db`` (dBTP), smoothly, leaving the rest untouched.

    The gain is the lowest needed within +-2.5 ms, averaged over 2.5 ms: each sample gets at most
    the gain its own peak needs, and the gain never jumps (no clicks).
    """
    ceiling = 10 ** (ceiling_db / 20)
    out = samples.astype(np.float32)
    width = max(3, rate // 400)
    for _ in range(4):  # smoothing can let a peak through by a hair; measure and go again
        envelope = peak_envelope(out)
        if np.max(envelope) <= ceiling:
            break
        need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12)) * 0.999
        lowest = _window_min(need, width)
        out = (out * _moving_average(lowest, width)).astype(np.float32)
    top = float(np.max(peak_envelope(out))) if len(out) else 0.0
    if top > ceiling:  # still a hair over: a last, tiny overall turn-down makes it certain
        out = (out * (ceiling / top * 0.999)).astype(np.float32)
    return out


def _window_min(x: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    padded = np.pad(x, half, mode="edge")
    return np.asarray(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1).min(axis=1))


def _moving_average(x: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    padded = np.pad(x, (width // 2, width - 1 - width // 2), mode="edge")
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    return np.asarray((sums[width:] - sums[:-width]) / width)


def lowpass(samples: Samples, rate: int, start_hz: float, stop_hz: float) -> Samples:
    """Zero-phase low-pass with a raised-cosine roll-off from ``start_hz`` to ``stop_hz``."""
    if not len(samples):
        return samples
    size = 1 << (len(samples) + 1024).bit_length()
    spectrum = np.fft.rfft(samples.astype(np.float64), size)
    freqs = np.fft.rfftfreq(size, 1 / rate)
    ramp = np.clip((freqs - start_hz) / (stop_hz - start_hz), 0.0, 1.0)
    spectrum *= 0.5 * (1 + np.cos(np.pi * ramp))
    return np.fft.irfft(spectrum, size)[: len(samples)].astype(np.float32)


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))
