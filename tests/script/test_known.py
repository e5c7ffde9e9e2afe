"""A session compiled with some lengths still unknown is final up to the point it says.

This is what lets `coach play` start before the voice has made every phrase: the player plays
only what compile_known calls exact, so it must be exactly what the finished session has there,
whatever lengths the phrases not yet made turn out to have.
"""

from __future__ import annotations

import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.definitions.catalog import load_catalog
from coach.definitions.model import Level
from coach.options import PACES, Guidance, Options
from coach.script.compiler import compile_known, compile_session, draft
from coach.script.lengths import estimate_speech_seconds
from coach.script.timeline import Section, Sound, Speech

CATALOG, _ = load_catalog()


def true_length(seed: int):
    """The lengths a voice will measure: the estimate times a factor per phrase, 0.4 to 1.6."""

    def length(text: str) -> float:
        share = zlib.crc32(f"{seed}:{text}".encode()) % 10_000 / 10_000
        return estimate_speech_seconds(text) * (0.4 + 1.2 * share)

    return length


CASES = st.tuples(
    st.sampled_from(sorted(CATALOG.routines)),
    st.sampled_from(sorted(PACES)),
    st.sampled_from(list(Level)),
    st.sampled_from(list(Guidance)),
    st.booleans(),  # breath tones
    st.integers(min_value=1, max_value=2**16),  # the voice
    st.floats(min_value=0.0, max_value=1.0),  # how much of the session's words are known
    st.integers(min_value=0, max_value=2**16),  # which of them
)


@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(CASES)
def test_what_is_called_exact_is_what_the_finished_session_has(case):
    routine_id, pace, level, guidance, tones, seed, share, pick = case
    options = Options(pace=PACES[pace], level=level, guidance=guidance, breath_tones=tones)
    routine = CATALOG.routines[routine_id]
    real = true_length(seed)
    _, phrases = draft(routine, CATALOG.exercises, options)
    # Phrases are made roughly in the order they are first needed, but cached ones come first
    # and two workers finish out of order: any prefix, plus a scattering of later phrases.
    cut = int(len(phrases) * share)
    known = {
        text: real(text)
        for index, text in enumerate(phrases)
        if index < cut or zlib.crc32(f"{pick}:{text}".encode()) % 5 == 0
    }
    partial = compile_known(routine, CATALOG.exercises, options, known, estimate_speech_seconds, 9)
    final = compile_session(routine, CATALOG.exercises, options, real, minutes=9)

    def sounding(events, before):
        return [e for e in events if isinstance(e, Speech | Sound) and e.start_ms < before]

    exact = partial.exact_ms
    assert sounding(partial.timeline.events, exact) == sounding(final.events, exact)
    # Sections started there start there too (their ends may still move).

    def started(events):
        return sorted(
            (e.start_ms, e.kind, e.title)
            for e in events
            if isinstance(e, Section) and e.start_ms < exact
        )

    assert started(partial.timeline.events) == started(final.events)


def test_all_lengths_known_is_exact_to_the_end():
    routine = CATALOG.routines["short-daily"]
    options = Options()
    real = true_length(7)
    _, phrases = draft(routine, CATALOG.exercises, options)
    final = compile_session(routine, CATALOG.exercises, options, real, minutes=8)
    known = {text: real(text) for text in phrases}
    known.update({e.text: real(e.text) for e in final.speech()})  # the pinned minutes line
    partial = compile_known(routine, CATALOG.exercises, options, known, estimate_speech_seconds, 8)
    assert partial.exact_ms == final.duration_ms
    assert partial.timeline == final


def test_nothing_known_is_exact_nowhere_but_the_start():
    routine = CATALOG.routines["short-daily"]
    partial = compile_known(routine, CATALOG.exercises, Options(), {}, estimate_speech_seconds, 8)
    assert partial.exact_ms == 0
    assert partial.timeline.duration_ms > 0  # the rest is the estimate
