"""The terminal side of `coach play`: single keys without Enter, and a display for the mat."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import tty
from collections.abc import Callable, Iterator
from typing import Any

from coach.play.player import Keys, Status
from coach.script.timeline import clock


@contextlib.contextmanager
def single_keys(stream: Any = None) -> Iterator[Keys]:
    """Read keys one at a time (cbreak mode, so Ctrl-C still interrupts); restore on exit."""
    stream = stream or sys.stdin
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(timeout: float) -> str | None:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(fd, 1)
        return data.decode(errors="replace").lower() if data else "q"  # end of input: quit

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def display(quiet: bool, controls: bool) -> Iterator[Callable[[Status], None] | None]:
    """A large, plain panel when stdout is a terminal; a line per exercise otherwise."""
    if quiet:
        yield None
        return
    if not sys.stdout.isatty():
        seen: list[str] = []

        def lines(status: Status) -> None:
            if status.exercise and (not seen or seen[-1] != status.exercise):
                seen.append(status.exercise)
                print(f"{clock(status.position_ms, precise=False)}  {status.exercise}", flush=True)

        yield lines
        return
    from rich.console import Group
    from rich.live import Live
    from rich.panel import Panel
    from rich.progress_bar import ProgressBar
    from rich.text import Text

    help_line = "space pause/resume   n next   p previous   q quit" if controls else "Ctrl-C stops"

    def render(status: Status) -> Panel:
        head = Text(status.exercise or " ", style="bold", justify="center")
        head.stylize("bold cyan")
        detail = "   ".join(
            x
            for x in (
                status.rep,
                f"hold {status.hold_left_s} s" if status.hold_left_s else "",
                "PAUSED" if status.paused else "",
                "the voice is preparing what comes next" if status.waiting else "",
            )
            if x
        )
        times = (
            f"{clock(status.position_ms, precise=False)} elapsed   "
            f"{clock(status.remaining_ms, precise=False)} left"
        )
        body = Group(
            head,
            Text(detail or " ", justify="center", style="bold yellow"),
            Text(status.cue, justify="center"),
            Text(""),
            ProgressBar(total=max(status.duration_ms, 1), completed=status.position_ms),
            Text(""),  # a progress bar does not end its line; this does
            Text(times, justify="center"),
            Text(help_line, justify="center", style="dim"),
        )
        return Panel(body, title="coach", padding=(1, 2))

    with Live(refresh_per_second=4, transient=False) as live:

        def show(status: Status) -> None:
            live.update(render(status))

        yield show
