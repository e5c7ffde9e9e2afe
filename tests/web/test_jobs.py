"""The render queue: one render at a time, identical requests share a job, a length limit.

Renders here are plain functions that wait on events the test sets, so every step is decided
by the test, not by timing.
"""

from __future__ import annotations

import threading

import pytest
from webhelpers import wait_for

from coach.errors import ExportError
from coach.web.jobs import QueueFullError, RenderQueue, State


class Gate:
    """A render that reports it started, then waits until the test opens it."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.started = threading.Event()
        self.open = threading.Event()
        self.runs = 0
        self.fail = fail

    def __call__(self, progress) -> None:
        self.runs += 1
        self.started.set()
        progress(0.25)
        assert self.open.wait(30), "the test never opened the gate"
        if self.fail:
            raise self.fail


@pytest.fixture
def jobs():
    queue = RenderQueue(limit=2)
    yield queue
    queue.close()


def test_one_render_at_a_time_and_places_in_line(jobs: RenderQueue) -> None:
    first, second = Gate(), Gate()
    jobs.submit("a", first)
    assert first.started.wait(30)
    jobs.submit("b", second)
    assert jobs.status("b").ahead == 0  # next in line, but not started
    assert not second.started.is_set()
    wait_for(lambda: jobs.status("a").progress == 0.25, what="progress")
    first.open.set()
    assert second.started.wait(30)
    assert jobs.status("a").state is State.READY
    assert jobs.status("a").progress == 1.0
    second.open.set()
    wait_for(lambda: jobs.status("b").state is State.READY, what="the second render")


def test_identical_requests_share_one_render(jobs: RenderQueue) -> None:
    gate = Gate()
    jobs.submit("same", gate)
    jobs.submit("same", Gate())
    jobs.submit("same", Gate())
    gate.open.set()
    wait_for(lambda: jobs.status("same").state is State.READY, what="the render")
    assert gate.runs == 1


def test_the_line_has_a_limit(jobs: RenderQueue) -> None:
    running = Gate()
    jobs.submit("running", running)
    assert running.started.wait(30)
    waiting = [Gate(), Gate()]
    jobs.submit("w1", waiting[0])
    jobs.submit("w2", waiting[1])
    assert jobs.status("w2").ahead == 1
    with pytest.raises(QueueFullError, match="2 sessions are already waiting"):
        jobs.submit("w3", Gate())
    # A request already in line is not refused: it shares the job.
    assert jobs.submit("w2", Gate()).id == "w2"
    for gate in (running, *waiting):
        gate.open.set()
    wait_for(lambda: jobs.status("w2").state is State.READY, what="the line to empty")


def test_a_failure_keeps_its_message_and_a_retry_runs_again(jobs: RenderQueue) -> None:
    broken = Gate(fail=ExportError("ffmpeg failed to write mp3: disk full"))
    broken.open.set()
    jobs.submit("k", broken)
    wait_for(lambda: jobs.status("k").state is State.FAILED, what="the failure")
    assert jobs.status("k").error == "ffmpeg failed to write mp3: disk full"
    retry = Gate()
    retry.open.set()
    jobs.submit("k", retry)
    wait_for(lambda: jobs.status("k").state is State.READY, what="the retry")
    assert retry.runs == 1


def test_an_unexpected_error_does_not_stop_the_queue(jobs: RenderQueue) -> None:
    odd = Gate(fail=ZeroDivisionError("division by zero"))
    odd.open.set()
    jobs.submit("odd", odd)
    wait_for(lambda: jobs.status("odd").state is State.FAILED, what="the failure")
    assert jobs.status("odd").error == "internal error: ZeroDivisionError: division by zero"
    after = Gate()
    after.open.set()
    jobs.submit("after", after)
    wait_for(lambda: jobs.status("after").state is State.READY, what="the next render")


def test_forget_drops_only_finished_jobs(jobs: RenderQueue) -> None:
    gate = Gate()
    jobs.submit("x", gate)
    jobs.forget("x")
    assert jobs.status("x") is not None  # still rendering: kept
    gate.open.set()
    wait_for(lambda: jobs.status("x").state is State.READY, what="the render")
    jobs.forget("x")
    assert jobs.status("x") is None


def test_calls_run_on_the_render_thread(jobs: RenderQueue) -> None:
    names = {jobs.call(lambda: threading.current_thread().name).result(30) for _ in range(3)}
    assert len(names) == 1
    assert names.pop().startswith("coach-render")
