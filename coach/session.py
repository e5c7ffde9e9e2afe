"""The library's front door: one function per thing a user does, used by the CLI and by code.

>>> from coach.session import plan
>>> from coach.options import Options
>>> timeline = plan(["healthy-back"], Options(reps=3))
>>> timeline.duration_ms > 0
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.catalog import Catalog, load_catalog
from coach.compiler import SpeechLength, compile_session, estimate_speech_seconds
from coach.errors import DefinitionError
from coach.loader import Definitions
from coach.model import Exercise, Routine
from coach.options import Options
from coach.timeline import Timeline

if TYPE_CHECKING:
    from coach.export import Exported
    from coach.mixer import Levels, Mix
    from coach.player import AudioSink, Clock, Player
    from coach.voice import Progress, Voice


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


def resolve(targets: Sequence[str]) -> tuple[Routine, Catalog]:
    catalog, files = load(targets)
    return catalog.resolve(targets, files), catalog


def plan(
    targets: Sequence[str],
    options: Options | None = None,
    speech_length: SpeechLength = estimate_speech_seconds,
) -> Timeline:
    """Compile the session the targets name (a routine, exercise ids or a file) to a timeline."""
    routine, catalog = resolve(targets)
    return compile_session(routine, catalog.exercises, options or Options(), speech_length)


@dataclass(frozen=True)
class Listing:
    kind: str  # "routine" or "exercise"
    id: str
    name: str
    summary: str
    duration_ms: int


def listing(paths: Sequence[str] = ()) -> list[Listing]:
    """Every routine and exercise with its length at default settings."""
    catalog, _ = load(paths)
    out = []
    for routine in catalog.routines.values():
        timeline = compile_session(routine, catalog.exercises, Options())
        out.append(
            Listing("routine", routine.id, routine.name, routine.description, timeline.duration_ms)
        )
    for exercise in catalog.exercises.values():
        timeline = plan_exercise(catalog, exercise)
        out.append(
            Listing("exercise", exercise.id, exercise.name, exercise.purpose, timeline.duration_ms)
        )
    return out


def plan_exercise(catalog: Catalog, exercise: Exercise) -> Timeline:
    routine = catalog.resolve([exercise.id])
    return compile_session(routine, catalog.exercises, Options())


def find(ident: str, paths: Sequence[str] = ()) -> Exercise | Routine:
    """The exercise or routine called ``ident``."""
    catalog, _ = load(paths)
    if ident in catalog.routines:
        return catalog.routines[ident]
    return catalog.exercise(ident)


def validate(paths: Sequence[str]) -> list[Definitions]:
    """Load each file (with the built-in library, to check references); raise on the first error."""
    _, files = load_catalog(_require_files(paths))
    return list(files)


# -- with a voice: exact lengths, audio ------------------------------------------------------------


def voiced_timeline(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    progress: Progress | None = None,
) -> Timeline:
    """The timeline with every speech length measured from the voice's own clips.

    The phrases are synthesized in one batch (in parallel) first; the compiler then asks the
    voice for each length, and the rare phrase that only appears with real lengths (a different
    "about N minutes") is made on the spot.
    """
    routine, catalog = resolve(targets)
    draft = compile_session(routine, catalog.exercises, options)
    voice.prepare(draft.phrases(), progress)
    return compile_session(routine, catalog.exercises, options, voice.seconds)


def export(
    targets: Sequence[str],
    options: Options,
    out: Path,
    voice: Voice,
    fmt: str | None = None,
    bitrate: str | None = None,
    split: bool = False,
    cues: bool = False,
    synthesis_progress: Progress | None = None,
    encode_progress: Progress | None = None,
) -> Exported:
    """Render the session to an audio file (or one per chapter with --split)."""
    from coach.export import audio_format, check_bitrate, ffmpeg
    from coach.export import export as write

    audio = audio_format(out, fmt)
    check_bitrate(bitrate)
    ffmpeg()  # fail before minutes of synthesis, not after
    timeline, mix, levels = _mixed(targets, options, voice, synthesis_progress)
    return write(timeline, mix, out, audio, bitrate, split, cues, encode_progress, levels)


def _mixed(
    targets: Sequence[str], options: Options, voice: Voice, progress: Progress | None
) -> tuple[Timeline, Mix, Levels]:
    """What export and play share: the voiced timeline, its mix, and its (cached) levels."""
    from coach.mixer import Mix

    timeline = voiced_timeline(targets, options, voice, progress)
    mix = Mix(timeline, voice)
    return timeline, mix, voice.cache.levels(mix)


def player(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    sink: AudioSink | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> Player:
    """A player for the session, with the same timeline, mix and gain as an export."""
    from coach.player import Player, SimpleaudioSink, render_pcm

    timeline, mix, levels = _mixed(targets, options, voice, progress)
    return Player(
        timeline, render_pcm(mix, levels.gain), sink or SimpleaudioSink(), clock, levels.gain
    )
