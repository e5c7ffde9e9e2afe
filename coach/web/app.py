"""The web front end: a Starlette app over the library's session functions, and nothing else.

Pages, the JSON API, the media files and the podcast feed all answer under one prefix: empty on
the loopback address, ``/<token>`` on the home network. Anything else gets 404, so a stranger on
the network cannot tell what is there. Every file served comes out of the session store, found
by an id that must look like one before any path is made from it.
"""

from __future__ import annotations

import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from coach import session
from coach.errors import CoachError
from coach.options import LEVELS, PACES, REPS_RANGE, Guidance
from coach.web.cover import cover_file
from coach.web.feed import chapters_document, podcast_feed
from coach.web.jobs import QueueFullError, RenderQueue, State, Status
from coach.web.limits import BadRequestError, SessionRequest, read_json, session_request

if TYPE_CHECKING:
    from coach.output.store import Stored
    from coach.voice.store import Voice

HERE = Path(__file__).parent
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
VoiceFactory = Callable[[str | None, int], "Voice"]


@dataclass(frozen=True)
class WebConfig:
    store: Path  # the session store: everything served comes from under here
    token: str | None = None  # the first path segment every request must carry (--lan)
    queue_limit: int = 8
    cache_dir: Path | None = None  # the phrase cache (None: the user's)
    engine: str = "pyttsx3"


