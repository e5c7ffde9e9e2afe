"""Shared fixtures. Every test gets its own phrase cache unless it shares the session one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One phrase cache for the whole run, so real synthesis happens once per phrase."""
    return tmp_path_factory.mktemp("phrase-cache")


@pytest.fixture(scope="session")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stands in for the user's data folder (the serve token, the session store)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch, shared_cache: Path, shared_data: Path) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("COACH_DATA_DIR", str(shared_data))


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own ~/.config/coach/config.toml must not change what the tests see.
    monkeypatch.setenv("COACH_CONFIG", str(tmp_path / "user-config" / "config.toml"))


@pytest.fixture
def write(tmp_path: Path):
    def _write(text: str, name: str = "defs.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


needs_audio_tools = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")),
    reason="needs ffmpeg and espeak-ng (scripts/setup.sh installs them)",
)
