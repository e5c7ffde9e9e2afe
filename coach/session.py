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
import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.definitions.catalog import Catalog, load_catalog
from coach.definitions.model import Exercise, Routine
from coach.definitions.reader import Definitions
from coach.errors import DefinitionError, ExitCode, OptionError, SynthesisError
from coach.options import Options
from coach.script.compiler import compile_session, vocabulary
from coach.script.lengths import MissingSpeechError, estimate_speech_seconds, measured
from coach.script.timeline import Timeline

if TYPE_CHECKING:
    from coach.audio.mixer import Levels, Mix
    from coach.config import Setting, Settings
    from coach.doctor import Check
    from coach.output.export import Exported
    from coach.output.measure import FileLevels
    from coach.output.store import Stored
    from coach.play.player import AudioSink, Clock, Player, Status
    from coach.voice.cache import PhraseCache
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


def resolve(targets: Sequence[str], files: bool = True) -> tuple[Routine, Catalog]:
    """The routine the targets name; with ``files=False`` they are ids only, never read as files
    (what a request from the network may name)."""
    catalog, loaded = load(targets) if files else load_catalog()
    return catalog.resolve(targets, loaded), catalog


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


# -- with a voice: exact lengths, audio ------------------------------------------------------------


def voice(
    engine: str = "pyttsx3",
    name: str | None = None,
    rate: int = 150,
    cache_dir: Path | None = None,
) -> Voice:
    """The voice a session speaks with: an engine, one of its voices, a rate, a phrase cache."""
    from coach.voice.engines import VoiceSettings
    from coach.voice.store import Voice

    return Voice(VoiceSettings(name, rate, engine), cache_dir)


def voiced_timeline(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    progress: Progress | None = None,
    files: bool = True,
) -> Timeline:
    """The timeline with every speech length measured from the voice's own clips.

    The voice prepares every phrase the session may say (in parallel) and hands the compiler a
    frozen table of lengths. Only the "about N minutes" line can be new once lengths are exact;
    the voice makes it and the compiler runs again.
    """
    routine, catalog = resolve(targets, files)
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
    from coach.output.export import audio_format, check_bitrate, check_destination, ffmpeg
    from coach.output.export import export as write
    from coach.output.tags import session_title

    audio = audio_format(out, fmt)
    check_bitrate(bitrate)
    ffmpeg()  # fail before minutes of synthesis, not after
    # Every file it will write checked first; an estimated plan has the chapter titles.
    check_destination(out, audio, plan(targets, options), split, cues)
    timeline, mix, levels = _mixed(targets, options, voice, synthesis_progress)
    title = session_title(timeline.title, options)
    return write(timeline, mix, out, audio, bitrate, split, cues, encode_progress, levels, title)


def measure(path: Path) -> FileLevels:
    """The loudness and true peak a written audio file really has (decoded by ffmpeg)."""
    from coach.output.measure import measure_file

    return measure_file(path)


def _mixed(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    progress: Progress | None,
    files: bool = True,
) -> tuple[Timeline, Mix, Levels]:
    """What export and play share: the voiced timeline, its mix, and its (cached) levels."""
    from coach.audio.levels import cached_levels
    from coach.audio.mixer import Mix

    timeline = voiced_timeline(targets, options, voice, progress, files)
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


def voices() -> list[tuple[str, str]]:
    """(id, name) of every voice the engine has."""
    from coach.voice.engines.pyttsx3_engine import list_voices

    return [(info.id, info.name) for info in list_voices()]


def doctor(cache_dir: Path | None = None) -> tuple[list[Check], ExitCode]:
    """Every check of the machine, each with its fix, and the exit code they add up to."""
    from coach.doctor import exit_code, run_checks

    checks = run_checks(cache_dir)
    return checks, exit_code(checks)


def clear_cache(cache_dir: Path | None = None) -> int:
    """Remove every cached clip and session analysis; return how many files went."""
    from coach.voice.cache import clear_cache

    return clear_cache(cache_dir)


# -- the user's settings ---------------------------------------------------------------------------


def settings(given: Mapping[str, object] | None = None) -> Settings:
    """Each setting's value and where it came from: ``given`` (the command line), the
    environment, the user's config file, or coach's own default."""
    from coach.config import effective

    return effective(given)


