"""What a written audio file measures: its integrated loudness and true peak.

pydub decodes the file (it drives ffmpeg, whatever the format) to 16-bit samples, a quarter of
the memory of decoding to floats; they are measured a minute at a time with the export's own
BS.1770 meter, the K-weighting filter's ring-down carried from each minute into the next, so
the figures are those of the whole file at once.

The export knows its levels before encoding; an encoder moves them a little (an MP3 overshoots on
sibilants). A person who asks for the figures gets those of the file itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.audio.loudness import LoudnessMeter, k_weight, true_peak
from coach.errors import ExportError
from coach.output.export import ffmpeg


@dataclass(frozen=True)
class FileLevels:
    loudness: float  # LUFS, integrated (BS.1770)
    true_peak: float  # dBTP
    duration_s: float


CHUNK_S = 60


def measure_file(path: Path) -> FileLevels:
    """Decode ``path`` and measure its samples."""
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    ffmpeg()  # a missing ffmpeg is said as such, not as a file that cannot be read
    try:
        audio = AudioSegment.from_file(path).set_channels(1)
    except (CouldntDecodeError, KeyError, IndexError, ValueError) as error:
        said = [line.strip() for line in str(error).splitlines() if line.strip()]
        problem = said[-1] if said else "nothing"
        raise ExportError(f"cannot measure {path}: ffmpeg says {problem}") from None
    rate, width = audio.frame_rate, audio.sample_width
    if width not in (2, 4):  # what pydub makes of coach's files; others are not coach's
        raise ExportError(f"cannot measure {path}: {8 * width}-bit samples")
    pcm = np.frombuffer(audio.raw_data, dtype=f"<i{width}")
    meter, peak = LoudnessMeter(rate), -math.inf
    carry = np.zeros(0)
    for at in range(0, len(pcm), CHUNK_S * rate):
        samples = pcm[at : at + CHUNK_S * rate].astype(np.float32) / float(1 << (8 * width - 1))
        weighted = k_weight(samples, rate)
        weighted[: len(carry)] += carry
        meter.add(weighted[: len(samples)])
        carry = weighted[len(samples) :]
        peak = max(peak, true_peak(samples))
    meter.add(carry)
    return FileLevels(meter.integrated(), peak, len(pcm) / rate)
