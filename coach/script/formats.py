"""Cue sheets: a timeline as text to read, JSON for programs, or WebVTT captions.

One registry, :data:`FORMATS`, names them; the CLI builds its ``--format`` choices from it, so a
new format is one function here and one line in the registry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from coach.script.timeline import (
    CHAPTER_KINDS,
    QUIET_SOUNDS,
    Event,
    Role,
    Section,
    SectionKind,
    Sound,
    Speech,
    Timeline,
    clock,
)


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
                lines.append(f"{at}     ({event.title[:1].lower()}{event.title[1:]})")
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
            item["role"] = event.role.value
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
    """WebVTT captions: one cue per spoken line, chapters as NOTE blocks."""
    # The "WEBVTT" line stands alone: a blank line must follow it before the first block.
    heading = f"{timeline.title} ({timeline.settings})" if timeline.settings else timeline.title
    lines = ["WEBVTT", "", f"NOTE {_vtt_safe(heading)}", ""]
    chapters = {c.start_ms: c for c in timeline.sections(*CHAPTER_KINDS)}
    for event in timeline.speech():
        for start in [s for s in chapters if s <= event.start_ms]:
            lines += [f"NOTE {_vtt_safe(chapters.pop(start).title)}", ""]
        lines += [
            f"{_vtt_clock(event.start_ms)} --> {_vtt_clock(event.end_ms)}",
            _vtt_safe(event.text),
            "",
        ]
    return "\n".join(lines)


def _vtt_safe(text: str) -> str:
    """One line without the arrow, which would end a note or start a cue."""
    return " ".join(text.replace("-->", "->").split())


def _vtt_clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def from_dict(data: Mapping[str, Any]) -> Timeline:
    """The timeline a :func:`to_dict` mapping describes (the JSON cue sheet read back)."""
    events: list[Event] = []
    for item in data["events"]:
        start, end = round(item["start_s"] * 1000), round(item["end_s"] * 1000)
        if item["type"] == "speech":
            events.append(Speech(start, end, item["text"], Role(item.get("role", "info"))))
        elif item["type"] == "sound":
            events.append(Sound(start, end, item["name"]))
        else:
            kind = SectionKind(item["kind"])
            events.append(Section(start, end, kind, item["text"], item.get("exercise")))
    return Timeline(
        title=data["title"],
        routine=data["routine"],
        duration_ms=round(data["duration_s"] * 1000),
        events=tuple(events),
        settings=data.get("settings", ""),
    )


def from_json(text: str) -> Timeline:
    return from_dict(json.loads(text))


FORMATS: Mapping[str, Callable[[Timeline], str]] = MappingProxyType(
    {"text": to_text, "json": to_json, "vtt": to_vtt}
)
