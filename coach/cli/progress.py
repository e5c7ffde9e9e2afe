"""Progress bars on stderr while phrases are synthesized and audio is encoded."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Bars:
    """Progress bars on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def _update(self, name: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        if name not in self.tasks:
            self.tasks[name] = self.bar.add_task(name, total=total)
        self.bar.update(self.tasks[name], completed=done, total=total)

    def synthesis(self, done: int, total: int) -> None:
        self._update("synthesizing phrases", done, total)

    def encoding(self, done: int, total: int) -> None:
        self._update("encoding", done, total)


@contextmanager
def progress_bars() -> Iterator[Bars]:
    progress = Bars()
    if not sys.stderr.isatty():
        yield progress
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as bar:
        progress.bar = bar
        yield progress


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
