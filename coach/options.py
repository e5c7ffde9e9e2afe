"""The user's choices for one session, validated once, for the CLI and library users alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from coach.errors import OptionError
from coach.model import Level

PACES: Mapping[str, float] = MappingProxyType({"slow": 0.75, "normal": 1.0, "fast": 1.25})

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
        overlap = set(self.only) & set(self.skip)
        if overlap:
            raise OptionError(f"{', '.join(sorted(overlap))} is given to both --only and --skip")
        # Freeze what a caller may have passed as a plain dict.
        object.__setattr__(self, "reps_for", MappingProxyType(dict(self.reps_for)))


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
