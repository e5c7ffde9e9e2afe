"""What a phone player reads (chapters in order, in every format; a title that says what the
session is; a cue sheet per split file) and the last check before publishing: a silent or
clipped file is never renamed into place."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from conftest import needs_audio_tools

from coach import session
from coach.audio.mixer import Levels, Mix
from coach.errors import ExportError
from coach.options import Options
from coach.output.export import AudioFormat, export
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
    assert session_title("Healthy back", Options(pace=0.75, reps=8)) == (
        "Healthy back · slow · 8 reps"
    )
    assert session_title("Healthy back", Options()) == "Healthy back"
    options = Options.from_strings(pace="0.8", level="advanced", sets="1", hold="20", rest="5")
    assert session_title("Short daily", options) == (
        "Short daily · pace 0.8 · advanced · 1 set · 20 s holds · 5 s rests"
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


@pytest.mark.parametrize(("gain_db", "word"), [(-120.0, "silent"), (45.0, "clipped")])
def test_a_silent_or_clipped_file_is_never_published(tmp_path, voice, gain_db, word):
    timeline = session.voiced_timeline(["bridge"], OPTIONS, voice)
    mix = Mix(timeline, voice)
    out = tmp_path / "keep.mp3"
    out.write_bytes(b"the user's old file")
    bad = dataclasses.replace(Levels(-20.0, -12.0, 0.0), gain_db=gain_db)
    with pytest.raises(ExportError, match=word) as caught:
        export(timeline, mix, out, AudioFormat.MP3, cues=True, levels=bad)
    assert "\n" not in str(caught.value)
    assert out.read_bytes() == b"the user's old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mp3"]


def test_the_published_file_is_measured(tmp_path, voice):
    result = session.export(["bridge"], OPTIONS, tmp_path / "s.wav", voice)
    (measured,) = result.measured
    assert measured.loudness == pytest.approx(-16.0, abs=1.0)
    assert measured.true_peak <= -1.5
