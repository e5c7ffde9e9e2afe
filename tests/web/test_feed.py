"""The podcast feed, read back the way podcast apps read it: with feedparser."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import httpx
from webhelpers import live_server, needs_audio_tools

from coach import session
from coach.web.app import WebConfig

pytestmark = needs_audio_tools
PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def fetch_feed(store: Path, cache: Path, token: str | None = None) -> tuple[str, object]:
    """The feed's text and the parsed feed, from a freshly started server."""
    prefix = f"/{token}" if token else ""
    with (
        live_server(WebConfig(store=store, cache_dir=cache, token=token)) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        response = http.get(f"{prefix}/feed.xml")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/rss+xml")
        parsed = feedparser.parse(response.content)
        # Fetch what the items point to while the server is up.
        entry = parsed.entries[0]
        enclosure = http.head(entry.enclosures[0]["href"])
        chapters = http.get(entry["podcast_chapters"]["url"])
        cover = http.get(entry["image"]["href"])
    return response.text, (parsed, enclosure, chapters, cover)


def test_the_feed_lists_the_session_with_true_length_and_chapters(
    rendered_store: Path, shared_cache: Path
) -> None:
    stored = session.stored_sessions(rendered_store)[0]
    text, (parsed, enclosure, chapters, cover) = fetch_feed(rendered_store, shared_cache)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert f'xmlns:podcast="{PODCAST_NS}"' in text
    assert "http://www.itunes.com/dtds/podcast-1.0.dtd" in text
    (entry,) = parsed.entries
    assert entry.title == "Spine stretch · normal · 1 rep"
    (attached,) = entry.enclosures
    assert int(attached["length"]) == stored.audio.stat().st_size
    assert attached["type"] == "audio/mpeg"
    assert int(enclosure.headers["content-length"]) == stored.audio.stat().st_size
    assert int(entry.itunes_duration) == round(stored.duration_ms / 1000)
    assert entry["podcast_chapters"]["type"] == "application/json+chapters"
    document = chapters.json()
    assert [c["title"] for c in document["chapters"]] == ["Welcome", "Spine stretch", "Closing"]
    assert cover.headers["content-type"] == "image/png"
    assert entry.guidislink is False


def test_guids_stay_the_same_across_restarts(rendered_store: Path, shared_cache: Path) -> None:
    _, (first, *_) = fetch_feed(rendered_store, shared_cache)
    _, (second, *_) = fetch_feed(rendered_store, shared_cache)
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert first.entries[0].id == f"coach-session-{session.stored_sessions(rendered_store)[0].id}"


def test_with_a_token_every_link_in_the_feed_carries_it(
    rendered_store: Path, shared_cache: Path
) -> None:
    token = "feed-token-0123456789abcdef"
    _, (parsed, enclosure, chapters, cover) = fetch_feed(rendered_store, shared_cache, token)
    entry = parsed.entries[0]
    for url in (entry.enclosures[0]["href"], entry["podcast_chapters"]["url"], parsed.feed.link):
        assert httpx.URL(url).path.startswith(f"/{token}/")
    assert enclosure.status_code == chapters.status_code == cover.status_code == 200


def test_an_empty_store_gives_an_empty_feed(tmp_path: Path, shared_cache: Path) -> None:
    with (
        live_server(WebConfig(store=tmp_path / "empty", cache_dir=shared_cache)) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        parsed = feedparser.parse(http.get("/feed.xml").content)
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.title == "coach sessions"


def test_chapters_document_has_the_podcasting_20_shape(rendered_store: Path) -> None:
    from coach.web.feed import chapters_document

    stored = session.stored_sessions(rendered_store)[0]
    document = json.loads(json.dumps(chapters_document(stored)))
    assert document["version"] == "1.2.0"
    starts = [c["startTime"] for c in document["chapters"]]
    assert starts == sorted(starts)
    assert starts[0] == 0


def test_newest_session_comes_first(tmp_path: Path, shared_cache: Path) -> None:
    from coach.options import Options

    store = tmp_path / "store"
    voice = session.voice(cache_dir=shared_cache)
    for reps in (1, 2):
        session.render_to_store(["spine-stretch"], Options(reps=reps), voice, store)
    ordered = session.stored_sessions(store)
    _, (parsed, *_) = fetch_feed(store, shared_cache)
    assert [e.id for e in parsed.entries] == [f"coach-session-{s.id}" for s in ordered]
