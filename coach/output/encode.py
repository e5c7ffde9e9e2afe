"""Samples -> one encoded file: the mix streamed through a pipe into ffmpeg, block by block, so
memory does not grow with the session; an MP3 of a minute or more by two ffmpegs at once, one
per half, joined in a quiet moment (:mod:`coach.output.mp3join`)."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from coach import signals
from coach.audio.mixer import Mix
from coach.audio.wav import RATE
from coach.errors import ExportError
from coach.output import mp3join, verify
from coach.output.tags import prepare_tags

Progress = Callable[[int, int], None]  # (samples done, samples in all)


class AudioFormat(StrEnum):
    MP3 = "mp3"
    M4A = "m4a"
    OGG = "ogg"
    WAV = "wav"


# muxer, codec arguments by default (speech-quality VBR where the codec has it), codec for CBR
_CODECS: dict[AudioFormat, tuple[str, list[str], list[str]]] = {
    AudioFormat.MP3: ("mp3", ["-c:a", "libmp3lame", "-q:a", "6"], ["-c:a", "libmp3lame"]),
    AudioFormat.M4A: ("ipod", ["-c:a", "aac", "-b:a", "48k"], ["-c:a", "aac"]),
    AudioFormat.OGG: ("ogg", ["-c:a", "libvorbis", "-q:a", "2"], ["-c:a", "libvorbis"]),
    AudioFormat.WAV: ("wav", ["-c:a", "pcm_s16le"], ["-c:a", "pcm_s16le"]),
}
_EXTRA: dict[AudioFormat, list[str]] = {
    AudioFormat.MP3: ["-id3v2_version", "3", "-write_xing", "1"],
    AudioFormat.M4A: ["-movflags", "+faststart"],
}
# The second half of a two-encoder MP3: frames and its Xing/LAME header (read, then dropped,
# by the join), no tag.
_UNTAGGED = ["-id3v2_version", "0", "-write_xing", "1"]

# Packets (1,024 samples each) ffmpeg's reader thread may hold for its encoder. With two inputs
# (the PCM and the FFMETADATA file), ffmpeg 5 reads each in its own thread, and polls a pipe's
# queue without blocking: whenever it finds the queue empty it sleeps 10 ms. With the default
# of 8 packets (under a millisecond of encoding) that happened ~450 times in a 33-minute
# export, 4.5 s of an encoder standing idle; 1,024 packets (2 MB) keep it fed. The bytes out
# are the same: only the queue between ffmpeg's own threads is longer.
_QUEUE = 1024
# Below this, a second encoder's start-up (~0.1 s) costs more than it saves.
TWO_ENCODERS_FROM_S = 60
_BLOCK = RATE * 4
# Encoders whose halves could not be joined (an ffmpeg writing other MP3 headers): this
# process gives them the whole session at once rather than encode it twice each time.
_UNJOINABLE: set[str] = set()
_log = logging.getLogger("coach")


def encode_command(
    encoder: str,
    source: str,
    metadata: Path | None,
    out: Path,
    fmt: AudioFormat,
    bitrate: str | None = None,
) -> list[str]:
    """The ffmpeg command that encodes 16-bit mono PCM from ``source`` (``pipe:0`` or a file),
    with the tags and chapters of an FFMETADATA file (None: an untagged second half of an
    MP3). ``scripts/bench.py`` times this very command on a file as "ffmpeg alone"."""
    muxer, vbr, cbr = _CODECS[fmt]
    codec = [*cbr, "-b:a", bitrate] if bitrate and fmt is not AudioFormat.WAV else vbr
    tags = ["-f", "ffmetadata", "-i", str(metadata)] if metadata else []
    mapping = ["-map_metadata", "1", "-map_chapters", "1"] if metadata else []
    extra = _EXTRA.get(fmt, []) if metadata else _UNTAGGED
    return [
        encoder, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-thread_queue_size", str(_QUEUE), "-f", "s16le", "-ar", str(RATE), "-ac", "1",
        "-i", source, *tags, "-map", "0:a", *mapping,
        *codec, *extra, "-f", muxer, str(out),
    ]  # fmt: skip


def encode(
    encoder: str,
    mix: Mix,
    start: int,
    end: int,
    gain: float,
    metadata: str,
    out: Path,
    fmt: AudioFormat,
    bitrate: str | None,
    progress: Progress | None,
    encoders: int | None = None,
) -> verify.FileCheck:
    """Encode samples ``start`` to ``end``; return the check of the file, ready to run.
    ``encoders``: how many ffmpegs may share an MP3 (default: two if there are two cores)."""
    joinable = fmt is AudioFormat.MP3 and encoder not in _UNJOINABLE
    seam = _seam(mix, start, end, encoders or _cores()) if joinable else None
    task = _Task(encoder, mix, start, end, gain, metadata, out, fmt, bitrate, progress)
    if seam:
        try:
            return task.run(seam)
        except mp3join.JoinError as error:
            _log.debug("the MP3 halves could not be joined (%s); encoding at once", error)
            _UNJOINABLE.add(encoder)
    return task.run(None)


@dataclass(frozen=True)
class _Task:
    """What :func:`encode` was asked: run by one encoder, or by two parted at a seam."""

    encoder: str
    mix: Mix
    start: int
    end: int
    gain: float
    metadata: str
    out: Path
    fmt: AudioFormat
    bitrate: str | None
    progress: Progress | None

    def run(self, seam: tuple[int, int] | None) -> verify.FileCheck:
        start, end, fmt = self.start, self.end, self.fmt
        with (
            tempfile.TemporaryDirectory(prefix="coach-export-") as folder,
            contextlib.ExitStack() as open_jobs,
        ):
            meta_path = Path(folder) / "metadata.txt"
            meta_path.write_text(self.metadata, encoding="utf-8")
            second = Path(folder) / "second.mp3"
            first = encode_command(self.encoder, "pipe:0", meta_path, self.out, fmt, self.bitrate)
            rest = encode_command(self.encoder, "pipe:0", None, second, fmt, self.bitrate)
            parts = (
                [(first, start, seam[0]), (rest, seam[1], end)] if seam else [(first, start, end)]
            )
            jobs = [open_jobs.enter_context(_Job(*part)) for part in parts]
            check = _run(jobs, self)
            with contextlib.ExitStack() as on_error:
                on_error.callback(check.close)
                failed = next((job for job in jobs if job.code != 0), None)
                if failed:
                    raise ExportError(f"ffmpeg failed to write {fmt.value}: {failed.reason()}")
                if seam:
                    mp3join.join(self.out, second, (seam[0] - start, seam[1] - start), end - start)
                on_error.pop_all()  # the check is the caller's now
            return check


class _Job:
    """One ffmpeg and the samples it encodes."""

    def __init__(self, command: list[str], start: int, end: int) -> None:
        self.command, self.start_at, self.end = command, start, end
        self.done = 0
        self.code: int | None = None
        self.error: BaseException | None = None  # what stopped a feed in another thread
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: nobody reads ffmpeg's errors until it has exited.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def start(self) -> None:
        # Its own session: a Ctrl-C meant for coach reaches coach, which stops ffmpeg itself,
        # rather than ffmpeg first (which would look like an encoding failure).
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stderr=self._log, start_new_session=True
        )
        assert self.process.stdin is not None
        _widen_pipe(self.process.stdin.fileno())

    def feed(self, mix: Mix, gain: float, step: Callable[[], None] | None = None) -> None:
        """Write the samples, then close the pipe; an ffmpeg that stops early ends it."""
        assert self.process is not None and self.process.stdin is not None
        stdin, length = self.process.stdin, self.end - self.start_at
        try:
            for chunk in mix.pcm16(gain, start=self.start_at, size=min(_BLOCK, max(length, 1))):
                samples = min(len(chunk) // 2, length - self.done)
                try:
                    stdin.write(chunk[: samples * 2])
                except BrokenPipeError:
                    return  # ffmpeg stopped early (or was stopped): its exit code and log say why
                self.done += samples
                if step:
                    step()
                if self.done >= length:
                    break
        finally:
            with contextlib.suppress(OSError, ValueError):
                stdin.close()

    def wait(self) -> None:
        assert self.process is not None
        self.code = self.process.wait()

    def failed(self) -> bool:
        return self.process is not None and self.process.poll() not in (None, 0)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def __enter__(self) -> _Job:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process is not None and self.process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stdin.close()  # a job killed before its feed began
        self._log.close()

    def reason(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self.code}"


def _run(jobs: list[_Job], task: _Task) -> verify.FileCheck:
    """Feed every job (the second from a thread), then wait for them; the check of the first
    file is set up while the encoders still drain their queues."""
    first, mix, gain, progress = jobs[0], task.mix, task.gain, task.progress
    total = task.end - task.start

    def step() -> None:
        if progress:
            progress(min(total, sum(job.done for job in jobs)), total)

    def feed_later(job: _Job) -> None:
        with signals.deferred():  # signals go to the main thread, which stops every job
            try:
                job.feed(mix, gain)
            except BaseException as error:  # raised again in the main thread
                job.error = error

    helpers = [threading.Thread(target=feed_later, args=(job,), daemon=True) for job in jobs[1:]]
    check: verify.FileCheck | None = None
    try:
        for job in jobs:
            job.start()
        for helper in helpers:
            helper.start()
        first.feed(mix, gain, step)
        for helper in helpers:
            while helper.is_alive():
                helper.join(0.1)
                step()
                if first.failed():  # no use feeding the rest: stop it, and report the first
                    for job in jobs[1:]:
                        job.kill()
        for job in jobs:
            if job.error:
                raise job.error
        if progress:
            progress(total, total)  # the seam's quiet is encoded too, by the encoders' padding
        # ffmpeg still has seconds of audio queued (the pipe and its input queue): what the
        # steps after it need is set up now, rather than after it exits.
        expected = verify.excerpt(mix, first.start_at, first.start_at + total, gain)
        check = verify.FileCheck(task.encoder, task.fmt.value, expected)
        prepare_tags(task.fmt.value)
        for job in jobs:
            job.wait()
    except BaseException:
        for job in jobs:
            job.kill()
        for helper in helpers:
            if helper.is_alive():
                helper.join()
        if check:
            check.close()
        raise
    return check


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _seam(mix: Mix, start: int, end: int, encoders: int) -> tuple[int, int] | None:
    """Where two encoders would part and meet: in the quiet moment nearest the middle that is
    long enough, if the session is long enough and two encoders may run."""
    if encoders < 2 or end - start < TWO_ENCODERS_FROM_S * RATE:
        return None
    # Counted from ``start``: the first encoder's frames begin there.
    middle = (end - start) // 2
    quiet = [(a - start, b - start) for a, b in mix.quiet(start + RATE, end - RATE)]
    quiet.sort(key=lambda q: abs(sum(q) // 2 - middle))
    spf = mp3join.frame_samples(RATE)
    found = next((seam for q in quiet if (seam := mp3join.seam(q, spf)) is not None), None)
    return (found[0] + start, found[1] + start) if found else None


def _widen_pipe(fd: int) -> None:
    """Let the mix run ahead of the encoder: with the default 64 KB pipe, ffmpeg would wait
    for every block to be rendered. Linux allows 1 MB without privileges."""
    with contextlib.suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
