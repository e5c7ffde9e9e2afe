"""WAV files and sample formats: the one place that reads, writes and converts samples.

Sessions are mono float32 at :data:`RATE` inside coach and 16-bit PCM at its edges (WAV files,
the encoder's pipe, the sound card).
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

RATE = 22050  # the rate of every session: espeak's own, and plenty for speech

Samples = NDArray[np.float32]


def to_pcm16(samples: Samples) -> bytes:
    """Float samples in -1..1 as little-endian 16-bit PCM, clipped rather than wrapped."""
    return np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes()


def resample(samples: Samples, rate: int, to: int = RATE) -> Samples:
    """Linear interpolation to another rate: enough for speech going down to 22,050 Hz."""
    if rate == to:
        return samples
    times = np.arange(round(len(samples) * to / rate)) * (rate / to)
    resampled: Samples = np.interp(times, np.arange(len(samples)), samples).astype(np.float32)
    return resampled


def wav_problem(path: Path) -> str | None:
    try:
        parse_wav(path.read_bytes())
    except FileNotFoundError:
        return "no file was written"
    except (ValueError, OSError, struct.error) as error:
        return str(error)
    return None


def parse_wav(data: bytes) -> tuple[int, NDArray[np.int16], float | None]:
    """Rate, samples and (for coach's own clips) the stored true peak of a mono 16-bit WAV."""
    if not data:
        raise ValueError("the clip is empty")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    position, fmt, peak, pcm = 12, None, None, None
    while position + 8 <= len(data):
        chunk, size = data[position : position + 4], struct.unpack_from("<I", data, position + 4)[0]
        body = data[position + 8 : position + 8 + size]
        if len(body) < size:
            raise ValueError("the clip is truncated")
        if chunk == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body)
        elif chunk == _PEAK_CHUNK:
            peak = struct.unpack_from("<d", body)[0]
        elif chunk == b"data":
            pcm = body
        position += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise ValueError("the clip is truncated")
    encoding, channels, rate, _, _, bits = fmt
    if (encoding, channels, bits) != (1, 1, 16):
        raise ValueError("not a mono 16-bit WAV")
    if len(pcm) < 2:
        raise ValueError("the clip is empty")
    return rate, np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2), peak


_PEAK_CHUNK = b"cpk "  # coach's own chunk: the clip's true peak in dBTP, as a float64


def read_clip(path: Path) -> tuple[Samples, float | None]:
    rate, data, peak = parse_wav(path.read_bytes())
    samples = data.astype(np.float32) / np.float32(32768)
    if rate != RATE:  # other engines and voices speak at other rates
        return resample(samples, rate), None
    return samples, peak


def read_wav(path: Path) -> Samples:
    return read_clip(path)[0]


def write_wav_atomic(
    path: Path, samples: Samples, rate: int = RATE, peak: float | None = None
) -> None:
    """A mono 16-bit WAV, written under a temporary name and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = to_pcm16(samples)
    chunks = [b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)]
    if peak is not None:
        chunks.append(_PEAK_CHUNK + struct.pack("<Id", 8, peak))
    chunks.append(b"data" + struct.pack("<I", len(pcm)) + pcm + b"\0" * (len(pcm) & 1))
    body = b"WAVE" + b"".join(chunks)
    write_atomic(path, b"RIFF" + struct.pack("<I", len(body)) + body)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).chmod(0o644)  # mkstemp makes it private; cached clips and sounds are not secret
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