def set_setting(key: str, value: str) -> Setting:
    """Validate ``value`` and write it to the user's config file."""
    from coach.config import set_value

    return set_value(key, value)


def unset_setting(key: str) -> bool:
    """Remove ``key`` from the user's config file; False when it was not set there."""
    from coach.config import unset

    return unset(key)


# -- the session store: rendered sessions kept for the web page and the podcast feed -----------


def data_dir() -> Path:
    """Where coach keeps what it makes for the user: $COACH_DATA_DIR, else the platform's place."""
    env = os.environ.get("COACH_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("coach"))


def store_root(root: Path | None = None) -> Path:
    return root or data_dir() / "store"


def session_title(timeline: Timeline, options: Options) -> str:
    """What a session is, in a few words, for feed items: "Healthy back · slow · 8 reps"."""
    from coach.output.store import session_title as title

    return title(timeline, options)


def store_key(targets: Sequence[str], options: Options, voice: Voice, suffix: str = ".mp3") -> str:
    """The store id of a session: the same request always gives the same id."""
    from coach import __version__
    from coach.output.store import session_key

    settings = voice.settings
    return session_key(
        {
            "coach": __version__,
            "targets": list(targets),
            "options": {
                field.name: getattr(options, field.name) for field in dataclasses.fields(options)
            }
            | {"reps_for": dict(sorted(options.reps_for.items()))},
            "voice": [settings.engine, settings.voice, settings.rate],
            "format": suffix,
        }
    )


def render_to_store(
    targets: Sequence[str],
    options: Options,
    voice: Voice,
    root: Path | None = None,
    progress: Callable[[float], None] | None = None,
) -> Stored:
    """Render the session as MP3 into the store, unless it is there already.

    The targets are routine or exercise ids only, never files: this is what a request from the
    network reaches. ``progress`` hears the fraction done, synthesis first, then encoding.
    """
    from coach.output.export import AudioFormat, ffmpeg
    from coach.output.export import export as write
    from coach.output.store import SessionStore

    store = SessionStore(store_root(root))
    ident = store_key(targets, options, voice)
    found = store.get(ident)
    if found is not None:
        return found
    ffmpeg()

    def synthesis(done: int, total: int) -> None:
        if progress and total:
            progress(0.5 * done / total)

    def encoding(done: int, total: int) -> None:
        if progress and total:
            progress(0.5 + 0.5 * done / total)

    timeline, mix, levels = _mixed(targets, options, voice, synthesis, files=False)
    audio = store.audio_path(ident)
    write(timeline, mix, audio, AudioFormat.MP3, progress=encoding, levels=levels)
    return store.put(ident, timeline, session_title(timeline, options), audio)


def check_publish(out: Path, fmt: str | None = None, split: bool = False) -> None:
    """Raise before any work if an export to ``out`` could not be published."""
    from coach.output.export import audio_format

    if split:
        raise OptionError("--publish needs one audio file", "drop --split")
    chosen = audio_format(out, fmt).value
    if chosen not in ("mp3", "m4a"):
        raise OptionError(
            f"--publish needs MP3 or M4A audio, not {chosen.upper()}", "export with -o NAME.mp3"
        )


def publish(
    targets: Sequence[str], options: Options, voice: Voice, exported: Path, root: Path | None = None
) -> Stored:
    """Copy an exported MP3 or M4A into the store, so the podcast feed lists it."""
    from coach.output.store import SessionStore

    check_publish(exported)
    store = SessionStore(store_root(root))
    ident = store_key(targets, options, voice, exported.suffix)
    timeline = voiced_timeline(targets, options, voice)  # every clip is cached by now: quick
    audio = store.audio_path(ident, exported.suffix)
    temp = audio.with_name(f".{audio.name}.part")
    try:
        shutil.copyfile(exported, temp)
        temp.replace(audio)
    finally:
        temp.unlink(missing_ok=True)
    return store.put(ident, timeline, session_title(timeline, options), audio)


def stored(ident: str, root: Path | None = None) -> Stored | None:
    """The stored session ``ident`` if it is complete; None for any other id."""
    from coach.output.store import SessionStore

    return SessionStore(store_root(root)).get(ident)


def stored_sessions(root: Path | None = None) -> list[Stored]:
    """Every complete stored session, newest first."""
    from coach.output.store import SessionStore

    return SessionStore(store_root(root)).all()
