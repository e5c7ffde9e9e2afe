"""Sessions with a voice: exact lengths, export, live play, and the machine's checks."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import ExitCode, SynthesisError
from coach.options import Options
from coach.script.compiler import compile_session
from coach.script.lengths import MissingSpeechError, measured
from coach.script.timeline import Timeline
from coach.session.plans import Draft, drafted, resolve

if TYPE_CHECKING:
    from coach.audio.mixer import Levels, Mix
    from coach.doctor import Check
    from coach.output.export import Exported
    from coach.output.measure import FileLevels
    from coach.play.player import AudioSink, Clock, Player, Status
    from coach.voice.store import Progress, Voice


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
    files: bool = True,
) -> Timeline:
    """The timeline with every speech length measured from the voice's own clips."""
    return _voiced(drafted(targets, options, files), options, voice, progress)


def _voiced(session: Draft, options: Options, voice: Voice, progress: Progress | None) -> Timeline:
    """The voice prepares every phrase of the draft (in parallel) and hands the compiler a
    frozen table of lengths. Only the "about N minutes" line can be new once lengths are exact;
    the voice makes it and the compiler runs again."""
    exercises = session.catalog.exercises
    lengths: Mapping[str, float] = voice.prepare(session.phrases, progress)
    for _attempt in range(3):
        try:
            return compile_session(session.routine, exercises, options, measured(lengths))
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
    from coach.output.export import audio_format, check_bitrate, check_destination, ffmpeg
    from coach.output.export import export as write
    from coach.output.tags import session_title

    audio = audio_format(out, fmt)
    check_bitrate(bitrate)
    ffmpeg()  # fail before minutes of synthesis, not after
    # Every file it will write checked first; the draft has the chapter titles.
    session = drafted(targets, options)
    check_destination(out, audio, session.timeline, split, cues)
    timeline, mix, levels = mixed(session, options, voice, synthesis_progress)
    title = session_title(timeline, options)
    return write(timeline, mix, out, audio, bitrate, split, cues, encode_progress, levels, title)


def measure(path: Path) -> FileLevels:
    """The loudness and true peak a written audio file really has (decoded by ffmpeg)."""
    from coach.output.measure import measure_file

    return measure_file(path)


def mixed(
    session: Draft, options: Options, voice: Voice, progress: Progress | None
) -> tuple[Timeline, Mix, Levels]:
    """What export and play share: the voiced timeline, its mix, and its (cached) levels."""
    from coach.audio.levels import cached_levels
    from coach.audio.mixer import Mix

    timeline = _voiced(session, options, voice, progress)
    mix = Mix(timeline, voice)
    return timeline, mix, cached_levels(mix, voice.cache_dir)


def player(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    sink: AudioSink | None = None,
    clock: Clock | None = None,
) -> Player:
    """A player for the session, with the same timeline and mix as an export. It can start as
    soon as the opening is known: the voice makes the rest of the phrases while it plays."""
    from coach.play.player import Player
    from coach.play.sink import SimpleaudioSink
    from coach.session.live import stream

    routine, catalog = resolve(targets)
    source = stream(routine, catalog.exercises, options, voice)
    return Player(source, sink or SimpleaudioSink(), clock, source.gain)


def play(prepared: Player, start_from: str | None = None, quiet: bool = False) -> Status:
    """Play a prepared session aloud, with keys when stdin is a terminal; return where it ended."""
    from coach.play.player import run
    from coach.play.terminal import display, single_keys

    controls = sys.stdin.isatty()
    try:
        if start_from:
            prepared.exercise_index(start_from)  # an unknown id is refused before any sound
        with (
            single_keys() if controls else contextlib.nullcontext(None) as keys,
            display(quiet, controls) as shown,
        ):
            prepared.start(start_from)
            return run(prepared, keys, shown)
    finally:
        prepared.source.close()


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


NATURAL_ENGINE = "piper"


def natural_engine() -> str | None:
    """The natural voice's engine when it is installed here, else None."""
    from coach.voice.engines import spec

    return NATURAL_ENGINE if spec(NATURAL_ENGINE).problem() is None else None


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
