"""The one intermediate form: timed speech, sound and section events.

The compiler makes a :class:`Timeline`; the mixer, the player, the exporter and the cue sheet
all read it. Times are whole milliseconds so that what is printed is exactly what is heard.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SectionKind(StrEnum):
    INTRO = "intro"
    EXERCISE = "exercise"
    REST = "rest"
    REP = "rep"
    HOLD = "hold"
    OUTRO = "outro"


CHAPTER_KINDS = (SectionKind.INTRO, SectionKind.EXERCISE, SectionKind.OUTRO)
# Sounds too frequent to list line by line in a printed cue sheet.
QUIET_SOUNDS = frozenset({"tick", "inhale", "exhale"})


@dataclass(frozen=True)
class Speech:
    start_ms: int
    end_ms: int
    text: str
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

    @property
    def duration_s(self) -> float:
        return self.duration_ms / 1000

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


# -- cue sheets --------------------------------------------------------------------------------


def clock(ms: int, *, precise: bool = True) -> str:
    minutes, rest = divmod(ms, 60_000)
    hours, minutes = divmod(minutes, 60)
    seconds = rest / 1000
    text = f"{minutes:02d}:{seconds:06.3f}" if precise else f"{minutes:02d}:{int(seconds):02d}"
    return f"{hours}:{text}" if hours else text


def to_text(timeline: Timeline) -> str:
    lines = [
        f"{timeline.title}: {clock(timeline.duration_ms, precise=False)}"
        + (f" ({timeline.settings})" if timeline.settings else ""),
    ]
    for event in timeline.events:
        at = clock(event.start_ms)
        if isinstance(event, Section):
            length = clock(event.end_ms - event.start_ms, precise=False)
            if event.kind in CHAPTER_KINDS:
                lines.append("")
                lines.append(f"{at}  == {event.title} ({length}) ==")
            elif event.kind in (SectionKind.HOLD, SectionKind.REST):
                lines.append(f"{at}     . {event.title}")
        elif isinstance(event, Sound):
            if event.name not in QUIET_SOUNDS:
                lines.append(f"{at}     [{event.name}]")
        else:
            lines.append(f"{at}     {event.text}")
    lines.append("")
    lines.append(f"{clock(timeline.duration_ms)}  end")
    return "\n".join(lines) + "\n"


def to_dict(timeline: Timeline) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    for event in timeline.events:
        item: dict[str, Any] = {
            "start_s": event.start_ms / 1000,
            "end_s": event.end_ms / 1000,
            "type": event.type,
        }
        if isinstance(event, Speech):
            item["text"] = event.text
        elif isinstance(event, Sound):
            item["name"] = event.name
        else:
            item["kind"] = event.kind.value
            item["text"] = event.title
            if event.exercise:
                item["exercise"] = event.exercise
        events.append(item)
    return {
        "title": timeline.title,
        "routine": timeline.routine,
        "settings": timeline.settings,
        "duration_s": timeline.duration_ms / 1000,
        "events": events,
    }


def to_json(timeline: Timeline) -> str:
    return json.dumps(to_dict(timeline), indent=2, ensure_ascii=False) + "\n"


def to_vtt(timeline: Timeline) -> str:
    """WebVTT captions: one cue per spoken line, chapters as NOTE lines."""
    lines = ["WEBVTT", f"NOTE {timeline.title} ({timeline.settings})".rstrip(" ()"), ""]
    chapters = {c.start_ms: c for c in timeline.sections(*CHAPTER_KINDS)}
    for event in timeline.speech():
        for start in [s for s in chapters if s <= event.start_ms]:
            lines += [f"NOTE {chapters.pop(start).title}", ""]
        lines += [f"{_vtt_clock(event.start_ms)} --> {_vtt_clock(event.end_ms)}", event.text, ""]
    return "\n".join(lines)


def _vtt_clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


FORMATS = {"text": to_text, "json": to_json, "vtt": to_vtt}
