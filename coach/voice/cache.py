"""The phrase cache: conditioned clips on disk, keyed on everything that shapes their sound.

The key is the engine's id and version, the voice, the rate, the text and the processing version.
Each entry is a 16-bit WAV carrying its true peak and a SHA-256 of its key and samples. Every
read verifies the entry (a regular file of sane size, mono 16-bit at the session rate, long
enough, a finite peak, the digest): anything else is removed and made again, never used, so a
relabelled, silenced, truncated or swapped clip cannot reach a session. Entries are published
with a hard link, so the first complete entry wins and concurrent runs all read that one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import stat
import struct
import tempfile
from pathlib import Path

import numpy as np

from coach.audio.loudness import true_peak
from coach.audio.wav import RATE, Samples, parse_wav, to_pcm16
from coach.errors import BadInputError
from coach.voice.condition import PROCESSING_VERSION
from coach.voice.engines.base import VoiceSettings

MAX_ENTRY_BYTES = 32 * 1024 * 1024  # 12 minutes of speech: far beyond any cue
MIN_SAMPLES = RATE // 100  # 10 ms: a conditioned phrase is never shorter
_PEAK = b"cpk "
_DIGEST = b"csum"


class CacheError(BadInputError):
    """The cache folder cannot be used; the user points --cache-dir elsewhere."""


def default_cache_dir() -> Path:
    env = os.environ.get("COACH_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach")) / "phrases"


def unusable(folder: Path, error: OSError) -> CacheError:
    reason = error.strerror or str(error)
    return CacheError(
        f"the phrase cache {folder} is not usable ({reason})",
        "pass --cache-dir PATH or set COACH_CACHE_DIR to a writable folder",
    )


def check_folder(folder: Path) -> None:
    """Raise :class:`CacheError` unless ``folder`` is (or can become) a writable folder."""
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(20, "it is not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe."):
            pass
    except OSError as error:
        raise unusable(folder, error) from None


def remove_entry(path: Path) -> None:
    """Remove whatever is at ``path`` (file, link, FIFO or folder) so a good entry can go there."""
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(path.lstat().st_mode):
            shutil.rmtree(path)
        else:
            path.unlink()


def read_regular(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The bytes of a regular file no larger than ``limit``; None for anything else or nothing."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode):
        remove_entry(path)
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            remove_entry(path)
            return None
        return handle.read(limit + 1)


def publish(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path`` unless a complete entry is already there; True if ours went in."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem[:16]}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise unusable(path.parent, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).chmod(0o644)
        try:
            os.link(temp, path)  # fails if an entry exists: the first complete entry wins
        except FileExistsError:
            return False
        except OSError:  # a filesystem without hard links: rename, still atomic
            Path(temp).replace(path)
        return True
    except OSError as error:
        raise unusable(path.parent, error) from None
    finally:
        Path(temp).unlink(missing_ok=True)


def _chunks(data: bytes) -> dict[bytes, bytes]:
    found, position = {}, 12
    while position + 8 <= len(data):
        name, size = data[position : position + 4], struct.unpack_from("<I", data, position + 4)[0]
        found[name] = data[position + 8 : position + 8 + size]
        position += 8 + size + (size & 1)
    return found


class PhraseCache:
    """Conditioned clips on disk, verified on every read; a bad entry is removed and remade."""

    def __init__(self, folder: Path, settings: VoiceSettings, engine: str) -> None:
        self.folder = folder
        self.settings = settings
        self.engine = engine  # the engine's id and version

    def key(self, text: str) -> str:
        return json.dumps(
            [text, self.settings.voice, self.settings.rate, self.engine, PROCESSING_VERSION]
        )

    def path(self, text: str) -> Path:
        digest = hashlib.sha256(self.key(text).encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def _digest(self, text: str, pcm: bytes) -> bytes:
        return hashlib.sha256(self.key(text).encode() + b"\0" + pcm).digest()

    def get(self, text: str) -> tuple[Samples, float] | None:
        """The clip and its true peak, or None when missing (or bad, and then removed)."""
        path = self.path(text)
        data = read_regular(path)
        if data is None:
            return None
        entry = self._verified(text, data)
        if entry is None:
            remove_entry(path)
        return entry

    def _verified(self, text: str, data: bytes) -> tuple[Samples, float] | None:
        try:
            rate, pcm16, peak = parse_wav(data)
        except (ValueError, struct.error):
            return None
        stored = _chunks(data).get(_DIGEST)
        if rate != RATE or len(pcm16) < MIN_SAMPLES or peak is None:
            return None
        if not math.isfinite(peak) or peak > 0 or stored != self._digest(text, pcm16.tobytes()):
            return None
        return pcm16.astype(np.float32) / np.float32(32768), peak

    def put(self, text: str, clip: Samples) -> bool:
        """Store the clip unless another run stored this phrase first; True if this one went in."""
        pcm = to_pcm16(clip)
        body = b"".join(
            [
                b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16),
                _PEAK + struct.pack("<Id", 8, true_peak(clip)),
                _DIGEST + struct.pack("<I", 32) + self._digest(text, pcm),
                b"data" + struct.pack("<I", len(pcm)) + pcm + b"\0" * (len(pcm) & 1),
            ]
        )
        path = self.path(text)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            remove_entry(path)
        elif path.exists() and self.get(text) is not None:
            return False
        return publish(path, b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body)


def clear_cache(folder: Path | None = None) -> int:
    """Remove every cached clip and session analysis, then the folders left empty."""
    folder = folder or default_cache_dir()
    count = 0
    if not folder.is_dir():
        return 0
    for entry in [*folder.glob("*/*.wav"), *folder.glob("levels/*.json"), *folder.glob("*/.*.tmp")]:
        with contextlib.suppress(OSError):
            remove_entry(entry)
            count += not entry.name.startswith(".")
    for sub in sorted(folder.iterdir()):
        with contextlib.suppress(OSError):
            if sub.is_dir() and not sub.is_symlink() and not any(sub.iterdir()):
                sub.rmdir()
    return count
