"""`coach doctor`: is everything coach needs here, and if not, what exactly to do."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError, ExitCode


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    code: ExitCode = ExitCode.FAILURE  # the exit code when this check fails


def check_voice() -> Check:
    from coach.audio.wav import RATE
    from coach.voice.engines import VoiceSettings, create

    try:
        engine = create(VoiceSettings())
        clip = engine.say("Testing.")
    except CoachError as error:
        return Check(
            "voice",
            False,
            error.message,
            "sudo apt-get install espeak-ng (or run scripts/setup.sh)",
            ExitCode.MISSING_DEPENDENCY,
        )
    return Check("voice", True, f"{engine.version()} speaks ({len(clip) / RATE:.1f} s test phrase)")


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
    from coach.play.player import SimpleaudioSink

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
    cache_dir: Path | None = None, checks: list[Callable[[], Check]] | None = None
) -> list[Check]:
    return [check() for check in (checks or [check_voice, check_ffmpeg, check_audio_device])] + [
        check_cache(cache_dir)
    ]


def exit_code(checks: list[Check]) -> ExitCode:
    failed = [c.code for c in checks if not c.ok]
    if not failed:
        return ExitCode.OK
    # Missing software first: it blocks everything; then the device; then the rest.
    order = [ExitCode.MISSING_DEPENDENCY, ExitCode.NO_AUDIO_DEVICE, ExitCode.FAILURE]
    return next(code for code in order if code in failed)
