"""Two MP3 encodes joined into one file: headers as ffmpeg writes them, exact length, clean seam."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools
from helpers import decode
from hypothesis import given
from hypothesis import strategies as st

from coach.audio.wav import RATE
from coach.output import mp3join
from coach.output.encode import AudioFormat, encode_command


def speechlike(seconds: float, seed: int = 1) -> np.ndarray:
    """Bursts of tone and noise with digital silence between them, as 16-bit samples."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * RATE), dtype=np.int16)
    for start in range(RATE // 2, len(out) - RATE, RATE * 2):
        length = RATE + int(rng.integers(0, RATE // 4))
        t = np.arange(length) / RATE
        burst = 0.3 * np.sin(2 * np.pi * rng.uniform(120, 300) * t) + 0.05 * rng.standard_normal(
            length
        )
        out[start : start + length] = (burst * np.hanning(length) * 32767).astype(np.int16)
    return out


def lame(samples: np.ndarray, out: Path, title: str | None = None) -> Path:
    """Encode as export does: with a tag (and Xing header) if titled, else untagged."""
    raw = out.with_suffix(".raw")
    samples.astype("<i2").tofile(raw)
    meta = None
    if title:
        meta = out.with_suffix(".ffmeta")
        meta.write_text(f";FFMETADATA1\ntitle={title}\n", encoding="utf-8")
    command = encode_command("ffmpeg", str(raw), meta, out, AudioFormat.MP3)
    subprocess.run(command, check=True)
    return out


def gap_near(samples: np.ndarray, at: int) -> tuple[int, int]:
    """The stretch of digital silence (of 0.1 s or more) nearest sample ``at``."""
    loud = np.flatnonzero(samples)
    gaps = [(int(a) + 1, int(b)) for a, b in itertools.pairwise(loud) if b - a > RATE // 10]
    return min(gaps, key=lambda gap: abs(gap[0] - at))


def test_crc16_is_crc16_arc():
    assert mp3join.crc16(b"123456789") == 0xBB3D  # the catalogued check value


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc16_combine_equals_the_crc_of_the_joined_bytes(first, second):
    combined = mp3join.crc16_combine(mp3join.crc16(first), mp3join.crc16(second), len(second))
    assert combined == mp3join.crc16(first + second)


@given(st.integers(0, 10**7), st.integers(0, 5000))
def test_a_seam_lies_inside_its_quiet_with_a_frame_to_spare(start, length):
    found = mp3join.seam((start, start + length))
    if found is None:
        # too short: two frames, up to a frame to align, the padding, the priming, a frame
        assert length < 576 * 2 + 576 + 288 + mp3join.DELAY + 576
        return
    cut, resume = found
    assert start + 2 * 576 <= cut < resume and resume + 576 <= start + length
    assert mp3join.padding(cut) == 288
    assert resume == cut + mp3join.padding(cut) + mp3join.DELAY


@needs_audio_tools
@pytest.mark.parametrize("pad", [mp3join.MIN_PADDING, 288, 575])
def test_padding_is_what_lame_adds(tmp_path, pad):
    length = 576 * 40 - mp3join.DELAY - pad
    path = lame(speechlike(2)[:length], tmp_path / "part.mp3")
    found = mp3join.header(path.read_bytes())
    assert found.padding == mp3join.padding(length) + mp3join.DECODER_DELAY
    assert found.samples == length == len(decode(path))


@needs_audio_tools
def test_rebuilding_a_header_from_its_frames_gives_ffmpegs_own_bytes(tmp_path):
    path = lame(speechlike(70), tmp_path / "whole.mp3", title="A session")
    data = path.read_bytes()
    found = mp3join.header(data)
    frames = [found.frame.size, *mp3join.sizes(data, found.audio)]
    assert len(frames) - 1 == found.frames > 400 * 2  # the seek table's bags halved twice
    rebuilt = mp3join.rebuild(data[found.offset : found.audio], frames, found.delay, found.padding)
    assert rebuilt == data[found.offset : found.audio]
    assert mp3join.crc16(data[found.audio :]) == found.music_crc
    assert found.samples == len(decode(path))


@needs_audio_tools
def test_joined_halves_decode_to_exactly_the_session(tmp_path):
    samples = speechlike(90)
    quiet = gap_near(samples, 45 * RATE)
    found = mp3join.seam(quiet)
    assert found is not None
    cut, resume = found
    first = lame(samples[:cut], tmp_path / "first.mp3", title="A session")
    lame(samples[resume:], tmp_path / "second.mp3")
    whole = lame(samples, tmp_path / "whole.mp3", title="A session")

    joined = mp3join.join(first, tmp_path / "second.mp3", (cut, resume), len(samples))

    heard = decode(first)
    assert joined.samples == len(heard) == len(samples)
    # Up to the seam, exactly what one encoder makes; at the seam, silence; after it, the
    # second encoder's take on the same samples, as close to them as one encoder's.
    single = decode(whole)
    assert np.array_equal(heard[: cut - 2304], single[: cut - 2304])
    assert not heard[cut - 576 : resume + 576].any()

    def snr(decoded: np.ndarray) -> float:
        meant = samples[resume:] / 32768
        return float(10 * np.log10(np.sum(meant**2) / np.sum((decoded[resume:] - meant) ** 2)))

    assert snr(heard) == pytest.approx(snr(single), abs=0.5)
    # The header is the one ffmpeg would write for these frames, music CRC included.
    data = first.read_bytes()
    head = mp3join.header(data)
    frames = [head.frame.size, *mp3join.sizes(data, head.audio)]
    assert (
        mp3join.rebuild(data[head.offset : head.audio], frames, head.delay, head.padding)
        == (data[head.offset : head.audio])
    )
    assert mp3join.crc16(data[head.audio :]) == head.music_crc == joined.music_crc
    assert b"A session" in data[: head.offset]  # the first part's tag is the file's


@needs_audio_tools
def test_the_whole_plays_exactly_even_where_lame_pads_short(tmp_path):
    """A second part whose last frame LAME fills with under 47 samples: ffmpeg's own header
    then counts too many samples; the joined header counts exactly."""
    samples = speechlike(64)
    cut, resume = mp3join.seam(gap_near(samples, 30 * RATE))
    length = resume + 576 * ((len(samples) - resume) // 576) - mp3join.DELAY - 10
    samples = samples[:length]
    second = lame(samples[resume:], tmp_path / "second.mp3")
    assert mp3join.header(second.read_bytes()).samples == len(samples) - resume + 10
    first = lame(samples[:cut], tmp_path / "first.mp3", title="A session")
    joined = mp3join.join(first, second, (cut, resume), len(samples))
    assert joined.samples == len(decode(first)) == len(samples)


@needs_audio_tools
def test_parts_that_do_not_fit_are_refused(tmp_path):
    samples = speechlike(20)
    cut, resume = mp3join.seam(gap_near(samples, 10 * RATE))
    first = lame(samples[:cut], tmp_path / "first.mp3")
    second = lame(samples[resume:], tmp_path / "second.mp3")
    before = first.read_bytes()
    text = tmp_path / "notes.mp3"
    text.write_bytes(b"not an mp3 at all" * 20)
    with pytest.raises(mp3join.JoinError, match="no MPEG Layer III frame"):
        mp3join.join(first, text, (cut, resume), len(samples))
    with pytest.raises(mp3join.JoinError, match="no seam can be made"):
        mp3join.join(first, second, (cut, resume + 1), len(samples))
    for wrong in ((cut + 1, resume), (cut + 576, resume + 576)):  # each a seam, but not this one
        with pytest.raises(mp3join.JoinError, match="does not end where the seam is"):
            mp3join.join(first, second, wrong, len(samples))
    with pytest.raises(mp3join.JoinError, match="cannot play"):
        mp3join.join(first, second, (cut, resume), len(samples) + 2000)
    stereo = tmp_path / "stereo.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=2:r=22050", "-ac", "2",
         "-c:a", "libmp3lame", "-id3v2_version", "0", str(stereo)],
        check=True,
    )  # fmt: skip
    with pytest.raises(mp3join.JoinError, match="encoded differently"):
        mp3join.join(first, stereo, (cut, resume), len(samples))
    cut_short = tmp_path / "cut-short.mp3"
    cut_short.write_bytes(second.read_bytes()[:-100])  # a copy that stopped mid-frame
    with pytest.raises(mp3join.JoinError, match="is cut off"):
        mp3join.join(first, cut_short, (cut, resume), len(samples))
    cut_short.write_bytes(second.read_bytes()[:100])
    with pytest.raises(mp3join.JoinError, match="ends inside its first frame"):
        mp3join.join(first, cut_short, (cut, resume), len(samples))
    assert first.read_bytes() == before  # every refusal comes before a byte is written


def test_frame_samples_follow_the_mpeg_version_of_the_rate():
    assert mp3join.frame_samples(RATE) == 576  # the session's 22,050 Hz: MPEG-2
    assert mp3join.frame_samples(44100) == mp3join.frame_samples(32000) == 1152
    assert mp3join.frame_samples(8000) == 576  # MPEG-2.5
