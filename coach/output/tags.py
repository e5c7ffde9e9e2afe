"""Tags and chapters as phone players read them, and the title that says what a session is.

Tags and chapters go to ffmpeg as an FFMETADATA file. ffmpeg writes MP3 chapters as ID3v2.3
CHAP frames with a CTOC and M4A chapters as a chapter list; two things it leaves to us: the MP3
comment (ffmpeg stores it as TXXX, players show COMM) and Ogg Vorbis chapters, which are Vorbis
comments (CHAPTER001=00:00:00.000, CHAPTER001NAME=Welcome).
"""

from __future__ import annotations

import importlib
import re
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coach import __version__
from coach.definitions.catalog import CUSTOM_ID
from coach.definitions.model import Level
from coach.options import PACES, Guidance, Options
from coach.script.timeline import Section, SectionKind, Timeline


def session_title(timeline: Timeline, options: Options) -> str:
    """What a session is, in a few words: "Healthy back · slow · 8 reps".

    The pace is always named (a feed lists several versions of one routine side by side); other
    choices only where they differ from the routine's own.
    """
    name = timeline.title
    if timeline.routine == CUSTOM_ID:  # a list of exercises: name them, not "Your session"
        names = [s.title for s in timeline.sections(SectionKind.EXERCISE)]
        name = " + ".join(names[:2]) + (f" + {len(names) - 2} more" if len(names) > 2 else "")
    paces = {value: key for key, value in PACES.items()}
    parts = [name, paces.get(options.pace, f"pace {options.pace:g}")]
    if options.reps is not None:
        parts.append(_count(options.reps, "rep"))
    if options.sets is not None:
        parts.append(_count(options.sets, "set"))
    if options.level is not Level.STANDARD:
        parts.append(options.level.value)
    if options.hold is not None:
        parts.append(f"{options.hold:g} s holds")
    if options.rest is not None:
        parts.append(f"{options.rest:g} s rests")
    if options.guidance is not Guidance.STANDARD:
        parts.append(f"{options.guidance.value} guidance")
    if options.breath_tones:
        parts.append("breath tones")
    return " · ".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ffmetadata(
    timeline: Timeline,
    title: str,
    album: str,
    track: int,
    tracks: int,
    chapters: Sequence[Section],
) -> str:
    tags = {
        "title": title,
        "album": album,
        "artist": "coach",
        "track": f"{track}/{tracks}",
        "genre": "Fitness",
        "comment": f"coach {__version__}: {timeline.routine}, {timeline.settings}",
    }
    lines = [";FFMETADATA1", *(f"{key}={_escape(value)}" for key, value in tags.items())]
    for chapter in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={chapter.start_ms}",
            f"END={chapter.end_ms}",
            f"title={_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def prepare_tags(fmt: str) -> None:
    """Import what finishing a file of format ``fmt`` needs (mutagen's ID3 frames take ~40 ms),
    so that it can be done while the encoder is still busy."""
    module = {"mp3": "mutagen.id3", "ogg": "mutagen.oggvorbis"}.get(fmt)
    if module:
        importlib.import_module(module)


def finish_mp3(path: Path) -> None:
    """COMM for the comment; CHAP frames back in time order (mutagen sorts frames by size)."""
    from mutagen.id3 import COMM, ID3

    tags = ID3(str(path))
    for frame in tags.getall("TXXX:comment"):
        tags.add(COMM(encoding=3, lang="eng", desc="", text=frame.text))
    tags.delall("TXXX:comment")
    tags.save(str(path), v2_version=3)
    order_chapters(path)


def order_chapters(path: Path) -> None:
    """Rewrite the ID3v2.3 frame area with the CHAP frames in time order, right after the CTOC.

    Players that list chapters in file order (ffprobe, several podcast apps) then show them as
    the session runs. The frames keep their bytes, so the tag keeps its size.
    """
    with path.open("r+b") as handle:
        header = handle.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] != 3 or header[5] & 0xC0:
            return  # not a plain ID3v2.3 tag (unsynchronised or extended): leave it as it is
        size = _syncsafe(header[6:10])
        area = handle.read(size)
        frames: list[tuple[bytes, bytes]] = []
        position = 0
        while position + 10 <= len(area) and area[position : position + 4] != b"\0\0\0\0":
            frame_id = area[position : position + 4]
            length = struct.unpack(">I", area[position + 4 : position + 8])[0]
            end = position + 10 + length
            if end > len(area):
                return
            frames.append((frame_id, area[position:end]))
            position = end
        chapters = sorted((f for f in frames if f[0] == b"CHAP"), key=_chapter_start)
        others = [f for f in frames if f[0] != b"CHAP"]
        at = next((i + 1 for i, f in enumerate(others) if f[0] == b"CTOC"), len(others))
        ordered = [*others[:at], *chapters, *others[at:]]
        handle.seek(10)
        handle.write(b"".join(data for _, data in ordered))


def _chapter_start(frame: tuple[bytes, bytes]) -> int:
    body = frame[1][10:]
    element_end = body.index(b"\0")
    return int(struct.unpack(">I", body[element_end + 1 : element_end + 5])[0])


def _syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def ogg_chapters(path: Path, chapters: Sequence[Section]) -> None:
    """Vorbis comment chapters, which ffmpeg's Ogg muxer leaves out."""
    from mutagen.oggvorbis import OggVorbis

    audio = OggVorbis(str(path))
    comments: Any = audio.tags  # typed as optional; a Vorbis stream always has its comments
    for index, chapter in enumerate(chapters, 1):
        comments[f"CHAPTER{index:03d}"] = [_chapter_clock(chapter.start_ms)]
        comments[f"CHAPTER{index:03d}NAME"] = [chapter.title]
    audio.save()


def _chapter_clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
