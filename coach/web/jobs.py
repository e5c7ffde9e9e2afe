"""One render at a time: a queue with a length limit, where identical requests share one job.

Everything that touches the speech engine runs on the queue's single thread, so the engine (which
is not safe to share between threads) only ever lives in one of them. The thread is a daemon:
Ctrl-C stops the server at once instead of waiting for a render to finish (the store only ever
holds complete entries, so nothing half-made is served afterwards).
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from coach.errors import CoachError

T = TypeVar("T")
Progress = Callable[[float], None]  # fraction done, 0 to 1
Render = Callable[[Progress], object]


class State(StrEnum):
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Status:
    id: str
    state: State
    progress: float = 0.0
    ahead: int = 0  # jobs still waiting in front of this one
    error: str | None = None


class QueueFullError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"{limit} sessions are already waiting to be made; try again when one is done"
        )


class RenderQueue:
    def __init__(self, limit: int = 8) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._status: dict[str, Status] = {}
        self._waiting: list[str] = []
        self._tasks: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="coach-render", daemon=True)
        self._thread.start()

    def submit(self, key: str, render: Render) -> Status:
        """Queue ``render`` under ``key``, or return the job already under way for it."""
        with self._lock:
            known = self._status.get(key)
            if known is not None and known.state is State.RENDERING:
                return self._with_place(known)
            if len(self._waiting) >= self.limit:
                raise QueueFullError(self.limit)
            self._status[key] = Status(key, State.RENDERING)
            self._waiting.append(key)
        self._tasks.put(lambda: self._run(key, render))
        return self.status(key) or Status(key, State.RENDERING)

    def status(self, key: str) -> Status | None:
        with self._lock:
            known = self._status.get(key)
            return self._with_place(known) if known else None

    def forget(self, key: str) -> None:
        """Drop a finished job's record, so its next request starts afresh."""
        with self._lock:
            known = self._status.get(key)
            if known is not None and known.state is not State.RENDERING:
                del self._status[key]

    def call(self, function: Callable[[], T]) -> Future[T]:
        """Run ``function`` on the engine thread, between renders."""
        future: Future[T] = Future()

        def task() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function())
                except BaseException as error:
                    future.set_exception(error)

        self._tasks.put(task)
        return future

    def close(self) -> None:
        """End the thread once the work already queued is done."""
        self._tasks.put(None)

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            with contextlib.suppress(Exception):  # each task records its own outcome
                task()

    def _with_place(self, status: Status) -> Status:
        if status.id in self._waiting:
            return dataclasses.replace(status, ahead=self._waiting.index(status.id))
        return status

    def _update(self, key: str, **changes: object) -> None:
        with self._lock:
            self._status[key] = dataclasses.replace(self._status[key], **changes)  # type: ignore[arg-type]

    def _run(self, key: str, render: Render) -> None:
        with self._lock:
            self._waiting.remove(key)

        def progress(fraction: float) -> None:
            self._update(key, progress=max(0.0, min(fraction, 0.99)))

        try:
            render(progress)
        except CoachError as error:
            self._update(key, state=State.FAILED, error=str(error))
        except Exception as error:  # the server must outlive any one bad render
            self._update(
                key, state=State.FAILED, error=f"internal error: {type(error).__name__}: {error}"
            )
        else:
            self._update(key, state=State.READY, progress=1.0)
