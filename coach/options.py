"""The user's choices for one session, validated once, for every front end alike.

:meth:`Options.from_strings` reads them as a person types them (``"slow"``, ``"bridge=5"``,
``"8"``): the CLI, the web page and the benchmark all build options through it, so the same
words give the same session and the same messages everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from coach.definitions.model import Level
from coach.errors import OptionError, suggest


class Guidance(StrEnum):
    """How much the coach says. Brief: names, counts, breaths and holds, for people who know the
    routine; standard: with each exercise's purpose, set-up and cautions; full: with the tips
    too, and the whole cue in every rep. Every session opens with the same safety lines."""

    BRIEF = "brief"
    STANDARD = "standard"
    FULL = "full"


PACES: Mapping[str, float] = MappingProxyType({"slow": 0.75, "normal": 1.0, "fast": 1.25})
LEVELS: tuple[str, ...] = tuple(level.value for level in Level)  # for front ends

# Limits a real session stays inside; anything outside is a typo or a mistake.
PACE_RANGE = (0.5, 2.0)
REPS_RANGE = (1, 100)
SETS_RANGE = (1, 10)
HOLD_RANGE = (1.0, 120.0)
REST_RANGE = (0.0, 600.0)


@dataclass(frozen=True)
class Options:
    """How to shape a session.

    ``pace`` is a speed: 0.5 makes every movement, breath and rest take twice as long, 2.0 half
    as long. Prescribed holds keep their seconds unless ``hold`` is given. ``reps`` applies to
    every counted exercise (per side where sides apply); ``reps_for`` to one exercise by id.
    """

    pace: float = 1.0
    reps: int | None = None
    reps_for: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    sets: int | None = None
    hold: float | None = None
    rest: float | None = None
    level: Level = Level.STANDARD
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    breath_tones: bool = False
    guidance: Guidance = Guidance.STANDARD

    def __post_init__(self) -> None:
        _check("--pace", self.pace, PACE_RANGE, "or slow, normal, fast")
        if self.reps is not None:
            _check("--reps", self.reps, REPS_RANGE)
        for exercise_id, reps in self.reps_for.items():
            _check(f"--reps {exercise_id}=", reps, REPS_RANGE)
        if self.sets is not None:
            _check("--sets", self.sets, SETS_RANGE)
        if self.hold is not None:
            _check("--hold", self.hold, HOLD_RANGE, "seconds")
        if self.rest is not None:
            _check("--rest", self.rest, REST_RANGE, "seconds")
            if 0 < self.rest < 1:
                raise OptionError(f"--rest {self.rest:g}: give 0 for no rest, or 1 second or more")
        overlap = set(self.only) & set(self.skip)
        if overlap:
            raise OptionError(f"{', '.join(sorted(overlap))} is given to both --only and --skip")
        # Freeze what a caller may have passed as a plain dict.
        object.__setattr__(self, "reps_for", MappingProxyType(dict(self.reps_for)))

    @classmethod
    def from_strings(
        cls,
        *,
        pace: str = "normal",
        reps: Sequence[str] = (),
        sets: str | int | None = None,
        hold: str | float | None = None,
        rest: str | float | None = None,
        level: str = "standard",
        only: Sequence[str] = (),
        skip: Sequence[str] = (),
        breath_tones: bool = False,
        guidance: str = "standard",
    ) -> Options:
        """Options from what a person typed; each problem is one OptionError naming the flag."""
        overall, per_exercise = parse_reps(reps)
        sets_value = _number("--sets", sets)
        if sets_value is not None and not sets_value.is_integer():
            raise OptionError(f"--sets {sets}: give a whole number of sets")
        return cls(
            pace=parse_pace(pace),
            reps=overall,
            reps_for=per_exercise,
            sets=None if sets_value is None else int(sets_value),
            hold=_number("--hold", hold),
            rest=_number("--rest", rest),
            level=parse_level(level),
            only=split_ids(only),
            skip=split_ids(skip),
            breath_tones=breath_tones,
            guidance=parse_guidance(guidance),
        )


def split_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Ids given as repeated flags, comma-separated, or both."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def parse_level(text: str) -> Level:
    try:
        return Level(text.strip().lower())
    except ValueError:
        allowed = [level.value for level in Level]
        raise OptionError(
            f"--level {text!r} is not a level: use {', '.join(allowed)}{suggest(text, allowed)}"
        ) from None


def parse_guidance(text: str) -> Guidance:
    try:
        return Guidance(text.strip().lower())
    except ValueError:
        allowed = [g.value for g in Guidance]
        raise OptionError(
            f"--guidance {text!r} is not a guidance level: use {', '.join(allowed)}"
            f"{suggest(text, allowed)}"
        ) from None


def _number(flag: str, value: str | float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise OptionError(f"{flag} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise OptionError(f"{flag} {value!r} is not a number")
    return number


def parse_pace(text: str) -> float:
    """``slow``, ``normal``, ``fast`` or a speed factor such as ``0.8``."""
    key = text.strip().lower()
    if key in PACES:
        return PACES[key]
    try:
        value = float(key)
    except ValueError:
        raise OptionError(
            f"--pace {text!r} is not a pace: use slow, normal, fast or a number from "
            f"{PACE_RANGE[0]} to {PACE_RANGE[1]}"
        ) from None
    _check("--pace", value, PACE_RANGE, "or slow, normal, fast")
    return value


def parse_reps(values: Iterable[str]) -> tuple[int | None, dict[str, int]]:
    """Split ``--reps`` values into one count for all (``8``) and per exercise (``bridge=5``)."""
    overall: int | None = None
    per_exercise: dict[str, int] = {}
    for value in values:
        name, sep, number = value.rpartition("=")
        try:
            count = int(number)
        except ValueError:
            raise OptionError(
                f"--reps {value!r}: give a whole number (--reps 8) or EXERCISE=N (--reps bridge=5)"
            ) from None
        if sep:
            if not name:
                raise OptionError(f"--reps {value!r}: name the exercise before '='")
            per_exercise[name.strip()] = count
        else:
            overall = count
    return overall, per_exercise


def _check(flag: str, value: float, bounds: tuple[float, float], unit: str = "") -> None:
    low, high = bounds
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        joiner = "" if flag.endswith("=") else " "
        raise OptionError(
            f"{flag}{joiner}{shown} is out of range: allowed {low:g} to {high:g}{suffix}"
        )
