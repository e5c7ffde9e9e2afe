"""Definitions + options + speech lengths -> Timeline. Pure: no audio, no files, no clock.

The compiler is handed the length of every phrase it may say: an estimate for quick plans, the
measured length of each synthesized clip for what is played and exported, so the cue sheet is
exactly what is heard. The timing rules are all in :mod:`coach.script.timing`; holds in
:mod:`coach.script.holds`; the words in :mod:`coach.script.phrases`.

Guidance shapes the script, never its safety: every session opens with the doctor and
stop-if-pain lines. Brief says names, rep counts, short cues, breaths and holds; standard adds
each exercise's purpose, set-up and cautions and the full cue in the first rep; full adds the
tips and says the full cue in every rep.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coach.definitions.model import Breath, Exercise, Phase, Routine, Side, Sides
from coach.options import Guidance, Options
from coach.script import phrases
from coach.script.cues import SOUNDS
from coach.script.cursor import Cursor
from coach.script.entries import Entry, describe, plan_entries, rest_seconds
from coach.script.holds import cue_for, hold
from coach.script.lengths import SpeechLength, estimate_speech_seconds
from coach.script.timeline import Role, SectionKind, Timeline
from coach.script.timing import TIMING


def draft(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    options: Options,
    minutes: int | None = None,
) -> tuple[Timeline, tuple[str, ...]]:
    """The session with estimated speech lengths, and every phrase it may say, in order.

    The compiler asks the length of every phrase it might say, said or not (prompts for quiet
    moments, shorter cues for holds, countdown words), so compiling once with estimated lengths
    lists them all: what a voice prepares before compiling again with the measured lengths.
    Only the "about N minutes" line can differ then, unless ``minutes`` fixes it.
    """
    asked: dict[str, None] = {}

    def record(text: str) -> float:
        asked[text] = None
        return estimate_speech_seconds(text)

    return compile_session(routine, exercises, options, record, minutes), tuple(asked)


def vocabulary(
    routine: Routine, exercises: Mapping[str, Exercise], options: Options
) -> tuple[str, ...]:
    """Every phrase the session may say, in order (see :func:`draft`)."""
    return draft(routine, exercises, options)[1]


def compile_session(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    options: Options,
    speech_length: SpeechLength = estimate_speech_seconds,
    minutes: int | None = None,
) -> Timeline:
    """The session; ``minutes`` fixes what its opening says of its length (else it is settled)."""
    entries = plan_entries(routine, exercises, options)
    if minutes is None:
        # The opening says how long the session is, which depends on the opening: compile once
        # to measure, then again with the minutes known.
        draft = _Compiler(options, speech_length, routine=routine, entries=entries).run(minutes=1)
        minutes = max(1, round(draft.duration_ms / 60_000))
    return _Compiler(options, speech_length, routine=routine, entries=entries).run(minutes)


# An unknown length decides nothing before the moment it is first asked, except whether a tick
# of a hold sounds up to 100 ms before words (holds._tick_seconds): keep clear of that too.
_ASK_MARGIN_MS = 100


@dataclass(frozen=True)
class Known:
    """A session compiled while its voice is still making phrases: exact up to a point."""

    timeline: Timeline  # unknown lengths guessed, so later times may still move
    exact_ms: int  # every word and sound that starts before this is final


def compile_known(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    options: Options,
    known: Mapping[str, float],
    guess: SpeechLength,
    minutes: int,
) -> Known:
    """The session with the lengths ``known`` so far and ``guess`` for the rest.

    The compiler places everything in order and asks each length before it uses it, so all it
    placed before it first asked for a length not yet known is what the finished session will
    have: a player can play that much while the voice makes the rest.
    """
    unknown: list[int] = []
    compiler: _Compiler | None = None

    def length(text: str) -> float:
        if text in known:
            return known[text]
        assert compiler is not None
        unknown.append(min(compiler.t, compiler.speech_free))
        return guess(text)

    entries = plan_entries(routine, exercises, options)
    compiler = _Compiler(options, length, routine=routine, entries=entries)
    timeline = compiler.run(minutes)
    if not unknown:
        return Known(timeline, timeline.duration_ms)
    return Known(timeline, max(0, min(unknown) - _ASK_MARGIN_MS))


@dataclass(kw_only=True)
class _Compiler(Cursor):
    routine: Routine
    entries: list[Entry]

    @property
    def guidance(self) -> Guidance:
        return self.options.guidance

    def run(self, minutes: int) -> Timeline:
        with self.section(SectionKind.INTRO, "Welcome"):
            self.sound("chime")
            self.say(f"{self.routine.name}.")
            self.say(phrases.session_length(minutes))
            self.say(phrases.DOCTOR)
            self.say(phrases.STOP_IF_PAIN)
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
            self.t = max(self.t, gong.end_ms)
        return Timeline(
            title=self.routine.name,
            routine=self.routine.id,
            duration_ms=self.t,
            events=Timeline.sort(self.events),
            settings=describe(self.options),
        )

    def between(self, entry: Entry) -> None:
        seconds = rest_seconds(self.options, self.routine.rest)
        if seconds:
            self.rest(seconds, None, phrases.next_up(entry.exercise.name))
        else:
            self.say(phrases.next_up(entry.exercise.name))

    def rest(self, seconds: int, exercise: str | None, *then: str) -> None:
        """A rest section: announced, with any further words, lasting ``seconds`` in all."""
        start = self.t
        end = start + seconds * 1000
        title = phrases.capital(phrases.rest_title(seconds))
        with self.section(SectionKind.REST, title, exercise):
            for text in (phrases.rest(seconds), *then):
                self.say(text)
            # A rest ends in a bell (the next exercise) or a chime (the next set) before words.
            self.rest_until(start, end, SOUNDS["bell"].lead_ms)

    def exercise(self, entry: Entry) -> None:
        ex = entry.exercise
        with self.section(SectionKind.EXERCISE, ex.name, ex.id):
            self.sound("bell")
            self.say(f"{ex.name}.")
            if self.guidance is not Guidance.BRIEF:
                for line in (ex.purpose, *ex.setup, *ex.cautions):
                    self.say(line)
            if self.guidance is Guidance.FULL:
                for line in ex.tips:
                    self.say(line)
            if ex.counted:
                self.say(phrases.exercise_plan(entry.reps, entry.sets, _sides_word(entry.sides)))
            for set_index in range(1, entry.sets + 1):
                if entry.sets > 1:
                    self.sound("chime")
                    self.say(phrases.set_start(set_index, entry.sets))
                if ex.counted:
                    self.counted_set(entry)
                else:
                    self.sequence(entry)
                if set_index < entry.sets and entry.rest_s > 0:
                    self.rest(entry.rest_s, ex.id)
            if self.guidance is not Guidance.BRIEF:
                self.say(phrases.done(ex.name))

    def count_in(self) -> None:
        self.say(phrases.GET_READY)
        start = self.t
        for beat in range(TIMING.count_in_ticks):
            self.sound("tick", at=start + beat * 1000)
        self.t = max(self.t, start + TIMING.count_in_ticks * 1000)

    def counted_set(self, entry: Entry) -> None:
        ex = entry.exercise
        first = ex.first_side
        blocks: list[Side | None] = [None]
        if entry.sides is Sides.ONE_THEN_OTHER:
            blocks = [first, first.other]
        for block in blocks:
            if entry.sides is Sides.ALTERNATE:
                self.say(phrases.alternate_from(first))
            elif entry.sides is Sides.SWITCH_EACH_REP or block is first:
                self.say(phrases.side_first(first))
            elif block is not None:
                self.sound("chime")
                self.say(phrases.side_switch(block))
            self.count_in()
            for rep in range(1, entry.reps + 1):
                note = f" ({block})" if block is not None else ""
                with self.section(SectionKind.REP, f"Rep {rep} of {entry.reps}{note}", ex.id):
                    self.say(phrases.rep_count(rep, entry.reps), Role.REP)
                    for side in _rep_sides(entry.sides, block, first, rep):
                        for phase in ex.phases:
                            self.phase(entry, phase, side, first_rep=rep == 1)

    def phase(self, entry: Entry, phase: Phase, side: Side | None, first_rep: bool) -> None:
        if side is None and entry.exercise.sides is not Sides.NONE:
            # A routine that turns the sides of a sided exercise off: it is done on one side.
            side = entry.exercise.first_side
        if phase.hold:
            hold(self, entry, phase, side, first_rep)
            return
        text = phrases.fill(cue_for(self.guidance, phase, first_rep), side)
        self.move(text, self.scaled(phase.length), phase.breath, phrases.MOVE_PROMPTS)

    def sequence(self, entry: Entry) -> None:
        self.count_in()
        for part in entry.exercise.parts:
            self.say(part.title)
            for step in part.steps:
                prompts: tuple[str, ...] = phrases.ROLL_PROMPTS
                if step.lead is not None:
                    prompts = (phrases.lead(step.lead.value), *prompts)
                self.move(step.cue, self.scaled(step.length), Breath.NATURAL, prompts)


def _sides_word(sides: Sides) -> str:
    return {Sides.NONE: "", Sides.SWITCH_EACH_REP: "switch"}.get(sides, "each")


def _rep_sides(sides: Sides, block: Side | None, first: Side, rep: int) -> tuple[Side | None, ...]:
    if sides is Sides.ALTERNATE:
        return (first, first.other)
    if sides is Sides.SWITCH_EACH_REP:
        return (first if rep % 2 else first.other,)
    return (block,)
