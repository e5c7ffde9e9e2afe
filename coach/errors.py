"""One error tree for everything a user can get wrong or lack, and the exit codes it maps to.

The CLI catches :class:`CoachError` in one place and prints ``coach: error: <message>``; library
users catch the same classes. Every message is one line that says what, where and how to fix it.
"""

from __future__ import annotations

import difflib
import signal
import unicodedata
from collections.abc import Iterable
from enum import IntEnum, unique
from pathlib import Path

QUOTE_LIMIT = 60  # characters of user text a message repeats


@unique
class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # something went wrong while working (synthesis, encoding, playback)
    BAD_INPUT = 2  # a malformed definition, an unknown id, an option out of range
    MISSING_DEPENDENCY = 3  # no voice engine, no ffmpeg
    NO_AUDIO_DEVICE = 4
    HANGUP = 129  # SIGHUP (the terminal went away), as shells report it: 128 + 1
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
    TERMINATED = 143  # SIGTERM: 128 + 15


class Interrupted(KeyboardInterrupt):
    """A signal asked coach to stop (SIGINT, SIGTERM or SIGHUP).

    A KeyboardInterrupt, so every clean-up written for Ctrl-C runs for the other two as well, and
    ``except Exception`` never swallows it.
    """

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


class CoachError(Exception):
    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        # Whatever a message repeats (a path, a key, a value), it stays one printable line.
        return escape(f"{self.message}; {self.hint}" if self.hint else self.message)

    def __reduce__(self) -> tuple[object, ...]:
        # Errors raised in synthesis worker processes come back pickled; keep message and hint
        # whatever the subclass's own constructor takes.
        return (_rebuild, (type(self), self.message, self.hint, dict(self.__dict__)))


def _rebuild(
    cls: type[CoachError], message: str, hint: str | None, state: dict[str, object]
) -> CoachError:
    error = cls.__new__(cls)
    CoachError.__init__(error, message, hint)
    error.__dict__.update(state)
    return error


class BadInputError(CoachError):
    exit_code = ExitCode.BAD_INPUT


class DefinitionError(BadInputError):
    """A definition file is malformed; carries the file and the 1-based line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")


class ConfigError(BadInputError):
    """The user's config file is malformed; carries the file and the 1-based line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")


class OptionError(BadInputError):
    """A command-line or API option is out of range or malformed."""


class UnknownIdError(BadInputError):
    """An exercise or routine id that no loaded definition has."""


class MissingDependencyError(CoachError):
    exit_code = ExitCode.MISSING_DEPENDENCY


class AudioDeviceError(CoachError):
    exit_code = ExitCode.NO_AUDIO_DEVICE


class SynthesisError(CoachError):
    """The voice engine failed to produce a usable clip."""


class ExportError(CoachError):
    """Encoding or writing the session failed."""


class OutputPathError(BadInputError):
    """The output path cannot be written: found before any work is done."""


def escape(text: str) -> str:
    """``text`` with control, format (bidi) and separator characters shown as escapes.

    Such characters could split a message over lines, move the cursor, set the terminal's title
    (ESC and OSC sequences) or reverse the text that follows (U+202E).
    """
    if text.isprintable():
        return text
    return "".join(_escape_char(c) for c in text)


def _escape_char(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    if unicodedata.category(char) == "Zs":  # odd spaces: harmless, keep them readable
        return " "
    code = ord(char)
    if code < 0x100:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text for a message: quoted, escaped, and shortened to about ``limit`` characters."""
    shown = escape(text)
    if len(shown) > limit:
        shown = shown[: limit - 1].rstrip() + "…"
    return f"'{shown}'"


def suggest(name: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' for the nearest names, or ''."""
    close = difflib.get_close_matches(name, sorted(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
