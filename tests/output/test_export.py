"""Exported files, checked as a listener's player sees them: duration, where speech lands,
loudness and true peak (ffmpeg's ebur128), tags and chapters (mutagen), playlists, atomicity."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools
from helpers import decode
from typer.testing import CliRunner

from coach import session
from coach.cli import app
from coach.errors import ExitCode
from coach.options import Options
from coach.script.formats import to_json
from coach.script.timeline import Sound, Speech
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice

pytestmark = needs_audio_tools

TARGETS = ["bridge"]
OPTIONS = Options(reps=8, pace=0.75)  # eight: "six" and "seven" test the peaks


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> Voice:
    return Voice(VoiceSettings(), cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory, voice):
    out = tmp_path_factory.mktemp("out") / "session.mp3"
    result = session.export(TARGETS, OPTIONS, out, voice, cues=True)
    timeline = session.voiced_timeline(TARGETS, OPTIONS, voice)
    return out, result, timeline


def ebur128(path: Path) -> tuple[float, float]:
    log = subprocess.run(
        ["ffmpeg", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = log[log.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return integrated, peak


def test_duration_equals_the_timeline(exported):
    from pydub import AudioSegment

    out, result, timeline = exported
    assert result.duration_ms == timeline.duration_ms
    assert abs(len(decode(out)) / 22050 * 1000 - timeline.duration_ms) <= 10
    assert abs(len(AudioSegment.from_file(out)) - timeline.duration_ms) <= 10


def test_speech_lands_where_the_cue_sheet_says(exported):
    out, _, timeline = exported
    audio = decode(out)
    sounds = list(timeline.sounds())
    speech = list(timeline.speech())
    checked = 0
    for before, event in zip([None, *speech], speech, strict=False):
        quiet_before = before is None or event.start_ms - before.end_ms >= 300
        no_sound = not any(
            s.start_ms - 300 < event.start_ms < s.end_ms + 300
            for s in sounds
            if not isinstance(s, Speech)
        )
        if not (quiet_before and no_sound):
            continue
        lo = int((event.start_ms - 150) * 22.05)
        window = np.abs(audio[lo : lo + int(300 * 22.05)])
        onset_ms = event.start_ms - 150 + np.flatnonzero(window > 0.01)[0] / 22.05
        assert abs(onset_ms - event.start_ms) <= 20, (event.text, onset_ms, event.start_ms)
        checked += 1
    assert checked >= 10


def test_loudness_and_true_peak(exported):
    out, _, _ = exported
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.5


def test_tags_and_chapters_read_back(exported):
    from mutagen.id3 import ID3

    out, _, timeline = exported
    tags = ID3(str(out))
    assert tags.version[:2] == (2, 3)
    # The title says what the session is; the album is the routine.
    assert str(tags["TIT2"]) == "Bridge · slow · 8 reps"
    assert str(tags["TALB"]) == "Your session"
    assert (
        str(tags["TPE1"]) == "coach"
        and str(tags["TRCK"]) == "1/1"
        and str(tags["TCON"]) == "Fitness"
    )
    comment = " ".join(str(f) for f in tags.getall("COMM"))
    assert "pace slow" in comment and "reps 8" in comment
    (toc,) = tags.getall("CTOC")
    chapters = tags.getall("CHAP")  # in the order they are stored
    assert len(toc.child_element_ids) == len(chapters) == 3
    expected = timeline.chapters()
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == ["Welcome", "Bridge", "Closing"]
    assert [(c.start_time, c.end_time) for c in chapters] == [
        (e.start_ms, e.end_ms) for e in expected
    ]


def test_cue_sheet_written_beside(exported):
    out, result, _ = exported
    vtt = out.with_suffix(".vtt")
    assert vtt in result.files and vtt.read_text().startswith("WEBVTT")


def test_plan_prints_exactly_what_export_says(exported, voice):
    _, _, timeline = exported
    result = CliRunner().invoke(
        app,
        [
            "plan",
            *TARGETS,
            "--reps",
            str(OPTIONS.reps),
            "--pace",
            "0.75",
            "-f",
            "json",
            "--cache-dir",
            str(voice.cache.folder),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(to_json(timeline))


def test_split_writes_a_file_per_chapter_and_a_playlist(tmp_path, voice):
    out = tmp_path / "s.mp3"
    result = session.export(TARGETS, OPTIONS, out, voice, split=True)
    names = [p.name for p in result.files]
    assert names == ["s-01-welcome.mp3", "s-02-bridge.mp3", "s-03-closing.mp3", "s.m3u8"]
    playlist = (tmp_path / "s.m3u8").read_text().splitlines()
    assert playlist[0] == "#EXTM3U"
    durations = [
        float(line.split(":")[1].split(",")[0]) for line in playlist if line.startswith("#EXTINF")
    ]
    decoded = [len(decode(tmp_path / name)) / 22050 for name in names[:-1]]
    assert durations == pytest.approx(decoded, abs=0.01)
    timeline = session.voiced_timeline(TARGETS, OPTIONS, voice)
    assert sum(durations) == pytest.approx(timeline.duration_ms / 1000, abs=0.01)


@pytest.mark.parametrize("suffix", ["m4a", "ogg", "wav"])
def test_other_formats(tmp_path, voice, suffix):
    out = tmp_path / f"s.{suffix}"
    session.export(["pelvic-tilt"], Options(reps=1), out, voice)
    timeline = session.voiced_timeline(["pelvic-tilt"], Options(reps=1), voice)
    # AAC adds a frame of priming (1024 samples, 46 ms) that not every decoder trims.
    tolerance = 50 if suffix == "m4a" else 10
    assert abs(len(decode(out)) / 22.05 - timeline.duration_ms) <= tolerance


def test_a_failed_export_leaves_the_old_file_byte_for_byte(tmp_path, voice):
    out = tmp_path / "keep.mp3"
    out.write_bytes(b"the user's old file")
    calls = []

    def fail_midway(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        session.export(TARGETS, OPTIONS, out, voice, cues=True, encode_progress=fail_midway)
    assert out.read_bytes() == b"the user's old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mp3"]


def test_missing_ffmpeg_is_one_line_with_the_fix(tmp_path, monkeypatch, voice):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(
        app,
        ["export", "bridge", "-o", str(tmp_path / "x.mp3"), "--cache-dir", str(voice.cache.folder)],
    )
    assert result.exit_code == ExitCode.MISSING_DEPENDENCY
    assert (
        result.output.strip()
        == "coach: error: ffmpeg is not installed; install it: sudo apt-get install ffmpeg (or run scripts/setup.sh)"
    )


def test_breath_tones_are_in_the_export(tmp_path, voice):
    options = Options(reps=1, breath_tones=True)
    timeline = session.voiced_timeline(["spine-stretch"], options, voice)
    tones = [
        e for e in timeline.sounds() if isinstance(e, Sound) and e.name in ("inhale", "exhale")
    ]
    assert tones
    out = tmp_path / "tones.mp3"
    session.export(["spine-stretch"], options, out, voice)
    audio = decode(out)
    tone = tones[-1]
    middle = int((tone.start_ms + tone.end_ms) / 2 * 22.05)
    assert np.abs(audio[middle - 500 : middle + 500]).max() > 0.01
