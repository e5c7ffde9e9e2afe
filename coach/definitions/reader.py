"""Composed YAML nodes -> the frozen model: what an exercise and a routine may say.

Every value is read through :mod:`coach.definitions.nodes`, so each error names the file and
line. What this module accepts, the compiler can compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from coach.definitions.model import (
    Breath,
    Count,
    Exercise,
    Item,
    Kind,
    Lead,
    Origin,
    Part,
    Phase,
    Range,
    Routine,
    Side,
    Sides,
    Span,
    Step,
    Unit,
)
from coach.definitions.nodes import Map, Nodes, compose, read_source
from coach.errors import DefinitionError, quote

DEFAULT_MOVE = Span(Range.exactly(3), Unit.SECONDS)
PLACEHOLDERS = ("side", "other", "hold")
MAX_EXERCISES = 200  # in one file
MAX_ROUTINES = 100
MAX_ITEMS = 50  # exercises in one routine; the built-in ones have at most 6
_PLACEHOLDER = re.compile(r"\{(side|other|hold)\}")
_BRACES = re.compile(r"\{[^{}]{0,20}\}?|\}")


@dataclass(frozen=True)
class Definitions:
    """What one file defines, in file order."""

    path: str
    exercises: tuple[Exercise, ...]
    routines: tuple[Routine, ...]


def load_file(path: Path | str) -> Definitions:
    path = Path(path)
    return load_text(read_source(path), str(path))


def load_text(text: str, path: str = "<text>") -> Definitions:
    root = compose(text, path)
    if root is None:
        raise DefinitionError(path, 1, "the file is empty; expected 'exercises:' or 'routines:'")
    reader = _Reader(path)
    top = reader.mapping(root, "the file")
    exercises = tuple(reader.exercise(node) for node in top.seq("exercises", most=MAX_EXERCISES))
    routines = tuple(reader.routine(node) for node in top.seq("routines", most=MAX_ROUTINES))
    top.done()
    if not exercises and not routines:
        raise DefinitionError(path, top.line, "defines nothing: add 'exercises:' or 'routines:'")
    _check_unique(path, [(e.id, e.origin) for e in exercises], "exercise")
    _check_unique(path, [(r.id, r.origin) for r in routines], "routine")
    return Definitions(path, exercises, routines)


def placeholders(text: str) -> set[str]:
    """The placeholders ``text`` uses; raises ValueError naming any other use of braces.

    The set is closed and takes no format spec, so filling a checked text can never fail.
    """
    rest = _PLACEHOLDER.sub("", text)
    stray = _BRACES.search(rest)
    if stray:
        token = stray.group()
        if len(token) > 1 and token.endswith("}"):
            raise ValueError(
                f"unknown placeholder {quote(token)[1:-1]} in {quote(text)}; "
                "use {side}, {other} or {hold}, nothing else inside the braces"
            )
        raise ValueError(
            f"unmatched brace in {quote(text)}; braces only make the placeholders "
            "{side}, {other} and {hold}"
        )
    return set(_PLACEHOLDER.findall(text))


def _check_unique(path: str, pairs: list[tuple[str, Origin | None]], what: str) -> None:
    seen: dict[str, Origin | None] = {}
    for ident, origin in pairs:
        if ident in seen:
            first = seen[ident]
            first_line = first.line if first else "?"
            raise DefinitionError(
                path,
                origin.line if origin else None,
                f"{what} id {ident!r} is defined twice (first at line {first_line})",
            )
        seen[ident] = origin


class _Reader(Nodes):
    """The schema: exercises, their phases or parts, and routines."""

    # -- exercises ---------------------------------------------------------------------------

    def exercise(self, node: yaml.Node) -> Exercise:
        m = self.mapping(node, "an exercise")
        ident = m.ident("id")
        kind = m.enum("kind", Kind, Kind.REPS)
        name = m.text("name")
        purpose = m.text("purpose")
        setup = m.texts("setup", required=True)
        sides = m.enum("sides", Sides, Sides.NONE)
        first_side = m.enum("first_side", Side, Side.RIGHT)
        phases: tuple[Phase, ...] = ()
        parts: tuple[Part, ...] = ()
        if kind is Kind.REPS:
            phases = tuple(self.phase(n) for n in m.seq("phases", required=True))
            reps = m.range("reps", Range.exactly(1), whole=True, low=1, high=100)
        else:
            parts = tuple(self.part(n) for n in m.seq("parts", required=True))
            reps = Range.exactly(1)
            for key in ("phases", "reps"):
                if key in m:
                    raise m.fail_at(key, f"a sequence exercise has parts and steps, not {key!r}")
        exercise = Exercise(
            id=ident,
            name=name,
            purpose=purpose,
            kind=kind,
            setup=setup,
            phases=phases,
            parts=parts,
            reps=reps,
            sets=int(m.number("sets", 1, low=1, high=10, whole=True)),
            rest=m.number("rest", 20, low=0, high=600),
            sides=sides,
            first_side=first_side,
            tips=m.texts("tips"),
            cautions=m.texts("cautions"),
            source=m.optional_text("source"),
            origin=Origin(self.path, m.line),
        )
        _a_second_or_more(m, "rest", exercise.rest)
        m.done()
        self.check_cues(m, exercise)
        return exercise

    def phase(self, node: yaml.Node) -> Phase:
        m = self.mapping(node, "a phase")
        cue = m.text("cue")
        short = m.optional_text("short")
        if "hold" in m:
            if "length" in m:
                raise m.fail_at("length", "a hold phase gives its length as 'hold:', not 'length:'")
            phase = Phase(
                cue=cue,
                short=short,
                breath=m.enum("breath", Breath, Breath.NATURAL),
                length=m.span("hold", None),
                hold=True,
                count=m.enum("count", Count, Count.ALOUD),
            )
            _a_second_or_more(m, "hold", phase.length)
        else:
            if "count" in m:
                raise m.fail_at("count", "'count' belongs to a hold phase (one with 'hold:')")
            phase = Phase(
                cue=cue,
                short=short,
                breath=m.enum("breath", Breath, Breath.NATURAL),
                length=m.span("length", DEFAULT_MOVE),
            )
        m.done()
        return phase

    def part(self, node: yaml.Node) -> Part:
        m = self.mapping(node, "a part")
        part = Part(title=m.text("title"), steps=tuple(self.step(n) for n in m.seq("steps", True)))
        m.done()
        return part

    def step(self, node: yaml.Node) -> Step:
        m = self.mapping(node, "a step")
        lead = m.enum("lead", Lead, None)
        toward = m.enum("toward", Side, None)
        step = Step(
            cue=m.text("cue"), length=m.span("length", DEFAULT_MOVE), lead=lead, toward=toward
        )
        if "{" in step.cue or "}" in step.cue:
            raise m.fail_at(
                "cue", f"{quote(step.cue)}: placeholders such as {{side}} work in phase cues only"
            )
        m.done()
        return step

    def check_cues(self, m: Map, exercise: Exercise) -> None:
        said_side = False
        for index, phase in enumerate(exercise.phases):
            for text in filter(None, (phase.cue, phase.short)):
                where = m.child_line("phases", index)
                try:
                    fields = placeholders(text)
                except ValueError as problem:
                    raise DefinitionError(self.path, where, str(problem)) from None
                if fields & {"side", "other"}:
                    if exercise.sides is Sides.NONE:
                        raise DefinitionError(
                            self.path,
                            where,
                            f"{quote(text)} names a side but the exercise has 'sides: none'",
                        )
                    said_side = True
                if "hold" in fields and not phase.hold:
                    raise DefinitionError(
                        self.path, where, f"{{hold}} is only known in a hold phase: {quote(text)}"
                    )
        if exercise.sides is Sides.ALTERNATE and not said_side:
            raise m.fail_at(
                "sides",
                "'sides: alternate' needs {side} in a phase cue, "
                "so the listener hears which way to go",
            )

    # -- routines ----------------------------------------------------------------------------

    def routine(self, node: yaml.Node) -> Routine:
        m = self.mapping(node, "a routine")
        routine = Routine(
            id=m.ident("id"),
            name=m.text("name"),
            description=m.text("description"),
            items=tuple(self.item(n) for n in m.seq("exercises", True, most=MAX_ITEMS)),
            rest=m.number("rest", 10, low=0, high=600),
            opening=m.texts("opening"),
            closing=m.texts("closing"),
            source=m.optional_text("source"),
            origin=Origin(self.path, m.line),
        )
        _a_second_or_more(m, "rest", routine.rest)
        m.done()
        return routine

    def item(self, node: yaml.Node) -> Item:
        if isinstance(node, yaml.ScalarNode):
            self.visit(node)
            return Item(self.ident(node), origin=Origin(self.path, node.start_mark.line + 1))
        m = self.mapping(node, "a routine entry")
        sets = m.number("sets", None, low=1, high=10, whole=True)
        item = Item(
            exercise=m.ident("id"),
            reps=m.range("reps", None, whole=True, low=1, high=100),
            sets=int(sets) if sets is not None else None,
            hold=m.span("hold", None) if "hold" in m else None,
            sides=m.enum("sides", Sides, None),
            rest=m.number("rest", None, low=0, high=600),
            origin=Origin(self.path, m.line),
        )
        _a_second_or_more(m, "rest", item.rest)
        _a_second_or_more(m, "hold", item.hold)
        m.done()
        return item


def _a_second_or_more(m: Map, key: str, value: float | Span | None) -> None:
    """Rests and holds in seconds are whole moments to the listener: none, or 1 s or more.

    (Added for the script: "rest: 0.4" would otherwise be said as "zero seconds".)
    """
    if isinstance(value, Span):
        value = value.amount.low if value.unit is Unit.SECONDS else None
    if value is not None and 0 < value < 1:
        fix = (
            "give 0 for no rest, or 1 second or more" if key == "rest" else "give 1 second or more"
        )
        raise m.fail_at(key, f"'{key}: {value:g}' is under a second; {fix}")