def create_app(config: WebConfig) -> ASGIApp:
    site = _Site(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # What the page offers is gathered before the first request, so no page waits on it.
        await run_in_threadpool(site.choices)
        try:
            yield
        finally:
            site.queue.close()

    routes = [
        Route("/", site.page, name="page"),
        Route("/api/sessions", site.recent, methods=["GET"], name="sessions"),
        Route("/api/sessions", site.create, methods=["POST"]),
        Route("/api/sessions/{id}", site.status, name="session"),
        Route("/media/{id}/audio{suffix}", site.audio, name="audio"),
        Route("/media/{id}/chapters.json", site.chapters, name="chapters"),
        Route("/media/{id}/cover.png", site.cover, name="cover"),
        Route("/feed.xml", site.feed, name="feed"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    if config.token:
        return TokenGate(app, config.token)
    # On the loopback address, a page elsewhere could try DNS rebinding: local names only.
    return TrustedHostMiddleware(app, allowed_hosts=LOOPBACK_HOSTS)


class TokenGate:
    """Serve ``app`` under ``/<token>`` only; the token is compared in constant time."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.prefix = f"/{token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # the app has no websockets; refuse one outright
            await send({"type": "websocket.close", "code": 1008})
            return
        path = scope["path"].encode()
        size = len(self.prefix)
        if hmac.compare_digest(path[:size], self.prefix) and path[size : size + 1] in (b"", b"/"):
            prefix = self.prefix.decode()
            if path == self.prefix:
                # The page lives at /<token>/; send the bare prefix there.
                await Response(status_code=307, headers={"location": f"{prefix}/"})(
                    scope, receive, send
                )
                return
            await self.app(
                {**scope, "root_path": scope.get("root_path", "") + prefix}, receive, send
            )
            return
        await JSONResponse({"error": "not found"}, status_code=404)(scope, receive, send)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _not_found() -> JSONResponse:
    return _error(404, "no such session: make it again from the page")


class _Site:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.queue = RenderQueue(config.queue_limit)
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self._choices: dict[str, Any] | None = None

    def voice(self, name: str | None, rate: int) -> Voice:
        return session.voice(self.config.engine, name, rate, self.config.cache_dir)

    # -- what the page offers --------------------------------------------------------------------

    def choices(self) -> dict[str, Any]:
        if self._choices is None:
            entries = session.listing()
            try:
                # The engine lives on the render thread only, so ask it there.
                engine = self.config.engine
                engines = self.queue.call(lambda: session.voices(engine)).result(timeout=60)
                voices = [voice for engine in engines for voice in engine.voices]
            except Exception:
                voices = []  # no engine: a render will say so in plain words
            self._choices = {
                "routines": [_entry(e) for e in entries if e.kind == "routine"],
                "exercises": [_entry(e) for e in entries if e.kind == "exercise"],
                "voices": [{"id": ident, "name": name} for ident, name in voices],
                "paces": list(PACES),
                "levels": list(LEVELS),
                "guidances": [g.value for g in Guidance],
                "default_level": "standard",
                "reps_range": REPS_RANGE,
            }
        return self._choices

    def page(self, request: Request) -> Response:
        context = {"base": request.scope.get("root_path", ""), **self.choices()}
        return self.templates.TemplateResponse(request, "index.html", context)

    # -- the API ---------------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        try:
            payload = await read_json(request)
            return await run_in_threadpool(self._create, payload)
        except BadRequestError as error:
            return _error(error.status, error.message)
        except CoachError as error:
            return _error(400, str(error))

    def _create(self, payload: Any) -> Response:
        choices = self.choices()
        known = {e["id"] for e in (*choices["routines"], *choices["exercises"])}
        wanted = session_request(payload, known, {v["id"] for v in choices["voices"]})
        # The library checks what is left (unknown --only ids, ...) with the CLI's own words.
        session.plan(wanted.targets, wanted.options, files=False)
        voice = self.voice(wanted.voice, wanted.rate)
        key = session.store_key(wanted.targets, wanted.options, voice)
        if session.stored(key, self.config.store) is None:
            try:
                self.queue.submit(key, self._renderer(wanted, voice))
            except QueueFullError as error:
                return _error(429, str(error))
        return JSONResponse({"id": key}, status_code=202)

    def _renderer(self, wanted: SessionRequest, voice: Voice) -> Callable[[Any], object]:
        def render(progress: Callable[[float], None]) -> object:
            return session.render_to_store(
                wanted.targets, wanted.options, voice, self.config.store, progress
            )

        return render

    def status(self, request: Request) -> Response:
        ident = request.path_params["id"]
        stored = session.stored(ident, self.config.store)
        if stored is not None:
            self.queue.forget(ident)
            return JSONResponse(self._ready(request, stored))
        job = self.queue.status(ident)
        if job is None or job.state is State.READY:  # ready, then deleted by hand
            return _not_found()
        return JSONResponse(_pending(job))

    def _ready(self, request: Request, stored: Stored) -> dict[str, Any]:
        return {
            "id": stored.id,
            "state": State.READY.value,
            "progress": 1.0,
            "title": stored.title,
            "audio": _audio_url(request, stored),
            "chapters": str(request.url_for("chapters", id=stored.id)),
            "cover": str(request.url_for("cover", id=stored.id)),
            "filename": stored.filename,
            "duration_s": stored.duration_ms / 1000,
            "error": None,
        }

    def recent(self, request: Request) -> Response:
        sessions = [
            {"id": s.id, "title": s.title, "state": "ready", "duration_s": s.duration_ms / 1000}
            for s in session.stored_sessions(self.config.store)[:20]
        ]
        return JSONResponse({"sessions": sessions})

    # -- media and the feed ----------------------------------------------------------------------

    def _found(self, request: Request) -> Stored | None:
        return session.stored(request.path_params["id"], self.config.store)

    def audio(self, request: Request) -> Response:
        stored = self._found(request)
        if (
            stored is None
            or request.path_params["suffix"] != stored.audio.suffix
            or not _inside(stored.audio, self.config.store)
        ):
            return _not_found()
        return FileResponse(
            stored.audio,
            media_type=stored.media_type,
            filename=stored.filename,
            content_disposition_type="inline",
        )

    def chapters(self, request: Request) -> Response:
        stored = self._found(request)
        if stored is None:
            return _not_found()
        body = json.dumps(chapters_document(stored), ensure_ascii=False)
        return Response(body, media_type="application/json+chapters")

    def cover(self, request: Request) -> Response:
        stored = self._found(request)
        if stored is None:
            return _not_found()
        name = stored.routine_name if stored.routine != "custom" else stored.title.split(" · ")[0]
        path = cover_file(self.config.store / "covers", stored.routine, name)
        return FileResponse(path, media_type="image/png")

    def feed(self, request: Request) -> Response:
        sessions = session.stored_sessions(self.config.store)
        xml = podcast_feed(request, sessions, [_audio_url(request, s) for s in sessions])
        return Response(xml, media_type="application/rss+xml; charset=utf-8")


def _audio_url(request: Request, stored: Stored) -> str:
    return str(request.url_for("audio", id=stored.id, suffix=stored.audio.suffix))


def _entry(entry: session.Listing) -> dict[str, str]:
    minutes, seconds = divmod(round(entry.duration_ms / 1000), 60)
    return {"id": entry.id, "name": entry.name, "length": f"{minutes}:{seconds:02d}"}


def _pending(job: Status) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state.value,
        "progress": round(job.progress, 3),
        "queued": job.ahead,
        "audio": None,
        "chapters": None,
        "duration_s": None,
        "error": job.error,
    }


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` really lies under ``folder`` once links are followed."""
    try:
        return path.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except OSError:
        return False
