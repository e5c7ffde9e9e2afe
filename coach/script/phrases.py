"""Every sentence the coach says that is not in a definition file, in one place.

Keeping them together makes the voice of the coach easy to read, change or translate. Lists of
alternatives are rotated by the compiler so that a phrase said again and again varies the way a
person would vary it.
"""

from __future__ import annotations

import functools
import re

from coach.definitions.model import Side

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MAX_NUMBER = 999_999

# Opening lines of every session, whatever the routine and the guidance (the articles ask for a
# doctor's approval before starting and for stopping at once on pain).
DOCTOR = "Check with your doctor before you start any new exercise programme."
STOP_IF_PAIN = (
    "Move slowly and only as far as is comfortable. If anything hurts, or you feel tingling, "
    "numbness or weakness, stop and contact your doctor or physiotherapist."
)
GET_READY = "Get ready."
HOLD = "Hold."
CLOSING = "That is the end of the session. Well done."

# Said in a long hold at its middle; one breathing reminder, varied from hold to hold.
HALFWAY = (
    "Halfway. Keep breathing.",
    "Halfway there. Breathe easily.",
    "That is halfway. Keep breathing.",
)
KEEP_BREATHING = "Keep breathing."
# Said in a hold when it would otherwise go quiet for too long.
HOLD_PROMPTS = ("Nice and steady.", "Breathe easily.", "Keep breathing.", "Stay relaxed.")
# Said between the counted breaths of a held squeeze or stretch.
BREATH_PROMPTS = ("Keep breathing slowly.", "Nice and easy.", "Stay relaxed.")
# Said during a long movement (a roll, a slow stretch) that would otherwise go quiet.
MOVE_PROMPTS = ("Slow and smooth.", "Keep going slowly.", "No hurry.")
ROLL_PROMPTS = ("Keep rolling slowly.", "Slow and smooth.", "No hurry, keep it even.")
# Said in a rest that would otherwise go quiet: how long is left is added by the compiler.
REST_PROMPTS = ("Breathe easily.", "Let your body settle.")


def number(n: int) -> str:
    """English words for 0 to 999,999: 21 -> 'twenty-one', 1205 -> 'one thousand two hundred
    and five'. Any count or length a session allows has words."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"no words for {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    joiner = " and " if 0 < rest < 100 else " "
    return f"{number(thousands)} thousand" + (f"{joiner}{number(rest)}" if rest else "")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


@functools.lru_cache(maxsize=4096)  # a session asks for the same few hundred, ~50,000 times
def sentence_case(text: str) -> str:
    """Every sentence starting upper case, also where a substitution began it ('right knee …')."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def in_text(name: str) -> str:
    """A name as it reads inside a sentence: 'Knee to chest' -> 'knee to chest'.

    Names whose second letter is upper case (an abbreviation) are left alone.
    """
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def plural(n: int, word: str) -> str:
    """'one breath', 'two breaths': the count in words and the noun in the right form."""
    return f"{number(n)} {word}{'' if n == 1 else 's'}"


def figure(n: int, word: str) -> str:
    """The same in figures, for cue sheets: '1 breath', '13 seconds'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def rep_count(rep: int, reps: int) -> str:
    """A rep's number, worded so that it is never mistaken for a countdown number."""
    if reps > 1 and rep == reps:
        return "Last rep."
    return f"Rep {number(rep)}."


def countdown(remaining: int) -> str:
    return f"{capital(number(remaining))}."


_ORDINALS = [
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
    "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
]  # fmt: skip


def breath_word(index: int, total: int) -> str:
    """The word at the start of each counted breath in a hold: an ordinal, never a bare number."""
    if index == 1:
        return "Breathe in."
    if index == total:
        return "Last breath, in."
    if index < len(_ORDINALS):
        return f"{capital(_ORDINALS[index])} breath, in."
    return f"Breath {number(index)}, in."


BREATH_OUT = ("And out.", "Breathe out.")


def duration(minutes: int) -> str:
    """'seven minutes', 'one hour and ten minutes', 'two hours'."""
    hours, rest = divmod(max(minutes, 1), 60)
    if not hours:
        return plural(rest, "minute")
    if not rest:
        return plural(hours, "hour")
    return f"{plural(hours, 'hour')} and {plural(rest, 'minute')}"


def session_length(minutes: int) -> str:
    return f"This session takes about {duration(minutes)}."


def exercise_plan(reps: int, sets: int, sides: str) -> str:
    """'Ten reps.', 'Four reps on each side.', 'Nine reps, switching sides each time.'"""
    amount = plural(reps, "rep")
    if sides == "each":
        amount += " on each side"
    elif sides == "switch":
        amount += ", switching sides each time"
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


def lead(part: str) -> str:
    return f"Let your {part} lead."


def rest(seconds: int) -> str:
    return f"Rest for {plural(seconds, 'second')}."


def time_left(seconds: int) -> str:
    return f"{capital(plural(seconds, 'second'))} left."


def next_up(name: str) -> str:
    return f"Next up: {in_text(name)}."


def done(name: str) -> str:
    return f"That is {in_text(name)} done."


def hold_words(seconds: int | None, breaths: int | None) -> str:
    """What '{hold}' says: 'ten seconds', 'one deep breath', 'seven breaths'."""
    if breaths is not None:
        return "one deep breath" if breaths == 1 else plural(breaths, "breath")
    return plural(seconds or 0, "second")


def hold_for(words: str) -> str:
    return f"Hold for {words}."


def hold_title(seconds: int | None, breaths: int | None) -> str:
    """A hold in a cue sheet: 'hold for 5 seconds', 'hold for 1 breath'."""
    if breaths is not None:
        return f"hold for {figure(breaths, 'breath')}"
    return f"hold for {figure(seconds or 0, 'second')}"


def rest_title(seconds: int) -> str:
    return f"rest for {figure(seconds, 'second')}"


_PLACEHOLDER = re.compile(r"\{(side|other|hold)\}")


def fill(text: str, side: Side | None, hold: str = "") -> str:
    """Put the side and the hold's length into a cue, in sentence case.

    Only the three placeholders are replaced, never interpreted as format specs: any other
    braces stay as written."""
    values = {"hold": hold}
    if side is not None:
        values |= {"side": side.value, "other": side.other.value}
    return sentence_case(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text))
