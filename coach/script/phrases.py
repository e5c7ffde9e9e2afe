"""Every sentence the coach says that is not in a definition file, in one place.

Keeping them together makes the voice of the coach easy to read, change or translate.
"""

from __future__ import annotations

from coach.definitions.model import Side

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

SAFETY = (
    "Move slowly and only as far as is comfortable. If anything hurts, or you feel tingling, "
    "numbness or weakness, stop and check with your doctor or physiotherapist."
)
GET_READY = "Get ready."
CLOSING = "That is the end of the session. Well done."


def number(n: int) -> str:
    """English words for 0 to 999: 21 -> 'twenty-one'."""
    if not 0 <= n <= 999:
        raise ValueError(f"no words for {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number(rest)}" if rest else "")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def rep_count(rep: int, reps: int) -> str:
    if reps > 1 and rep == reps:
        return "Last one."
    return f"{capital(number(rep))}."


def countdown(remaining: int) -> str:
    return capital(number(remaining))


def breath_in(index: int, total: int) -> str:
    if index == 1:
        return "Breathe in."
    if index == total:
        return "Last breath, in."
    return f"{capital(number(index))}, in."


BREATH_OUT = "And out."


def plural(n: int, word: str) -> str:
    return f"{number(n)} {word}{'' if n == 1 else 's'}"


def session_length(minutes: int) -> str:
    return f"This session takes about {plural(max(minutes, 1), 'minute')}."


def exercise_plan(reps: int, sets: int, per_side: bool) -> str:
    amount = plural(reps, "rep")
    if per_side:
        amount += " on each side"
    if sets > 1:
        return capital(f"{number(sets)} sets of {amount}.")
    return capital(f"{amount}.")


def side_first(side: Side) -> str:
    return f"Start on the {side.value} side."


def alternate_from(side: Side) -> str:
    return f"Alternate sides, starting on the {side.value}."


def side_switch(side: Side) -> str:
    return f"Now switch to the {side.value} side."


def set_start(index: int, total: int) -> str:
    return f"Set {number(index)} of {number(total)}."


def rest(seconds: int) -> str:
    return f"Rest for {plural(seconds, 'second')}."


def next_up(name: str) -> str:
    return f"Next up: {name}."


def done(name: str) -> str:
    return f"That is {name} done."


def hold_length(seconds: float, breaths: int | None) -> str:
    if breaths is not None:
        return plural(breaths, "breath")
    return plural(round(seconds), "second")
