"""What every engine shares: the settings a user chooses, the protocol an engine meets, and the
description the registry keeps of each engine (availability, install command, voices, licence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from coach.errors import CoachError, ExitCode, OptionError, suggest

if TYPE_CHECKING:
    from coach.audio.wav import Samples

DEFAULT_WPM = 150
RATE_RANGE = (80, 300)
DEFAULT_ENGINE = "pyttsx3"


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # an engine voice id ("en-us+f3"), a Piper .onnx path; None: default
    rate: int = DEFAULT_WPM  # words per minute
    engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        low, high = RATE_RANGE
        if not low <= self.rate <= high:
            raise OptionError(
                f"--rate {self.rate} is out of range: allowed {low} to {high} words per minute"
            )


class Engine(Protocol):
    """One engine, ready to speak with one :class:`VoiceSettings`."""

    id: str

    def version(self) -> str: ...
    def say(self, text: str) -> Samples: ...  # mono float32 at coach.audio.wav.RATE


class EngineError(CoachError):
    """An engine that is missing, lacks its data, or died: exit 3, like any missing software."""

    exit_code = ExitCode.MISSING_DEPENDENCY


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class EngineSpec:
    """What the registry knows of an engine without starting it."""

    id: str
    summary: str
    licence: str
    install: str  # the exact command that installs what is missing
    problem: Callable[[], str | None]  # None when usable, else what is missing
    voices: Callable[[], list[VoiceInfo]]
    factory: Callable[[VoiceSettings], Engine]

    def missing(self, problem: str) -> EngineError:
        return EngineError(f"the {self.id} engine is not usable: {problem}", f"run: {self.install}")


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
