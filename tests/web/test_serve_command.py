"""`coach serve` as a user runs it: a real process on the loopback address, stopped with Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.web.server import TOKEN_FILE, qr_text

URL = re.compile(r"coach is serving on (http://\S+/)")
START_S = 60  # a loaded machine may be slow to import and bind; the wait ends on the line


@contextmanager
def serving(
    data: Path, cache: Path, *args: str
) -> Iterator[tuple[str, list[str], subprocess.Popen]]:
    """Run `coach serve ARGS` until its "Press Ctrl-C" line; yield its URL, the lines before,
    and the process. The process is interrupted (and reaped) when the block ends."""
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "coach", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        seen: list[str] = []
        while not seen or not seen[-1].startswith("Press Ctrl-C"):
            line = lines.get(timeout=START_S)
            if line is None:
                process.wait(10)
                pytest.fail(f"coach serve ended early: {process.stderr.read()}")  # type: ignore[union-attr]
            seen.append(line)
        match = next(m for m in map(URL.search, seen) if m)
        yield match.group(1), seen, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_lan_prints_the_url_with_its_token_and_a_qr_code(
    tmp_path: Path, shared_cache: Path
) -> None:
    data = tmp_path / "data"
    with serving(data, shared_cache, "--lan", "--bind", "127.0.0.1") as (url, lines, process):
        token = (data / TOKEN_FILE).read_text().strip()
        assert url.endswith(f"/{token}/")
        # The QR code printed is the code of exactly that URL.
        assert qr_text(url).rstrip("\n") in "\n".join(lines)
        assert any(line.endswith(f"/{token}/feed.xml") for line in lines)
        assert httpx.get(url, timeout=30).status_code == 200
        bare = url.removesuffix(f"{token}/")
        assert httpx.get(bare, timeout=30).status_code == 404
        assert httpx.get(f"{bare}feed.xml", timeout=30).status_code == 404
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 130
    assert process.stderr is not None
    assert process.stderr.read().strip().splitlines()[-1] == "coach: interrupted"


def test_the_token_survives_a_restart_and_new_token_rotates_it(
    tmp_path: Path, shared_cache: Path
) -> None:
    data = tmp_path / "data"
    lan = ("--lan", "--bind", "127.0.0.1")
    with serving(data, shared_cache, *lan) as (first, _, _):
        pass
    with serving(data, shared_cache, *lan) as (again, _, _):
        pass
    old_token = first.split("/")[-2]
    assert again.split("/")[-2] == old_token
    with serving(data, shared_cache, *lan, "--new-token") as (rotated, lines, _):
        new_token = rotated.split("/")[-2]
        assert new_token != old_token
        assert httpx.get(rotated, timeout=30).status_code == 200
        old_link = rotated.replace(f"/{new_token}/", f"/{old_token}/")
        assert httpx.get(old_link, timeout=30).status_code == 404
    assert any("subscribe again" in line for line in lines)


def test_without_lan_it_listens_on_loopback_with_no_token(
    tmp_path: Path, shared_cache: Path
) -> None:
    with serving(tmp_path / "data", shared_cache) as (url, lines, _):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        assert not any("Scan this" in line for line in lines)
        assert httpx.get(url, timeout=30).status_code == 200
    assert not (tmp_path / "data" / TOKEN_FILE).exists()


def test_a_port_out_of_range_is_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert result.output.strip() == "coach: error: --port 70000 is out of range: allowed 0 to 65535"


def test_a_busy_port_is_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"coach: error: cannot listen on 127.0.0.1:{port}: ")
    assert line.endswith("pick another port with --port, or stop what is using it")
