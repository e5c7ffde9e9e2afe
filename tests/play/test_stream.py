"""The stream: segments that join in quiet moments and add up to exactly the exported mix, also
when playing starts before the voice has made every phrase."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import WordsEngine

from coach import session
from coach.audio.mixer import Mix
from coach.audio.wav import RATE, to_pcm16
from coach.definitions.catalog import load_catalog
from coach.options import Guidance, Options
from coach.play.stream import QUIET_AFTER_MS, SEGMENT_MS, Stream
from coach.script.timeline import Sound, Speech
from coach.session.live import stream
from coach.voice.engines import EngineError, VoiceSettings
from coach.voice.store import Voice

CATALOG, _ = load_catalog()


def voice(tmp_path, engine: WordsEngine | None = None) -> Voice:
    made = engine or WordsEngine()
    return Voice(VoiceSettings(), cache_dir=tmp_path, jobs=1, engine_factory=lambda _s: made)


def live(routine: str, options: Options, speaker: Voice) -> Stream:
    return stream(CATALOG.routines[routine], CATALOG.exercises, options, speaker)


def play_through(source: Stream, at: int = 0, timeout: float = 60.0) -> list:
    """Every segment from ``at`` to the end, taken as soon as each is known."""
    segments, deadline = [], time.monotonic() + timeout
    while not (source.complete and at >= source.length):
        assert time.monotonic() < deadline, "the stream never finished"
        source.check()
        segment = source.segment(at)
        if segment is None:
            source.wait(0.05)
            continue
        segments.append(segment)
        at = segment.end
    return segments


def sounding_at(timeline, ms: int) -> bool:
    return any(
        e.start_ms - 50 <= ms < e.end_ms + QUIET_AFTER_MS
        for e in timeline.events
        if isinstance(e, Speech | Sound)
    )


def test_a_warm_session_is_the_export_in_segments_that_join_in_quiet(tmp_path):
    options = Options(guidance=Guidance.FULL)
    speaker = voice(tmp_path)
    exported = session.voiced_timeline(["healthy-back"], options, speaker)
    source = live("healthy-back", options, speaker)
    assert source.complete and source.timeline == exported  # the same minutes, the same times
    segments = play_through(source)
    assert len(segments) >= exported.duration_ms // SEGMENT_MS
    for segment in segments[:-1]:
        assert len(segment.pcm) // 2 <= SEGMENT_MS * RATE // 1000 + 1
        assert not sounding_at(exported, round(segment.end * 1000 / RATE))
    whole = to_pcm16(Mix(exported, speaker).render(0, segments[-1].end, source.gain))
    assert b"".join(s.pcm for s in segments) == whole
    # Each segment after the first starts in quiet that a late join may skip.
    assert all(s.lead > 0 for s in segments[1:])


def test_a_cold_session_plays_from_its_opening_and_ends_exact(tmp_path):
    slow = WordsEngine(delay=0.005)
    speaker = voice(tmp_path, slow)
    source = live("short-daily", Options(), speaker)
    first = source.segment(0)
    deadline = time.monotonic() + 30
    while first is None:
        assert time.monotonic() < deadline
        source.wait(0.05)
        first = source.segment(0)
    assert not source.complete  # it began before the voice was done
    segments = [first, *play_through(source, first.end)]
    final = source.timeline
    whole = to_pcm16(Mix(final, speaker).render(0, segments[-1].end, source.gain))
    # What was played from partly known sessions is exactly the finished session.
    assert b"".join(s.pcm for s in segments) == whole
    assert segments[-1].end == source.length
    source.close()


def test_a_phrase_the_voice_cannot_say_stops_the_stream_with_its_error(tmp_path):
    routine = CATALOG.routines["short-daily"]
    speaker = voice(tmp_path, WordsEngine(fail_on=f"{routine.name}."))
    source = live("short-daily", Options(), speaker)
    with pytest.raises(EngineError, match="could not say"):
        play_through(source, timeout=30)


def test_closing_stops_the_voice_at_once(tmp_path):
    speaker = voice(tmp_path, WordsEngine(delay=0.05))
    source = live("healthy-back", Options(), speaker)
    started = time.monotonic()
    source.close()
    assert time.monotonic() - started < 5
    assert not any(t.name == "coach-voice" and t.is_alive() for t in threading.enumerate())
    assert speaker.synthesized == 0  # it stopped before finishing what it had been asked


def test_a_voice_whose_stream_was_closed_still_makes_phrases(tmp_path):
    speaker = voice(tmp_path, WordsEngine(delay=0.05))
    live("healthy-back", Options(), speaker).close()
    assert set(speaker.prepare(["Hello there."])) >= {"Hello there."}
