"""A fake pyttsx3 driver with 2.99's espeak quirks, and a tone writer, for the voice tests."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path

import numpy as np

from coach.audio.wav import RATE
from coach.voice.engines import VoiceSettings
from coach.voice.engines.pyttsx3_engine import Pyttsx3Engine, Speaker


def write_tone(path: Path, seconds: float = 0.5) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())


class FakeEngine:
    """Behaves like pyttsx3 2.99's espeak driver, quirks included, as each test asks."""

    def __init__(self, plan: list[str] | None = None, late: bool = False) -> None:
        self.plan = plan or []  # per run: "ok", "empty", "none", "lose-rate"
        self.late = late  # write and call back from another thread after runAndWait returns
        self.callbacks: list = []
        self.props = {"rate": 200, "voice": "gmw/en"}
        self.pending: tuple[str, str] | None = None
        self.runs = 0
        self.threads: list[threading.Thread] = []

    def connect(self, topic, cb):
        assert topic == "finished-utterance"
        self.callbacks.append(cb)

    def setProperty(self, name, value):  # noqa: N802
        self.props[name] = value

    def getProperty(self, name):  # noqa: N802
        if name == "voices":
            return [
                type(
                    "V",
                    (),
                    {"id": "gmw/en-us", "name": "English (America)", "languages": ["en-us"]},
                )()
            ]
        return self.props[name]

    def save_to_file(self, text, filename, name=None):
        self.pending = (text, filename)

    def runAndWait(self):  # noqa: N802
        action = self.plan[self.runs] if self.runs < len(self.plan) else "ok"
        self.runs += 1
        _text, filename = self.pending

        def finish():
            print(f"Audio saved to {filename}")  # what pyttsx3 2.99 prints
            if action == "empty":
                Path(filename).write_bytes(b"")
            elif action == "lose-rate":
                self.props["rate"] = 200
                write_tone(Path(filename))
            elif action != "none":
                write_tone(Path(filename))
            for cb in self.callbacks:
                cb(name=None, completed=True)

        if self.late:
            thread = threading.Timer(0.05, finish)
            self.threads.append(thread)
            thread.start()
        else:
            finish()


def speaker(engine: FakeEngine, settings: VoiceSettings | None = None) -> Speaker:
    return Speaker(settings or VoiceSettings(), engine_factory=lambda: engine)


def fake_pyttsx3(engine: FakeEngine):
    """An engine factory for :class:`coach.voice.store.Voice` that speaks through ``engine``."""
    return lambda settings: Pyttsx3Engine(settings, driver_factory=lambda: engine)


# -- engines for the store's worker processes: module-level, so spawned workers can import them --


class ToneEngine:
    """Says every phrase as a tone whose length follows the text: a stand-in for any engine."""

    id = "fake"

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings

    def version(self) -> str:
        return "1"

    def say(self, text: str) -> np.ndarray:
        seconds = 0.2 + 0.02 * len(text)
        t = np.arange(int(seconds * RATE)) / RATE
        return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class CrashingEngine(ToneEngine):
    """Kills its own process on a phrase with "crash" (once, or always for "always crash").

    The voice setting names a folder where it leaves a mark, so a replaced worker (a new
    process) knows the phrase has killed one worker already.
    """

    def say(self, text: str) -> np.ndarray:
        mark = Path(str(self.settings.voice)) / "crashed"
        if "always crash" in text or ("crash" in text and not mark.exists()):
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.write_text(text)
            os._exit(9)
        return super().say(text)


def tone_engine(settings: VoiceSettings) -> ToneEngine:
    return ToneEngine(settings)


def crashing_engine(settings: VoiceSettings) -> CrashingEngine:
    return CrashingEngine(settings)
