"""Samples -> files: MP3 (or M4A, OGG, WAV) with tags and chapters, written atomically.

The mix is encoded by :mod:`coach.output.encode`, so memory does not grow with the session. Tags
and chapters go in through an FFMETADATA file: for MP3 that is ID3v2.3 with a CHAP frame per
exercise and a CTOC, which phone podcast players use to skip. Every file is written under a
temporary name beside its destination and renamed into place only when complete, so a failed
or interrupted export leaves what was there before untouched.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from coach.audio.mixer import Levels, Mix
from coach.audio.wav import RATE
from coach.errors import MissingDependencyError, OptionError
from coach.output import verify
from coach.output.encode import AudioFormat, Progress, encode
from coach.output.paths import Outputs, Stage, check_file, check_output, plan_outputs, staging
from coach.output.tags import ffmetadata, finish_mp3, ogg_chapters
from coach.script.formats import to_vtt
from coach.script.timeline import Section, Timeline


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


def check_destination(
    path: Path, fmt: AudioFormat, timeline: Timeline, split: bool = False, cues: bool = False
) -> Outputs:
    """Every file the export will write, each checked: call it before any work is done.

    ``timeline`` may be an estimate: only its chapter titles are used, to name split files.
    """
    target = check_output(path)
    suffix = path.suffix or f".{fmt.value}"
    titles = [c.title for c in timeline.chapters()] if split else None
    outputs = plan_outputs(target, suffix, titles, cues)
    for final in outputs.all:
        check_file(final)
    return outputs


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
    title: str | None = None,
) -> Exported:
    """Encode, tag, check and publish; ``title`` names the session (default: its routine)."""
    encoder = ffmpeg()
    bitrate = check_bitrate(bitrate)
    outputs = check_destination(path, fmt, timeline, split, cues)
    levels = levels or mix.measure()
    verify.check_mix(levels)
    name = title or timeline.title
    chapters = timeline.chapters()
    parts = list(zip(outputs.audio, chapters, strict=True)) if split else []
    with staging() as stage:
        if split:
            _export_split(
                encoder, timeline, mix, parts, fmt, bitrate, name, levels, stage, progress
            )
            assert outputs.playlist is not None  # a split export always has one
            stage.temp(outputs.playlist).write_text(_playlist(name, parts, mix), encoding="utf-8")
        else:
            (final,) = outputs.audio
            meta = ffmetadata(timeline, name, timeline.title, 1, 1, chapters)
            temp = stage.temp(final)
            with encode(
                encoder, mix, 0, mix.length, levels.gain, meta, temp, fmt, bitrate, progress
            ) as check:
                _finish(temp, fmt, chapters)
                check.run(temp, final.name)
        if outputs.cues:
            for sheet, part in zip(outputs.cues, _cue_timelines(timeline, split), strict=True):
                stage.temp(sheet).write_text(to_vtt(part), encoding="utf-8")
        stage.commit()
    return Exported(outputs.all, levels, timeline.duration_ms)


def _export_split(
    encoder: str,
    timeline: Timeline,
    mix: Mix,
    parts: list[tuple[Path, Section]],
    fmt: AudioFormat,
    bitrate: str | None,
    album: str,
    levels: Levels,
    stage: Stage,
    progress: Progress | None,
) -> None:
    done = 0
    for index, (final, chapter) in enumerate(parts, 1):
        temp = stage.temp(final)
        start, end = mix.sample(chapter.start_ms), mix.sample(chapter.end_ms)
        within = [Section(0, chapter.end_ms - chapter.start_ms, chapter.kind, chapter.title)]
        meta = ffmetadata(timeline, chapter.title, album, index, len(parts), within)

        def step(samples: int, _total: int, offset: int = done) -> None:
            if progress:
                progress(offset + samples, mix.length)

        with encode(encoder, mix, start, end, levels.gain, meta, temp, fmt, bitrate, step) as check:
            _finish(temp, fmt, within)
            check.run(temp, final.name)
        done += end - start


def _playlist(album: str, parts: list[tuple[Path, Section]], mix: Mix) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{album}"]
    for final, chapter in parts:
        samples = mix.sample(chapter.end_ms) - mix.sample(chapter.start_ms)
        # The exact length of the audio in the file (decoders drop the encoder's padding).
        lines.append(f"#EXTINF:{samples / RATE:.3f},{album} - {chapter.title}")
        lines.append(final.name)
    return "\n".join(lines) + "\n"


def _cue_timelines(timeline: Timeline, split: bool) -> list[Timeline]:
    """The session's cue sheet, or one per chapter with its times counted from the file's start."""
    if not split:
        return [timeline]
    return [_within(timeline, c.start_ms, c.end_ms, c.title) for c in timeline.chapters()]


def _within(timeline: Timeline, start: int, end: int, title: str) -> Timeline:
    events = [
        dataclasses.replace(e, start_ms=e.start_ms - start, end_ms=min(e.end_ms, end) - start)
        for e in timeline.events
        if start <= e.start_ms < end
    ]
    return dataclasses.replace(
        timeline, title=f"{timeline.title}: {title}", duration_ms=end - start, events=tuple(events)
    )


def _finish(temp: Path, fmt: AudioFormat, chapters: list[Section]) -> None:
    if fmt is AudioFormat.MP3:
        finish_mp3(temp)
    elif fmt is AudioFormat.OGG:
        ogg_chapters(temp, chapters)
