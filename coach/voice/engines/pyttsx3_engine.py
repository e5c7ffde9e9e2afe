"""The pyttsx3 engine: espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS, through one code path.

pyttsx3 2.99's espeak driver is racy: ``runAndWait`` may return before the WAV is written, only
the last text queued before a run is spoken, property changes can be lost, and saving prints
"Audio saved to" on stdout. So :class:`Speaker` keeps one engine per process (created lazily in
the process that uses it, never before a fork), queues exactly one phrase per run, waits for the
``finished-utterance`` callback, keeps stdout quiet, reads the properties back, verifies the
file, and tries once more before giving up with an error naming the phrase.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from coach.audio.wav import Samples, read_wav, wav_problem
from coach.errors import MissingDependencyError, OptionError, SynthesisError, suggest
from coach.voice.engines.base import VoiceSettings

ID = "pyttsx3"
PHRASE_TIMEOUT_S = 30.0


class Driver(Protocol):
    """The part of a pyttsx3 engine object coach uses (tests pass a fake)."""

    def connect(self, topic: str, cb: Callable[..., Any]) -> Any: ...
    def setProperty(self, name: str, value: Any) -> None: ...  # noqa: N802 (pyttsx3's name)
    def getProperty(self, name: str) -> Any: ...  # noqa: N802
    def save_to_file(self, text: str, filename: str, name: str | None = None) -> None: ...
    def runAndWait(self) -> None: ...  # noqa: N802


def pyttsx3_engine() -> Driver:
    try:
        import pyttsx3
    except ImportError as error:  # pragma: no cover - pyttsx3 is a dependency
        raise MissingDependencyError(
            f"pyttsx3 is not installed ({error})", "run scripts/setup.sh"
        ) from None
    driver = "espeak" if sys.platform.startswith("linux") else None
    try:
        with _quiet():
            return pyttsx3.init(driver) if driver else pyttsx3.init()  # type: ignore[no-any-return]
    except Exception as error:
        raise MissingDependencyError(
            f"no voice engine: {error}",
            "install espeak-ng: sudo apt-get install espeak-ng (or run scripts/setup.sh)",
        ) from None


def engine_version() -> str:
    """Identifies the synthesizer, so a new engine never reuses clips made by an old one."""
    try:
        from importlib.metadata import version

        pyttsx3_version = version("pyttsx3")
    except Exception:
        pyttsx3_version = "?"
    espeak = "?"
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            from pyttsx3.drivers import _espeak

            espeak = _espeak.Info().decode()
    return f"pyttsx3-{pyttsx3_version}/espeak-{espeak}"


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


def list_voices(engine: Driver | None = None) -> list[VoiceInfo]:
    engine = engine or pyttsx3_engine()
    out = []
    for voice in engine.getProperty("voices"):
        languages = tuple(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (voice.languages or [])
        )
        out.append(VoiceInfo(str(voice.id), str(voice.name), languages))
    return out


def match_voice(wanted: str, voices: Sequence[VoiceInfo]) -> str:
    """The engine id for ``wanted`` (an id, an id without its family, or a name), variant kept."""
    base, plus, variant = wanted.partition("+")
    for voice in voices:
        if base.lower() in (
            voice.id.lower(),
            voice.id.rsplit("/", 1)[-1].lower(),
            voice.name.lower(),
        ):
            return voice.id + plus + variant
    names = sorted({v.id.rsplit("/", 1)[-1] for v in voices})
    raise OptionError(
        f"unknown voice {wanted!r}{suggest(base, names)}",
        hint="'coach voices' lists what is installed",
    )


class Speaker:
    """One engine in this process, speaking one phrase at a time into a verified WAV file."""

    def __init__(
        self, settings: VoiceSettings, engine_factory: Callable[[], Driver] = pyttsx3_engine
    ) -> None:
        self.settings = settings
        self._factory = engine_factory
        self._engine: Driver | None = None
        self._voice_id: str | None = None
        self._finished = threading.Event()

    def _ready(self) -> Driver:
        if self._engine is None:
            engine = self._factory()
            engine.connect("finished-utterance", self._on_finished)
            if self.settings.voice:
                self._voice_id = match_voice(self.settings.voice, list_voices(engine))
            self._engine = engine
        return self._engine

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        self._finished.set()

    def speak_to_file(self, text: str, path: Path) -> Samples:
        last_problem = ""
        for _attempt in range(2):
            problem = self._attempt(text, path)
            if problem is None:
                return read_wav(path)
            last_problem = problem
        raise SynthesisError(
            f"the voice could not say {text!r}: {last_problem}", "run 'coach doctor'"
        )

    def _attempt(self, text: str, path: Path) -> str | None:
        engine = self._ready()
        path.unlink(missing_ok=True)
        self._finished.clear()
        # Properties go in the same run as the phrase: a change queued alone can be lost.
        if self._voice_id:
            engine.setProperty("voice", self._voice_id)
        engine.setProperty("rate", self.settings.rate)
        engine.save_to_file(text, str(path))
        # The driver may finish (and print) on its own thread after runAndWait returns, so
        # stdout stays redirected until the finished-utterance callback has come.
        with _quiet():
            engine.runAndWait()
            finished = self._finished.wait(PHRASE_TIMEOUT_S)
        if not finished:
            return "the engine never finished"
        rate = engine.getProperty("rate")
        if rate is not None and int(rate) != self.settings.rate:
            return f"the engine ignored the rate ({rate} instead of {self.settings.rate})"
        return _wait_for_wav(path)


def _wait_for_wav(path: Path, timeout: float = 1.0) -> str | None:
    """None once ``path`` holds a complete, non-empty mono 16-bit WAV; else what is wrong."""
    deadline = time.monotonic() + timeout
    problem = "no file was written"
    while time.monotonic() < deadline:
        problem = wav_problem(path) or ""
        if not problem:
            return None
        time.sleep(0.02)
    return problem


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep the engine's prints ("Audio saved to ...") off the user's terminal."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


class Pyttsx3Engine:
    """The :class:`coach.voice.engines.Engine` face of :class:`Speaker`."""

    id = ID

    def __init__(
        self, settings: VoiceSettings, driver_factory: Callable[[], Driver] = pyttsx3_engine
    ) -> None:
        self.speaker = Speaker(settings, driver_factory)

    def version(self) -> str:
        return engine_version()

    def say(self, text: str) -> Samples:
        with tempfile.TemporaryDirectory(prefix="coach-voice-") as folder:
            return self.speaker.speak_to_file(text, Path(folder) / "raw.wav")
