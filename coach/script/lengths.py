"""How long phrases take to say: estimated without a voice, or read from the voice's table."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

SpeechLength = Callable[[str], float]  # seconds it takes to say a phrase


def estimate_speech_seconds(text: str, words_per_minute: float = 150) -> float:
    """A voice-free guess of how long ``text`` takes to say (for plans without synthesis)."""
    words = len(re.findall(r"[\w']+", text))
    pauses = len(re.findall(r"[,.;:!?]", text))
    return round(0.15 + words * 60 / words_per_minute + pauses * 0.2, 3)


class MissingSpeechError(LookupError):
    """A phrase the table of measured lengths does not have (the voice must prepare it)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def measured(table: Mapping[str, float]) -> SpeechLength:
    """Speech lengths from the voice's table; a phrase it lacks raises MissingSpeechError."""

    def length(text: str) -> float:
        try:
            return table[text]
        except KeyError:
            raise MissingSpeechError(text) from None

    return length
