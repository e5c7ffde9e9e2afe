"""What a written audio file measures: its integrated loudness and true peak, decoded by ffmpeg.

The export knows its levels before encoding; an encoder moves them a little (an MP3 overshoots on
sibilants). A person who asks for the figures gets those of the file itself.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.audio.loudness import loudness, true_peak
from coach.audio.wav import RATE
from coach.errors import ExportError
from coach.output.export import ffmpeg


@dataclass(frozen=True)
class FileLevels:
    loudness: float  # LUFS, integrated (BS.1770)
    true_peak: float  # dBTP
    duration_s: float


def measure_file(path: Path) -> FileLevels:
    """Decode ``path`` to mono float samples at the session rate and measure them."""
    command = [ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
               "-ar", str(RATE), "-f", "f32le", "pipe:1"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        problem = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ExportError(f"cannot measure {path}: ffmpeg says {problem[0]}")
    samples = np.frombuffer(done.stdout, dtype=np.float32)
    return FileLevels(loudness(samples, RATE), true_peak(samples), len(samples) / RATE)
