"""Samples -> speakers: the live, eyes-free player.

The session is mixed exactly as the exporter mixes it, in segments of up to two minutes that
end in quiet moments (:mod:`coach.play.stream`), and each segment goes to the audio sink as one
continuous buffer: a buffer per cue would jitter by tens of milliseconds. Pausing stops the
buffer and remembers the sample; resuming starts again from a little before, at the start of
the cue that was under way, so the listener is not caught mid-word. The sink and the clock are
injected, so tests can drive the player without hardware or waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from coach.audio.mixer import sound_clip
from coach.audio.wav import RATE, to_pcm16
from coach.script.timeline import Section, SectionKind, Speech, Timeline

if TYPE_CHECKING:
    from coach.play.stream import Segment

LEAD_IN_MS = 1500  # how far back a resume starts when nothing was being said
DOUBLE_PRESS_S = 2.0  # 'p' twice within this goes to the previous exercise
IDLE_S = 0.1  # how often to look again when nothing is due
WAIT_S = 0.02  # ... when waiting for the voice to make what comes next
JOIN_S = 0.005  # ... when a segment is about to end: the next must follow at once


class Playing(Protocol):
    def stop(self) -> None: ...
    def is_playing(self) -> bool: ...


class AudioSink(Protocol):
    def play(self, pcm: bytes | memoryview, rate: int) -> Playing: ...


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Source(Protocol):
    """The session's samples, a segment at a time (see :mod:`coach.play.stream`)."""

    @property
    def timeline(self) -> Timeline: ...
    @property
    def exact(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def complete(self) -> bool: ...
    def segment(self, start: int) -> Segment | None: ...
    def check(self) -> None: ...
    def wait(self, seconds: float) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Status:
    """What the display shows: enough to follow the session at a glance."""

    position_ms: int
    duration_ms: int
    exercise: str
    cue: str
    rep: str
    hold_left_s: int | None
    paused: bool
    finished: bool
    waiting: bool = False  # for the voice to make what comes next

    @property
    def remaining_ms(self) -> int:
        return max(0, self.duration_ms - self.position_ms)


class Player:
    """Plays a session with pause, resume, next and previous exercise.

    The samples come from a :class:`Source` a segment at a time; each segment is one buffer
    for the sink, and the next starts when the device has played the last, a little into its
    own quiet if the join came late, so the session keeps time with the clock.
    """

    def __init__(
        self,
        source: Source,
        sink: AudioSink,
        clock: Clock | None = None,
        gain: float = 1.0,
    ) -> None:
        self.source = source
        self.sink = sink
        self.clock = clock or SystemClock()
        self._marks = {name: to_pcm16(sound_clip(name) * gain) for name in ("pause", "resume")}
        self._handle: Playing | None = None
        self._started_at = 0.0  # clock time when the sample at _origin was due
        self._origin = 0  # the sample the current buffer starts at (or playing waits at)
        self._end = 0  # the sample after the current buffer's last
        self._paused_at: int | None = None
        self._bound: int | None = None  # an exercise to play from once it is known
        self._stopped = False
        self._last_previous = -1e9

    # -- where we are ----------------------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        return self.source.timeline

    @property
    def position(self) -> int:
        """The sample being heard now."""
        if self._paused_at is not None:
            return self._paused_at
        if self._handle is None:
            return self._origin
        if not self._handle.is_playing():
            return self._end  # the device has played (or dropped) everything it was given
        elapsed = self.clock.now() - self._started_at
        return min(self._end, self._origin + max(0, round(elapsed * RATE)))

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def waiting(self) -> bool:
        """Playing, but the next samples are not made yet."""
        return not self.paused and not self.finished and self._handle is None

    @property
    def finished(self) -> bool:
        if self._stopped:
            return True
        return (
            not self.paused
            and self._bound is None
            and self.source.complete
            and self.position >= self.source.length
        )

    def status(self) -> Status:
        ms = self.position * 1000 // RATE
        exercise = cue = rep = ""
        hold: int | None = None
        for event in self.timeline.events:
            if event.start_ms > ms:
                break
            if isinstance(event, Speech):
                cue = event.text
            elif isinstance(event, Section) and event.end_ms > ms:
                if event.kind is SectionKind.EXERCISE:
                    exercise = event.title
                elif event.kind is SectionKind.REP:
                    rep = event.title
                elif event.kind is SectionKind.HOLD:
                    hold = -(-(event.end_ms - ms) // 1000)
                elif event.kind in (SectionKind.INTRO, SectionKind.OUTRO, SectionKind.REST):
                    exercise = exercise or event.title
        if self._bound is not None:
            exercise = self._exercises()[self._bound].title
        return Status(
            ms,
            self.timeline.duration_ms,
            exercise,
            cue,
            rep,
            hold,
            self.paused,
            self.finished,
            self.waiting,
        )

    # -- controls ----------------------------------------------------------------------------

    def start(self, from_exercise: str | None = None) -> None:
        if from_exercise is not None:
            self._go(self.exercise_index(from_exercise))
        else:
            self._play_from(0)

    def tick(self) -> float:
        """Keep the sound going: start the next segment when the last has played. Returns how
        long the caller may wait before calling again."""
        self.source.check()
        if self.paused or self._stopped:
            return IDLE_S
        if self._bound is not None:
            start = self._exercises()[self._bound].start_ms
            if _sample(start) >= self.source.exact:
                return IDLE_S  # not known yet
            self._bound = None
            self._play_from(_sample(start))
        if self._handle is not None:
            left = (self._end - self._origin) / RATE - (self.clock.now() - self._started_at)
            if self._handle.is_playing():
                return max(JOIN_S, left)
            late = max(0.0, -left)
            self._handle = None
            self._origin = self._end
        else:
            late = 0.0
        if self._origin >= self.source.length and self.source.complete:
            return IDLE_S
        segment = self.source.segment(self._origin)
        if segment is None:
            return WAIT_S
        skip = min(segment.lead, round(late * RATE))
        self._begin(segment, self._origin + skip)
        return JOIN_S

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def pause(self) -> None:
        if self.paused or self.finished:
            return
        at = self.position
        self._stop()
        self._paused_at = at
        self._origin = at
        self._mark("pause")

    def resume(self) -> None:
        if self._paused_at is None:
            return
        at = self.resume_point(self._paused_at)
        self._paused_at = None
        self._mark("resume")
        if self._bound is None:
            self._play_from(at)
        else:
            self.tick()  # an exercise chosen while paused: it plays once it is known

    def resume_point(self, sample: int) -> int:
        """A little before ``sample``: the start of the cue under way, or a short lead-in."""
        ms = sample * 1000 // RATE
        for event in self.timeline.speech():
            if event.start_ms <= ms < event.end_ms + 300:
                return _sample(event.start_ms)
        return max(0, sample - _sample(LEAD_IN_MS))

    def next_exercise(self) -> None:
        ms = self.position * 1000 // RATE
        exercises = self._exercises()
        later = [i for i, s in enumerate(exercises) if s.start_ms > ms]
        if later:
            self._go(later[0])
        elif self.source.complete:
            self._jump(self.source.length)

    def previous_exercise(self) -> None:
        """Back to the start of this exercise; pressed again quickly, to the one before."""
        ms = self.position * 1000 // RATE
        now = self.clock.now()
        exercises = self._exercises()
        current = [i for i, s in enumerate(exercises) if s.start_ms <= ms]
        index = current[-1] if current else 0
        if now - self._last_previous < DOUBLE_PRESS_S and index > 0:
            index -= 1
        self._last_previous = now
        if exercises:
            self._go(index)

    def exercise_index(self, exercise_id: str) -> int:
        """Which exercise of the session ``--from`` names (its first time)."""
        exercises = self._exercises()
        for index, section in enumerate(exercises):
            if section.exercise == exercise_id:
                return index
        from coach.errors import OptionError, suggest

        ids = [s.exercise or "" for s in exercises]
        raise OptionError(f"--from {exercise_id}: not in this session{suggest(exercise_id, ids)}")

    def stop(self) -> None:
        self._stop()
        self._paused_at = None
        self._bound = None
        self._stopped = True

    # -- internals ---------------------------------------------------------------------------

    def _exercises(self) -> list[Section]:
        return list(self.timeline.sections(SectionKind.EXERCISE))

    def _go(self, index: int) -> None:
        """To the start of the index-th exercise, now if it is known, else once it is."""
        start = _sample(self._exercises()[index].start_ms)
        if start < self.source.exact:
            self._jump(start)
            return
        self._stop()
        self._bound = index
        self._origin = start
        if self.paused:
            self._paused_at = start

    def _jump(self, sample: int) -> None:
        self._bound = None
        if self.paused:
            self._paused_at = sample
        else:
            self._play_from(sample)

    def _play_from(self, sample: int) -> None:
        self._stop()
        self._origin = self._end = max(0, min(sample, self.source.length))
        self._started_at = self.clock.now()
        self.tick()

    def _begin(self, segment: Segment, at: int) -> None:
        offset = (at - segment.start) * 2
        self._origin, self._end = at, segment.end
        self._started_at = self.clock.now()
        self._handle = self.sink.play(memoryview(segment.pcm)[offset:], RATE)

    def _stop(self) -> None:
        if self._handle is not None:
            self._handle.stop()
            self._handle = None

    def _mark(self, name: str) -> None:
        """A short sound for pause and resume, so the listener knows without looking."""
        mark = self._marks[name]
        handle = self.sink.play(mark, RATE)
        self.clock.sleep(len(mark) / 2 / RATE)
        handle.stop()


def _sample(ms: int) -> int:
    return round(ms * RATE / 1000)


Keys = Callable[[float], str | None]  # wait up to N seconds for a key; None when none came


def run(
    player: Player,
    keys: Keys | None,
    show: Callable[[Status], None] | None = None,
    poll_s: float = 0.1,
) -> Status:
    """Play to the end, or until 'q'. Space pauses, 'n' next exercise, 'p' previous."""
    try:
        while True:
            wait = min(poll_s, player.tick())
            status = player.status()
            if show:
                show(status)
            if status.finished:
                return status
            if keys:
                key = keys(wait)
            elif status.waiting:
                player.source.wait(wait)
                key = None
            else:
                player.clock.sleep(wait)
                key = None
            if key == "q":
                where = player.status()  # where it was stopped, for the goodbye line
                player.stop()
                return where
            if key == " ":
                player.toggle_pause()
            elif key == "n":
                player.next_exercise()
            elif key == "p":
                player.previous_exercise()
    finally:
        player.stop()
