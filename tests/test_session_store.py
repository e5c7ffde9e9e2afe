"""The session functions behind the web page and the feed: render to the store, publish, list."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_audio_tools
from typer.testing import CliRunner

from coach import session
from coach.cli import app
from coach.errors import OptionError, UnknownIdError
from coach.options import Options


@pytest.fixture(autouse=True)
def _own_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_data_dir_follows_the_environment(tmp_path: Path) -> None:
    assert session.data_dir() == tmp_path / "data"
    assert session.store_root() == tmp_path / "data" / "store"


def test_store_keys_depend_on_what_the_session_is(shared_cache: Path) -> None:
    voice = session.voice(cache_dir=shared_cache)
    key = session.store_key(["bridge"], Options(reps=3), voice)
    assert key == session.store_key(["bridge"], Options(reps=3), voice)
    assert key != session.store_key(["bridge"], Options(reps=4), voice)
    assert key != session.store_key(["bridge"], Options(reps=3, reps_for={"bridge": 2}), voice)
    assert key != session.store_key(["bridge"], Options(reps=3), session.voice(rate=120))
    assert key != session.store_key(["bridge"], Options(reps=3), voice, ".m4a")


def test_ids_only_never_reads_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file named like an exercise id in the working folder is not read for a network request.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sneaky").write_text("exercises:\n  - id: sneaky\n")
    with pytest.raises(UnknownIdError, match="'sneaky' is not a routine"):
        session.plan(["sneaky"], files=False)


@needs_audio_tools
def test_render_to_store_once_then_found(tmp_path: Path, shared_cache: Path) -> None:
    voice = session.voice(cache_dir=shared_cache)
    seen: list[float] = []
    first = session.render_to_store(["spine-stretch"], Options(reps=1), voice, progress=seen.append)
    assert seen
    assert seen == sorted(seen)
    assert seen[0] >= 0
    assert seen[-1] <= 1
    assert first.audio.is_relative_to(tmp_path / "data" / "store")
    assert first.title == "Spine stretch · normal · 1 rep"
    again = session.render_to_store(["spine-stretch"], Options(reps=1), voice)
    assert again == first
    assert session.stored(first.id) == first
    assert session.stored_sessions() == [first]


@needs_audio_tools
def test_export_publish_lists_it_in_the_store(tmp_path: Path, shared_cache: Path) -> None:
    out = tmp_path / "mine.mp3"
    result = CliRunner().invoke(
        app,
        ["export", "spine-stretch", "--reps", "1", "--pace", "slow", "-o", str(out),
         "--cache-dir", str(shared_cache), "--publish"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "published: Spine stretch · slow · 1 rep" in result.output
    (stored,) = session.stored_sessions()
    assert stored.audio.read_bytes() == out.read_bytes()
    assert stored.size == out.stat().st_size


def test_publish_wants_one_file() -> None:
    result = CliRunner().invoke(app, ["export", "bridge", "-o", "x.mp3", "--split", "--publish"])
    assert result.exit_code == 2
    assert result.output.strip() == "coach: error: --publish needs one audio file; drop --split"


def test_publish_wants_mp3_or_m4a(tmp_path: Path, shared_cache: Path) -> None:
    voice = session.voice(cache_dir=shared_cache)
    with pytest.raises(OptionError, match="--publish needs MP3 or M4A audio, not OGG"):
        session.publish(["bridge"], Options(), voice, tmp_path / "x.ogg")
    # The command line says so before any work, and writes nothing.
    out = tmp_path / "x.mp3"
    result = CliRunner().invoke(app, ["export", "bridge", "-o", str(out), "-f", "wav", "--publish"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "coach: error: --publish needs MP3 or M4A audio, not WAV; export with -o NAME.mp3"
    )
    assert not out.exists()
