"""Measuring a written file: a known tone reads as BS.1770 says it should, encoded or not."""

import re
import shutil
import subprocess
import wave

import numpy as np
import pytest
from conftest import needs_audio_tools

from coach.audio.wav import RATE
from coach.errors import ExportError
from coach.output.measure import measure_file


def write_sine(path, amplitude: float, seconds: float = 5.0) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (amplitude * np.sin(2 * np.pi * 997 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


@needs_audio_tools
@pytest.mark.parametrize("amplitude", [0.1, 0.5])
def test_a_997_hz_tone_measures_as_the_standard_says(tmp_path, amplitude):
    path = tmp_path / "tone.wav"
    write_sine(path, amplitude)
    levels = measure_file(path)
    # BS.1770: a full-scale 997 Hz sine is -3.01 LUFS; its true peak is its amplitude.
    expected = -3.01 + 20 * np.log10(amplitude)
    assert levels.loudness == pytest.approx(expected, abs=0.1)
    assert levels.true_peak == pytest.approx(20 * np.log10(amplitude), abs=0.1)
    assert levels.duration_s == pytest.approx(5.0, abs=0.01)


@needs_audio_tools
def test_an_encoded_file_measures_as_ffmpegs_own_meter_says(tmp_path):
    wav, mp3 = tmp_path / "tone.wav", tmp_path / "tone.mp3"
    write_sine(wav, 0.25)
    ffmpeg = shutil.which("ffmpeg")
    subprocess.run([ffmpeg, "-v", "error", "-i", str(wav), "-b:a", "48k", str(mp3)], check=True)
    meter = subprocess.run(
        [ffmpeg, "-nostats", "-i", str(mp3), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", meter.stderr)[-1])
    assert measure_file(mp3).loudness == pytest.approx(reference, abs=0.15)


@needs_audio_tools
def test_a_file_ffmpeg_cannot_read_is_one_export_error(tmp_path):
    path = tmp_path / "broken.mp3"
    path.write_bytes(b"not audio at all")
    with pytest.raises(ExportError, match=r"cannot measure .*broken.mp3: ffmpeg says"):
        measure_file(path)


@needs_audio_tools
def test_a_long_file_measured_a_minute_at_a_time_reads_as_a_whole(tmp_path):
    from coach.audio.loudness import loudness, true_peak

    rng = np.random.default_rng(3)
    t = np.arange(150 * RATE) / RATE
    swell = 0.05 + 0.3 * (np.sin(2 * np.pi * t / 37) > 0)  # loud and quiet stretches
    samples = swell * np.sin(2 * np.pi * 440 * t) + 0.01 * rng.standard_normal(len(t))
    pcm = (samples * 32767).astype("<i2")
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    whole = pcm.astype(np.float32) / 32768
    levels = measure_file(path)
    assert levels.loudness == pytest.approx(loudness(whole, RATE), abs=0.01)
    assert levels.true_peak == pytest.approx(true_peak(whole), abs=0.01)
    assert levels.duration_s == pytest.approx(150.0)
