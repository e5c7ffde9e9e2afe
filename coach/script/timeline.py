"""The one intermediate form: timed speech, sound and section events.

The compiler makes a :class:`Timeline`; the mixer, the player, the exporter, the cue sheets
(:mod:`coach.script.formats`) and the web page all read it. Times are whole milliseconds so that
what is printed is exactly what is heard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class SectionKind(StrEnum):
    INTRO = "intro"
    EXERCISE = "exercise"
    REST = "rest"
    REP = "rep"
    HOLD = "hold"
    OUTRO = "outro"


class Role(StrEnum):
    """What a spoken line does, so that a rep count is never mistaken for a countdown."""

    INFO = "info"  # names, purpose, set-up, tips, cautions, plans, rests
    REP = "rep"  # "Rep three."
    MOVE = "move"  # a movement cue: the listener moves once it ends
    BREATH = "breath"  # a breath cue in a hold: the listener breathes once it ends
    HOLD = "hold"  # the words that start a hold
    COUNT = "count"  # a countdown number at the end of a hold
    PROMPT = "prompt"  # a short word that keeps a long movement, hold or rest from going quiet


CHAPTER_KINDS = (SectionKind.INTRO, SectionKind.EXERCISE, SectionKind.OUTRO)
# Sounds too frequent to list line by line in a printed cue sheet.
QUIET_SOUNDS = frozenset({"tick", "inhale", "exhale"})


@dataclass(frozen=True)
class Speech:
    start_ms: int
    end_ms: int
    text: str
    role: Role = Role.INFO
    type: str = field(default="speech", init=False)


@dataclass(frozen=True)
class Sound:
    start_ms: int
    end_ms: int
    name: str
    type: str = field(default="sound", init=False)


@dataclass(frozen=True)
class Section:
    start_ms: int
    end_ms: int
    kind: SectionKind
    title: str
    exercise: str | None = None  # the exercise id, for sections inside an exercise
    type: str = field(default="section", init=False)


Event = Speech | Sound | Section
_ORDER = {"section": 0, "sound": 1, "speech": 2}


@dataclass(frozen=True)
class Timeline:
    title: str
    routine: str
    duration_ms: int
    events: tuple[Event, ...]
    settings: str = ""  # a human summary of the options, for tags and headers

    @staticmethod
    def sort(events: list[Event]) -> tuple[Event, ...]:
        # Sections open before what they contain; longer (outer) sections first.
        return tuple(
            sorted(events, key=lambda e: (e.start_ms, _ORDER[e.type], -(e.end_ms - e.start_ms)))
        )

    def speech(self) -> Iterator[Speech]:
        return (e for e in self.events if isinstance(e, Speech))

    def sounds(self) -> Iterator[Sound]:
        return (e for e in self.events if isinstance(e, Sound))

    def sections(self, *kinds: SectionKind) -> Iterator[Section]:
        return (e for e in self.events if isinstance(e, Section) and (not kinds or e.kind in kinds))

    def chapters(self) -> list[Section]:
        """Intro, exercises and outro, stretched to cover the session without gaps."""
        parts = list(self.sections(*CHAPTER_KINDS))
        out = []
        for index, part in enumerate(parts):
            start = 0 if index == 0 else part.start_ms
            end = parts[index + 1].start_ms if index + 1 < len(parts) else self.duration_ms
            out.append(Section(start, end, part.kind, part.title, part.exercise))
        return out

    def phrases(self) -> list[str]:
        """Every distinct spoken text, in order of first use."""
        return list(dict.fromkeys(e.text for e in self.speech()))

    def at(self, ms: int) -> list[Event]:
        """Events under way at ``ms`` (for the player's display)."""
        return [e for e in self.events if e.start_ms <= ms < e.end_ms]


def clock(ms: int, *, precise: bool = True) -> str:
    minutes, rest = divmod(ms, 60_000)
    hours, minutes = divmod(minutes, 60)
    seconds = rest / 1000
    text = f"{minutes:02d}:{seconds:06.3f}" if precise else f"{minutes:02d}:{int(seconds):02d}"
    return f"{hours}:{text}" if hours else text
