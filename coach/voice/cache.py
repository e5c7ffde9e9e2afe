"""The phrase cache: conditioned clips on disk, keyed on everything that shapes their sound.

Entries are 16-bit WAVs written atomically, each carrying its true peak; a corrupt entry is
removed so it is made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

from coach.audio.loudness import true_peak
from coach.audio.wav import Samples, read_clip, write_wav_atomic
from coach.voice.condition import PROCESSING_VERSION
from coach.voice.engines.base import VoiceSettings


def default_cache_dir() -> Path:
    env = os.environ.get("COACH_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach")) / "phrases"


class PhraseCache:
    """Conditioned clips on disk. Entries are written atomically; a bad entry is remade."""

    def __init__(self, folder: Path, settings: VoiceSettings, engine: str) -> None:
        self.folder = folder
        self.settings = settings
        self.engine = engine  # the engine's id and version

    def path(self, text: str) -> Path:
        key = json.dumps(
            [text, self.settings.voice, self.settings.rate, self.engine, PROCESSING_VERSION]
        )
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def get(self, text: str) -> tuple[Samples, float] | None:
        """The clip and its true peak, or None when missing (or corrupt, and then removed)."""
        path = self.path(text)
        try:
            clip, peak = read_clip(path)
        except FileNotFoundError:
            return None
        except (ValueError, OSError, struct.error):
            path.unlink(missing_ok=True)  # corrupt: drop it so it is made again
            return None
        return clip, peak if peak is not None else true_peak(clip)

    def put(self, text: str, clip: Samples) -> None:
        write_wav_atomic(self.path(text), clip, peak=true_peak(clip))


def clear_cache(folder: Path | None = None) -> int:
    """Remove every cached clip and session analysis; return how many files went."""
    folder = folder or default_cache_dir()
    count = 0
    if folder.exists():
        for entry in [*folder.glob("*/*.wav"), *folder.glob("levels/*.json")]:
            entry.unlink(missing_ok=True)
            count += 1
    return count
