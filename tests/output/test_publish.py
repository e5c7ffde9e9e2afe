"""What a phone player reads (chapters in order, in every format; a title that says what the
session is; a cue sheet per split file) and the last check before publishing: a silent or
clipped file is never renamed into place."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest
from conftest import needs_audio_tools
from helpers import compile_ids

from coach import session
from coach.audio.mixer import Levels, Mix
from coach.errors import ExportError
from coach.options import Options
from coach.output.encode import AudioFormat
from coach.output.export import export
from coach.output.tags import session_title
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice

pytestmark = needs_audio_tools

TARGETS = ["pelvic-tilt", "knee-to-chest", "bridge", "hamstring-stretch"]
OPTIONS = Options(reps=1)


@pytest.fixture(scope="module")
def voice(shared_cache: Path) -> Voice:
    return Voice(VoiceSettings(), cache_dir=shared_cache)


def ffprobe_chapters(path: Path) -> list[tuple[int, str]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [(int(c["start"]), c["tags"]["title"]) for c in json.loads(out)["chapters"]]


@pytest.mark.parametrize("suffix", ["mp3", "ogg", "m4a"])
def test_chapters_are_stored_in_time_order_in_every_format(tmp_path, voice, suffix):
    out = tmp_path / f"s.{suffix}"
    session.export(TARGETS, OPTIONS, out, voice)
    timeline = session.voiced_timeline(TARGETS, OPTIONS, voice)
    expected = [(c.start_ms, c.title) for c in timeline.chapters()]
    assert len(expected) == 6
    # ffprobe lists chapters in the order the file stores them.
    assert ffprobe_chapters(out) == expected


def test_ogg_chapters_are_vorbis_comments(tmp_path, voice):
    from mutagen.oggvorbis import OggVorbis

    out = tmp_path / "s.ogg"
    session.export(["bridge"], OPTIONS, out, voice)
    tags = OggVorbis(str(out)).tags
    assert tags["CHAPTER001"] == ["00:00:00.000"] and tags["CHAPTER001NAME"] == ["Welcome"]
    assert tags["CHAPTER002NAME"] == ["Bridge"]


def test_the_title_says_what_the_session_is():
    def title(ident: str, options: Options) -> str:
        return session_title(compile_ids(ident, options=options), options)

    assert title("healthy-back", Options(pace=0.75, reps=8)) == "Healthy back · slow · 8 reps"
    assert title("healthy-back", Options()) == "Healthy back · normal"
    options = Options.from_strings(
        pace="0.8", level="advanced", sets="1", hold="20", rest="5", guidance="brief"
    )
    assert title("short-daily", options) == (
        "Short daily · pace 0.8 · 1 set · advanced · 20 s holds · 5 s rests · brief guidance"
    )


def test_split_writes_a_cue_sheet_per_file_timed_from_its_start(tmp_path, voice):
    out = tmp_path / "s.mp3"
    result = session.export(["bridge"], OPTIONS, out, voice, split=True, cues=True)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(p.name for p in result.files)
    assert "s.vtt" not in names
    timeline = session.voiced_timeline(["bridge"], OPTIONS, voice)
    for index, chapter in enumerate(timeline.chapters(), 1):
        audio = next(p for p in result.files if p.name.startswith(f"s-{index:02d}-"))
        sheet = audio.with_suffix(".vtt").read_text(encoding="utf-8")
        first = next(e for e in timeline.speech() if e.start_ms >= chapter.start_ms)
        offset = first.start_ms - chapter.start_ms
        stamp = f"00:00:{offset // 1000:02d}.{offset % 1000:03d} -->"
        assert sheet.startswith("WEBVTT") and stamp in sheet, (audio.name, stamp)


@pytest.mark.parametrize(
    ("levels", "word"),
    [
        (Levels(-20.0, -12.0, -120.0), "silent"),
        (Levels(-20.0, -12.0, 45.0), "clipped"),
        (Levels(math.nan, -12.0, 4.0), "silent"),
        (Levels(-20.0, -12.0, math.nan), "silent"),
        (Levels(-math.inf, -math.inf, 0.0), "silent"),
    ],
)
def test_a_silent_or_clipped_session_is_refused_before_encoding(tmp_path, voice, levels, word):
    timeline = session.voiced_timeline(["bridge"], OPTIONS, voice)
    out = tmp_path / "keep.mp3"
    out.write_bytes(b"the user's old file")
    with pytest.raises(ExportError, match=word) as caught:
        export(timeline, Mix(timeline, voice), out, AudioFormat.MP3, cues=True, levels=levels)
    assert "\n" not in str(caught.value)
    assert out.read_bytes() == b"the user's old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mp3"]


class _Louder(Mix):
    """A mix whose rendering (what the encoder gets) is not what its levels say."""

    def __init__(self, timeline, voice, factor: float) -> None:
        super().__init__(timeline, voice)
        self.factor = factor

    def pcm16(self, gain: float = 1.0, start: int = 0, size: int = 88200):
        return super().pcm16(gain * self.factor, start, size)


@pytest.mark.parametrize(
    ("factor", "word"), [(0.0, "silent"), (30.0, "clipped"), (0.4, "does not sound")]
)
def test_an_encoded_file_unlike_the_mix_is_not_published(tmp_path, voice, factor, word):
    timeline = session.voiced_timeline(["bridge"], OPTIONS, voice)
    out = tmp_path / "keep.ogg"
    out.write_bytes(b"the user's old file")
    mix = _Louder(timeline, voice, factor)
    with pytest.raises(ExportError, match=word):
        export(
            timeline, mix, out, AudioFormat.OGG, split=True, levels=Mix(timeline, voice).measure()
        )
    assert out.read_bytes() == b"the user's old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.ogg"]
