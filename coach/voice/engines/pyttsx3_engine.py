"""The pyttsx3 engine, coach's default: espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS.

On Linux the phrases are said through :mod:`coach.voice.engines.espeak_sync` (pyttsx3's espeak
binding driven synchronously; that module explains why pyttsx3's own driver flakes). On Windows
and macOS, :class:`Speaker` drives pyttsx3's driver: one engine per process (created lazily in
the process that uses it, never before a fork), exactly one phrase per run, waiting for the
``finished-utterance`` callback with stdout kept quiet, the rate read back and the file verified,
and one more try before an error naming the phrase.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from coach.audio.wav import Samples, read_wav, wav_problem
from coach.errors import SynthesisError
from coach.voice.engines.base import EngineError, VoiceInfo, VoiceSettings, match_voice

ID = "pyttsx3"
INSTALL = (
    "sudo apt-get install --reinstall espeak-ng espeak-ng-data"
    if sys.platform.startswith("linux")
    else "pip install pyttsx3==2.99"
)
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
        raise EngineError(
            f"the pyttsx3 engine is not installed ({error})", f"run: {INSTALL}"
        ) from None
    driver = "espeak" if sys.platform.startswith("linux") else None
    try:
        with _quiet():
            return pyttsx3.init(driver) if driver else pyttsx3.init()  # type: ignore[no-any-return]
    except Exception as error:
        raise EngineError(f"the pyttsx3 engine cannot start: {error}", f"run: {INSTALL}") from None


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


def list_voices(engine: Driver | None = None) -> list[VoiceInfo]:
    if engine is None and _espeak_here():
        from coach.voice.engines.espeak_sync import espeak

        return espeak().voices()
    engine = engine or pyttsx3_engine()
    out = []
    for voice in engine.getProperty("voices"):
        languages = tuple(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (voice.languages or [])
        )
        out.append(VoiceInfo(str(voice.id), str(voice.name), languages))
    return out


def _espeak_here() -> bool:
    return sys.platform.startswith("linux")


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
    """The :class:`coach.voice.engines.Engine` face of pyttsx3.

    On Linux it says phrases through espeak-ng synchronously, one forked child per phrase; given
    a ``driver_factory`` (Windows, macOS, tests) it drives that pyttsx3 driver via :class:`Speaker`.
    """

    id = ID

    def __init__(
        self, settings: VoiceSettings, driver_factory: Callable[[], Driver] | None = None
    ) -> None:
        self.settings = settings
        self.speaker: Speaker | None = None
        if driver_factory is not None or not _espeak_here():
            self.speaker = Speaker(settings, driver_factory or pyttsx3_engine)
        self._voice: str | None = None
        self._resolved = False

    def version(self) -> str:
        method = "sync-fork" if self.speaker is None else "driver"
        return f"{engine_version()}/{method}"

    def say(self, text: str) -> Samples:
        if self.speaker is not None:
            with tempfile.TemporaryDirectory(prefix="coach-voice-") as folder:
                return self.speaker.speak_to_file(text, Path(folder) / "raw.wav")
        from coach.voice.engines.espeak_sync import say

        if not self._resolved:
            wanted = self.settings.voice
            self._voice = match_voice(wanted, list_voices()) if wanted else None
            self._resolved = True
        return say(text, self._voice, self.settings.rate)


def problem() -> str | None:
    """None when pyttsx3 can speak here, else what is missing."""
    try:
        if _espeak_here():
            from coach.voice.engines.espeak_sync import espeak

            espeak()
        else:
            import pyttsx3  # noqa: F401
    except EngineError as error:
        return error.message
    except ImportError as error:
        return f"pyttsx3 is not installed ({error})"
    return None
