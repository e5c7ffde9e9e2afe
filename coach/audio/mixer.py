"""Timeline -> samples: every clip placed at its sample, mixed block by block, at one gain.

The session is never held whole in memory: :meth:`Mix.blocks` renders it in short blocks, each
the sum of the clips that sound in it, so memory stays flat however long the session. The
gain is chosen once, from a first pass that measures the integrated loudness (BS.1770) and the
true peak, to land at -16 LUFS with the true peak at or below -1.5 dBTP.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from coach.audio.loudness import LoudnessMeter, db_to_gain, k_weight, true_peak
from coach.audio.wav import RATE, Samples, read_wav, to_pcm16
from coach.script.cues import BREATH_TONES
from coach.script.timeline import Sound, Speech, Timeline

TARGET_LUFS = -16.0
PEAK_CEILING = -1.5  # dBTP, in the encoded file
CODEC_HEADROOM = 2.5  # dB: a low-bitrate MP3 overshoots the true peak by up to ~2 dB on sibilants
BLOCK = RATE * 4  # samples per rendered block
_MARGIN = 64  # samples around a clip that its true peak can reach


class SpeechClips(Protocol):
    def clip(self, text: str) -> Samples: ...
    def peak(self, text: str) -> float: ...  # true peak in dBTP


@cache
def sound_clip(name: str) -> Samples:

    with resources.as_file(resources.files("coach.sounds") / f"{name}.wav") as path:
        return read_wav(path)


def breath_tone(name: str, length: int) -> Samples:
    """A quiet tone that rises through an inhale or falls through an exhale, ``length`` long."""
    return _breath_tone(name, length).copy()


@cache
def _breath_tone(name: str, length: int) -> Samples:
    low, high = 196.0, 293.7  # G3 to D4: low enough to sit under speech
    start, end = (low, high) if name == "inhale" else (high, low)
    freq = np.linspace(start, end, length)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    # sin(pi) comes out a hair below zero in floating point; clip it before the root.
    envelope = np.sqrt(np.clip(np.sin(np.pi * np.arange(length) / max(length - 1, 1)), 0, None))
    tone: Samples = (0.02 * (np.sin(phase) + 0.3 * np.sin(2 * phase)) * envelope).astype(np.float32)
    return tone


@dataclass(frozen=True)
class Levels:
    loudness: float  # LUFS, integrated
    true_peak: float  # dBTP
    gain_db: float  # what brings the session to the target

    @property
    def gain(self) -> float:
        return db_to_gain(self.gain_db)


Key = tuple[str, str, int]  # ("speech", text, 0), ("sound", name, 0), ("tone", name, length)


@dataclass(frozen=True)
class _Placed:
    start: int
    clip: Samples
    key: Key

    @property
    def end(self) -> int:
        return self.start + len(self.clip)


class Mix:
    """A timeline's audio: clips at their samples, rendered on demand."""

    def __init__(self, timeline: Timeline, speech: SpeechClips, rate: int = RATE) -> None:
        self.timeline = timeline
        self.speech = speech
        self.rate = rate
        self.length = self.sample(timeline.duration_ms)
        placed = []
        for event in timeline.events:
            if isinstance(event, Speech):
                clip = speech.clip(event.text)
                key = ("speech", event.text, 0)
            elif isinstance(event, Sound):
                if event.name in BREATH_TONES:
                    length = self.sample(event.end_ms) - self.sample(event.start_ms)
                    clip, key = breath_tone(event.name, length), ("tone", event.name, length)
                else:
                    clip, key = sound_clip(event.name), ("sound", event.name, 0)
            else:
                continue
            placed.append(_Placed(self.sample(event.start_ms), clip, key))
        placed.sort(key=lambda p: p.start)
        self.placed = placed
        self.starts = [p.start for p in placed]
        self.longest = max((len(p.clip) for p in placed), default=0)

    def sample(self, ms: int) -> int:
        return round(ms * self.rate / 1000)

    def render(self, start: int, end: int, gain: float = 1.0) -> Samples:
        """Samples ``start`` to ``end`` (clipped to the session) as float32."""
        out = self._sum(start, end, lambda placed: placed.clip, self.longest)
        if gain != 1.0:
            out *= gain
        return out

    def _sum(
        self, start: int, end: int, clip_of: Callable[[_Placed], NDArray[Any]], longest: int
    ) -> Samples:
        end = min(end, self.length)
        out = np.zeros(max(0, end - start), dtype=np.float32)
        if end <= start:
            return out
        last = bisect.bisect_left(self.starts, end)
        first = bisect.bisect_left(self.starts, start - longest)
        for placed in self.placed[first:last]:
            clip = clip_of(placed)
            lo, hi = max(start, placed.start), min(end, placed.start + len(clip))
            if lo < hi:
                out[lo - start : hi - start] += clip[lo - placed.start : hi - placed.start]
        return out

    def quiet(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The stretches from ``start`` to ``end`` where nothing sounds (digital silence), in
        order, as (first sample, sample after the last)."""
        sounding_until = start
        for placed in self.placed:
            if placed.start >= end:
                break
            if placed.start > sounding_until:
                yield sounding_until, placed.start
            sounding_until = max(sounding_until, placed.end)
        if sounding_until < end:
            yield sounding_until, end

    def blocks(self, gain: float = 1.0, start: int = 0, size: int = BLOCK) -> Iterator[Samples]:
        for at in range(start, self.length, size):
            yield self.render(at, min(at + size, self.length), gain)

    def pcm16(self, gain: float = 1.0, start: int = 0, size: int = BLOCK) -> Iterator[bytes]:
        for block in self.blocks(gain, start, size):
            yield to_pcm16(block)

    def signature(self) -> str:
        """Names exactly this audio: every clip's bytes and sample position, and the targets."""
        digest = hashlib.sha256(
            f"{self.length}|{TARGET_LUFS}|{PEAK_CEILING}|{CODEC_HEADROOM}".encode()
        )
        clips: dict[Key, str] = {}
        for placed in self.placed:
            if placed.key not in clips:
                clips[placed.key] = hashlib.sha1(placed.clip.tobytes()).hexdigest()
            digest.update(f"{placed.start}:{clips[placed.key]};".encode())
        return digest.hexdigest()

    def measure(self) -> Levels:
        """Integrated loudness and true peak, and the gain that meets the targets."""
        # K-weighting is linear and time-invariant: weight each distinct clip once and add the
        # weighted clips up, rather than filter every sample of the session.
        weighted: dict[Key, NDArray[np.float32]] = {}
        for placed in self.placed:
            if placed.key not in weighted:
                weighted[placed.key] = k_weight(placed.clip, self.rate).astype(np.float32)
        longest = max((len(w) for w in weighted.values()), default=0)
        meter = LoudnessMeter(self.rate)
        for at in range(0, self.length, BLOCK):
            end = min(at + BLOCK, self.length)
            meter.add(self._sum(at, end, lambda p: weighted[p.key], longest))
        level = meter.integrated()
        peak = self.true_peak()
        if level == -math.inf:
            return Levels(level, peak, 0.0)
        gain_db = TARGET_LUFS - level
        if peak + gain_db > PEAK_CEILING - CODEC_HEADROOM:
            gain_db = PEAK_CEILING - CODEC_HEADROOM - peak
        return Levels(level, peak, gain_db)

    def true_peak(self) -> float:
        """The session's true peak, from each clip alone where it sounds alone.

        Upsampling is linear, so a clip with silence around it peaks in the mix exactly as it
        peaks alone; only where clips overlap is the mix itself upsampled (and each repeated
        overlap, like a bell under the same words, only once).
        """
        top = -math.inf
        alone: dict[Key, float] = {}
        together: dict[tuple[tuple[Key, int], ...], float] = {}
        for group in self._groups():
            if len(group) == 1:
                (placed,) = group
                if placed.key not in alone:
                    kind, name, _ = placed.key
                    alone[placed.key] = (
                        self.speech.peak(name) if kind == "speech" else true_peak(placed.clip)
                    )
                peak = alone[placed.key]
            else:
                origin = group[0].start
                signature = tuple((p.key, p.start - origin) for p in group)
                if signature not in together:
                    end = max(p.end for p in group)
                    window = self.render(max(0, origin - _MARGIN), end + _MARGIN)
                    together[signature] = true_peak(window)
                peak = together[signature]
            top = max(top, peak)
        return top

    def _groups(self) -> Iterator[list[_Placed]]:
        group: list[_Placed] = []
        reach = -1
        for placed in self.placed:
            if group and placed.start > reach + _MARGIN:
                yield group
                group = []
            group.append(placed)
            reach = max(reach, placed.end) if len(group) > 1 else placed.end
        if group:
            yield group
