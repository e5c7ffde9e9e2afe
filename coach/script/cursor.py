"""The compiler's pen: it places words and sounds on the timeline, one after another.

Speech never overlaps (a gap separates any two utterances); a movement always leaves the time
to move; and wherever the listener would hear nothing for too long, a short prompt is placed
in the quiet. The rules are in :mod:`coach.script.timing`.

Every phrase that might be said is asked for its length even when it turns out not to be said
(a prompt that was not needed, a cue too long for its hold): compiling with estimated lengths
then lists everything a voice must prepare, whatever the measured lengths decide.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from coach.definitions.model import Breath, Span, Unit
from coach.errors import OptionError
from coach.options import Options
from coach.script import phrases
from coach.script.cues import SOUNDS
from coach.script.lengths import SpeechLength
from coach.script.timeline import Event, Role, Section, SectionKind, Sound, Speech
from coach.script.timing import MAX_HOURS, TIMING


@dataclass
class Cursor:
    options: Options
    speech_length: SpeechLength
    events: list[Event] = field(default_factory=list)
    t: int = 0  # where the next thing starts
    speech_free: int = 0  # the earliest the next words may start
    last_end: int = 0  # where the last words ended
    last_role: Role = Role.INFO
    lengths: dict[str, int] = field(default_factory=dict)
    turns: dict[str, int] = field(default_factory=dict)  # rotation of varied phrases

    # -- words -------------------------------------------------------------------------------

    def length_ms(self, text: str) -> int:
        """How long ``text`` (in its spoken, sentence-case form) takes to say."""
        text = phrases.sentence_case(text)
        if text not in self.lengths:
            seconds = self.speech_length(text)
            if not (math.isfinite(seconds) and seconds > 0):
                raise ValueError(f"speech length {seconds!r} for {text[:60]!r} is not usable")
            self.lengths[text] = math.ceil(seconds * 1000)
        return self.lengths[text]

    def say(
        self, text: str, role: Role = Role.INFO, at: int | None = None, gap: int = TIMING.gap_ms
    ) -> Speech:
        """Words at ``at`` (or now), never before the last words and their gap have passed."""
        text = phrases.sentence_case(text)
        start = max(self.t if at is None else at, self.speech_free)
        event = Speech(start, start + self.length_ms(text), text, role)
        self.check_length(event.end_ms)
        self.events.append(event)
        self.last_end, self.last_role = event.end_ms, role
        self.speech_free = event.end_ms + gap
        self.t = max(self.t, self.speech_free)
        return event

    def fits(self, text: str, at: int, by: int) -> bool:
        """Whether ``text`` said at ``at`` (or once the last words allow) ends by ``by``."""
        return max(at, self.speech_free) + self.length_ms(text) <= by

    def check_length(self, ms: int) -> None:
        # Checked as the session grows, so an absurd one stops early instead of filling memory.
        if ms > TIMING.max_session_ms:
            raise OptionError(
                f"this session would last more than {MAX_HOURS} hours, the most coach plans",
                hint="use fewer --reps or --sets, or a shorter --rest or --hold",
            )

    def peek(self, choices: Sequence[str]) -> str:
        """The next of several ways to say the same thing (see :meth:`turn`)."""
        return choices[self.turns.get(choices[0], 0) % len(choices)]

    def turn(self, choices: Sequence[str]) -> str:
        """Take the next of several ways to say the same thing, so that repeats vary."""
        text = self.peek(choices)
        self.turns[choices[0]] = self.turns.get(choices[0], 0) + 1
        return text

    def pass_time(self, until: int, choices: Sequence[str] = ()) -> None:
        """Let time run to ``until``, with one of ``choices`` wherever it would go quiet too long.

        A prompt goes in the middle of the quiet (never within the time to move after a
        movement cue) and must end a gap before ``until``, where the next words may start.
        """
        for text in choices:
            self.length_ms(text)
        while choices and until - self.last_end > TIMING.silence_ms:
            text = self.peek(choices)
            length = self.length_ms(text)
            at = self.last_end + min(TIMING.silence_ms, (until - self.last_end - length) // 2)
            if self.last_role in (Role.MOVE, Role.BREATH):
                at = max(at, self.last_end + self.move_after)
            at = max(at, self.speech_free)
            if at + length + TIMING.gap_ms > until:
                break  # no room for words (a very slow voice): better quiet than late
            self.say(self.turn(choices), Role.PROMPT, at=at)
        self.t = max(self.t, until)

    # -- sounds and structure ----------------------------------------------------------------

    def sound(self, name: str, at: int | None = None) -> Sound:
        cue = SOUNDS[name]
        start = self.t if at is None else at
        event = Sound(start, start + cue.length_ms, name)
        self.events.append(event)
        self.t = max(self.t, start + cue.lead_ms)
        return event

    def tone(self, breath: Breath, start: int, end: int) -> None:
        if self.options.breath_tones and breath in (Breath.IN, Breath.OUT):
            self.events.append(Sound(start, end, "inhale" if breath is Breath.IN else "exhale"))

    @contextmanager
    def section(self, kind: SectionKind, title: str, exercise: str | None = None) -> Iterator[None]:
        start = self.t
        yield
        self.events.append(Section(start, self.t, kind, title, exercise))

    # -- time --------------------------------------------------------------------------------

    @property
    def move_after(self) -> int:
        return TIMING.move_after(self.options.pace)

    def scaled(self, span: Span) -> int:
        """Milliseconds of a movement at the session's pace (breaths count as deep breaths)."""
        amount = span.amount.pick(self.options.level)
        if span.unit is Unit.BREATHS:
            return round(amount * 2 * TIMING.breath_half(self.options.pace))
        return round(amount * 1000 / self.options.pace)

    def move(self, text: str, span_ms: int, breath: Breath, choices: Sequence[str]) -> None:
        """A movement cue, then the movement's own time, and never less than the time to move."""
        start = self.t
        cue = self.say(text, Role.MOVE)
        end = max(start + span_ms, cue.end_ms + self.move_after)
        if breath in (Breath.IN, Breath.OUT):
            end = max(end, start + TIMING.breath_phase_ms)
        self.pass_time(end, choices)
        self.tone(breath, start, end)

    def rest_until(self, start: int, end: int, then_ms: int = 0) -> None:
        """The quiet of a rest, marked where needed by the time left ("Ten seconds left.") or,
        between the tens, a calm word; always at whole seconds before the end. ``then_ms``
        is the sound that follows the rest before any words (the next exercise's bell)."""
        calm = phrases.REST_PROMPTS
        marks = {
            end - 1000 * left: phrases.time_left(left) if left == 5 or left % 10 == 0 else ""
            for left in range(5, (end - start) // 1000 + 1, 5)  # all: see the module docstring
        }
        room = {
            at: self.length_ms(text) if text else max(map(self.length_ms, calm))
            for at, text in marks.items()
        }
        while end + then_ms - self.last_end > TIMING.silence_ms:
            usable = [
                at
                for at in marks
                if self.speech_free <= at <= self.last_end + TIMING.silence_ms
                and at + room[at] + TIMING.gap_ms <= end
            ]
            if not usable:
                break  # no room for words (a very slow voice): better quiet than late
            at = max(usable)  # the latest in reach: as few words as keep the quiet short
            self.say(marks[at] or self.turn(calm), Role.PROMPT, at=at)
        self.t = max(self.t, end)
