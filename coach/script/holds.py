"""Holds as a coach says them: the same length in every rep, counted without drowning the words.

A hold in seconds starts when the movement into it ends and lasts exactly its seconds, in rep 1
as in rep 10: its cue is said at its start and gives way to a shorter one if it would not leave
room for what follows. Short holds are marked by ticks; longer ones announce their length, get
one breathing reminder at the middle and count down only their last seconds. A hold in breaths
gives every rep the same room for its cue, then paces each deep breath.
"""

from __future__ import annotations

from coach.definitions.model import Breath, Count, Phase, Side, Unit
from coach.options import Guidance
from coach.script import phrases
from coach.script.cursor import Cursor
from coach.script.entries import Entry
from coach.script.timeline import Role, Section, SectionKind, Speech
from coach.script.timing import TIMING


def cue_for(guidance: Guidance, phase: Phase, first_rep: bool) -> str:
    """Full guidance says the whole cue every rep, standard in the first rep, brief never."""
    if guidance is Guidance.FULL or (first_rep and guidance is Guidance.STANDARD):
        return phase.cue
    return phase.short or phase.cue


def hold(cur: Cursor, entry: Entry, phase: Phase, side: Side | None, first_rep: bool) -> None:
    span = entry.hold or phase.length
    amount = span.amount.pick(cur.options.level)
    if span.unit is Unit.SECONDS:
        seconds = max(1, round(amount))
        breaths = None
    else:
        seconds, breaths = 0, int(amount)
    words = phrases.hold_words(seconds, breaths)
    variants = [cue_for(cur.options.guidance, phase, first) for first in (True, False)]
    if breaths is None and phase.length.unit is Unit.BREATHS:
        # --hold turned a hold in breaths into seconds: say the seconds, not "one deep breath".
        variants = [v if "{hold}" in v else phrases.hold_for("{hold}") for v in variants]
    variants = [phrases.fill(v, side, words) for v in variants]
    spoken = variants[0] if first_rep else variants[1]
    if breaths is None:
        _seconds(cur, entry, phase, seconds, [spoken, *variants[1:]], words)
    else:
        _breaths(cur, entry, phase, breaths, spoken, variants)


def _seconds(
    cur: Cursor, entry: Entry, phase: Phase, seconds: int, texts: list[str], words: str
) -> None:
    start = cur.t
    placed = len(cur.events)  # what the hold says is placed from here on
    end = start + seconds * 1000
    last = TIMING.counted_last(seconds) if phase.count is Count.ALOUD else 0
    count_from = end - last * 1000
    speak_by = count_from - TIMING.gap_ms if last else end - TIMING.settle_ms
    halfway = seconds >= TIMING.halfway_from_s
    mid = start + seconds * 500
    if halfway:
        speak_by = min(speak_by, mid - TIMING.gap_ms)
    # A long hold always says how long it is; a cue too long for the hold gives way to a shorter.
    candidates = [_with_length(t, words) if halfway else t for t in texts]
    candidates += [phrases.hold_for(words), phrases.HOLD]
    for candidate in candidates:
        cur.length_ms(candidate)
    text = next((t for t in candidates if cur.fits(t, start, speak_by)), None)
    if text is None and cur.fits(phrases.HOLD, start, end - TIMING.gap_ms):
        text = phrases.HOLD
    if text is not None:
        cur.say(text, Role.HOLD)
    if halfway:
        cur.pass_time(mid, phrases.HOLD_PROMPTS)
        by = (count_from if last else end) - TIMING.gap_ms
        for reminder in (phrases.HALFWAY, (phrases.KEEP_BREATHING,)):
            fitting = [cur.fits(r, mid, by) for r in reminder]  # every one asked: see cursor
            if all(fitting):
                cur.say(cur.turn(reminder), Role.PROMPT, at=mid)
                break
    numbers = set()
    for remaining in range(last, 0, -1):
        at = end - remaining * 1000
        cur.pass_time(at, phrases.HOLD_PROMPTS)
        word = phrases.countdown(remaining)
        if cur.fits(word, at, at + 1000 - TIMING.count_gap_ms) and at >= cur.speech_free:
            cur.say(word, Role.COUNT, at=at, gap=TIMING.count_gap_ms)
        else:
            cur.sound("tick", at=at)  # a number too long for its second (a slow voice)
        numbers.add(at)
    cur.pass_time(end, phrases.HOLD_PROMPTS)
    if phase.count is Count.TICKS or (phase.count is Count.ALOUD and not last):
        _tick_seconds(cur, start, end, numbers, placed)
    title = phrases.capital(phrases.hold_title(seconds, None))
    cur.events.append(Section(start, end, SectionKind.HOLD, title, entry.exercise.id))


def _with_length(text: str, words: str) -> str:
    """A long hold always says how long it is."""
    return text if words in text else f"{text} {phrases.capital(words)}."


def _tick_seconds(cur: Cursor, start: int, end: int, taken: set[int], placed: int) -> None:
    """A soft tick on each second of the hold that no words cover."""
    # Words said before the hold ended a gap before it began: only the hold's own can cover.
    speech = [e for e in cur.events[placed:] if isinstance(e, Speech) and e.end_ms > start]
    for at in range(start + 1000, end, 1000):
        clear = all(not (s.start_ms - 100 <= at <= s.end_ms + 100) for s in speech)
        if clear and at not in taken:
            cur.sound("tick", at=at)


def _breaths(
    cur: Cursor, entry: Entry, phase: Phase, breaths: int, text: str, variants: list[str]
) -> None:
    half = TIMING.breath_half(cur.options.pace)
    # Every rep leaves the same room for its cue, so every rep holds equally long.
    room = max(map(cur.length_ms, variants)) + TIMING.gap_ms
    start = cur.t
    cur.say(text, Role.HOLD)
    begin = start + room
    for index in range(1, breaths + 1):
        out, after = begin + half, begin + 2 * half
        cur.pass_time(begin, phrases.BREATH_PROMPTS)
        if phase.count is Count.ALOUD:
            # The words of a breath leave time to breathe: a slow voice says less.
            cur.say(
                _fitting(cur, half, phrases.breath_word(index, breaths), "In."),
                Role.BREATH,
                at=begin,
            )
            # Breathing out is said in the first and last breaths, and wherever the breath
            # would otherwise go quiet too long (slow paces, quick voices).
            if index in (1, breaths) or after - cur.last_end > TIMING.silence_ms:
                cur.pass_time(out, phrases.BREATH_PROMPTS)
                outs = [_fitting(cur, half, word, "Out.") for word in phrases.BREATH_OUT]
                word = outs[phrases.BREATH_OUT.index(cur.turn(phrases.BREATH_OUT))]
                cur.say(word, Role.BREATH, at=out)
        elif phase.count is Count.TICKS:
            cur.sound("tick", at=begin)
        cur.tone(Breath.IN, begin, out)
        cur.tone(Breath.OUT, out, after)
        begin = after
    cur.pass_time(begin, phrases.BREATH_PROMPTS)
    title = phrases.capital(phrases.hold_title(None, breaths))
    cur.events.append(Section(start, begin, SectionKind.HOLD, title, entry.exercise.id))


def _fitting(cur: Cursor, half: int, *words: str) -> str:
    """The first of ``words`` that leaves the time to move within half a breath (all asked)."""
    fitting = [w for w in words if cur.length_ms(w) + cur.move_after <= half]
    return fitting[0] if fitting else words[-1]
