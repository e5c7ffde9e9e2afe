"""`coach doctor`: is everything coach needs here, and if not, what exactly to do."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from coach.errors import CoachError, ExitCode

TEST_PHRASE = "Breathe in, and hold."
TRIES = 3  # a flaky engine shows itself within a few tries; a nondeterministic one too


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    code: ExitCode = ExitCode.FAILURE  # the exit code when this check fails
    optional: bool = False  # a failure here is reported but does not change the exit code


def check_engine(engine: str, required: bool) -> Check:
    """Can ``engine`` speak, every time, the same samples each time?"""
    from coach.audio.wav import RATE
    from coach.voice.engines import ENGINES, VoiceSettings

    spec = ENGINES[engine]
    name = f"voice {engine}"
    code = ExitCode.MISSING_DEPENDENCY
    problem = spec.problem()
    if problem:
        return Check(name, False, problem, spec.install, code, optional=not required)
    lengths, failures = [], []
    try:
        speaker = spec.factory(VoiceSettings(engine=engine))
        version = speaker.version()
    except CoachError as error:
        return Check(name, False, error.message, spec.install, code, optional=not required)
    for _ in range(TRIES):
        try:
            lengths.append(len(speaker.say(TEST_PHRASE)))
        except CoachError as error:
            failures.append(error.message)
    close = getattr(speaker, "close", None)
    if callable(close):
        close()
    if failures:
        detail = f"{version}: {len(failures)} of {TRIES} test phrases failed ({failures[0]})"
        return Check(name, False, detail, spec.install, code, optional=not required)
    if len(set(lengths)) > 1:
        detail = f"{version}: the same phrase came out at {len(set(lengths))} different lengths"
        return Check(name, False, detail, "report this engine's version", ExitCode.FAILURE)
    seconds = lengths[0] / RATE
    return Check(name, True, f"{version}: {TRIES} of {TRIES} alike ({seconds:.1f} s test phrase)")


def check_ffmpeg() -> Check:
    fix = "sudo apt-get install ffmpeg (or run scripts/setup.sh)"
    found = shutil.which("ffmpeg")
    if not found:
        return Check("ffmpeg", False, "not installed", fix, ExitCode.MISSING_DEPENDENCY)
    encoders = subprocess.run(
        [found, "-hide_banner", "-encoders"], capture_output=True, text=True, check=False
    ).stdout
    if "libmp3lame" not in encoders:
        return Check(
            "ffmpeg",
            False,
            f"{found} has no MP3 encoder (libmp3lame)",
            fix,
            ExitCode.MISSING_DEPENDENCY,
        )
    return Check("ffmpeg", True, found)


def check_audio_device() -> Check:
    from coach.audio.wav import RATE
    from coach.play.sink import SimpleaudioSink

    try:
        handle = SimpleaudioSink().play(bytes(2 * (RATE // 50)), RATE)  # 20 ms of silence
        handle.stop()
    except CoachError as error:
        return Check(
            "audio output",
            False,
            error.message,
            "connect speakers or headphones (aplay -l lists sound cards); "
            "until then 'coach export' makes a file to play elsewhere",
            ExitCode.NO_AUDIO_DEVICE,
        )
    return Check("audio output", True, "simpleaudio opened the default device")


def check_cache(folder: Path | None = None) -> Check:
    from coach.voice.cache import default_cache_dir

    folder = folder or default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return Check(
            "phrase cache",
            False,
            f"{folder} is not writable ({error.strerror})",
            "pass --cache-dir PATH or set COACH_CACHE_DIR to a writable folder",
        )
    return Check("phrase cache", True, str(folder))


def run_checks(
    cache_dir: Path | None = None,
    checks: list[Callable[[], Check]] | None = None,
    engine: str | None = None,
) -> list[Check]:
    """Every check, each run whatever the others did: one failing never hides the rest."""
    from coach.voice.engines import DEFAULT_ENGINE, ENGINES

    chosen = engine or DEFAULT_ENGINE
    if checks is None:
        engines = [partial(check_engine, name, name == chosen) for name in ENGINES]
        checks = [*engines, check_ffmpeg, check_audio_device]
    everything: list[Callable[[], Check]] = [*checks, partial(check_cache, cache_dir)]
    return [_safely(check) for check in everything]


def _safely(check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as error:  # a check that breaks is itself a finding
        target = getattr(check, "func", check)
        name = str(getattr(target, "__name__", "check")).removeprefix("check_")
        return Check(
            name,
            False,
            f"{type(error).__name__}: {str(error)[:160]}",
            "run 'coach doctor' again; if it repeats, report it",
        )


def exit_code(checks: list[Check]) -> ExitCode:
    failed = [c.code for c in checks if not c.ok and not c.optional]
    if not failed:
        return ExitCode.OK
    # Missing software first: it blocks everything; then the device; then the rest.
    order = [ExitCode.MISSING_DEPENDENCY, ExitCode.NO_AUDIO_DEVICE, ExitCode.FAILURE]
    return next(code for code in order if code in failed)
