"""The JSON API through an HTTP client against the real app, served on the loopback address."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner
from webhelpers import live_server, needs_audio_tools, wait_for

from coach.cli import app as cli
from coach.web.app import WebConfig

TINY = {"targets": ["spine-stretch"], "options": {"reps": 1}}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path):
    """One server for the tests that only send requests the app must refuse."""
    config = WebConfig(store=tmp_path_factory.mktemp("refusing-store"), cache_dir=shared_cache)
    with live_server(config) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


def cli_error(*args: str) -> str:
    """The one line the command line prints for the same mistake, without its prefix."""
    result = CliRunner().invoke(cli, ["plan", *args, "--estimate"])
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("coach: error: ")
    return line.removeprefix("coach: error: ")


@pytest.mark.parametrize(
    ("options", "flags"),
    [
        ({"pace": "zippy"}, ["--pace", "zippy"]),
        ({"pace": 3}, ["--pace", "3"]),
        ({"reps": 0}, ["--reps", "0"]),
        ({"reps": "bridge=x"}, ["--reps", "bridge=x"]),
        ({"level": "expert"}, ["--level", "expert"]),
        ({"guidance": "chatty"}, ["--guidance", "chatty"]),
        ({"sets": 11}, ["--sets", "11"]),
        ({"hold": 500}, ["--hold", "500"]),
        ({"only": ["bridge"], "skip": ["bridge"]}, ["--only", "bridge", "--skip", "bridge"]),
        ({"only": ["no-such-exercise"]}, ["--only", "no-such-exercise"]),
    ],
)
def test_bad_options_get_the_clis_message(api: httpx.Client, options, flags) -> None:
    response = api.post("/api/sessions", json={"targets": ["healthy-back"], "options": options})
    assert response.status_code == 400
    assert response.json()["error"] == cli_error("healthy-back", *flags)


def test_bad_rate_gets_the_clis_message(api: httpx.Client) -> None:
    response = api.post("/api/sessions", json={"targets": ["bridge"], "options": {"rate": 999}})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "--rate 999 is out of range: allowed 80 to 300 words per minute"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"targets": ["bridge"], "extra": 1}', "JSON object"),
        ('{"targets": []}', "list of 1 to 20"),
        ('{"targets": "bridge"}', "list of 1 to 20"),
        ('{"targets": ["../../etc/passwd"]}', "is not a routine or exercise id"),
        ('{"targets": ["/etc/passwd"]}', "is not a routine or exercise id"),
        ('{"targets": ["my.yaml"]}', "is not a routine or exercise id"),
        ('{"targets": ["nope"]}', "pick one from the list"),
        ('{"targets": ["bridge"], "options": {"colour": "red"}}', "unknown option 'colour'"),
        ('{"targets": ["bridge"], "options": {"reps": true}}', "wrong kind"),
        ('{"targets": ["bridge"], "options": {"breath_tones": "yes"}}', "wrong kind"),
        ('{"targets": ["bridge"], "options": {"only": [1]}}', "text values only"),
        ('{"targets": ["bridge"], "options": {"voice": "robot"}}', "not one this machine has"),
        ('{"targets": ["bridge"], "options": []}', "JSON object"),
    ],
)
def test_malformed_requests_are_refused_in_words(api: httpx.Client, body, words) -> None:
    response = api.post("/api/sessions", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]


def test_bodies_and_values_are_bounded(api: httpx.Client) -> None:
    huge = json.dumps({"targets": ["bridge"], "options": {"pace": "x" * 20_000}})
    assert api.post("/api/sessions", content=huge).status_code == 413

    def chunks():  # no Content-Length: the limit must hold while reading
        for _ in range(40):
            yield b" " * 1024

    assert api.post("/api/sessions", content=chunks()).status_code == 413
    long_value = {"targets": ["bridge"], "options": {"pace": "x" * 65}}
    assert "at most 64 characters" in api.post("/api/sessions", json=long_value).json()["error"]
    many = {"targets": ["bridge"] * 21}
    assert "1 to 20" in api.post("/api/sessions", json=many).json()["error"]
    many_reps = {"targets": ["bridge"], "options": {"reps": ["3"] * 21}}
    assert "at most 20 values" in api.post("/api/sessions", json=many_reps).json()["error"]


def test_unknown_session_is_404(api: httpx.Client) -> None:
    assert api.get("/api/sessions/0123456789abcdef").status_code == 404
    assert api.get("/api/sessions/not-an-id").status_code == 404


def test_a_render_that_fails_says_why_in_plain_words(store: Path) -> None:
    # A phrase cache that is a file fails on the render thread, as a real fault would.
    not_a_folder = store.parent / "not-a-folder"
    not_a_folder.write_text("")
    config = WebConfig(store=store, cache_dir=not_a_folder)
    with live_server(config) as base, httpx.Client(base_url=base, timeout=30) as http:
        ident = http.post("/api/sessions", json=TINY).json()["id"]
        status = wait_for(
            lambda: (s := http.get(f"/api/sessions/{ident}").json())["state"] != "rendering" and s,
            what="the render to finish",
        )
    assert status["state"] == "failed"
    assert status["error"].startswith(f"the phrase cache {not_a_folder} is not usable")
    assert status["audio"] is None


@needs_audio_tools
def test_render_then_fetch_everything(client: httpx.Client, store: Path) -> None:
    created = client.post("/api/sessions", json=TINY)
    assert created.status_code == 202
    ident = created.json()["id"]
    # The same request again shares the render: same id, no second job.
    assert client.post("/api/sessions", json=TINY).json()["id"] == ident
    first = client.get(f"/api/sessions/{ident}").json()
    assert first["state"] in ("rendering", "ready")
    assert 0.0 <= first["progress"] <= 1.0
    status = wait_for(
        lambda: (s := client.get(f"/api/sessions/{ident}").json())["state"] == "ready" and s,
        what="the render",
    )
    assert status["title"] == "Spine stretch · normal · 1 rep"
    assert status["error"] is None
    audio = client.get(status["audio"])
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"
    assert audio.content[:3] == b"ID3"  # tags and chapters first, as players read them
    chapters = client.get(status["chapters"]).json()
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]] == ["Welcome", "Spine stretch", "Closing"]
    assert chapters["chapters"][0]["startTime"] == 0
    assert chapters["chapters"][-1]["endTime"] == pytest.approx(status["duration_s"])
    cover = client.get(status["cover"])
    assert cover.headers["content-type"] == "image/png"
    assert cover.content[:8] == b"\x89PNG\r\n\x1a\n"
    listed = client.get("/api/sessions").json()["sessions"]
    assert [s["id"] for s in listed] == [ident]
    # Asking again once it is stored answers at once, with nothing queued.
    assert client.post("/api/sessions", json=TINY).json()["id"] == ident


@needs_audio_tools
def test_a_store_emptied_by_hand_is_rebuilt(client: httpx.Client, store: Path) -> None:
    ident = client.post("/api/sessions", json=TINY).json()["id"]
    wait_for(lambda: client.get(f"/api/sessions/{ident}").json()["state"] == "ready")
    audio = next(store.rglob("audio.mp3"))
    audio.unlink()
    assert client.get(f"/api/sessions/{ident}").status_code == 404
    assert client.get("/api/sessions").json() == {"sessions": []}
    assert client.get("/feed.xml").status_code == 200
    # Asking again renders it again.
    assert client.post("/api/sessions", json=TINY).json()["id"] == ident
    wait_for(lambda: client.get(f"/api/sessions/{ident}").json()["state"] == "ready")
    shutil.rmtree(store)
    assert client.get("/api/sessions").json() == {"sessions": []}
    assert client.get("/").status_code == 200
