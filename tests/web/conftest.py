"""Fixtures for the web front end: a store in a temporary folder, the app over it, and one
session rendered for real (a single exercise, one rep) per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from webhelpers import TINY, live_server

from coach import session
from coach.web.app import WebConfig


@pytest.fixture(autouse=True)
def _own_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Nothing a test does may touch the user's own token or session store.
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def client(store: Path, shared_cache: Path) -> Iterator[httpx.Client]:
    """An HTTP client on the app served for real (loopback) over an empty store."""
    with (
        live_server(WebConfig(store=store, cache_dir=shared_cache)) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        yield http


@pytest.fixture(scope="module")
def rendered_store(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """A store holding one real session, made once per test module."""
    root = tmp_path_factory.mktemp("rendered-store")
    targets, options = TINY
    session.render_to_store(targets, options, session.voice(cache_dir=shared_cache), root)
    return root
