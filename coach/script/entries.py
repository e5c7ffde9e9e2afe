"""The doses: which exercises a session does, with how many reps, sets, holds and rests.

A routine's items, its overrides and the user's options settle here into one :class:`Entry`
per exercise, before any timing is decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coach.definitions.model import Exercise, Item, Range, Routine, Sides, Span, Unit
from coach.errors import OptionError, UnknownIdError, suggest
from coach.options import PACES, Guidance, Options


@dataclass(frozen=True)
class Entry:
    """An exercise as this session will do it: the routine's overrides and the options applied."""

    exercise: Exercise
    reps: int
    sets: int
    sides: Sides
    hold: Span | None  # replaces every hold of the exercise
    rest_s: int  # whole seconds between sets; 0 for none


def plan_entries(
    routine: Routine, exercises: Mapping[str, Exercise], options: Options
) -> list[Entry]:
    """Select the routine's items (--only, --skip) and settle their reps, sets, holds, rests."""
    ids = [item.exercise for item in routine.items]
    for flag, wanted in (("--only", options.only), ("--skip", options.skip)):
        for ident in wanted:
            if ident not in ids:
                raise UnknownIdError(
                    f"{flag} {ident}: not in routine {routine.id!r}{suggest(ident, ids)}",
                    hint=f"its exercises are {', '.join(ids)}",
                )
    items = [
        item
        for item in routine.items
        if (not options.only or item.exercise in options.only) and item.exercise not in options.skip
    ]
    if not items:
        raise OptionError(f"--only/--skip leave nothing of routine {routine.id!r} to do")
    for ident in options.reps_for:
        if ident not in ids:
            raise UnknownIdError(
                f"--reps {ident}=...: not in routine {routine.id!r}{suggest(ident, ids)}",
                hint=f"its exercises are {', '.join(ids)}",
            )
        if not exercises[ident].counted:
            raise OptionError(
                f"--reps {ident}=...: {ident} is a sequence of movements and has no reps"
            )
    return [_entry(item, exercises[item.exercise], options) for item in items]


def _entry(item: Item, exercise: Exercise, options: Options) -> Entry:
    if exercise.id in options.reps_for:
        reps = options.reps_for[exercise.id]
    elif options.reps is not None and exercise.counted:
        reps = options.reps
    else:
        reps = int((item.reps or exercise.reps).pick(options.level))
    if options.hold is not None:
        hold: Span | None = Span(Range.exactly(options.hold), Unit.SECONDS)
    else:
        hold = item.hold
    return Entry(
        exercise=exercise,
        reps=reps,
        sets=options.sets or item.sets or exercise.sets,
        sides=item.sides or exercise.sides,
        hold=hold,
        rest_s=rest_seconds(options, item.rest if item.rest is not None else exercise.rest),
    )


def rest_seconds(options: Options, prescribed_s: float) -> int:
    """A rest in whole seconds, so that what is said is what is done.

    --rest is taken as given; a prescribed rest scales with the pace like a movement. A rest
    that is not zero never rounds down to nothing.
    """
    seconds = options.rest if options.rest is not None else prescribed_s / options.pace
    if seconds <= 0:
        return 0
    return max(1, round(seconds))


def describe(options: Options) -> str:
    """A short human summary of the options, for headers and tags."""
    names = {v: k for k, v in PACES.items()}
    parts = [f"pace {names.get(options.pace, f'{options.pace:g}')}", f"level {options.level}"]
    if options.guidance is not Guidance.STANDARD:
        parts.append(f"guidance {options.guidance}")
    if options.reps is not None:
        parts.append(f"reps {options.reps}")
    parts += [f"reps {k}={v}" for k, v in sorted(options.reps_for.items())]
    if options.sets is not None:
        parts.append(f"sets {options.sets}")
    if options.hold is not None:
        parts.append(f"hold {options.hold:g}s")
    if options.rest is not None:
        parts.append(f"rest {options.rest:g}s")
    if options.only:
        parts.append(f"only {','.join(options.only)}")
    if options.skip:
        parts.append(f"skip {','.join(options.skip)}")
    return ", ".join(parts)
