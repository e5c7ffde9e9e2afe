"""Samples -> speakers: the live, eyes-free player.

The whole session is mixed once (the same mix as the exporter, so what is heard is what an
export would contain) and handed to the audio sink as one continuous buffer: a buffer per cue
would jitter by tens of milliseconds. Pausing stops the buffer and remembers the sample;
resuming starts it again from a little before, at the start of the cue that was under way, so
the listener is not caught mid-word. The sink and the clock are injected, so tests can drive
the player without hardware or waiting.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from coach.audio.mixer import Mix, sound_clip
from coach.audio.wav import RATE, to_pcm16
from coach.errors import AudioDeviceError
from coach.script.timeline import Section, SectionKind, Speech, Timeline

LEAD_IN_MS = 1500  # how far back a resume starts when nothing was being said
DOUBLE_PRESS_S = 2.0  # 'p' twice within this goes to the previous exercise


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


class SimpleaudioSink:
    """The sound card, through simpleaudio (imported only when something is played)."""

    def play(self, pcm: bytes | memoryview, rate: int) -> Playing:
        try:
            import simpleaudio
        except ImportError as error:  # pragma: no cover - a dependency; fails only if broken
            raise AudioDeviceError(
                f"simpleaudio cannot load ({error})", "run scripts/setup.sh"
            ) from None
        _quiet_alsa()
        try:
            handle: Playing = simpleaudio.play_buffer(pcm, 1, 2, rate)
        except Exception as error:
            raise AudioDeviceError(
                f"no audio output device ({str(error).strip() or type(error).__name__})",
                "connect speakers or headphones, or make a file with 'coach export'",
            ) from None
        return handle


_ALSA_HANDLER: list[object] = []  # keeps the ctypes callback alive


def _quiet_alsa() -> None:
    """Stop libasound printing its own errors ("ALSA lib ...") over coach's one-line message."""
    if _ALSA_HANDLER or not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if not name:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(lambda *_: None)
    ctypes.cdll.LoadLibrary(name).snd_lib_error_set_handler(handler)
    _ALSA_HANDLER.append(handler)


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

    @property
    def remaining_ms(self) -> int:
        return max(0, self.duration_ms - self.position_ms)


class Player:
    """Plays a session's samples with pause, resume, next and previous exercise."""

    def __init__(
        self,
        timeline: Timeline,
        pcm: bytes,
        sink: AudioSink,
        clock: Clock | None = None,
        gain: float = 1.0,
    ) -> None:
        self.timeline = timeline
        self.pcm = memoryview(pcm)
        self.sink = sink
        self.clock = clock or SystemClock()
        self.length = len(pcm) // 2
        self.exercises = list(timeline.sections(SectionKind.EXERCISE))
        self.speech = list(timeline.speech())
        self._marks = {name: to_pcm16(sound_clip(name) * gain) for name in ("pause", "resume")}
        self._handle: Playing | None = None
        self._started_at = 0.0  # clock time when the sample at _origin was due
        self._origin = 0  # sample the current buffer started from
        self._paused_at: int | None = None
        self._last_previous = -1e9

    # -- where we are ----------------------------------------------------------------------

    @property
    def position(self) -> int:
        """The sample being heard now."""
        if self._paused_at is not None:
            return self._paused_at
        if self._handle is not None and not self._handle.is_playing():
            return self.length  # the device has played (or dropped) everything it was given
        elapsed = self.clock.now() - self._started_at
        return min(self.length, self._origin + max(0, round(elapsed * RATE)))

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def finished(self) -> bool:
        return not self.paused and self.position >= self.length

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
        return Status(
            ms, self.timeline.duration_ms, exercise, cue, rep, hold, self.paused, self.finished
        )

    # -- controls ----------------------------------------------------------------------------

    def start(self, at_sample: int = 0) -> None:
        self._play_from(at_sample)

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
        self._mark("pause")

    def resume(self) -> None:
        if self._paused_at is None:
            return
        at = self.resume_point(self._paused_at)
        self._paused_at = None
        self._mark("resume")
        self._play_from(at)

    def resume_point(self, sample: int) -> int:
        """A little before ``sample``: the start of the cue under way, or a short lead-in."""
        ms = sample * 1000 // RATE
        for event in self.speech:
            if event.start_ms <= ms < event.end_ms + 300:
                return self._sample(event.start_ms)
        return max(0, sample - self._sample(LEAD_IN_MS))

    def next_exercise(self) -> None:
        ms = self.position * 1000 // RATE
        later = [s for s in self.exercises if s.start_ms > ms]
        self._jump(self._sample(later[0].start_ms) if later else self.length)

    def previous_exercise(self) -> None:
        """Back to the start of this exercise; pressed again quickly, to the one before."""
        ms = self.position * 1000 // RATE
        now = self.clock.now()
        current = [i for i, s in enumerate(self.exercises) if s.start_ms <= ms]
        index = current[-1] if current else 0
        if now - self._last_previous < DOUBLE_PRESS_S and index > 0:
            index -= 1
        self._last_previous = now
        if self.exercises:
            self._jump(self._sample(self.exercises[index].start_ms))

    def seek_exercise(self, exercise_id: str) -> int:
        for section in self.exercises:
            if section.exercise == exercise_id:
                return self._sample(section.start_ms)
        from coach.errors import OptionError, suggest

        ids = [s.exercise or "" for s in self.exercises]
        raise OptionError(f"--from {exercise_id}: not in this session{suggest(exercise_id, ids)}")

    def stop(self) -> None:
        self._stop()
        self._paused_at = None
        self._origin, self._started_at = self.length, self.clock.now()

    # -- internals ---------------------------------------------------------------------------

    def _jump(self, sample: int) -> None:
        if self.paused:
            self._paused_at = sample
        else:
            self._play_from(sample)

    def _play_from(self, sample: int) -> None:
        self._stop()
        sample = max(0, min(sample, self.length))
        self._origin = sample
        self._started_at = self.clock.now()
        if sample < self.length:
            self._handle = self.sink.play(self.pcm[sample * 2 :], RATE)

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

    @staticmethod
    def _sample(ms: int) -> int:
        return round(ms * RATE / 1000)


def render_pcm(mix: Mix, gain: float) -> bytes:
    """The whole session as 16-bit samples, exactly as the exporter sends them to ffmpeg."""
    return b"".join(mix.pcm16(gain))


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
            status = player.status()
            if show:
                show(status)
            if status.finished:
                return status
            if keys:
                key = keys(poll_s)
            else:
                player.clock.sleep(poll_s)
                key = None
            if key == "q":
                player.stop()
                return player.status()
            if key == " ":
                player.toggle_pause()
            elif key == "n":
                player.next_exercise()
            elif key == "p":
                player.previous_exercise()
    finally:
        player.stop()
