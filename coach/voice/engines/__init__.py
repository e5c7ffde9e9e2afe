"""Speech engines behind one seam: each says a phrase into samples.

An engine module defines a class with an ``id``, a ``version()`` (part of every cache key, so
clips of one engine or version are never reused by another) and ``say(text)`` returning mono
float samples at :data:`coach.audio.wav.RATE`. :func:`create` picks one by id; a new engine is
one module here and one line in :data:`ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from coach.errors import OptionError
from coach.voice.engines.base import Engine, VoiceSettings

__all__ = ["ENGINES", "Engine", "VoiceSettings", "create"]


def _pyttsx3(settings: VoiceSettings) -> Engine:
    from coach.voice.engines.pyttsx3_engine import Pyttsx3Engine

    return Pyttsx3Engine(settings)


ENGINES: Mapping[str, Callable[[VoiceSettings], Engine]] = MappingProxyType({"pyttsx3": _pyttsx3})


def create(settings: VoiceSettings) -> Engine:
    try:
        factory = ENGINES[settings.engine]
    except KeyError:
        raise OptionError(
            f"--engine {settings.engine!r} is not an engine: use {', '.join(ENGINES)}"
        ) from None
    return factory(settings)
