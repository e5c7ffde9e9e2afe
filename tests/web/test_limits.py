"""Requests read into sessions: every option the CLI has, through the same parser."""

from __future__ import annotations

import pytest

from coach.options import Guidance, Level
from coach.web.limits import BadRequestError, session_request


def test_guidance_and_level_reach_the_options():
    request = session_request(
        {"targets": ["bridge"], "options": {"guidance": "brief", "level": "advanced"}},
        {"bridge"},
        set(),
    )
    assert request.options.guidance is Guidance.BRIEF and request.options.level is Level.ADVANCED


def test_a_guidance_that_is_not_text_is_refused():
    with pytest.raises(BadRequestError):
        session_request({"targets": ["bridge"], "options": {"guidance": 3}}, {"bridge"}, set())
