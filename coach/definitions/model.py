"""The exercise model: what a definition file says, as frozen data.

Nothing here knows about YAML, time or audio. The loader builds these objects; the compiler
reads them together with :class:`coach.options.Options` to make a timeline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Breath(StrEnum):
    IN = "in"
    OUT = "out"
    HOLD = "hold"
    NATURAL = "natural"


class Sides(StrEnum):
    NONE = "none"
    ALTERNATE = "alternate"  # each rep: the phases on the first side, then on the other
    ONE_THEN_OTHER = "one-then-other"  # every rep on the first side, then every rep on the other
    SWITCH_EACH_REP = "switch-each-rep"  # one side per rep, switching: right, left, right...


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Unit(StrEnum):
    SECONDS = "seconds"
    BREATHS = "breaths"


class Count(StrEnum):
    """How the seconds or breaths of a hold are marked."""

    ALOUD = "aloud"
    TICKS = "ticks"
    SILENT = "silent"


class Level(StrEnum):
    BEGINNER = "beginner"
    STANDARD = "standard"
    ADVANCED = "advanced"


class Kind(StrEnum):
    REPS = "reps"  # counted repetitions of the same phases
    SEQUENCE = "sequence"  # ordered movements in parts, not counted


class Lead(StrEnum):
    """The body part that leads a rolling movement (seed: middle-back rolling)."""

    KNEE = "knee"
    HIP = "hip"
    HEAD = "head"


@dataclass(frozen=True)
class Origin:
    """Where a definition came from, for messages that point at a file and line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Range:
    """A prescribed amount, exact (low == high) or a range such as "8 to 10"."""

    low: float
    high: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))

    @classmethod
    def exactly(cls, value: float) -> Range:
        return cls(value, value)

    def pick(self, level: Level) -> float:
        """The low end for beginners, the middle for standard, the high end for advanced."""
        if level is Level.BEGINNER:
            return self.low
        if level is Level.ADVANCED:
            return self.high
        middle = (self.low + self.high) / 2
        # Whole numbers stay whole: reps and seconds are counted aloud.
        return float(math.floor(middle)) if self.low.is_integer() else middle

    def __str__(self) -> str:
        if self.low == self.high:
            return _num(self.low)
        return f"{_num(self.low)} to {_num(self.high)}"


@dataclass(frozen=True)
class Span:
    """A length of time given in seconds or in breaths (one breath is one in-and-out)."""

    amount: Range
    unit: Unit

    def __str__(self) -> str:
        unit = self.unit.value
        if self.amount.high == 1:
            unit = unit.rstrip("s")
        return f"{self.amount} {unit}"


@dataclass(frozen=True)
class Phase:
    """One part of a rep: a movement with its breath, or a hold."""

    cue: str
    breath: Breath
    length: Span
    short: str | None = None  # said instead of `cue` once the movement is familiar
    hold: bool = False  # holds keep their prescribed length whatever the pace
    count: Count = Count.ALOUD


@dataclass(frozen=True)
class Step:
    """One movement of a sequence exercise."""

    cue: str
    length: Span
    lead: Lead | None = None
    toward: Side | None = None


@dataclass(frozen=True)
class Part:
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    purpose: str
    kind: Kind
    setup: tuple[str, ...]
    phases: tuple[Phase, ...] = ()  # kind REPS
    parts: tuple[Part, ...] = ()  # kind SEQUENCE
    reps: Range = Range(1, 1)
    sets: int = 1
    rest: float = 20.0  # seconds between sets
    sides: Sides = Sides.NONE
    first_side: Side = Side.RIGHT
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    source: str | None = None
    origin: Origin | None = None

    @property
    def counted(self) -> bool:
        return self.kind is Kind.REPS

    @property
    def holds(self) -> tuple[Phase, ...]:
        return tuple(p for p in self.phases if p.hold)


@dataclass(frozen=True)
class Item:
    """An exercise as a routine uses it, with that routine's overrides."""

    exercise: str
    reps: Range | None = None
    sets: int | None = None
    hold: Span | None = None
    sides: Sides | None = None
    rest: float | None = None  # seconds between sets
    origin: Origin | None = None


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    description: str
    items: tuple[Item, ...]
    rest: float = 10.0  # seconds between exercises
    opening: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    source: str | None = None
    origin: Origin | None = None


def _num(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
