"""The festival engine: Debian's Festival with the CMU US SLT HTS voice, run as a subprocess.

One ``festival --pipe`` process per worker takes a Scheme command per phrase on stdin (no shell):
starting festival and loading the voice costs about 0.4 s of CPU, which ``text2wave`` would pay
for every phrase. The text travels inside a Scheme string literal with backslash and quote
escaped and control characters turned into spaces, so it can never end the literal. Festival
resamples to the session rate itself, and the HTS voice is deterministic. The voice's speed is
the HTS engine's ``-r`` (``Duration_Stretch`` does nothing for HTS voices).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import IO

from coach.audio.wav import RATE, Samples, read_wav
from coach.errors import OptionError
from coach.voice.engines.base import EngineError, VoiceInfo, VoiceSettings

ID = "festival"
INSTALL = "sudo apt-get install festival festvox-us-slt-hts"
VOICE = "cmu_us_slt_arctic_hts"
VOICE_DIRS = (Path("/usr/share/festival/voices/us"), Path("/usr/local/share/festival/voices/us"))
# slt at speed 1 says five test cues 1.15 times faster than espeak-ng at 150 words per minute.
NATURAL_WPM = 172.0
PHRASE_TIMEOUT_S = 30.0
_DONE = "coach-said"


def problem() -> str | None:
    if not shutil.which("festival"):
        return "festival is not installed"
    if not any((folder / VOICE).is_dir() for folder in VOICE_DIRS):
        return f"festival's voice {VOICE} (festvox-us-slt-hts) is not installed"
    return None


def voices() -> list[VoiceInfo]:
    if problem():
        return []
    return [VoiceInfo("slt", "SLT, US English (CMU Arctic, HTS)", ("en-us",))]


@cache
def festival_version() -> str:
    try:
        said = subprocess.run(
            ["festival", "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return said.strip().rsplit(":", 2)[-2].strip() if said.count(":") >= 2 else said.strip()


def scheme_string(text: str) -> str:
    clean = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FestivalEngine:
    id = ID

    def __init__(self, settings: VoiceSettings, command: tuple[str, ...] = ()) -> None:
        """``command``: what to run instead of ``festival --pipe`` (tests pass a fake)."""
        if settings.voice not in (None, "slt", VOICE):
            raise OptionError(
                f"--voice {settings.voice!r} is not a festival voice here: use slt",
                hint="'coach voices' lists what is installed",
            )
        self.settings = settings
        self.command = command
        self._process: subprocess.Popen[str] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._errors: IO[str] | None = None
        self._count = 0

    def version(self) -> str:
        return f"festival-{festival_version()}/{VOICE}"

    def _start(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        found = None if self.command else problem()
        if found:
            raise EngineError(f"the festival engine is not usable: {found}", f"run: {INSTALL}")
        self.close()
        self._folder = tempfile.TemporaryDirectory(prefix="coach-festival-")
        self._errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - lives as long as festival
        speed = self.settings.rate / NATURAL_WPM
        self._process = subprocess.Popen(
            list(self.command or ("festival", "--pipe")),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
            encoding="utf-8",
        )
        self._send(
            f"(voice_{VOICE})\n"
            f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {speed:.4f}))))\n'
        )
        return self._process

    def _send(self, command: str) -> None:
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(command)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died() from None

    def _died(self) -> EngineError:
        said = ""
        if self._errors is not None:
            self._errors.seek(0)
            lines = self._errors.read().strip().splitlines()
            said = f" ({lines[-1][:120]})" if lines else ""
        return EngineError(f"the festival engine stopped{said}", f"run: {INSTALL}")

    def say(self, text: str) -> Samples:
        process = self._start()
        assert self._folder is not None
        self._count += 1
        path = Path(self._folder.name) / f"{self._count}.wav"
        target = scheme_string(str(path))
        self._send(
            f"(utt.save.wave (utt.wave.resample (SynthText {scheme_string(text)}) {RATE}) "
            f'{target} \'riff)\n(format t "{_DONE} {self._count}\\n")(fflush nil)\n'
        )
        self._wait_for(f"{_DONE} {self._count}", process)
        try:
            return read_wav(path)
        except (OSError, ValueError) as error:
            raise self._died() from error
        finally:
            path.unlink(missing_ok=True)

    def _wait_for(self, marker: str, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        deadline = time.monotonic() + PHRASE_TIMEOUT_S
        buffer = ""
        fd = process.stdout.fileno()
        while marker not in buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close()
                raise EngineError("festival did not answer within 30 s", "run 'coach doctor'")
            chunk = os.read(fd, 4096).decode(errors="replace")
            if not chunk:
                error = self._died()
                self.close()
                raise error
            buffer = buffer[-200:] + chunk

    def close(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                self._process.wait(timeout=5)
            for stream in (self._process.stdin, self._process.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
            self._process = None
        if self._errors is not None:
            self._errors.close()
            self._errors = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
