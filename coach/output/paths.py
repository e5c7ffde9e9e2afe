"""Where an export writes: the paths checked before any work, and files staged beside them.

An export may take minutes of synthesis and encoding, so every reason it could not write its
files (no name, a folder, a missing or read-only folder, a name the file system refuses, a
device or a pipe in the way) is found first and reported in one line. Files are written under
short temporary names in the destination folder and renamed into place together at the end;
only a regular file is ever replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.errors import OutputPathError, quote
from coach.signals import deferred

TEMP_PREFIX = ".coach-"
TEMP_SUFFIX = ".part"
_FIX = "pick another -o path"


@dataclass(frozen=True)
class Outputs:
    """Every file an export will write, by role."""

    audio: tuple[Path, ...]
    cues: tuple[Path, ...] = ()
    playlist: Path | None = None

    @property
    def all(self) -> tuple[Path, ...]:
        return (*self.audio, *self.cues, *((self.playlist,) if self.playlist else ()))


def plan_outputs(path: Path, suffix: str, titles: Sequence[str] | None, cues: bool) -> Outputs:
    """The files for one session (``titles`` None) or one per chapter, with cue sheets."""
    if titles is None:
        return Outputs((path,), (path.with_suffix(".vtt"),) if cues else ())
    audio = tuple(
        path.with_name(f"{path.stem}-{index:02d}-{_slug(title)}{suffix}")
        for index, title in enumerate(titles, 1)
    )
    sheets = tuple(a.with_suffix(".vtt") for a in audio) if cues else ()
    return Outputs(audio, sheets, path.with_suffix(".m3u8"))


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "part"


def check_output(path: Path) -> Path:
    """The file to write for ``-o path`` (symbolic links followed), or why it cannot be."""
    text = str(path)
    if not text or text.endswith(os.sep) or path.name in ("", ".", ".."):
        raise OutputPathError(
            f"-o {quote(text)} names no file", "give a file name such as session.mp3"
        )
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.exists():
        raise OutputPathError(
            f"the folder {_show(folder)} does not exist", "create it first or " + _FIX
        )
    if not folder.is_dir():
        raise OutputPathError(f"{_show(folder)} is not a folder", _FIX)
    check_file(target)
    _probe(folder)
    return target


def check_file(target: Path) -> None:
    """Refuse a name the file system cannot hold and anything but a regular file in the way."""
    try:
        name_max = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    size = len(os.fsencode(target.name))
    if size > name_max:
        raise OutputPathError(
            f"the file name {quote(target.name)} is {size} bytes long; "
            f"this file system allows {name_max}",
            "pick a shorter name",
        )
    try:
        found = target.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputPathError(f"cannot use {_show(target)}: {error.strerror}", _FIX) from None
    if stat.S_ISDIR(found.st_mode):
        raise OutputPathError(
            f"{_show(target)} is a folder", f"give a file inside it, like {target}/session.mp3"
        )
    if not stat.S_ISREG(found.st_mode):
        raise OutputPathError(
            f"{_show(target)} is not a regular file (a device, a pipe or a socket); "
            "coach only replaces regular files",
            _FIX,
        )


def _probe(folder: Path) -> None:
    """Create and remove a file in ``folder``: the one test of writability that never lies."""
    try:
        with deferred():
            fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
            os.close(fd)
            Path(name).unlink()
    except OSError as error:
        reason = {
            errno.EROFS: "is on a read-only file system",
            errno.EACCES: "is not writable (no permission)",
            errno.EPERM: "is not writable (no permission)",
            errno.ENOSPC: "is on a full disk",
            errno.EDQUOT: "is over its disk quota",
        }.get(error.errno or 0, f"cannot be written ({error.strerror})")
        raise OutputPathError(f"the folder {_show(folder)} {reason}", _FIX) from None


def _show(path: Path) -> str:
    return quote(str(path), limit=160)  # a path needs more room than a word to be recognised


class Stage:
    """Temporary files beside their destinations, renamed into place together at the end.

    Registering a temporary file and the renames run with signals deferred: an interrupt
    neither leaves an unregistered temporary file nor a half-replaced set of files.
    """

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}

    def temp(self, final: Path) -> Path:
        with deferred():
            fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=final.parent)
            os.close(fd)
            self.pending[final] = Path(name)
        return Path(name)

    def commit(self) -> None:
        with deferred():
            for final in self.pending:
                check_file(final)  # again: something may have appeared there meanwhile
            for final, temp in self.pending.items():
                temp.chmod(0o644)
                temp.replace(final)
            self.pending.clear()

    def discard(self) -> None:
        with deferred():
            for temp in self.pending.values():
                with contextlib.suppress(OSError):
                    temp.unlink()
            self.pending.clear()


@contextlib.contextmanager
def staging() -> Iterator[Stage]:
    stage = Stage()
    try:
        yield stage
    finally:
        stage.discard()
