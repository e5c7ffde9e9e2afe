"""Encoding a mix: an MP3 of a minute or more by two encoders at once, joined exactly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools
from helpers import decode

from coach import session
from coach.audio.mixer import Mix
from coach.audio.wav import RATE
from coach.options import Options
from coach.output import encode, mp3join
from coach.output.encode import AudioFormat
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice

pytestmark = needs_audio_tools

OPTIONS = Options(reps=8, pace=0.75)  # about three minutes
FFMPEG = shutil.which("ffmpeg") or "ffmpeg"


@pytest.fixture(scope="module")
def mixed(shared_cache: Path) -> tuple[Mix, float]:
    voice = Voice(VoiceSettings(), cache_dir=shared_cache)
    mix = Mix(session.voiced_timeline(["bridge"], OPTIONS, voice), voice)
    return mix, mix.measure().gain


def run(
    mix: Mix, gain: float, out: Path, fmt: AudioFormat, start: int = 0, end: int = 0,
    ffmpeg: str = FFMPEG, rising: bool = True,
) -> None:  # fmt: skip
    """Encode as export does, with two encoders whatever the cores. Progress reaches the whole,
    and only rises (but where the halves are refused and the whole encoded again)."""
    meta = ";FFMETADATA1\ntitle=Bridge\n"
    seen: list[tuple[int, int]] = []
    with encode.encode(
        ffmpeg, mix, start, end or mix.length, gain, meta, out, fmt, None,
        lambda done, total: seen.append((done, total)), encoders=2,
    ) as check:  # fmt: skip
        check.run(out, out.name)
    assert seen[-1][0] == seen[-1][1] == (end or mix.length) - start
    if rising:
        assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def snr(heard: np.ndarray, meant: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(meant**2) / np.sum((heard - meant) ** 2)))


def test_a_long_mp3_is_two_halves_joined_in_a_quiet_moment(tmp_path, mixed):
    mix, gain = mixed
    seam = encode._seam(mix, 0, mix.length, 2)
    assert seam is not None and encode._seam(mix, 0, mix.length, 1) is None
    cut, resume = seam
    assert mix.length / 4 < cut < mix.length * 3 / 4
    assert not mix.render(cut - 576, resume + 576).any()

    out = tmp_path / "two.mp3"
    run(mix, gain, out, AudioFormat.MP3)

    heard, meant = decode(out), mix.render(0, mix.length, gain)
    assert len(heard) == mix.length
    assert not heard[cut - 576 : resume + 576].any()
    # Either side of the seam, as close to the mix as the encoder gets.
    assert snr(heard[:cut], meant[:cut]) > 12 and snr(heard[resume:], meant[resume:]) > 12
    head = mp3join.header(out.read_bytes())
    assert head.samples == mix.length and head.frames * 576 > mix.length


def test_a_stretch_of_a_mix_is_encoded_exactly(tmp_path, mixed):
    """What a split export encodes: samples from the middle of the session."""
    mix, gain = mixed
    start, end = mix.length // 8, mix.length - mix.length // 8
    assert encode._seam(mix, start, end, 2) is not None
    out = tmp_path / "part.mp3"
    run(mix, gain, out, AudioFormat.MP3, start, end)
    heard = decode(out)
    assert len(heard) == end - start
    assert snr(heard, mix.render(start, end, gain)) > 12


def test_short_sessions_and_other_formats_take_one_encoder(tmp_path, mixed):
    mix, gain = mixed
    assert encode._seam(mix, 0, encode.TWO_ENCODERS_FROM_S * RATE - 1, 2) is None
    out = tmp_path / "one.m4a"
    run(mix, gain, out, AudioFormat.M4A)
    assert abs(len(decode(out)) - mix.length) < 2048  # AAC's frames; the length is in its edit


class FailingLate(Mix):
    """A mix whose last quarter cannot be rendered (as if a clip could not be read): only the
    second encoder's feed, in its own thread, meets it."""

    error: type[Exception] = RuntimeError

    def render(self, start: int, end: int, gain: float = 1.0) -> np.ndarray:
        if start >= self.length * 3 // 4:
            raise self.error("a clip could not be read")
        return super().render(start, end, gain)


def children() -> list[str]:
    listed = subprocess.run(
        ["ps", "-o", "stat=,comm=", "--ppid", str(os.getpid())],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return [line for line in listed if "ffmpeg" in line and not line.lstrip().startswith("Z")]


# ValueError too: the feed must not mistake it for a closed pipe and publish a short file.
@pytest.mark.parametrize("error", [RuntimeError, ValueError])
def test_a_failure_feeding_the_second_encoder_stops_both(tmp_path, mixed, error):
    mix, gain = mixed
    failing = FailingLate(mix.timeline, mix.speech)
    failing.error = error
    seam = encode._seam(failing, 0, failing.length, 2)
    assert seam is not None and seam[0] < failing.length * 3 // 4
    out = tmp_path / "never.mp3"
    with pytest.raises(error, match="could not be read"):
        run(failing, gain, out, AudioFormat.MP3)
    assert children() == []


def test_an_encoder_whose_halves_cannot_be_joined_encodes_at_once(tmp_path, mixed):
    """An ffmpeg that writes no Xing header: the halves are refused, the session is encoded
    again in one piece, and that ffmpeg is not asked for halves again."""
    mix, gain = mixed
    calls = tmp_path / "calls"
    wrapper = tmp_path / "ffmpeg-without-xing"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "if '-write_xing' in args:  # an encoder, not the check's decoder\n"
        "    args[args.index('-write_xing') + 1] = '0'\n"
        f"    open({str(calls)!r}, 'a').write('encoder\\n')\n"
        f"os.execv({FFMPEG!r}, [{FFMPEG!r}, *args])\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    for attempt, runs in enumerate((3, 1)):  # two halves and the whole; then the whole only
        calls.write_text("")
        out = tmp_path / f"whole-{attempt}.mp3"
        run(mix, gain, out, AudioFormat.MP3, ffmpeg=str(wrapper), rising=False)
        assert calls.read_text().count("encoder") == runs
        assert abs(len(decode(out)) - mix.length) < 2 * 1152  # no header: delay and padding
