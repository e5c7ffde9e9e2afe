"""Speech engines behind one seam: each says a phrase into samples.

An engine module defines a class with an ``id``, a ``version()`` (part of every cache key, so
clips of one engine or version are never reused by another) and ``say(text)`` returning mono
float samples at :data:`coach.audio.wav.RATE`, plus ``problem()`` (what is missing, if anything)
and ``voices()``. :data:`ENGINES` describes each without importing its heavy libraries; a new
engine is one module here and one entry there.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from coach.errors import OptionError, suggest
from coach.voice.engines.base import (
    DEFAULT_ENGINE,
    Engine,
    EngineError,
    EngineSpec,
    VoiceInfo,
    VoiceSettings,
)

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "EngineError",
    "EngineSpec",
    "VoiceInfo",
    "VoiceSettings",
    "create",
    "spec",
]


def _pyttsx3_problem() -> str | None:
    from coach.voice.engines.pyttsx3_engine import problem

    return problem()


def _pyttsx3_voices() -> list[VoiceInfo]:
    from coach.voice.engines.pyttsx3_engine import list_voices

    return list_voices()


def _pyttsx3(settings: VoiceSettings) -> Engine:
    from coach.voice.engines.pyttsx3_engine import Pyttsx3Engine

    return Pyttsx3Engine(settings)


def _piper_problem() -> str | None:
    from coach.voice.engines.piper_engine import problem

    return problem()


def _piper_voices() -> list[VoiceInfo]:
    from coach.voice.engines.piper_engine import voices

    return voices()


def _piper(settings: VoiceSettings) -> Engine:
    from coach.voice.engines.piper_engine import PiperEngine

    return PiperEngine(settings)


def _festival_problem() -> str | None:
    from coach.voice.engines.festival_engine import problem

    return problem()


def _festival_voices() -> list[VoiceInfo]:
    from coach.voice.engines.festival_engine import voices

    return voices()


def _festival(settings: VoiceSettings) -> Engine:
    from coach.voice.engines.festival_engine import FestivalEngine

    return FestivalEngine(settings)


def _install(module: str) -> str:
    from importlib import import_module

    return str(import_module(f"coach.voice.engines.{module}").INSTALL)


ENGINES: Mapping[str, EngineSpec] = MappingProxyType(
    {
        "pyttsx3": EngineSpec(
            "pyttsx3",
            "espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS; needs nothing extra",
            "pyttsx3: MPL-2.0; espeak-ng: GPL-3.0-or-later",
            _install("pyttsx3_engine"),
            _pyttsx3_problem,
            _pyttsx3_voices,
            _pyttsx3,
        ),
        "piper": EngineSpec(
            "piper",
            "a natural neural voice (Piper, en_US joe), from the extra coach[piper]",
            "piper-tts: GPL-3.0-or-later; joe voice: fine-tuned from lessac, whose "
            "dataset licence restricts commercial use (personal practice is fine)",
            _install("piper_engine"),
            _piper_problem,
            _piper_voices,
            _piper,
        ),
        "festival": EngineSpec(
            "festival",
            "Festival with the CMU US SLT HTS voice (Debian packages)",
            "festival and festvox-us-slt-hts: BSD-style (free, commercial use allowed)",
            _install("festival_engine"),
            _festival_problem,
            _festival_voices,
            _festival,
        ),
    }
)


def spec(engine: str) -> EngineSpec:
    try:
        return ENGINES[engine]
    except KeyError:
        raise OptionError(
            f"--engine {engine!r} is not an engine{suggest(engine, list(ENGINES))}: "
            f"use {', '.join(ENGINES)}",
            hint="'coach voices' lists every engine",
        ) from None


def create(settings: VoiceSettings) -> Engine:
    """The engine ``settings`` names; one line with the install command when it is missing."""
    chosen = spec(settings.engine)
    found = chosen.problem()
    if found:
        raise chosen.missing(found)
    return chosen.factory(settings)
