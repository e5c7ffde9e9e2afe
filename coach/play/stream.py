"""The player's samples, a segment at a time, rendered while the voice makes the rest.

A live session starts playing as soon as its opening is known: the voice makes the phrases in
a background thread in the order they are first said, and each time the player needs more, the
session is compiled again with the lengths known so far (:func:`compile_known` says how far
that is final) and the next stretch of it is mixed. Every segment ends in a quiet moment, so
the join between two buffers, which can come a few milliseconds late, falls where nothing is
said: the next segment starts that much later into its own quiet, and the session keeps time.
Segments are at most a couple of minutes long, so memory stays flat however long the session.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.audio.mixer import Mix
from coach.audio.wav import RATE, to_pcm16
from coach.script.compiler import Known
from coach.script.timeline import Sound, Speech, Timeline
from coach.voice.store import CancelledError

if TYPE_CHECKING:
    from coach.voice.store import Voice

SEGMENT_MS = 120_000  # the longest segment: how much is mixed at once
QUIET_AFTER_MS = 100  # a join comes this long after the last sound ends...
QUIET_BEFORE_MS = 50  # ...and a late start skips no closer than this to the next one
MIN_GAP_MS = QUIET_AFTER_MS + QUIET_BEFORE_MS + 50  # a quiet moment long enough to join in

Compile = Callable[[Mapping[str, float]], Known]  # lengths known so far -> the session


@dataclass(frozen=True)
class Segment:
    start: int  # its first sample in the session
    pcm: bytes  # 16-bit samples up to the next join
    lead: int  # quiet samples at its start that a late join may skip

    @property
    def end(self) -> int:
        return self.start + len(self.pcm) // 2


class Stream:
    """A session's samples for the player, exact as far as the voice has made its phrases."""

    def __init__(self, compile_known: Compile, voice: Voice, gain: float) -> None:
        self.voice = voice
        self.gain = gain
        self._compile = compile_known
        self._lock = threading.Condition()
        self._lengths: dict[str, float] = {}
        self._version = 0  # how many lengths have arrived
        self._made: tuple[int, Known, Mix] | None = None  # what was compiled, at which version
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # -- the voice's side (a background thread) ----------------------------------------------

    def start(self, phrases: Iterable[str], lengths: Mapping[str, float], now: Known) -> None:
        """Have the voice make every phrase not in ``lengths`` (the ones it has), in this
        order; ``now`` is the session compiled with those."""
        self._lengths = dict(lengths)
        self._made = (self._version, now, self._mix(now))
        missing = [text for text in dict.fromkeys(phrases) if text not in lengths]
        if not missing:
            return
        self._thread = threading.Thread(
            target=self._make, args=(missing,), name="coach-voice", daemon=True
        )
        self._thread.start()

    def _make(self, phrases: list[str]) -> None:
        try:
            self.voice.prepare(phrases, ready=self._ready)
        except CancelledError:
            pass
        except BaseException as error:  # reported by the player's thread, which can stop
            self._failure = error
        finally:
            with self._lock:
                self._lock.notify_all()

    def _ready(self, text: str) -> None:
        seconds = self.voice.seconds(text)
        with self._lock:
            self._lengths[text] = seconds
            self._version += 1
            self._lock.notify_all()

    def close(self) -> None:
        """Stop making phrases (the player is done with the session)."""
        if self._thread is not None and self._thread.is_alive():
            self.voice.cancel()
            self._thread.join(timeout=10)

    # -- the player's side -------------------------------------------------------------------

    def check(self) -> None:
        """Raise what stopped the voice, if something did: the session cannot be finished."""
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def wait(self, seconds: float) -> None:
        """Block until the voice has made another phrase, or ``seconds`` have passed."""
        with self._lock:
            if self._made is None or self._made[0] == self._version:
                self._lock.wait(seconds)

    def _current(self, fresh: bool = True) -> tuple[Known, Mix]:
        """The session compiled with the lengths known; ``fresh=False`` takes the last one
        compiled, for what is asked many times a second (compiling takes tens of ms)."""
        if not fresh and self._made is not None:
            return self._made[1], self._made[2]
        with self._lock:
            version, lengths = self._version, dict(self._lengths)
        if self._made is None or self._made[0] != version:
            known = self._compile(lengths)
            self._made = (version, known, self._mix(known))
        return self._made[1], self._made[2]

    def _mix(self, known: Known) -> Mix:
        """The mix of what is final: only phrases the voice has made have a clip to mix."""
        final = tuple(e for e in known.timeline.events if e.start_ms < known.exact_ms)
        exact = dataclasses.replace(known.timeline, duration_ms=known.exact_ms, events=final)
        return Mix(exact, self.voice)

    @property
    def timeline(self) -> Timeline:
        """The session as far as is known: exact up to :attr:`exact`, estimated after (as of
        the last :meth:`segment` or :attr:`exact`)."""
        return self._current(fresh=False)[0].timeline

    @property
    def exact(self) -> int:
        """Samples that are final and can be played."""
        return _sample(self._current()[0].exact_ms)

    @property
    def length(self) -> int:
        return _sample(self.timeline.duration_ms)

    @property
    def complete(self) -> bool:
        known = self._current(fresh=False)[0]
        return known.exact_ms >= known.timeline.duration_ms

    def segment(self, start: int) -> Segment | None:
        """Samples from ``start`` to the next join, or None if they are not known yet."""
        known, mix = self._current()
        if start >= _sample(known.exact_ms):
            return None
        at_ms = start * 1000 // RATE
        last_ms = min(known.exact_ms, at_ms + SEGMENT_MS)
        whole = known.exact_ms >= known.timeline.duration_ms and last_ms == known.exact_ms
        spans = _sounding(known.timeline, known.exact_ms)
        end_ms = last_ms if whole else _join(spans, at_ms, last_ms)
        if end_ms is None:
            return None  # no quiet moment known yet to end on
        end = _sample(end_ms)
        pcm = to_pcm16(mix.render(start, end, self.gain))
        return Segment(start, pcm, _sample(_quiet_from(spans, at_ms, known.exact_ms)))


def _sample(ms: int) -> int:
    return round(ms * RATE / 1000)


def _sounding(timeline: Timeline, until_ms: int) -> list[tuple[int, int]]:
    """When something sounds, up to ``until_ms``, as merged (start, end) spans in order."""
    spans: list[tuple[int, int]] = []
    for event in (e for e in timeline.events if isinstance(e, Speech | Sound)):  # in order
        if event.start_ms >= until_ms:
            break
        if spans and event.start_ms <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], event.end_ms))
        else:
            spans.append((event.start_ms, event.end_ms))
    return spans


def _join(spans: list[tuple[int, int]], after_ms: int, by_ms: int) -> int | None:
    """The latest join after ``after_ms`` and by ``by_ms``: early in a quiet moment, so that
    the next segment starts with quiet to spare."""
    best = None
    quiet_from = 0
    for start, end in [*spans, (by_ms, by_ms)]:
        join = quiet_from + QUIET_AFTER_MS
        if start - quiet_from >= MIN_GAP_MS and after_ms < join <= by_ms:
            best = join
        quiet_from = max(quiet_from, end)
        if start >= by_ms:
            break
    return best


def _quiet_from(spans: list[tuple[int, int]], at_ms: int, by_ms: int) -> int:
    """How long it stays quiet from ``at_ms`` (less a margin before the next sound)."""
    for start, end in spans:
        if end > at_ms:
            return max(0, start - QUIET_BEFORE_MS - at_ms) if start > at_ms else 0
    return max(0, by_ms - at_ms)
