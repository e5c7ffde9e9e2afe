"""Small pieces of English for what the commands print."""

from __future__ import annotations

from coach.script.timeline import clock


def count(number: int, noun: str) -> str:
    """``1 routine``, ``2 routines``, ``0 exercises``: the noun agrees with the number."""
    return f"{number} {noun if number == 1 else plural(noun)}"


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return f"{noun}es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{noun[:-1]}ies"
    return f"{noun}s"


def length(ms: int) -> str:
    """A length as people write it: ``7:22``, ``0:45``, ``1:05:00`` (no leading zero)."""
    text = clock(ms, precise=False)
    return text[1:] if text.startswith("0") and text[1:2] != ":" else text
