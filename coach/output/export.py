"""Samples -> files: MP3 (or M4A, OGG, WAV) with tags and chapters, written atomically.

The mix is streamed to ffmpeg block by block, so memory does not grow with the session. Tags
and chapters go in through an FFMETADATA file: for MP3 that is ID3v2.3 with a CHAP frame per
exercise and a CTOC, which phone podcast players use to skip. Every file is written under a
temporary name beside its destination and renamed into place only when complete, so a failed
or interrupted export leaves what was there before untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from coach import __version__
from coach.audio.mixer import Levels, Mix
from coach.audio.wav import RATE
from coach.errors import ExportError, MissingDependencyError, OptionError
from coach.script.formats import to_vtt
from coach.script.timeline import Section, Timeline

Progress = Callable[[int, int], None]  # (samples done, samples in all)


class AudioFormat(StrEnum):
    MP3 = "mp3"
    M4A = "m4a"
    OGG = "ogg"
    WAV = "wav"


# muxer, codec arguments by default (speech-quality VBR where the codec has it), codec for CBR
_CODECS: dict[AudioFormat, tuple[str, list[str], list[str]]] = {
    AudioFormat.MP3: ("mp3", ["-c:a", "libmp3lame", "-q:a", "6"], ["-c:a", "libmp3lame"]),
    AudioFormat.M4A: ("ipod", ["-c:a", "aac", "-b:a", "48k"], ["-c:a", "aac"]),
    AudioFormat.OGG: ("ogg", ["-c:a", "libvorbis", "-q:a", "2"], ["-c:a", "libvorbis"]),
    AudioFormat.WAV: ("wav", ["-c:a", "pcm_s16le"], ["-c:a", "pcm_s16le"]),
}
_EXTRA: dict[AudioFormat, list[str]] = {
    AudioFormat.MP3: ["-id3v2_version", "3", "-write_xing", "1"],
    AudioFormat.M4A: ["-movflags", "+faststart"],
}


@dataclass(frozen=True)
class Exported:
    files: tuple[Path, ...]
    levels: Levels
    duration_ms: int


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if not found:
        raise MissingDependencyError(
            "ffmpeg is not installed",
            "install it: sudo apt-get install ffmpeg (or run scripts/setup.sh)",
        )
    return found


def audio_format(path: Path, explicit: str | None = None) -> AudioFormat:
    name = (explicit or path.suffix.lstrip(".") or "mp3").lower()
    try:
        return AudioFormat(name)
    except ValueError:
        allowed = ", ".join(f.value for f in AudioFormat)
        raise OptionError(f"cannot write {name!r} audio: use one of {allowed}") from None


def check_bitrate(bitrate: str | None) -> str | None:
    if bitrate is None:
        return None
    match = re.fullmatch(r"(\d+)k?", bitrate.strip().lower())
    if not match or not 16 <= int(match.group(1)) <= 320:
        raise OptionError(
            f"--bitrate {bitrate!r}: give kilobits per second from 16 to 320, like 64k"
        )
    return f"{int(match.group(1))}k"


def export(
    timeline: Timeline,
    mix: Mix,
    path: Path,
    fmt: AudioFormat,
    bitrate: str | None = None,
    split: bool = False,
    cues: bool = False,
    progress: Progress | None = None,
    levels: Levels | None = None,
) -> Exported:
    encoder = ffmpeg()
    bitrate = check_bitrate(bitrate)
    if not path.parent.is_dir():
        raise ExportError(
            f"{path.parent} is not a folder", "create it first or pick another -o path"
        )
    levels = levels or mix.measure()
    written: list[Path] = []
    with _staging() as stage:
        if split:
            written = _export_split(
                encoder, timeline, mix, path, fmt, bitrate, levels, stage, progress
            )
        else:
            meta = _metadata(timeline, timeline.title, 1, 1, timeline.chapters())
            _encode(
                encoder,
                mix,
                0,
                mix.length,
                levels.gain,
                meta,
                stage.temp(path),
                fmt,
                bitrate,
                progress,
            )
            written = [path]
        if cues:
            cue_path = path.with_suffix(".vtt")
            stage.temp(cue_path).write_text(to_vtt(timeline), encoding="utf-8")
            written.append(cue_path)
        stage.commit()
    return Exported(tuple(written), levels, timeline.duration_ms)


class _Stage:
    """Temporary files beside their destinations, renamed into place all at once at the end."""

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}

    def temp(self, final: Path) -> Path:
        fd, name = tempfile.mkstemp(
            prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent
        )
        os.close(fd)
        self.pending[final] = Path(name)
        return Path(name)

    def commit(self) -> None:
        for final, temp in self.pending.items():
            temp.chmod(0o644)
            temp.replace(final)
        self.pending.clear()

    def discard(self) -> None:
        for temp in self.pending.values():
            temp.unlink(missing_ok=True)


@contextmanager
def _staging() -> Iterator[_Stage]:
    stage = _Stage()
    try:
        yield stage
    finally:
        stage.discard()


def _export_split(
    encoder: str,
    timeline: Timeline,
    mix: Mix,
    path: Path,
    fmt: AudioFormat,
    bitrate: str | None,
    levels: Levels,
    stage: _Stage,
    progress: Progress | None,
) -> list[Path]:
    chapters = timeline.chapters()
    files: list[tuple[Path, int, Section]] = []
    done = 0
    for index, chapter in enumerate(chapters, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", chapter.title.lower()).strip("-") or "part"
        final = path.with_name(f"{path.stem}-{index:02d}-{slug}{path.suffix or '.' + fmt.value}")
        temp = stage.temp(final)
        start, end = mix.sample(chapter.start_ms), mix.sample(chapter.end_ms)
        within = Section(0, chapter.end_ms - chapter.start_ms, chapter.kind, chapter.title)
        meta = _metadata(timeline, chapter.title, index, len(chapters), [within])

        def step(samples: int, _total: int, offset: int = done) -> None:
            if progress:
                progress(offset + samples, mix.length)

        _encode(encoder, mix, start, end, levels.gain, meta, temp, fmt, bitrate, step)
        done += end - start
        files.append((final, end - start, chapter))
    lines = ["#EXTM3U", f"#PLAYLIST:{timeline.title}"]
    for final, samples, chapter in files:
        # The exact length of the audio in the file (decoders drop the encoder's padding).
        lines.append(f"#EXTINF:{samples / RATE:.3f},{timeline.title} - {chapter.title}")
        lines.append(final.name)
    playlist = path.with_suffix(".m3u8")
    stage.temp(playlist).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [final for final, _, _ in files] + [playlist]


def _comment_as_comm(path: Path) -> None:
    """ffmpeg stores an MP3 comment as TXXX:comment; players show the standard COMM frame."""
    from mutagen.id3 import COMM, ID3

    tags = ID3(str(path))
    for frame in tags.getall("TXXX:comment"):
        tags.add(COMM(encoding=3, lang="eng", desc="", text=frame.text))
    tags.delall("TXXX:comment")
    tags.save(str(path), v2_version=3)


def _metadata(
    timeline: Timeline, title: str, track: int, tracks: int, chapters: list[Section]
) -> str:
    tags = {
        "title": title,
        "album": timeline.title,
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


def _widen_pipe(fd: int) -> None:
    """Let the mix run ahead of the encoder: with the default 64 KB pipe, ffmpeg would wait
    for every block to be rendered. Linux allows 1 MB without privileges."""
    with contextlib.suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)


def _escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def _encode(
    encoder: str,
    mix: Mix,
    start: int,
    end: int,
    gain: float,
    metadata: str,
    out: Path,
    fmt: AudioFormat,
    bitrate: str | None,
    progress: Progress | None,
) -> None:
    muxer, vbr, cbr = _CODECS[fmt]
    codec = [*cbr, "-b:a", bitrate] if bitrate and fmt is not AudioFormat.WAV else vbr
    with tempfile.TemporaryDirectory(prefix="coach-export-") as folder:
        meta_path = Path(folder) / "metadata.txt"
        meta_path.write_text(metadata, encoding="utf-8")
        log_path = Path(folder) / "ffmpeg.log"
        command = [
            encoder, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0",
            "-f", "ffmetadata", "-i", str(meta_path),
            "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
            *codec, *_EXTRA.get(fmt, []), "-f", muxer, str(out),
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=log)
            assert process.stdin is not None
            _widen_pipe(process.stdin.fileno())
            try:
                done = 0
                for chunk in mix.pcm16(gain, start=start, size=min(RATE * 4, max(end - start, 1))):
                    samples = min(len(chunk) // 2, end - start - done)
                    process.stdin.write(chunk[: samples * 2])
                    done += samples
                    if progress:
                        progress(done, end - start)
                    if done >= end - start:
                        break
                process.stdin.close()
                code = process.wait()
            except BrokenPipeError:
                code = process.wait() or 1  # ffmpeg stopped early; its log says why
            except BaseException:
                process.kill()
                process.wait()
                raise
        if code == 0 and fmt is AudioFormat.MP3:
            _comment_as_comm(out)
        if code != 0:
            detail = log_path.read_text(errors="replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit code {code}"
            raise ExportError(f"ffmpeg failed to write {fmt.value}: {reason}")
