"""Definitions as readable text, for ``coach show``."""

from __future__ import annotations

import re

from coach.definitions.model import Breath, Exercise, Kind, Phase, Routine, Side, Sides

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

_BREATH = {
    Breath.IN: "breathe in",
    Breath.OUT: "breathe out",
    Breath.HOLD: "hold the breath",
    Breath.NATURAL: "breathe freely",
}


def describe_exercise(exercise: Exercise) -> str:
    lines = [f"{exercise.name} ({exercise.id})", exercise.purpose]
    if exercise.source:
        lines.append(f"Source: {exercise.source}")
    lines += ["", "Set-up:", *(f"  - {s}" for s in exercise.setup)]
    if exercise.kind is Kind.REPS:
        sided = exercise.sides is not Sides.NONE
        side = exercise.first_side if sided else None
        lines += ["", f"One rep, shown for the {side} side:" if side else "One rep:"]
        lines += [f"  {i}. {_phase(p, side)}" for i, p in enumerate(exercise.phases, 1)]
        lines += ["", _dose(exercise)]
    else:
        for part in exercise.parts:
            lines += ["", part.title]
            for step in part.steps:
                led = ", ".join(
                    x
                    for x in (
                        step.lead and f"{step.lead} leads",
                        step.toward and f"to the {step.toward}",
                    )
                    if x
                )
                lines.append(f"  - [{step.length}{'; ' + led if led else ''}] {step.cue}")
    for title, items in (("Tips:", exercise.tips), ("Cautions:", exercise.cautions)):
        if items:
            lines += ["", title, *(f"  - {s}" for s in items)]
    return "\n".join(lines) + "\n"


def describe_routine(routine: Routine) -> str:
    lines = [f"{routine.name} ({routine.id})", routine.description]
    if routine.source:
        lines.append(f"Source: {routine.source}")
    lines += ["", f"Exercises (rest {routine.rest:g} s between them):"]
    for index, item in enumerate(routine.items, 1):
        overrides = [
            f"{name} {value}"
            for name, value in (
                ("reps", item.reps),
                ("sets", item.sets),
                ("hold", item.hold),
                ("sides", item.sides),
                ("rest", item.rest),
            )
            if value is not None
        ]
        lines.append(
            f"  {index}. {item.exercise}" + (f" ({', '.join(overrides)})" if overrides else "")
        )
    for title, items in (("Opening:", routine.opening), ("Closing:", routine.closing)):
        if items:
            lines += ["", title, *(f"  - {s}" for s in items)]
    return "\n".join(lines) + "\n"


def _dose(exercise: Exercise) -> str:
    """ "3 to 5 reps per side, alternating sides, starting on the right; 1 set." """
    reps = f"{exercise.reps} {'rep' if exercise.reps.high == 1 else 'reps'}"
    facts = [reps]
    if exercise.sides is Sides.ALTERNATE:
        facts[0] += f" per side, alternating sides, starting on the {exercise.first_side}"
    elif exercise.sides is Sides.ONE_THEN_OTHER:
        first, other = exercise.first_side, exercise.first_side.other
        facts[0] += f" on the {first} side, then the same on the {other}"
    sets = f"{exercise.sets} {'set' if exercise.sets == 1 else 'sets'}"
    if exercise.sets > 1:
        sets += f", {exercise.rest:g} seconds' rest between them"
    facts.append(sets)
    return "; ".join(facts) + "."


def _phase(phase: Phase, side: Side | None) -> str:
    if phase.hold:
        what = f"hold {phase.length}, counted {phase.count}"
    else:
        what = f"{_BREATH[phase.breath]}, {phase.length}"
    short = f" (later: {_capital(_fill(phase.short, side, phase))})" if phase.short else ""
    return f"[{what}] {_capital(_fill(phase.cue, side, phase))}{short}"


def _fill(text: str, side: Side | None, phase: Phase) -> str:
    """The cue as it is said: {side} and {other} named, {hold} as its length."""
    named = {"hold": str(phase.length)}
    if side is not None:
        named |= {"side": side.value, "other": side.other.value}
    return _PLACEHOLDER.sub(lambda m: named.get(m.group(1), m.group(0)), text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
