"""Helpers for the web tests: a polling wait, and the app under a real server on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from coach.options import Options
from coach.web.app import WebConfig, create_app
from coach.web.server import bind

LOOPBACK = "http://127.0.0.1"
TINY = (["spine-stretch"], Options(reps=1))  # about a minute of audio; renders in seconds
TOKEN = "t0ken-for-the-tests-only-abc"


needs_audio_tools = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")),
    reason="needs ffmpeg and espeak-ng (scripts/setup.sh installs them)",
)


def wait_for(condition, timeout: float = 60.0, step: float = 0.05, what: str = "condition"):
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(step)


@contextmanager
def live_server(config: WebConfig) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", lifespan="on", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, 20, what="the server to start")
        yield f"{LOOPBACK}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()
