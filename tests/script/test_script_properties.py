"""What must hold for every built-in routine at every pace, level and guidance, for any voice.

Speech lengths are the estimate scaled per phrase by a factor hypothesis draws (0.3 to 1.3, the
spread measured between the estimate and espeak at 150 to 80 words a minute), so the timing
rules are checked against voices faster and slower than the estimate, not against one guess.
"""

from __future__ import annotations

import itertools
import re
import zlib
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.definitions.catalog import load_catalog
from coach.definitions.model import Level
from coach.options import PACES, Guidance, Options
from coach.script.compiler import compile_session
from coach.script.lengths import SpeechLength, estimate_speech_seconds
from coach.script.timeline import Role, SectionKind, Timeline

CATALOG, _ = load_catalog()
ROUTINES = sorted(CATALOG.routines)
PACE = {**PACES, "half": 0.5, "double": 2.0}  # the named paces, and the ends of the range
MOVE_TIME_MS = {"slow": 1500, "normal": 1500, "fast": 1200, "half": 1500, "double": 1200}
MAX_SILENCE_MS = 8000
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def voice(seed: int, low: float, high: float) -> SpeechLength:
    """A voice whose every phrase is the estimate times its own factor in [low, high]."""

    def length(text: str) -> float:
        share = zlib.crc32(f"{seed}:{text}".encode()) % 10_000 / 10_000
        return estimate_speech_seconds(text) * (low + share * (high - low))

    return length


@cache
def session(routine: str, pace: str, level: Level, guidance: Guidance, seed: int) -> Timeline:
    options = Options(pace=PACE[pace], level=level, guidance=guidance)
    length = estimate_speech_seconds if seed == 0 else voice(seed, 0.3, 1.3)
    return compile_session(CATALOG.routines[routine], CATALOG.exercises, options, length)


SESSIONS = st.tuples(
    st.sampled_from(ROUTINES),
    st.sampled_from(sorted(PACE)),
    st.sampled_from(list(Level)),
    st.sampled_from(list(Guidance)),
    st.integers(min_value=0, max_value=2**16),
)
CHECK = settings(
    max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@CHECK
@given(SESSIONS)
def test_after_every_movement_or_breath_cue_there_is_time_to_do_it(case):
    pace = case[1]
    speech = list(session(*case).speech())
    for cue, after in itertools.pairwise(speech):
        if cue.role in (Role.MOVE, Role.BREATH):
            assert after.start_ms - cue.end_ms >= MOVE_TIME_MS[pace], (cue, after)


@CHECK
@given(SESSIONS)
def test_speech_never_overlaps_and_never_goes_quiet_too_long(case):
    timeline = session(*case)
    speech = list(timeline.speech())
    for before, after in itertools.pairwise(speech):
        assert after.start_ms > before.end_ms, (before, after)
        assert after.start_ms - before.end_ms <= MAX_SILENCE_MS, (before, after)
    assert all(e.end_ms <= timeline.duration_ms for e in timeline.events)


@CHECK
@given(SESSIONS)
def test_every_hold_of_an_exercise_lasts_the_same_in_every_rep(case):
    lengths: dict[str | None, set[int]] = {}
    for hold in session(*case).sections(SectionKind.HOLD):
        lengths.setdefault(hold.exercise, set()).add(hold.end_ms - hold.start_ms)
    assert all(len(found) == 1 for found in lengths.values()), lengths


@CHECK
@given(SESSIONS)
def test_every_spoken_sentence_starts_upper_case(case):
    for line in session(*case).speech():
        for sentence in SENTENCE.split(line.text):
            assert sentence[:1].isupper(), line.text
        assert "{" not in line.text and "  " not in line.text


def test_countdown_numbers_are_under_a_third_of_what_healthy_back_says():
    for pace, level in itertools.product(PACES, Level):
        speech = list(session("healthy-back", pace, level, Guidance.STANDARD, 0).speech())
        counted = sum(1 for e in speech if e.role is Role.COUNT)
        assert 0 < counted * 3 < len(speech), (pace, level, counted, len(speech))


def test_brief_is_shorter_than_standard_which_is_shorter_than_full():
    for pace, level in itertools.product(PACES, Level):
        lengths = [
            session("healthy-back", pace, level, g, 0).duration_ms
            for g in (Guidance.BRIEF, Guidance.STANDARD, Guidance.FULL)
        ]
        assert lengths == sorted(set(lengths)), (pace, level, lengths)


def test_full_guidance_speaks_every_tip_and_standard_every_caution():
    for ident in ROUTINES:
        for guidance, field in ((Guidance.FULL, "tips"), (Guidance.STANDARD, "cautions")):
            said = {e.text for e in session(ident, "normal", Level.STANDARD, guidance, 0).speech()}
            for item in CATALOG.routines[ident].items:
                for line in getattr(CATALOG.exercises[item.exercise], field):
                    assert line in said, (ident, guidance, line)
