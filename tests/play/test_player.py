"""The player against an injected fake sink and clock; keys through a pseudo-terminal; and the
real thing through ALSA, captured to a file, and with no device at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_audio_tools

from coach.audio.mixer import sound_clip
from coach.audio.wav import RATE
from coach.play.player import LEAD_IN_MS, Player, run
from coach.play.stream import Segment
from coach.script.timeline import Section, SectionKind, Speech, Timeline


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class FakeHandle:
    """A buffer that plays in real time by the fake clock."""

    def __init__(self, clock: FakeClock, samples: int) -> None:
        self.clock, self.stopped = clock, False
        self.until = clock.t + samples / RATE

    def stop(self) -> None:
        self.stopped = True

    def is_playing(self) -> bool:
        return not self.stopped and self.clock.t < self.until


class FakeSource:
    """A session of silence in segments that end at ``joins``; final up to ``exact_ms``."""

    def __init__(self, timeline: Timeline, joins=(), exact_ms: int | None = None, lead_ms=100):
        self.timeline = timeline
        self.length = at(timeline.duration_ms)
        self.joins = sorted(at(j) for j in joins)
        self.exact = self.length if exact_ms is None else at(exact_ms)
        self.lead = at(lead_ms)
        self.made: dict[int, Segment] = {}
        self.closed = False

    @property
    def complete(self) -> bool:
        return self.exact >= self.length

    def segment(self, start: int) -> Segment | None:
        ends = [j for j in self.joins if start < j <= self.exact]
        end = ends[0] if ends else (self.length if self.complete else None)
        if start >= self.exact or end is None:
            return None
        pcm = bytes((end - start) * 2)
        segment = Segment(start, pcm, self.lead)
        self.made[id(pcm)] = segment
        return segment

    def check(self) -> None:
        pass

    def wait(self, seconds: float) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class FakeSink:
    """Records what was started where: the sample in the session, or a short mark sound."""

    def __init__(self, source: FakeSource, clock: FakeClock) -> None:
        self.source, self.clock = source, clock
        self.plays: list[tuple[str, int]] = []

    def play(self, pcm, rate):
        assert rate == RATE
        if len(pcm) == len(sound_clip("pause")) * 2:  # the pause and resume marks
            self.plays.append(("mark", len(pcm)))
            return FakeHandle(self.clock, len(pcm) // 2)
        segment = self.source.made[id(pcm.obj)]
        self.plays.append(("session", segment.end - len(pcm) // 2))
        return FakeHandle(self.clock, len(pcm) // 2)


def session_timeline() -> Timeline:
    events = [
        Section(0, 5000, SectionKind.INTRO, "Welcome"),
        Speech(500, 2000, "Hello."),
        Section(5000, 20_000, SectionKind.EXERCISE, "One", "one"),
        Speech(6000, 9000, "First cue."),
        Section(9000, 12_000, SectionKind.HOLD, "Hold 3 s", "one"),
        Section(20_000, 40_000, SectionKind.EXERCISE, "Two", "two"),
        Section(21_000, 30_000, SectionKind.REP, "Rep 1 of 2", "two"),
        Speech(21_000, 24_000, "Second cue."),
        Section(40_000, 45_000, SectionKind.OUTRO, "Closing"),
    ]
    return Timeline("Test", "test", 45_000, Timeline.sort(events))


def make(joins=(), exact_ms=None) -> tuple[Player, FakeSink, FakeClock]:
    source = FakeSource(session_timeline(), joins, exact_ms)
    clock = FakeClock()
    sink = FakeSink(source, clock)
    return Player(source, sink, clock), sink, clock


def at(ms: int) -> int:
    return round(ms * RATE / 1000)


def test_position_follows_the_clock_from_one_continuous_buffer():
    player, sink, clock = make()
    player.start()
    clock.t += 7.0
    assert player.position == at(7000)
    assert sink.plays == [("session", 0)]
    status = player.status()
    assert (status.exercise, status.cue) == ("One", "First cue.")


def test_pause_freezes_and_resume_restarts_at_the_cue_under_way():
    player, sink, clock = make()
    player.start()
    clock.t += 7.5  # in the middle of "First cue." (6.0 to 9.0 s)
    player.pause()
    assert player.paused and player.position == at(7500)
    clock.t += 30  # a long pause changes nothing
    assert player.position == at(7500)
    player.resume()
    assert sink.plays[-1] == ("session", at(6000))
    assert [kind for kind, _ in sink.plays].count("mark") == 2  # a sound for pause and resume


def test_resume_outside_speech_leads_in():
    player, sink, clock = make()
    player.start()
    clock.t += 15.0
    player.pause()
    player.resume()
    assert sink.plays[-1] == ("session", at(15_000) - at(LEAD_IN_MS))


def test_hold_seconds_left():
    player, _, clock = make()
    player.start()
    clock.t += 10.2
    assert player.status().hold_left_s == 2


def test_next_and_previous_exercise_land_on_section_starts():
    player, sink, clock = make()
    player.start()
    clock.t += 7.0
    player.next_exercise()
    assert sink.plays[-1] == ("session", at(20_000))
    clock.t += 3.0
    player.previous_exercise()  # back to the start of this one
    assert sink.plays[-1] == ("session", at(20_000))
    clock.t += 0.5
    player.previous_exercise()  # again, quickly: the one before
    assert sink.plays[-1] == ("session", at(5000))
    clock.t += 5.0
    player.next_exercise()
    player.next_exercise()  # past the last exercise: the end
    assert player.finished


def test_jumps_while_paused_stay_paused():
    player, sink, clock = make()
    player.start()
    clock.t += 7.0
    player.pause()
    player.next_exercise()
    assert player.paused and player.position == at(20_000)
    assert sink.plays[-1][0] == "mark"


def test_from_an_exercise_and_unknown_ids():
    player, sink, _ = make()
    player.start("two")
    assert sink.plays == [("session", at(20_000))]
    from coach.errors import OptionError

    with pytest.raises(
        OptionError, match=r"--from tow: not in this session \(did you mean 'two'\?\)"
    ):
        player.exercise_index("tow")


def test_run_handles_keys_and_quits():
    player, sink, clock = make()
    script = iter([None, " ", None, " ", "n", "q"])

    def keys(timeout: float):
        clock.t += timeout
        return next(script)

    player.start()
    status = run(player, keys)
    assert not status.finished and status.exercise == "One"  # quit in the first exercise
    assert player.finished  # and nothing plays on
    assert [k for k, _ in sink.plays].count("mark") == 2
    assert ("session", at(5000)) in sink.plays  # 'n' early on: the first exercise


def test_quitting_says_where_it_stopped():
    player, _, clock = make()
    script = iter([None, None, "q"])

    def keys(timeout: float):
        clock.t += 3.0
        return next(script)

    player.start()
    status = run(player, keys)
    assert not status.finished and 8000 <= status.position_ms <= 9100
    assert status.exercise == "One"


def test_run_without_controls_plays_to_the_end():
    player, _, clock = make()
    player.start()
    seen = []
    status = run(player, None, seen.append, poll_s=1.0)
    assert status.finished and clock.t >= 100 + 45
    assert {s.exercise for s in seen} >= {"Welcome", "One", "Two", "Closing"}


def test_the_next_segment_follows_and_a_late_join_skips_into_its_quiet():
    player, sink, clock = make(joins=[10_000, 30_000])
    player.start()
    clock.t += 10.05  # the device finished 50 ms ago: the next starts 50 ms into its quiet
    player.tick()
    assert sink.plays == [("session", 0), ("session", at(10_000) + round(0.05 * RATE))]
    assert player.position == at(10_050)
    clock.t += 20.0 + 0.3  # later than its 100 ms of quiet: it skips only those
    player.tick()
    assert sink.plays[-1] == ("session", at(30_000) + at(100))


def test_waiting_for_the_voice_holds_the_place_and_goes_on_once_it_is_known():
    player, sink, clock = make(joins=[10_000], exact_ms=12_000)
    player.start()
    clock.t += 10.0
    player.tick()
    assert player.waiting and player.status().waiting
    clock.t += 5.0
    assert player.position == at(10_000) and not player.finished
    player.source.exact = player.source.length  # the voice has made the rest
    player.tick()
    assert sink.plays[-1] == ("session", at(10_000))  # nothing skipped after a wait
    assert not player.waiting


def test_jumping_past_what_is_known_waits_there():
    player, sink, clock = make(joins=[10_000], exact_ms=12_000)
    player.start()
    clock.t += 3.0
    player.next_exercise()  # exercise one starts at 5 s: known
    assert sink.plays[-1] == ("session", at(5000))
    player.next_exercise()  # exercise two starts at 20 s: not yet
    assert player.waiting and player.status().exercise == "Two"
    player.source.exact = player.source.length
    player.tick()
    assert sink.plays[-1] == ("session", at(20_000))


def test_from_an_exercise_not_yet_known():
    player, sink, _ = make(exact_ms=12_000)
    player.start("two")
    assert sink.plays == [] and player.waiting
    player.source.exact = player.source.length
    player.tick()
    assert sink.plays == [("session", at(20_000))]


def test_the_end_comes_only_when_the_whole_session_is_known():
    player, _, clock = make(joins=[10_000], exact_ms=12_000)
    player.start()
    clock.t += 60
    player.tick()
    assert not player.finished
    player.source.exact = player.source.length
    player.tick()
    clock.t += 60
    player.tick()
    assert player.finished


def test_single_keys_through_a_pseudo_terminal():
    import termios

    from coach.play.terminal import single_keys

    master, slave = os.openpty()
    with os.fdopen(slave, "rb", buffering=0) as stream:
        before = termios.tcgetattr(slave)
        with single_keys(stream) as read:
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # no Enter needed
            os.write(master, b" nq")
            assert [read(1.0), read(1.0), read(1.0)] == [" ", "n", "q"]
            assert read(0.05) is None
        assert termios.tcgetattr(slave) == before  # the terminal is as it was
    os.close(master)


def alsa_env(tmp_path: Path, body: str) -> dict[str, str]:
    conf = tmp_path / "asound.conf"
    conf.write_text(body)
    return {**os.environ, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}


@needs_audio_tools
def test_played_samples_equal_the_exported_session(tmp_path, shared_cache):
    """Played in segments (this session is long enough for two), heard as one: the capture is
    the export, sample for sample. The file device plays faster than real time, so no join
    is ever late here; each segment opens the device anew, and flock keeps their order."""
    capture = tmp_path / "capture.raw"
    env = alsa_env(
        tmp_path,
        f'pcm.!default {{ type file; slave.pcm "null"; format "raw"; '
        f'file "|flock {tmp_path}/lock cat >> {capture}" }}\n',
    )
    env["COACH_CACHE_DIR"] = str(shared_cache)
    args = ["bridge", "--reps", "10"]
    wav = tmp_path / "session.wav"
    exported = subprocess.run(
        [sys.executable, "-m", "coach", "export", *args, "-o", str(wav)], env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    played = subprocess.run(
        [sys.executable, "-m", "coach", "play", *args, "--quiet"], env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr
    from coach.audio.wav import read_wav

    written = np.round(read_wav(wav) * 32768).astype("<i2")
    assert len(written) > RATE * 120  # more than one segment
    subprocess.run(["flock", str(tmp_path / "lock"), "true"], check=True, timeout=30)
    heard = np.frombuffer(capture.read_bytes(), dtype="<i2")
    assert len(heard) >= len(written)
    assert np.array_equal(heard[: len(written)], written)
    assert not heard[len(written) :].any()  # anything after is the device's padding: silence


def test_no_audio_device_is_one_line_suggesting_export(tmp_path, shared_cache):
    env = alsa_env(
        tmp_path, "pcm.!default { type hw; card 97 }\nctl.!default { type hw; card 97 }\n"
    )
    env["COACH_CACHE_DIR"] = str(shared_cache)
    result = subprocess.run(
        [sys.executable, "-m", "coach", "play", "bridge", "--reps", "1"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("coach: error: no audio output device")
    assert "coach export" in lines[0] and "Traceback" not in result.stderr
