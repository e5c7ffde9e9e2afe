"""The library's front door: one function per thing a user does, for every front end.

The CLI, the web page and code call these; none of them reaches further into coach.

>>> from coach.session import plan
>>> from coach.options import Options
>>> timeline = plan(["healthy-back"], Options(reps=3))
>>> timeline.duration_ms > 0
True
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.definitions.catalog import Catalog, load_catalog
from coach.definitions.model import Exercise, Routine
from coach.definitions.reader import Definitions
from coach.errors import DefinitionError, ExitCode, SynthesisError
from coach.options import Options
from coach.script.compiler import compile_session, vocabulary
from coach.script.lengths import MissingSpeechError, measured
from coach.script.timeline import Timeline

if TYPE_CHECKING:
    from coach.audio.mixer import Levels, Mix
    from coach.doctor import Check
    from coach.output.export import Exported
    from coach.play.player import AudioSink, Clock, Player, Status
    from coach.voice.store import Progress, Voice


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


def plan(targets: Sequence[str], options: Options | None = None) -> Timeline:
    """The session's timeline with estimated speech lengths (no voice needed)."""
    routine, catalog = resolve(targets)
    return compile_session(routine, catalog.exercises, options or Options())


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
        timeline = compile_session(catalog.resolve([exercise.id]), catalog.exercises, Options())
        out.append(
            Listing("exercise", exercise.id, exercise.name, exercise.purpose, timeline.duration_ms)
        )
    return out


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


# -- with a voice: exact lengths, audio ------------------------------------------------------------


def voice(
    engine: str = "pyttsx3",
    name: str | None = None,
    rate: int = 150,
    cache_dir: Path | None = None,
) -> Voice:
    """The voice a session speaks with: an engine, one of its voices, a rate, a phrase cache."""
    from coach.voice.engines import VoiceSettings, spec
    from coach.voice.store import Voice

    spec(engine)  # an unknown engine is refused before anything else
    return Voice(VoiceSettings(name, rate, engine), cache_dir)


def voiced_timeline(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    progress: Progress | None = None,
) -> Timeline:
    """The timeline with every speech length measured from the voice's own clips.

    The voice prepares every phrase the session may say (in parallel) and hands the compiler a
    frozen table of lengths. Only the "about N minutes" line can be new once lengths are exact;
    the voice makes it and the compiler runs again.
    """
    routine, catalog = resolve(targets)
    lengths: Mapping[str, float] = voice.prepare(
        vocabulary(routine, catalog.exercises, options), progress
    )
    for _attempt in range(3):
        try:
            return compile_session(routine, catalog.exercises, options, measured(lengths))
        except MissingSpeechError as missing:
            lengths = voice.prepare([missing.text])
    raise SynthesisError("the session's length would not settle", "try again")


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
    from coach.output.export import audio_format, check_bitrate, ffmpeg
    from coach.output.export import export as write

    audio = audio_format(out, fmt)
    check_bitrate(bitrate)
    ffmpeg()  # fail before minutes of synthesis, not after
    timeline, mix, levels = _mixed(targets, options, voice, synthesis_progress)
    return write(timeline, mix, out, audio, bitrate, split, cues, encode_progress, levels)


def _mixed(
    targets: Sequence[str], options: Options, voice: Voice, progress: Progress | None
) -> tuple[Timeline, Mix, Levels]:
    """What export and play share: the voiced timeline, its mix, and its (cached) levels."""
    from coach.audio.levels import cached_levels
    from coach.audio.mixer import Mix

    timeline = voiced_timeline(targets, options, voice, progress)
    mix = Mix(timeline, voice)
    return timeline, mix, cached_levels(mix, voice.cache_dir)


def player(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    sink: AudioSink | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> Player:
    """A player for the session, with the same timeline, mix and gain as an export."""
    from coach.play.player import Player, SimpleaudioSink, render_pcm

    timeline, mix, levels = _mixed(targets, options, voice, progress)
    return Player(
        timeline, render_pcm(mix, levels.gain), sink or SimpleaudioSink(), clock, levels.gain
    )


def play(prepared: Player, start_from: str | None = None, quiet: bool = False) -> Status:
    """Play a prepared session aloud, with keys when stdin is a terminal; return where it ended."""
    from coach.play.player import run
    from coach.play.terminal import display, single_keys

    start = prepared.seek_exercise(start_from) if start_from else 0
    controls = sys.stdin.isatty()
    with (
        single_keys() if controls else contextlib.nullcontext(None) as keys,
        display(quiet, controls) as shown,
    ):
        prepared.start(start)
        return run(prepared, keys, shown)


@dataclass(frozen=True)
class EngineVoices:
    """One speech engine as `coach voices` shows it."""

    id: str
    summary: str
    licence: str
    default: bool
    problem: str | None  # None: available
    install: str
    voices: tuple[tuple[str, str], ...]  # (id, name)


def voices(engine: str | None = None) -> list[EngineVoices]:
    """Every engine (or the one named), whether it is available, and the voices it has."""
    from coach.voice.engines import DEFAULT_ENGINE, ENGINES, spec

    chosen = [spec(engine)] if engine else list(ENGINES.values())
    out = []
    for item in chosen:
        problem = item.problem()
        found = () if problem else tuple((v.id, v.name) for v in item.voices())
        out.append(
            EngineVoices(
                item.id,
                item.summary,
                item.licence,
                item.id == DEFAULT_ENGINE,
                problem,
                item.install,
                found,
            )
        )
    return out


def doctor(
    cache_dir: Path | None = None, engine: str | None = None
) -> tuple[list[Check], ExitCode]:
    """Every check of the machine, each with its fix, and the exit code they add up to."""
    from coach.doctor import exit_code, run_checks

    checks = run_checks(cache_dir, engine=engine)
    return checks, exit_code(checks)


def clear_cache(cache_dir: Path | None = None) -> int:
    """Remove every cached clip and session analysis; return how many files went."""
    from coach.voice.cache import clear_cache

    return clear_cache(cache_dir)
