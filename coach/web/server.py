"""Run the web front end: the token, the listening socket, the URL and its QR code, uvicorn.

The socket is bound here, before uvicorn starts, so a busy port is one plain error and the URL
printed is the one really listened on (``--port 0`` picks a free port, as the tests do).
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

from coach import session
from coach.errors import CoachError, OptionError

TOKEN_FILE = "serve-token"
TOKEN_BYTES = 18  # 24 URL-safe characters: far beyond guessing over a home network
ANY_ADDRESS = "0.0.0.0"  # what --lan listens on: every network this machine is on


def load_token(folder: Path, rotate: bool = False) -> str:
    """The token kept in ``folder`` (made on first use, remade with ``rotate``), readable by the
    user only, so a subscribed feed keeps working across restarts."""
    path = folder / TOKEN_FILE
    if not rotate:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            token = path.read_text(encoding="utf-8").strip()
            if len(token) >= 16 and token.replace("-", "").replace("_", "").isalnum():
                return token
    token = secrets.token_urlsafe(TOKEN_BYTES)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".serve-token.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        Path(temp).replace(path)  # mkstemp made it 0600, and it stays so
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return token


def bind(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise OptionError(f"--port {port} is out of range: allowed 0 to 65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise CoachError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            "pick another port with --port, or stop what is using it",
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def lan_address() -> str:
    """This machine's address on the home network, as a phone there would reach it."""
    # Connecting a UDP socket sends nothing; it only makes the system pick the outgoing address.
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never contacted
        address: str = probe.getsockname()[0]
        if not address.startswith("0."):
            return address
    return socket.gethostname()


def qr_text(url: str) -> str:
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def serve(
    port: int = 8765,
    lan: bool = False,
    host: str | None = None,
    new_token: bool = False,
    say: Callable[[str], None] = print,
    cache_dir: Path | None = None,
    engine: str = "pyttsx3",
) -> None:
    """Serve the page, the API and the feed until interrupted; sessions speak with ``engine``."""
    import uvicorn

    from coach.web.app import WebConfig, create_app

    session.voice(engine, cache_dir=cache_dir)  # an unknown engine is refused before binding
    host = host or (ANY_ADDRESS if lan else "127.0.0.1")
    token = load_token(session.data_dir(), new_token) if lan or new_token else None
    sock = bind(host, port)
    try:
        shown = lan_address() if host in (ANY_ADDRESS, "::") else host
        where = f"[{shown}]" if ":" in shown else shown
        base = f"http://{where}:{sock.getsockname()[1]}" + (f"/{token}" if lan else "")
        if new_token:
            say("A new token: phones subscribed to the old feed address must subscribe again.")
        say(f"coach is serving on {base}/")
        if lan:
            say("Scan this with a phone on the same network:")
            say(qr_text(f"{base}/"))
        say(f"Podcast feed (add it in AntennaPod by address): {base}/feed.xml")
        say("Press Ctrl-C to stop.")
        config = WebConfig(
            store=session.store_root(),
            token=token if lan else None,
            cache_dir=cache_dir,
            engine=engine,
        )
        server = uvicorn.Server(
            uvicorn.Config(create_app(config), log_level="warning", lifespan="on", access_log=False)
        )
        server.run(sockets=[sock])
    finally:
        sock.close()
