"""The session store: rendered sessions kept on disk for the web page and the podcast feed.

Each session lives in ``<root>/sessions/<id>/`` as ``audio.mp3`` (or ``.m4a``) and
``session.json``. The id is a digest of what the session is (its targets, options and voice), so
the same request always finds the same entry and a feed item's GUID survives restarts. The JSON
is written last, atomically: an entry without it, or whose audio was deleted by hand, is simply
not there, and the next request for it renders it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach.audio.wav import write_atomic
from coach.script.timeline import Timeline

ID_PATTERN = re.compile(r"[0-9a-f]{16}")
MEDIA_TYPES: Mapping[str, str] = {".mp3": "audio/mpeg", ".m4a": "audio/mp4"}
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str


@dataclass(frozen=True)
class Stored:
    """One rendered session in the store."""

    id: str
    title: str  # what it is, e.g. "Healthy back · slow · 8 reps"
    routine: str  # the routine id ("custom" for a list of exercises), for per-routine art
    routine_name: str
    settings: str  # the options in words
    created: datetime
    duration_ms: int
    chapters: tuple[Chapter, ...]
    audio: Path
    size: int  # bytes of audio, as a feed's enclosure must say

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.audio.suffix, "application/octet-stream")

    @property
    def filename(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "session"
        return f"{slug[:60]}-{self.id[:6]}{self.audio.suffix}"


def session_key(parts: Mapping[str, Any]) -> str:
    """A short, stable digest of what makes a session what it is."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class SessionStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "sessions"

    def audio_path(self, ident: str, suffix: str = ".mp3") -> Path:
        """Where a new session's audio goes; its folder is made if need be."""
        folder = self._folder(ident)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"audio{suffix}"

    def get(self, ident: str) -> Stored | None:
        """The complete entry ``ident``, or None (never an error for a bad or missing id)."""
        if not ID_PATTERN.fullmatch(ident):
            return None
        return self._read(self.folder / ident)

    def all(self) -> list[Stored]:
        """Every complete entry, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for folder in self.folder.iterdir():
            if ID_PATTERN.fullmatch(folder.name):
                entry = self._read(folder)
                if entry is not None:
                    found.append(entry)
        return sorted(found, key=lambda s: (s.created, s.id), reverse=True)

    def put(self, ident: str, timeline: Timeline, title: str, audio: Path) -> Stored:
        """Record the session whose audio is already at ``audio`` (from :meth:`audio_path`)."""
        folder = self._folder(ident)
        if audio.parent != folder:
            raise ValueError(f"{audio} is not in the store entry {ident}")
        chapters = [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "title": c.title}
            for c in timeline.chapters()
        ]
        record = {
            "version": _FORMAT_VERSION,
            "id": ident,
            "title": title,
            "routine": timeline.routine,
            "routine_name": timeline.title,
            "settings": timeline.settings,
            "created": datetime.now(UTC).isoformat(timespec="microseconds"),
            "duration_ms": timeline.duration_ms,
            "chapters": chapters,
            "audio": audio.name,
        }
        write_atomic(folder / "session.json", json.dumps(record, indent=1).encode())
        stored = self._read(folder)
        if stored is None:  # pragma: no cover - only if the disk changed under us
            raise OSError(f"the store entry {folder} could not be read back")
        return stored

    def remove(self, ident: str) -> None:
        if ID_PATTERN.fullmatch(ident):
            shutil.rmtree(self.folder / ident, ignore_errors=True)

    def _folder(self, ident: str) -> Path:
        if not ID_PATTERN.fullmatch(ident):
            raise ValueError(f"{ident!r} is not a session id")
        return self.folder / ident

    def _read(self, folder: Path) -> Stored | None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            record = json.loads((folder / "session.json").read_text(encoding="utf-8"))
            # The audio name comes from disk, not a request, but it must still stay in the folder.
            audio = folder / Path(str(record["audio"])).name
            if record["id"] != folder.name or audio.suffix not in MEDIA_TYPES:
                return None
            size = audio.stat().st_size
            return Stored(
                id=folder.name,
                title=str(record["title"]),
                routine=str(record["routine"]),
                routine_name=str(record["routine_name"]),
                settings=str(record["settings"]),
                created=datetime.fromisoformat(record["created"]),
                duration_ms=int(record["duration_ms"]),
                chapters=tuple(
                    Chapter(int(c["start_ms"]), int(c["end_ms"]), str(c["title"]))
                    for c in record["chapters"]
                ),
                audio=audio,
                size=size,
            )
        return None
