"""What a request may carry: a bounded body, known ids, and option values of the right shapes.

Only shapes and sizes are checked here. The values go through :meth:`Options.from_strings`, the
parser the command line uses, so a bad value gets the same one-line message as there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from coach.options import Options

MAX_BODY = 16 * 1024
MAX_TARGETS = 20
MAX_TEXT = 64
MAX_LIST = 20
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")

# option name -> the JSON types it may have
_SHAPES: Mapping[str, tuple[type, ...]] = {
    "pace": (str, int, float),
    "reps": (str, int, list),
    "sets": (str, int),
    "hold": (str, int, float),
    "rest": (str, int, float),
    "level": (str,),
    "guidance": (str,),
    "only": (str, list),
    "skip": (str, list),
    "breath_tones": (bool,),
    "voice": (str, type(None)),
    "rate": (int,),
}


class BadRequestError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SessionRequest:
    targets: tuple[str, ...]
    options: Options
    voice: str | None
    rate: int


async def read_json(request: Request, limit: int = MAX_BODY) -> Any:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequestError(f"the request is larger than {limit} bytes", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:  # a chunked body has no length to check up front
            raise BadRequestError(f"the request is larger than {limit} bytes", 413)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError(
            'the request is not JSON: send {"targets": [...], "options": {...}}'
        ) from None


def session_request(
    payload: Any, known_ids: Collection[str], voices: Collection[str]
) -> SessionRequest:
    """The session a request asks for; BadRequestError, or the library's OptionError, when wrong."""
    if not isinstance(payload, dict) or set(payload) - {"targets", "options"}:
        raise BadRequestError('send a JSON object {"targets": [...], "options": {...}}')
    targets = payload.get("targets")
    if not isinstance(targets, list) or not 1 <= len(targets) <= MAX_TARGETS:
        raise BadRequestError(f"targets: give a list of 1 to {MAX_TARGETS} routine or exercise ids")
    for target in targets:
        # Ids only, from the list the page shows: a request never names a file on this machine.
        if not isinstance(target, str) or not ID_PATTERN.fullmatch(target[: MAX_TEXT + 1]):
            raise BadRequestError(
                f"targets: {str(target)[:MAX_TEXT]!r} is not a routine or exercise id"
            )
        if target not in known_ids:
            raise BadRequestError(
                f"{target[:MAX_TEXT]!r} is not a routine or an exercise: "
                "pick one from the list on the page"
            )
    options = payload.get("options", {})
    if not isinstance(options, dict):
        raise BadRequestError('options: give a JSON object such as {"pace": "slow", "reps": 8}')
    for name, value in options.items():
        _check_shape(name, value)
    voice = options.get("voice")
    if voice is not None and voice not in voices:
        raise BadRequestError(
            f"voice {voice!r} is not one this machine has: see the list on the page"
        )
    return SessionRequest(
        tuple(targets),
        Options.from_strings(
            pace=str(options.get("pace", "normal")),
            reps=_texts(options.get("reps")),
            sets=options.get("sets"),
            hold=options.get("hold"),
            rest=options.get("rest"),
            level=str(options.get("level", "standard")),
            guidance=str(options.get("guidance", "standard")),
            only=_texts(options.get("only")),
            skip=_texts(options.get("skip")),
            breath_tones=bool(options.get("breath_tones", False)),
        ),
        voice,
        int(options.get("rate", 150)),
    )


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def _check_shape(name: str, value: Any) -> None:
    shapes = _SHAPES.get(name)
    if shapes is None:
        raise BadRequestError(f"unknown option {name[:MAX_TEXT]!r}: use {', '.join(_SHAPES)}")
    # To Python a bool is an int; only breath_tones takes one.
    if not isinstance(value, shapes) or (isinstance(value, bool) and bool not in shapes):
        raise BadRequestError(f"option {name}: {json.dumps(value)[:MAX_TEXT]} is of the wrong kind")
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_LIST:
        raise BadRequestError(f"option {name}: give at most {MAX_LIST} values")
    for item in items:
        if isinstance(value, list) and not isinstance(item, str):
            raise BadRequestError(f"option {name}: a list holds text values only")
        if isinstance(item, str) and len(item) > MAX_TEXT:
            raise BadRequestError(f"option {name}: a value is at most {MAX_TEXT} characters")
