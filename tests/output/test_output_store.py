"""The session store and session titles: stable ids, entries deleted by hand, what a title says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import compile_ids

from coach.definitions.model import Level
from coach.options import Options
from coach.output.store import SessionStore, session_key
from coach.output.tags import session_title


@pytest.fixture
def timeline():
    return compile_ids("bridge", options=Options(reps=2))


def put(store: SessionStore, ident: str, timeline, data: bytes = b"ID3 audio") -> Path:
    audio = store.audio_path(ident)
    audio.write_bytes(data)
    store.put(ident, timeline, "Bridge · normal · 2 reps", audio)
    return audio


def test_put_then_get_gives_the_whole_entry(tmp_path: Path, timeline) -> None:
    store = SessionStore(tmp_path)
    audio = put(store, "0123456789abcdef", timeline)
    entry = store.get("0123456789abcdef")
    assert entry is not None
    assert entry.audio == audio
    assert entry.size == len(b"ID3 audio")
    assert entry.duration_ms == timeline.duration_ms
    assert entry.media_type == "audio/mpeg"
    assert [c.title for c in entry.chapters] == [c.title for c in timeline.chapters()]
    assert entry.filename == "bridge-normal-2-reps-012345.mp3"
    assert store.all() == [entry]


@pytest.mark.parametrize(
    "ident", ["", "0123", "0123456789ABCDEF", "../../etc/passwd", "0123456789abcdef/..", "g" * 16]
)
def test_ids_that_are_not_ids_find_nothing_and_make_nothing(tmp_path: Path, ident: str) -> None:
    store = SessionStore(tmp_path)
    assert store.get(ident) is None
    with pytest.raises(ValueError, match="not a session id"):
        store.audio_path(ident)
    assert not tmp_path.joinpath("sessions").exists()


def test_entries_deleted_by_hand_are_simply_gone(tmp_path: Path, timeline) -> None:
    store = SessionStore(tmp_path)
    audio = put(store, "0123456789abcdef", timeline)
    put(store, "fedcba9876543210", timeline)
    audio.unlink()
    assert store.get("0123456789abcdef") is None
    assert [e.id for e in store.all()] == ["fedcba9876543210"]
    (tmp_path / "sessions" / "fedcba9876543210" / "session.json").write_text("{not json")
    assert store.all() == []
    (tmp_path / "sessions" / "fedcba9876543210").rename(tmp_path / "sessions" / "stray")
    assert store.all() == []
    # The store itself gone: nothing, and the next entry makes it again.
    import shutil

    shutil.rmtree(tmp_path / "sessions")
    assert store.all() == []
    put(store, "0123456789abcdef", timeline)
    assert [e.id for e in store.all()] == ["0123456789abcdef"]


def test_a_record_naming_a_file_elsewhere_is_kept_inside(tmp_path: Path, timeline) -> None:
    store = SessionStore(tmp_path / "store")
    put(store, "0123456789abcdef", timeline)
    record_path = tmp_path / "store" / "sessions" / "0123456789abcdef" / "session.json"
    record = json.loads(record_path.read_text())
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"secret")
    record["audio"] = str(outside)
    record_path.write_text(json.dumps(record))
    # Only the name counts: it means a file in the entry's own folder, and there is none.
    assert store.get("0123456789abcdef") is None
    (record_path.parent / "outside.mp3").write_bytes(b"inside after all")
    entry = store.get("0123456789abcdef")
    assert entry is not None
    assert entry.audio == record_path.parent / "outside.mp3"


def test_newest_first(tmp_path: Path, timeline) -> None:
    store = SessionStore(tmp_path)
    for ident in ("00000000000000aa", "00000000000000bb", "00000000000000cc"):
        put(store, ident, timeline)
    assert [e.id for e in store.all()] == [
        "00000000000000cc",
        "00000000000000bb",
        "00000000000000aa",
    ]


@pytest.mark.parametrize(
    "parts",
    [{}, {"a": 1}, {"targets": ["bridge"], "reps": None, "pace": 0.75}, {"é": "ü", "z": [1, 2]}],
)
def test_keys_are_stable_short_and_order_free(parts) -> None:
    key = session_key(parts)
    assert len(key) == 16
    assert int(key, 16) >= 0
    assert session_key(dict(reversed(list(parts.items())))) == key


def test_keys_differ_when_the_session_differs() -> None:
    assert session_key({"reps": 1}) != session_key({"reps": 2})


@pytest.mark.parametrize(
    ("ids", "options", "title"),
    [
        (["healthy-back"], Options(), "Healthy back · normal"),
        (["healthy-back"], Options(pace=0.75, reps=8), "Healthy back · slow · 8 reps"),
        (["healthy-back"], Options(pace=0.8, reps=1), "Healthy back · pace 0.8 · 1 rep"),
        (
            ["healthy-back"],
            Options(level=Level.ADVANCED, sets=2, hold=10, rest=30, breath_tones=True),
            "Healthy back · normal · 2 sets · advanced · 10 s holds · 30 s rests · breath tones",
        ),
        (["bridge"], Options(pace=1.25), "Bridge · fast"),
        (["bridge", "knee-rolls"], Options(), "Bridge + Knee rolls · normal"),
        (
            ["bridge", "knee-rolls", "pelvic-tilt", "bottom-to-heels"],
            Options(),
            "Bridge + Knee rolls + 2 more · normal",
        ),
    ],
)
def test_titles_say_what_the_session_is(ids, options, title) -> None:
    assert session_title(compile_ids(*ids, options=options), options) == title
