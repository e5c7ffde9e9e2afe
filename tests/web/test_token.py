"""On the home network every address starts with the secret token; without it there is nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from webhelpers import TOKEN, live_server

from coach.web.app import WebConfig
from coach.web.server import TOKEN_FILE, load_token

PLACES = [
    "/",
    "/api/sessions",
    "/api/sessions/0123456789abcdef",
    "/media/0123456789abcdef/audio.mp3",
    "/media/0123456789abcdef/chapters.json",
    "/feed.xml",
    "/static/coach.js",
    "/static/coach.css",
]


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path):
    config = WebConfig(store=tmp_path_factory.mktemp("gated"), cache_dir=shared_cache, token=TOKEN)
    with live_server(config) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


@pytest.mark.parametrize("place", PLACES)
def test_nothing_answers_without_the_token(gated: httpx.Client, place: str) -> None:
    assert gated.get(place).status_code == 404
    assert gated.head(place).status_code == 404
    assert gated.post(place, json={"targets": ["bridge"]}).status_code == 404


@pytest.mark.parametrize(
    "prefix",
    [
        TOKEN[:-1],  # one character short
        TOKEN + "x",
        TOKEN.upper(),
        f"x{TOKEN}",
        "",
        f"{TOKEN}%2f..",
    ],
)
def test_a_wrong_token_is_the_same_as_none(gated: httpx.Client, prefix: str) -> None:
    for place in ("/", "/feed.xml", "/static/coach.js"):
        assert gated.get(f"/{prefix}{place}").status_code == 404


def test_everything_answers_under_the_token(gated: httpx.Client) -> None:
    page = gated.get(f"/{TOKEN}/")
    assert page.status_code == 200
    # The page's own links carry the token, so they keep working from the phone.
    assert f'data-base="/{TOKEN}"' in page.text
    assert f'src="/{TOKEN}/static/coach.js"' in page.text
    assert gated.get(f"/{TOKEN}/static/coach.js").status_code == 200
    assert gated.get(f"/{TOKEN}/feed.xml").status_code == 200
    assert gated.get(f"/{TOKEN}/api/sessions").json() == {"sessions": []}
    assert gated.get(f"/{TOKEN}/api/sessions/0123456789abcdef").status_code == 404
    refused = gated.post(f"/{TOKEN}/api/sessions", json={"targets": ["nope"]})
    assert refused.status_code == 400


def test_the_bare_token_leads_to_the_page(gated: httpx.Client) -> None:
    response = gated.get(f"/{TOKEN}")
    assert response.status_code == 307
    assert response.headers["location"] == f"/{TOKEN}/"


def test_on_loopback_only_local_host_names_are_answered(client: httpx.Client) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
    # A page elsewhere that rebinds its own name to 127.0.0.1 gets nothing.
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_the_token_is_kept_and_private(tmp_path: Path) -> None:
    first = load_token(tmp_path)
    assert len(first) >= 24
    assert load_token(tmp_path) == first  # a subscribed feed keeps working after a restart
    mode = stat.S_IMODE((tmp_path / TOKEN_FILE).stat().st_mode)
    assert mode & 0o077 == 0


def test_a_new_token_replaces_the_old(tmp_path: Path) -> None:
    first = load_token(tmp_path)
    second = load_token(tmp_path, rotate=True)
    assert second != first
    assert load_token(tmp_path) == second


@pytest.mark.parametrize("content", ["", "short", "has spaces in it and is long", "x/" * 20])
def test_a_damaged_token_file_is_replaced(tmp_path: Path, content: str) -> None:
    (tmp_path / TOKEN_FILE).write_text(content)
    token = load_token(tmp_path)
    assert token != content.strip()
    assert load_token(tmp_path) == token
