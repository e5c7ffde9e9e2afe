"""The library's front door: one function per thing a user does, for every front end.

The CLI, the web page and code call these; none of them reaches further into coach. The
functions live in four modules by what they need (plans, audio, settings, store); this module
is the one place front ends import them from.

>>> from coach.session import plan
>>> from coach.options import Options
>>> timeline = plan(["healthy-back"], Options(reps=3))
>>> timeline.duration_ms > 0
True
"""

from __future__ import annotations

from coach.session.audio import (
    EngineVoices,
    clear_cache,
    doctor,
    export,
    measure,
    mixed,
    natural_engine,
    play,
    player,
    voice,
    voiced_timeline,
    voices,
)
from coach.session.plans import (
    Listing,
    find,
    is_file_target,
    listing,
    load,
    plan,
    resolve,
    show,
    validate,
)
from coach.session.settings import (
    set_setting,
    settings,
    unset_setting,
)
from coach.session.store import (
    check_publish,
    data_dir,
    publish,
    render_to_store,
    session_title,
    store_key,
    store_root,
    stored,
    stored_sessions,
)

__all__ = [
    "EngineVoices",
    "Listing",
    "check_publish",
    "clear_cache",
    "data_dir",
    "doctor",
    "export",
    "find",
    "is_file_target",
    "listing",
    "load",
    "measure",
    "mixed",
    "natural_engine",
    "plan",
    "play",
    "player",
    "publish",
    "render_to_store",
    "resolve",
    "session_title",
    "set_setting",
    "settings",
    "show",
    "store_key",
    "store_root",
    "stored",
    "stored_sessions",
    "unset_setting",
    "validate",
    "voice",
    "voiced_timeline",
    "voices",
]
