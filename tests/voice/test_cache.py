"""The phrase cache: hits, misses, poisoned entries, keys, atomic writes, unusable folders."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEngine, fake_pyttsx3, tone_engine

from coach.audio.wav import RATE, wav_problem, write_wav_atomic
from coach.errors import ExitCode
from coach.voice.cache import MAX_ENTRY_BYTES, CacheError, PhraseCache, clear_cache
from coach.voice.engines import VoiceSettings
from coach.voice.store import Voice


def test_cache_hit_miss_and_corruption(tmp_path):
    engine = FakeEngine()

    def voice() -> Voice:
        return Voice(VoiceSettings(), tmp_path, jobs=1, engine_factory=fake_pyttsx3(engine))

    first = voice()
    lengths = first.prepare(["One.", "Two."])
    assert first.synthesized == 2 and engine.runs == 2  # both missing: synthesized
    assert set(lengths) == {"One.", "Two."}
    again = voice()
    assert again.prepare(["One.", "Two."]) == lengths
    assert again.synthesized == 0  # warm: nothing synthesized
    path = again.cache.path("One.")
    path.write_bytes(path.read_bytes()[:100])  # truncate: corrupt
    third = voice()
    third.prepare(["One.", "Two."])
    assert third.synthesized == 1  # the corrupt one is remade
    assert wav_problem(path) is None
    path.write_bytes(b"RIFF garbage")
    assert third.cache.get("One.") is None and not path.exists()


def test_cache_keys_separate_voice_rate_and_engine(tmp_path):
    a = PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e1")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings(rate=160), engine="e1").path("Hi.")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings("en-us"), engine="e1").path("Hi.")
    assert a.path("Hi.") != PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e2").path("Hi.")
    assert a.path("Hi.") == PhraseCache(tmp_path, VoiceSettings(rate=150), engine="e1").path("Hi.")


def test_cache_writes_leave_no_temporary_files(tmp_path):
    cache = PhraseCache(tmp_path, VoiceSettings(), engine="e")
    cache.put("Hi.", np.full(RATE // 4, 0.1, np.float32))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [cache.path("Hi.").name]


# -- every read verified: a poisoned entry is removed and remade, never used --------------------


def _cache_with_entry(tmp_path):
    cache = PhraseCache(tmp_path, VoiceSettings(), engine="e")
    cache.put("Hold.", np.full(RATE // 2, 0.1, np.float32))
    assert cache.get("Hold.") is not None
    return cache, cache.path("Hold.")


def test_a_clip_relabelled_to_another_rate_is_refused(tmp_path):
    cache, path = _cache_with_entry(tmp_path)
    data = bytearray(path.read_bytes())
    at = data.index(b"fmt ") + 12
    data[at : at + 4] = struct.pack("<I", 44100)
    path.write_bytes(bytes(data))
    assert cache.get("Hold.") is None and not path.exists()


@pytest.mark.parametrize("samples", [np.zeros(RATE, np.float32), np.full(1, 0.2, np.float32)])
def test_a_valid_wav_without_our_digest_is_refused(tmp_path, samples):
    cache, path = _cache_with_entry(tmp_path)
    write_wav_atomic(path, samples, peak=-20.0)  # a clean WAV, even with a peak, but no digest
    assert cache.get("Hold.") is None and not path.exists()


def test_changed_samples_fail_the_digest(tmp_path):
    cache, path = _cache_with_entry(tmp_path)
    data = bytearray(path.read_bytes())
    data[-2:] = b"\x00\x00"
    path.write_bytes(bytes(data))
    assert cache.get("Hold.") is None


def test_an_entry_moved_to_another_phrase_is_refused(tmp_path):
    cache, path = _cache_with_entry(tmp_path)
    other = cache.path("Rest.")
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(path.read_bytes())
    assert cache.get("Rest.") is None


@pytest.mark.parametrize("kind", ["folder", "fifo", "link to /dev/zero", "dangling link"])
def test_anything_but_a_regular_file_is_ignored_and_replaced(tmp_path, kind):
    cache, path = _cache_with_entry(tmp_path)
    path.unlink()
    if kind == "folder":
        (path / "inside").mkdir(parents=True)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(tmp_path / "nowhere")
    assert cache.get("Hold.") is None
    assert cache.put("Hold.", np.full(RATE // 2, 0.1, np.float32))
    assert path.is_file() and not path.is_symlink() and cache.get("Hold.") is not None


def test_an_oversized_entry_is_not_read_into_memory(tmp_path):
    cache, path = _cache_with_entry(tmp_path)
    with path.open("r+b") as handle:
        handle.truncate(MAX_ENTRY_BYTES + 10)
    assert cache.get("Hold.") is None and not path.exists()


@pytest.mark.parametrize("where", ["file", "/dev/null"])
def test_an_unusable_cache_folder_is_one_line_exit_2(tmp_path, where):
    folder = tmp_path / "file" if where == "file" else Path("/dev/null")
    if where == "file":
        folder.write_text("")
    voice = Voice(VoiceSettings(engine="fake"), folder, jobs=1, engine_factory=tone_engine)
    with pytest.raises(CacheError) as caught:
        voice.prepare(["Hi."])
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert f"the phrase cache {folder} is not usable" in str(caught.value)
    assert "--cache-dir" in str(caught.value)


def test_clear_removes_entries_and_the_folders_left_empty(tmp_path):
    cache = PhraseCache(tmp_path, VoiceSettings(), engine="e")
    for text in ("One.", "Two.", "Three."):
        cache.put(text, np.full(RATE // 4, 0.1, np.float32))
    (tmp_path / "levels").mkdir()
    (tmp_path / "levels" / "x.json").write_text("{}")
    (tmp_path / "keep-me").mkdir()
    (tmp_path / "keep-me" / "notes.txt").write_text("mine")
    assert clear_cache(tmp_path) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep-me"]
