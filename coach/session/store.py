"""The session store: rendered sessions kept for the web page and the podcast feed."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import OptionError
from coach.options import Options
from coach.script.timeline import Timeline

if TYPE_CHECKING:
    from coach.output.store import Stored
    from coach.voice.store import Voice


from coach.session.audio import mixed, voiced_timeline
from coach.session.plans import drafted


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
    from coach.output.tags import session_title as title

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
    from coach.output.encode import AudioFormat
    from coach.output.export import export as write
    from coach.output.export import ffmpeg
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

    session = drafted(targets, options, files=False)
    timeline, mix, levels = mixed(session, options, voice, synthesis)
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
