"""Definitions as readable text, for ``coach show``."""

from __future__ import annotations

from coach.definitions.model import Breath, Exercise, Kind, Phase, Routine, Sides

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
        lines += ["", "One rep:"]
        lines += [f"  {i}. {_phase(p)}" for i, p in enumerate(exercise.phases, 1)]
        facts = [f"reps {exercise.reps}", f"sets {exercise.sets}"]
        if exercise.sets > 1:
            facts.append(f"rest between sets {exercise.rest:g} s")
        if exercise.sides is not Sides.NONE:
            facts.append(f"sides {exercise.sides} (first {exercise.first_side})")
        lines += ["", "; ".join(facts).capitalize()]
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


def _phase(phase: Phase) -> str:
    if phase.hold:
        what = f"hold {phase.length}, counted {phase.count}"
    else:
        what = f"{_BREATH[phase.breath]}, {phase.length}"
    short = f" (later: {phase.short})" if phase.short else ""
    return f"[{what}] {phase.cue}{short}"
