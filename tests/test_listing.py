"""`coach list` lengths: the session's own length once the voice has its phrases, else an estimate."""

from __future__ import annotations

from helpers import WordsEngine

from coach import session
from coach.options import Options
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice


def voice(tmp_path) -> Voice:
    return Voice(
        VoiceSettings(), cache_dir=tmp_path, jobs=1, engine_factory=lambda _s: WordsEngine()
    )


def by_id(listings):
    return {entry.id: entry for entry in listings}


def test_without_cached_phrases_every_length_is_an_estimate(tmp_path):
    listed = by_id(session.listing([], voice(tmp_path)))
    assert not any(entry.measured for entry in listed.values())
    assert listed["short-daily"].duration_ms == session.plan(["short-daily"]).duration_ms


def test_once_the_voice_has_said_a_session_the_list_shows_its_real_length(tmp_path):
    speaker = voice(tmp_path)
    voiced = session.voiced_timeline(["short-daily"], Options(), speaker)
    listed = by_id(session.listing([], voice(tmp_path)))  # a fresh voice: only the cache is shared
    assert listed["short-daily"].measured
    assert listed["short-daily"].duration_ms == voiced.duration_ms
    assert listed["short-daily"].duration_ms != session.plan(["short-daily"]).duration_ms
    assert not listed["low-back-daily"].measured
