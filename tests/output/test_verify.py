"""The check of an encoded file before it is published, on files broken in the ways an encoder
or a disk can break them: the check set up before the file is complete must refuse them all."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools

from coach import session
from coach.audio.loudness import loudness
from coach.audio.mixer import Mix
from coach.audio.wav import RATE
from coach.errors import ExportError
from coach.options import Options
from coach.output import verify
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice

pytestmark = needs_audio_tools

OPTIONS = Options(reps=1)


@pytest.fixture(scope="module")
def voice(shared_cache: Path) -> Voice:
    return Voice(VoiceSettings(), cache_dir=shared_cache)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, voice) -> tuple[Path, Mix, float]:
    out = tmp_path_factory.mktemp("verify") / "good.mp3"
    result = session.export(["bridge"], OPTIONS, out, voice)
    timeline = session.voiced_timeline(["bridge"], OPTIONS, voice)
    return out, Mix(timeline, voice), result.levels.gain


def check(mix: Mix, gain: float, fmt: str = "mp3") -> verify.FileCheck:
    return verify.FileCheck(
        shutil.which("ffmpeg") or "ffmpeg", fmt, verify.excerpt(mix, 0, mix.length, gain)
    )


def test_the_written_file_passes(exported):
    out, mix, gain = exported
    with check(mix, gain) as checking:
        checking.run(out, "good.mp3")


@pytest.mark.parametrize("content", [b"", b"not audio at all " * 1000])
def test_a_file_that_does_not_decode_is_refused(tmp_path, exported, content):
    _, mix, gain = exported
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(content)
    with check(mix, gain) as checking, pytest.raises(ExportError, match=r"does not decode|empty"):
        checking.run(broken, "broken.mp3")


def encoded(path: Path, source: str) -> Path:
    """A 30-second MP3 of an ffmpeg test source, at the session's rate."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-t", "30", "-ar", str(RATE),
         "-ac", "1", "-c:a", "libmp3lame", "-q:a", "6", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("source", "word"),
    [
        ("anullsrc=r=22050:cl=mono", "silent"),
        ("aevalsrc=0.99*sgn(sin(2*PI*1500*t)):s=22050", "clipped"),
    ],
)
def test_a_silent_or_clipped_file_is_refused(tmp_path, exported, source, word):
    _, mix, gain = exported
    bad = encoded(tmp_path / "bad.mp3", source)
    with check(mix, gain) as checking, pytest.raises(ExportError, match=word):
        checking.run(bad, "bad.mp3")


def test_a_file_unlike_the_mix_is_refused(exported):
    out, mix, gain = exported
    # The file is 12 dB louder than this mix: what an encoder handed other samples would write.
    with check(mix, gain / 4) as checking, pytest.raises(ExportError, match="does not sound"):
        checking.run(out, "good.mp3")


def test_a_file_decoded_shorter_is_compared_with_as_much_of_the_mix(exported):
    _, mix, gain = exported
    expected = verify.excerpt(mix, 0, mix.length, gain)
    assert expected.length == verify.EXCERPT_S * RATE
    assert expected.level(expected.length) == loudness(mix.render(0, expected.length, gain), RATE)
    short = RATE * 3
    assert expected.level(short) == loudness(mix.render(0, short, gain), RATE)


def test_an_unused_check_leaves_no_decoder_running(exported):
    _, mix, gain = exported
    checking = check(mix, gain)
    process = checking._process
    checking.close()
    assert process.poll() is not None


@pytest.mark.parametrize("fmt", ["mp3", "m4a", "ogg", "wav"])
def test_the_file_through_a_pipe_decodes_as_pydub_decoded_it_by_name(tmp_path, voice, fmt):
    """The check once had pydub decode the file by its name: the pipe must hear the same."""
    from pydub import AudioSegment

    out = tmp_path / f"s.{fmt}"
    session.export(["bridge"], OPTIONS, out, voice)
    mix = Mix(session.voiced_timeline(["bridge"], OPTIONS, voice), voice)
    excerpt = AudioSegment.from_file(str(out), codec=verify._DECODERS[fmt], duration=20)
    by_name = np.frombuffer(excerpt.raw_data, dtype="<i2").astype(np.float32) / 32768
    with check(mix, 1.0, fmt) as checking:
        heard = checking._decode(out)
    assert len(heard) == verify.EXCERPT_S * RATE
    np.testing.assert_array_equal(heard, by_name)
