"""The podcast feed: RSS 2.0 with iTunes tags and Podcasting 2.0 chapters, made by feedgen.

feedgen writes the channel, the items and the iTunes tags; a small registered extension adds the
``podcast:chapters`` element, which feedgen has no helper for. Each item's GUID is the session's
id, which is derived from what the session is, so it stays the same across restarts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from coach.output.store import Stored

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CHAPTERS_TYPE = "application/json+chapters"


def chapters_document(stored: Stored) -> dict[str, Any]:
    """The JSON chapters file (format 1.2) that ``podcast:chapters`` points to."""
    return {
        "version": "1.2.0",
        "title": stored.title,
        "podcastName": "coach",
        "fileName": stored.filename,
        "chapters": [
            {"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "title": c.title}
            for c in stored.chapters
        ],
    }


def _extensions() -> tuple[type, type]:
    from feedgen.ext.base import BaseEntryExtension, BaseExtension
    from feedgen.util import xml_elem

    class Podcast20(BaseExtension):  # type: ignore[misc]
        def extend_ns(self) -> dict[str, str]:
            return {"podcast": PODCAST_NS}

    class Podcast20Entry(BaseEntryExtension):  # type: ignore[misc]
        def __init__(self) -> None:
            self._chapters: str | None = None

        def chapters(self, url: str) -> None:
            self._chapters = url

        def extend_rss(self, entry: Any) -> Any:
            if self._chapters:
                element = xml_elem(f"{{{PODCAST_NS}}}chapters", entry)
                element.attrib["url"] = self._chapters
                element.attrib["type"] = CHAPTERS_TYPE
            return entry

    return Podcast20, Podcast20Entry


def podcast_feed(request: Request, sessions: Sequence[Stored], audio: Sequence[str]) -> bytes:
    """The feed of ``sessions`` (newest first) whose audio is at the URLs in ``audio``."""
    from feedgen.feed import FeedGenerator

    page = str(request.url_for("page"))
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("podcast20", *_extensions())
    feed.title("coach sessions")
    feed.link(href=page, rel="alternate")
    feed.description("Voice-guided back and spine sessions made by coach on this computer.")
    feed.language("en")
    feed.generator("coach")
    feed.podcast.itunes_author("coach")
    feed.podcast.itunes_category("Health & Fitness", "Fitness")
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_block(True)  # a private feed: directories must not list it
    newest = max((s.created for s in sessions), default=datetime(2024, 1, 1, tzinfo=UTC))
    feed.lastBuildDate(newest)
    if sessions:
        feed.podcast.itunes_image(str(request.url_for("cover", id=sessions[0].id)))
    # feedgen puts each entry added in front, so add the oldest first to list the newest first.
    for stored, url in reversed(list(zip(sessions, audio, strict=True))):
        _add_item(feed, request, stored, url)
    return feed.rss_str(pretty=True)  # type: ignore[no-any-return]


def _add_item(feed: Any, request: Request, stored: Stored, audio: str) -> None:
    entry = feed.add_entry()
    entry.guid(f"coach-session-{stored.id}", permalink=False)
    entry.title(stored.title)
    lines = [f"{_clock(c.start_ms)} {c.title}" for c in stored.chapters]
    entry.description("\n".join([stored.settings, "", *lines]))
    entry.enclosure(audio, str(stored.size), stored.media_type)
    entry.published(stored.created)
    entry.podcast.itunes_duration(round(stored.duration_ms / 1000))
    entry.podcast.itunes_image(str(request.url_for("cover", id=stored.id)))
    entry.podcast20.chapters(str(request.url_for("chapters", id=stored.id)))


def _clock(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes}:{seconds:02d}"
