"""The session-levels cache: a session's loudness analysis, kept under a hash of its exact audio.

Measuring a long session takes seconds; exporting or playing the same session again should not.
An entry is trusted only if it is a small regular file whose digest matches, whose figures are
finite and plausible, and whose gain is the one the mixer's own rule gives for its loudness and
peak: a NaN or a +40 dB gain can never reach an export. Anything else is measured again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from coach.audio.mixer import CODEC_HEADROOM, PEAK_CEILING, TARGET_LUFS, Levels, Mix
from coach.audio.wav import write_atomic

MAX_BYTES = 4096
LOUDNESS_RANGE = (-70.0, 0.0)  # LUFS: below -70 the meter gates everything out
PEAK_RANGE = (-80.0, 12.0)  # dBTP: float samples may exceed full scale before the gain


def gain_for(loudness: float, peak: float) -> float:
    """The mixer's rule: reach the target loudness unless the peak would pass its ceiling."""
    gain = TARGET_LUFS - loudness
    return min(gain, PEAK_CEILING - CODEC_HEADROOM - peak)


def _digest(signature: str, figures: dict[str, float]) -> str:
    text = json.dumps([signature, figures], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _figures(levels: Levels) -> dict[str, float]:
    return {"loudness": levels.loudness, "true_peak": levels.true_peak, "gain_db": levels.gain_db}


def parse_levels(data: bytes, signature: str) -> Levels | None:
    """The levels stored in ``data`` for ``signature``, or None if anything about them is off."""
    try:
        stored: Any = json.loads(data.decode("utf-8"))
        figures = {name: float(stored[name]) for name in ("loudness", "true_peak", "gain_db")}
        digest = stored["digest"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    if not all(math.isfinite(value) for value in figures.values()):
        return None
    loudness, peak, gain = figures["loudness"], figures["true_peak"], figures["gain_db"]
    if not LOUDNESS_RANGE[0] <= loudness <= LOUDNESS_RANGE[1]:
        return None
    if not PEAK_RANGE[0] <= peak <= PEAK_RANGE[1]:
        return None
    if abs(gain - gain_for(loudness, peak)) > 1e-6 or digest != _digest(signature, figures):
        return None
    return Levels(loudness, peak, gain)


def _read(path: Path) -> bytes | None:
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def stored_levels(mix: Mix, folder: Path) -> Levels | None:
    """The mix's levels if ``folder/levels`` has them (and they are sound), else None."""
    return _stored(folder, mix.signature())


def _stored(folder: Path, signature: str) -> Levels | None:
    data = _read(folder / "levels" / f"{signature}.json")
    if data is None or len(data) > MAX_BYTES:
        return None
    return parse_levels(data, signature)


def cached_levels(mix: Mix, folder: Path) -> Levels:
    """The mix's levels from ``folder/levels``, or measured now and kept there."""
    signature = mix.signature()
    levels = _stored(folder, signature)
    if levels is not None:
        return levels
    path = folder / "levels" / f"{signature}.json"
    levels = mix.measure()
    figures = _figures(levels)
    if all(math.isfinite(value) for value in figures.values()):  # a silent mix is not kept
        record = {**figures, "digest": _digest(signature, figures)}
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()
            write_atomic(path, json.dumps(record).encode())
    return levels
