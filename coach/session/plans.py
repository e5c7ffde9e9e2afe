"""Definitions and plans: what a session is, before any voice: list, show, validate, plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.definitions.catalog import Catalog, load_catalog
from coach.definitions.model import Exercise, Routine
from coach.definitions.reader import Definitions
from coach.errors import DefinitionError
from coach.options import Options
from coach.script.compiler import compile_session, draft, vocabulary
from coach.script.lengths import estimate_speech_seconds
from coach.script.timeline import Timeline

if TYPE_CHECKING:
    from coach.voice.cache import PhraseCache
    from coach.voice.store import Voice


def is_file_target(target: str) -> bool:
    return target.endswith((".yaml", ".yml")) or "/" in target or Path(target).is_file()


def load(targets: Sequence[str] = ()) -> tuple[Catalog, tuple[Definitions, ...]]:
    """The catalog with any definition files among ``targets`` loaded on top."""
    return load_catalog(_require_files([t for t in targets if is_file_target(t)]))


def _require_files(paths: Sequence[str]) -> Sequence[str]:
    for name in paths:
        if not Path(name).is_file():
            raise DefinitionError(name, None, "no such file")
    return paths


def resolve(targets: Sequence[str], files: bool = True) -> tuple[Routine, Catalog]:
    """The routine the targets name; with ``files=False`` they are ids only, never read as files
    (what a request from the network may name)."""
    catalog, loaded = load(targets) if files else load_catalog()
    return catalog.resolve(targets, loaded), catalog


@dataclass(frozen=True)
class Draft:
    """A session resolved and compiled with estimated lengths: its chapters, and every phrase
    a voice must prepare. Export checks its files against it, then voices it."""

    routine: Routine
    catalog: Catalog
    timeline: Timeline
    phrases: tuple[str, ...]


def drafted(targets: Sequence[str], options: Options, files: bool = True) -> Draft:
    routine, catalog = resolve(targets, files)
    return Draft(routine, catalog, *draft(routine, catalog.exercises, options))


def plan(targets: Sequence[str], options: Options | None = None, files: bool = True) -> Timeline:
    """The session's timeline with estimated speech lengths (no voice needed)."""
    routine, catalog = resolve(targets, files)
    return compile_session(routine, catalog.exercises, options or Options())


@dataclass(frozen=True)
class Listing:
    kind: str  # "routine" or "exercise"
    id: str
    name: str
    summary: str
    duration_ms: int
    measured: bool = False  # from the voice's own cached clips, not estimated


def listing(paths: Sequence[str] = (), speaker: Voice | None = None) -> list[Listing]:
    """Every routine and exercise with its length at default settings.

    With a voice whose cache already holds every phrase of a session, the length is the one
    the session will have; otherwise it is estimated (and marked so). Nothing is synthesized.
    """
    catalog, _ = load(paths)
    if speaker is not None and _cache_of(speaker) is None:
        speaker = None  # no engine to name its cache by: every length is estimated
    known: dict[str, float | None] = {}
    out = []
    for kind, ident, name, summary, routine in [
        *(("routine", r.id, r.name, r.description, r) for r in catalog.routines.values()),
        *(
            ("exercise", e.id, e.name, e.purpose, catalog.resolve([e.id]))
            for e in catalog.exercises.values()
        ),
    ]:
        length, exact = _listed_length(routine, catalog, speaker, known)
        out.append(Listing(kind, ident, name, summary, length, exact))
    return out


def _listed_length(
    routine: Routine, catalog: Catalog, speaker: Voice | None, known: dict[str, float | None]
) -> tuple[int, bool]:
    options = Options()
    if speaker is None:
        return compile_session(routine, catalog.exercises, options).duration_ms, False
    phrases = vocabulary(routine, catalog.exercises, options)
    for text in phrases:
        if text not in known:
            known[text] = _cached_seconds(speaker, text)
    exact = all(known[t] is not None for t in phrases if not t.startswith("This session takes"))

    def length(text: str) -> float:
        # The "about N minutes" line may differ from the estimated one: estimate it if new.
        seconds = known.get(text) if text in known else _cached_seconds(speaker, text)
        return seconds if seconds is not None else estimate_speech_seconds(text)

    timeline = compile_session(routine, catalog.exercises, options, length)
    return timeline.duration_ms, exact


def _cache_of(speaker: Voice) -> PhraseCache | None:
    from coach.errors import CoachError

    try:
        return speaker.cache
    except CoachError:
        return None


def _cached_seconds(speaker: Voice, text: str) -> float | None:
    from coach.audio.wav import RATE

    entry = speaker.cache.get(text)
    return None if entry is None else max(len(entry[0]), 1) / RATE


def find(ident: str, paths: Sequence[str] = ()) -> Exercise | Routine:
    """The exercise or routine called ``ident``."""
    catalog, _ = load(paths)
    if ident in catalog.routines:
        return catalog.routines[ident]
    return catalog.exercise(ident)


def show(ident: str, paths: Sequence[str] = ()) -> str:
    """What an exercise or routine asks of the user, as readable text."""
    from coach.definitions.describe import describe_exercise, describe_routine

    found = find(ident, paths)
    return describe_routine(found) if isinstance(found, Routine) else describe_exercise(found)


def validate(paths: Sequence[str]) -> list[Definitions]:
    """Load each file (with the built-in library, to check references); raise on the first error."""
    _, files = load_catalog(_require_files(paths))
    return list(files)
