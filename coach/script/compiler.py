"""Definitions + options + speech lengths -> Timeline. Pure: no audio, no files, no clock.

The compiler is handed a function that says how long a phrase takes to speak: an estimate, or
:func:`measured` over the frozen table of clip lengths the voice prepared beforehand (from
:func:`vocabulary`), so the cue sheet is exactly what is heard and compiling never synthesizes.
Speech never overlaps: every cue starts after the previous one has ended plus a short gap, and a
movement or breath lasts at least as long as its cue.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from coach.definitions.model import (
    Breath,
    Count,
    Exercise,
    Phase,
    Routine,
    Side,
    Sides,
    Span,
    Unit,
)
from coach.options import Options
from coach.script import phrases
from coach.script.cues import SOUNDS
from coach.script.entries import Entry, describe, plan_entries, session_rest_ms
from coach.script.lengths import SpeechLength, estimate_speech_seconds
from coach.script.timeline import Event, Section, SectionKind, Sound, Speech, Timeline

GAP_MS = 300  # silence between two spoken cues, so they never run together
BREATH_MS = 6000  # one calm breath, in and out, at normal pace
COUNT_IN_TICKS = 3


def vocabulary(
    routine: Routine, exercises: Mapping[str, Exercise], options: Options
) -> tuple[str, ...]:
    """Every phrase the session may say, in order: what a voice prepares before compiling.

    Compiling with estimated lengths asks the length of every phrase that could be spoken,
    including countdown words that may turn out not to fit; only the "about N minutes" line
    can differ once lengths are measured.
    """
    asked: dict[str, None] = {}

    def record(text: str) -> float:
        asked[text] = None
        return estimate_speech_seconds(text)

    compile_session(routine, exercises, options, record)
    return tuple(asked)


def compile_session(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    options: Options,
    speech_length: SpeechLength = estimate_speech_seconds,
) -> Timeline:
    entries = plan_entries(routine, exercises, options)
    # The opening says how long the session is, which depends on the opening: compile once to
    # measure, then again with the minutes known.
    draft = _Compiler(routine, entries, options, speech_length).run(minutes=1)
    minutes = max(1, round(draft.duration_ms / 60_000))
    return _Compiler(routine, entries, options, speech_length).run(minutes)


@dataclass
class _Compiler:
    routine: Routine
    entries: list[Entry]
    options: Options
    speech_length: SpeechLength
    events: list[Event] = field(default_factory=list)
    t: int = 0  # the cursor: where the next thing starts
    speech_free: int = 0  # the earliest a next cue may start
    lengths: dict[str, int] = field(default_factory=dict)

    def run(self, minutes: int) -> Timeline:
        with self.section(SectionKind.INTRO, "Welcome"):
            self.sound("chime")
            self.say(f"{self.routine.name}.")
            self.say(phrases.session_length(minutes))
            self.say(phrases.SAFETY)
            for line in self.routine.opening:
                self.say(line)
        for index, entry in enumerate(self.entries):
            if index:
                self.between(entry)
            self.exercise(entry)
        with self.section(SectionKind.OUTRO, "Closing"):
            self.say(phrases.CLOSING)
            for line in self.routine.closing:
                self.say(line)
            gong = self.sound("gong")
            self.wait_until(gong.end_ms)
        return Timeline(
            title=self.routine.name,
            routine=self.routine.id,
            duration_ms=self.t,
            events=Timeline.sort(self.events),
            settings=describe(self.options),
        )

    # -- primitives --------------------------------------------------------------------------

    def length_ms(self, text: str) -> int:
        if text not in self.lengths:
            seconds = self.speech_length(text)
            if not 0 < seconds < 600:
                raise ValueError(f"speech length {seconds!r} for {text!r} is not plausible")
            self.lengths[text] = math.ceil(seconds * 1000)
        return self.lengths[text]

    def say(self, text: str, at: int | None = None) -> Speech:
        start = max(self.t if at is None else at, self.speech_free)
        event = Speech(start, start + self.length_ms(text), text)
        self.events.append(event)
        self.speech_free = event.end_ms + GAP_MS
        self.t = max(self.t, self.speech_free)
        return event

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

    def wait_until(self, ms: int) -> None:
        self.t = max(self.t, ms)

    @contextmanager
    def section(self, kind: SectionKind, title: str, exercise: str | None = None) -> Iterator[None]:
        start = self.t
        yield
        self.events.append(Section(start, self.t, kind, title, exercise))

    def scaled(self, span: Span) -> int:
        """Milliseconds of a movement, breath or rest, at the session's pace."""
        amount = span.amount.pick(self.options.level)
        base = amount * 1000 if span.unit is Unit.SECONDS else amount * BREATH_MS
        return round(base / self.options.pace)

    # -- structure ---------------------------------------------------------------------------

    def between(self, entry: Entry) -> None:
        rest_ms = session_rest_ms(self.options, self.routine.rest)
        if rest_ms <= 0:
            self.say(phrases.next_up(entry.exercise.name))
        else:
            self.rest(rest_ms, None, phrases.next_up(entry.exercise.name))

    def rest(self, rest_ms: int, exercise: str | None, *then: str) -> None:
        """A rest section: announced, with any further words, lasting ``rest_ms`` in all."""
        start = self.t
        with self.section(SectionKind.REST, f"Rest {rest_ms / 1000:g} s", exercise):
            for text in (phrases.rest(round(rest_ms / 1000)), *then):
                self.say(text)
            self.wait_until(start + rest_ms)

    def exercise(self, entry: Entry) -> None:
        ex = entry.exercise
        with self.section(SectionKind.EXERCISE, ex.name, ex.id):
            self.sound("bell")
            self.say(f"{ex.name}.")
            self.say(ex.purpose)
            for line in (*ex.setup, *ex.cautions):
                self.say(line)
            if ex.counted:
                self.say(
                    phrases.exercise_plan(entry.reps, entry.sets, entry.sides is not Sides.NONE)
                )
            for set_index in range(1, entry.sets + 1):
                if entry.sets > 1:
                    self.sound("chime")
                    self.say(phrases.set_start(set_index, entry.sets))
                if ex.counted:
                    self.counted_set(entry)
                else:
                    self.sequence(entry)
                if set_index < entry.sets and entry.rest_ms > 0:
                    self.rest(entry.rest_ms, ex.id)
            self.say(phrases.done(ex.name))

    def count_in(self) -> None:
        self.say(phrases.GET_READY)
        start = self.t
        for beat in range(COUNT_IN_TICKS):
            self.sound("tick", at=start + beat * 1000)
        self.wait_until(start + COUNT_IN_TICKS * 1000)

    def counted_set(self, entry: Entry) -> None:
        ex = entry.exercise
        first, other = ex.first_side, ex.first_side.other
        blocks: list[tuple[Side | None, ...]]
        if entry.sides is Sides.NONE:
            blocks = [(None,)]
        elif entry.sides is Sides.ALTERNATE:
            blocks = [(first, other)]
        else:
            blocks = [(first,), (other,)]
        for index, sides in enumerate(blocks):
            if entry.sides is Sides.ALTERNATE:
                self.say(phrases.alternate_from(first))
            elif entry.sides is Sides.ONE_THEN_OTHER:
                if index == 0:
                    self.say(phrases.side_first(first))
                else:
                    self.sound("chime")
                    self.say(phrases.side_switch(other))
            self.count_in()
            for rep in range(1, entry.reps + 1):
                side_note = f" ({sides[0]})" if entry.sides is Sides.ONE_THEN_OTHER else ""
                with self.section(SectionKind.REP, f"Rep {rep} of {entry.reps}{side_note}", ex.id):
                    self.say(phrases.rep_count(rep, entry.reps))
                    for side in sides:
                        for phase in ex.phases:
                            self.phase(entry, phase, side, familiar=rep > 1)

    def phase(self, entry: Entry, phase: Phase, side: Side | None, familiar: bool) -> None:
        span = entry.hold if (phase.hold and entry.hold) else phase.length
        text = _fill(
            phase.short if (familiar and phase.short) else phase.cue,
            side,
            _hold_words(span, self.options),
        )
        if phase.hold:
            self.hold(entry, phase, span, text)
            return
        start = self.t
        self.say(text)
        end = max(start + self.scaled(span), self.t)
        self.tone(phase.breath, start, end)
        self.wait_until(end)

    def hold(self, entry: Entry, phase: Phase, span: Span, text: str) -> None:
        # The hold starts when the cue announcing it has finished.
        start = self.say(text).end_ms
        count = phase.count
        if span.unit is Unit.SECONDS:
            seconds = span.amount.pick(self.options.level)
            hold_ms = round(seconds * 1000)
            title = f"Hold {seconds:g} s"
            for mark in range(1000, hold_ms, 1000):
                at = start + mark
                remaining = math.ceil((hold_ms - mark) / 1000)
                word = phrases.countdown(remaining)
                fits = at >= self.speech_free and self.length_ms(word) + GAP_MS <= 1000
                if count is Count.ALOUD and fits:
                    self.say(word, at=at)
                elif count is not Count.SILENT:
                    self.sound("tick", at=at)
            self.wait_until(start + hold_ms)
        else:
            breaths = int(span.amount.pick(self.options.level))
            title = f"Hold {phrases.plural(breaths, 'breath')}"
            half = round(BREATH_MS / self.options.pace / 2)
            for index in range(1, breaths + 1):
                for breath, words in (
                    (Breath.IN, phrases.breath_in(index, breaths)),
                    (Breath.OUT, phrases.BREATH_OUT),
                ):
                    begin = max(self.t, self.speech_free)
                    if count is Count.ALOUD:
                        self.say(words, at=begin)
                    elif count is Count.TICKS and breath is Breath.IN:
                        self.sound("tick", at=begin)
                    end = max(begin + half, self.t)
                    self.tone(breath, begin, end)
                    self.wait_until(end)
        self.events.append(Section(start, self.t, SectionKind.HOLD, title, entry.exercise.id))

    def sequence(self, entry: Entry) -> None:
        self.count_in()
        for part in entry.exercise.parts:
            self.say(part.title)
            for step in part.steps:
                start = self.t
                self.say(step.cue)
                self.wait_until(start + self.scaled(step.length))


def _hold_words(span: Span, options: Options) -> str:
    amount = span.amount.pick(options.level)
    if span.unit is Unit.BREATHS:
        return phrases.hold_length(amount, int(amount))
    return phrases.hold_length(amount, None)


def _fill(text: str, side: Side | None, hold: str) -> str:
    if side is None:
        return text.format(hold=hold)
    return text.format(side=side.value, other=side.other.value, hold=hold)
