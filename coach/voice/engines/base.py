"""What every engine shares: the settings a user chooses and the protocol an engine meets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from coach.errors import OptionError

if TYPE_CHECKING:
    from coach.audio.wav import Samples

DEFAULT_WPM = 150
RATE_RANGE = (80, 300)


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # an engine voice id, e.g. "en-us" or "en-us+f3"; None: default
    rate: int = DEFAULT_WPM  # words per minute
    engine: str = "pyttsx3"

    def __post_init__(self) -> None:
        low, high = RATE_RANGE
        if not low <= self.rate <= high:
            raise OptionError(
                f"--rate {self.rate} is out of range: allowed {low} to {high} words per minute"
            )


class Engine(Protocol):
    id: str

    def version(self) -> str: ...
    def say(self, text: str) -> Samples: ...
