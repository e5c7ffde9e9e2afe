"""The session-levels cache: one measurement per distinct audio, and never a poisoned one."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from coach.audio.levels import cached_levels, gain_for, parse_levels
from coach.audio.mixer import Mix
from coach.audio.wav import RATE
from coach.script.timeline import Speech, Timeline
from coach.voice.cache import clear_cache


def test_session_levels_are_measured_once_per_distinct_audio(tmp_path, monkeypatch):

    class Clips:
        def __init__(self, amplitude: float) -> None:
            self.amplitude = amplitude

        def clip(self, text):
            return (self.amplitude * np.sin(np.arange(RATE) * 0.1)).astype(np.float32)

        def peak(self, text):
            return 20 * np.log10(self.amplitude)

    timeline = Timeline("T", "t", 5000, (Speech(1000, 2000, "a"),))
    first = cached_levels(Mix(timeline, Clips(0.1)), tmp_path)
    monkeypatch.setattr(Mix, "measure", lambda self: pytest.fail("measured again"))
    assert cached_levels(Mix(timeline, Clips(0.1)), tmp_path) == first
    monkeypatch.undo()
    louder = cached_levels(Mix(timeline, Clips(0.2)), tmp_path)  # other audio: measured anew
    assert louder.gain_db == pytest.approx(first.gain_db - 6.02, abs=0.05)
    assert clear_cache(tmp_path) == 2


class _Counted(Mix):
    measured = 0

    def measure(self):
        type(self).measured += 1
        return super().measure()


class _Tone:
    def clip(self, text):
        return (0.1 * np.sin(np.arange(RATE) * 0.1)).astype(np.float32)

    def peak(self, text):
        return -20.0


def _mix() -> _Counted:
    return _Counted(Timeline("T", "t", 5000, (Speech(1000, 2000, "a"),)), _Tone())


def _poison(path, how: str) -> None:
    record = json.loads(path.read_text())
    path.unlink()
    if how == "nan gain":
        path.write_text(json.dumps({**record, "gain_db": float("nan")}))
    elif how == "+40 dB":
        path.write_text(json.dumps({**record, "gain_db": 40.0}))
    elif how == "consistent but unsigned":
        loud = -60.0
        path.write_text(json.dumps({**record, "loudness": loud, "gain_db": gain_for(loud, -20)}))
    elif how == "folder":
        path.mkdir()
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text("{not json")


@pytest.mark.parametrize(
    "how",
    [
        "nan gain",
        "+40 dB",
        "consistent but unsigned",
        "folder",
        "fifo",
        "link to /dev/zero",
        "junk",
    ],
)
def test_a_poisoned_levels_entry_is_measured_again_never_used(tmp_path, how):
    genuine = cached_levels(_mix(), tmp_path)
    (path,) = (tmp_path / "levels").iterdir()
    _poison(path, how)
    _Counted.measured = 0
    again = cached_levels(_mix(), tmp_path)
    assert _Counted.measured == 1 and again == genuine
    assert math.isfinite(again.gain_db) and abs(again.gain_db) < 30
    assert path.is_file() and cached_levels(_mix(), tmp_path) == genuine  # and kept again
    assert _Counted.measured == 1


def test_stored_levels_parse_back_only_for_their_own_audio(tmp_path):
    genuine = cached_levels(_mix(), tmp_path)
    (path,) = (tmp_path / "levels").iterdir()
    assert parse_levels(path.read_bytes(), path.stem) == genuine
    assert parse_levels(path.read_bytes(), "another-signature") is None
