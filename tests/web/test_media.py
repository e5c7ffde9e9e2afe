"""Audio as phones fetch it (HEAD, byte ranges), and no way from a URL to a file outside the store."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from webhelpers import live_server, needs_audio_tools

from coach import session
from coach.web.app import WebConfig

pytestmark = needs_audio_tools


@pytest.fixture(scope="module")
def served(rendered_store: Path, shared_cache: Path):
    with (
        live_server(WebConfig(store=rendered_store, cache_dir=shared_cache)) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        yield http, session.stored_sessions(rendered_store)[0]


def test_head_gives_length_and_ranges_without_a_body(served) -> None:
    http, stored = served
    response = http.head(f"/media/{stored.id}/audio.mp3")
    assert response.status_code == 200
    assert response.headers["accept-ranges"] == "bytes"
    assert int(response.headers["content-length"]) == stored.size == stored.audio.stat().st_size
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.content == b""


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-1", 0, 1), ("bytes=100-199", 100, 199), ("bytes=-50", None, None)],
)
def test_byte_ranges_get_206_with_exactly_those_bytes(served, header, start, end) -> None:
    http, stored = served
    data = stored.audio.read_bytes()
    if start is None:  # the last 50 bytes
        start, end = len(data) - 50, len(data) - 1
    response = http.get(f"/media/{stored.id}/audio.mp3", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(data)}"
    assert response.content == data[start : end + 1]


def test_an_open_range_reaches_the_end(served) -> None:
    http, stored = served
    data = stored.audio.read_bytes()
    response = http.get(f"/media/{stored.id}/audio.mp3", headers={"Range": "bytes=1000-"})
    assert response.status_code == 206
    assert response.content == data[1000:]


def test_a_range_past_the_end_is_416(served) -> None:
    http, stored = served
    response = http.get(
        f"/media/{stored.id}/audio.mp3", headers={"Range": f"bytes={stored.size + 10}-"}
    )
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{stored.size}"


def raw_get(base_url: str, target: str) -> int:
    """The status for ``target`` sent exactly as written (clients tidy up '..' themselves)."""
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        head = sock.recv(64).decode("latin-1")
    return int(head.split()[1])


@pytest.mark.parametrize(
    "target",
    [
        "/media/../../../../etc/passwd",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/media/..%2f..%2f..%2fetc%2fpasswd/audio.mp3",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/media/0123456789abcdef/audio.mp3",
        "/media/ABCDEF0123456789/audio.mp3",
        "/media/session.json/audio.mp3",
        "/media/{id}/session.json",
        "/media/{id}/audio.json",
        "/media/{id}/audio.mp3/../session.json",
        "/media/{id}/audio%2fsession.json",
    ],
)
def test_no_path_leaves_the_store(served, target: str) -> None:
    http, stored = served
    status = raw_get(str(http.base_url), target.replace("{id}", stored.id))
    assert status in (400, 404)


def test_a_link_out_of_the_store_is_not_followed(
    tmp_path: Path, rendered_store: Path, shared_cache: Path
) -> None:
    # A store whose audio was swapped for a link to a file elsewhere serves nothing for it.
    stored = session.stored_sessions(rendered_store)[0]
    store = tmp_path / "store"
    entry = store / "sessions" / stored.id
    entry.mkdir(parents=True)
    (entry / "session.json").write_bytes((stored.audio.parent / "session.json").read_bytes())
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"not for the network")
    (entry / "audio.mp3").symlink_to(secret)
    with (
        live_server(WebConfig(store=store, cache_dir=shared_cache)) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        assert http.get(f"/media/{stored.id}/audio.mp3").status_code == 404


def test_static_files_are_served(served) -> None:
    http, _ = served
    assert http.get("/static/coach.js").status_code == 200
    assert http.get("/static/nothing.js").status_code == 404
