"""Test helpers: a fake voice length, a voice-free engine, and small definition builders."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np

from coach.audio.wav import RATE
from coach.definitions.catalog import Catalog, build_catalog, builtin_definitions
from coach.definitions.reader import load_text
from coach.errors import SynthesisError
from coach.options import Options
from coach.script.compiler import compile_session
from coach.script.timeline import Speech, Timeline


def fake_length(text: str) -> float:
    """A voice that takes 0.3 s per word: simple enough to reason about in assertions."""
    return 0.3 * len(text.split())


def catalog_with(yaml_text: str = "") -> Catalog:
    user = [load_text(yaml_text, "test.yaml")] if yaml_text else []
    return build_catalog(builtin_definitions(), user)


def compile_ids(
    *ids: str, options: Options | None = None, yaml_text: str = "", length=fake_length
) -> Timeline:
    catalog = catalog_with(yaml_text)
    routine = catalog.resolve(list(ids))
    return compile_session(routine, catalog.exercises, options or Options(), length)


def spoken(timeline: Timeline) -> list[str]:
    return [e.text for e in timeline.events if isinstance(e, Speech)]


class WordsEngine:
    """A voice-free engine: a quiet tone, 0.25 s a word (far from the estimate's 0.4 s);
    ``delay`` seconds of work per phrase, and one phrase it cannot say, if asked."""

    id = "words"

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.delay, self.fail_on = delay, fail_on

    def version(self) -> str:
        return "1"

    def say(self, text: str):
        if text == self.fail_on:
            raise SynthesisError(f"cannot say {text!r}")
        time.sleep(self.delay)
        seconds = 0.1 + 0.25 * len(text.split())
        t = np.arange(int(seconds * RATE)) / RATE
        return (0.2 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)


def decode(path: Path) -> np.ndarray:
    """An audio file's samples as ffmpeg decodes them, mono at the session rate, in [-1, 1)."""
    command = ["ffmpeg", "-v", "error", "-i", str(path)]
    command += ["-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"]
    pcm = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
