"""Benchmark: export speed and memory against ffmpeg alone and a naive baseline.

Not a test: run it by hand (`make bench`) and put the table in the README. Each measured run is
a separate process, so its wall time and peak memory (max RSS, from wait4) are its own:

- cold:   `coach export` of a 30+ minute session with an empty phrase cache
- warm, new session: every phrase cached, the session's loudness not yet measured (best of 5)
- warm:   the same export again: phrases and the session's loudness analysis cached (best of 5)
- ffmpeg: ffmpeg alone encoding the same PCM with the same settings (best of 5). LAME is
  single-threaded, so this is one core's work; the export encodes an MP3 of a minute or more
  as two halves at once (coach/output/encode.py), so the row after it times the same: two
  ffmpegs, each on half of the PCM, started together (best of 5)
- naive:  pyttsx3 for every spoken line, pydub `+=` to join them, one export
- 2-hour: a warm export of a two-hour session, for memory that must not grow with length
- engines: for each speech engine side by side (``--engines``), a cold export with its own
  empty cache, a warm export (best of 5), and ffmpeg alone on that engine's PCM (best of 5)
- first sound: for each engine, `coach play` of the same session, from launching the process
  to the first non-zero sample reaching the sound card: cold (its own empty cache) and warm
  (the export's cache, best of 3). The sound card is ALSA's file plugin appending to a file
  (polled every 5 ms); the player is stopped there, not left to play the session out.

Targets: warm <= 1.3 x ffmpeg; warm >= 5 x faster than naive; 2-hour peak memory <= 200 MB;
first sound <= 1 s warm, <= 3 s cold.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.options import Options

SESSION = ["healthy-back", "--sets", "2"]  # about 35 minutes
LONG = ["healthy-back", "--sets", "7"]  # about two hours
PYTHON = sys.executable
# Runs of each warm export and of ffmpeg alone, the fastest kept: on this shared 2-core machine
# the same command varies by 10 to 30%, and three runs still let one slow run through.
RUNS = 5


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one process (and the largest of its children)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        detail = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed: {' '.join(command)}: {detail}")
    return wall, usage.ru_maxrss / 1024


def best_of(
    runs: int,
    command: list[str],
    env: dict[str, str] | None = None,
    before: Callable[[], object] = lambda: None,
) -> tuple[float, float]:
    """The fastest of several runs: on a shared machine the minimum is the least noisy figure."""
    results = []
    for _ in range(runs):
        before()
        results.append(measure(command, env))
    return min(r[0] for r in results), max(r[1] for r in results)


def probe_minutes(path: Path) -> float:
    command = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]
    return (
        float(
            subprocess.run([*command, str(path)], capture_output=True, text=True, check=True).stdout
        )
        / 60
    )


def coach(*args: str) -> list[str]:
    return [PYTHON, "-m", "coach", *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive baseline")
    parser.add_argument("--skip-long", action="store_true", help="leave out the two-hour session")
    parser.add_argument(
        "--engines",
        default="pyttsx3,piper,festival",
        help="speech engines to compare side by side (comma-separated; empty: none)",
    )
    parser.add_argument(
        "--engines-only", action="store_true", help="only the side-by-side engine table"
    )
    args = parser.parse_args()
    if args.engines_only:
        return engine_table([e for e in args.engines.split(",") if e])
    work = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    env = {**os.environ, "COACH_CACHE_DIR": str(work / "cache")}
    rows: dict[str, tuple[float, float]] = {}

    out = work / "session.mp3"
    rows["cold export"] = measure(coach("export", *SESSION, "-o", str(out)), env)
    export = coach("export", *SESSION, "-o", str(out))
    forget_levels = functools.partial(shutil.rmtree, work / "cache" / "levels", ignore_errors=True)
    rows["warm export, new session"] = best_of(RUNS, export, env, before=forget_levels)
    rows["warm export"] = best_of(RUNS, export, env)
    rows["ffmpeg alone"] = ffmpeg_alone(work, SESSION, env)
    rows["ffmpeg alone, two halves at once"] = ffmpeg_halves(work)
    if not args.skip_naive:
        naive = [PYTHON, __file__, "_naive", str(work / "naive.mp3"), *SESSION]
        rows["naive baseline"] = measure(naive, env)
    long_minutes = 0.0
    if not args.skip_long:
        long_out = work / "long.mp3"
        measure(coach("export", *LONG, "-o", str(long_out)), env)  # fill the cache for it
        rows["2-hour warm export"] = measure(coach("export", *LONG, "-o", str(long_out)), env)
        long_minutes = probe_minutes(long_out)

    print(f"session: coach export {' '.join(SESSION)}: {probe_minutes(out):.1f} minutes of audio")
    if long_minutes:
        print(f"long session: coach export {' '.join(LONG)}: {long_minutes:.1f} minutes")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print("| run | wall time | peak memory |")
    print("|---|---:|---:|")
    for name, (wall, rss) in rows.items():
        print(f"| {name} | {wall:.1f} s | {rss:.0f} MB |")
    warm, ffmpeg_time = rows["warm export"][0], rows["ffmpeg alone"][0]
    print(f"\nwarm export / ffmpeg alone: {warm / ffmpeg_time:.2f} (target <= 1.3)")
    halves = rows["ffmpeg alone, two halves at once"][0]
    print(f"warm export / two ffmpegs on the halves: {warm / halves:.2f}")
    new = rows["warm export, new session"][0]
    print(f"warm export of a new session / ffmpeg alone: {new / ffmpeg_time:.2f}")
    if "naive baseline" in rows:
        print(f"naive baseline / warm export: {rows['naive baseline'][0] / warm:.1f} (target >= 5)")
    if "2-hour warm export" in rows:
        print(f"2-hour peak memory: {rows['2-hour warm export'][1]:.0f} MB (target <= 200)")
    print()
    return engine_table([e for e in args.engines.split(",") if e])


def ffmpeg_alone(work: Path, argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """ffmpeg alone: the export's own encoding command, on the session's PCM read from a file."""
    from coach.output.encode import AudioFormat, encode_command

    raw, meta = work / "session.raw", work / "session.ffmeta"
    subprocess.run([PYTHON, __file__, "_render", str(raw), *argv], env=env, check=True)
    command = encode_command("ffmpeg", str(raw), meta, work / "alone.mp3", AudioFormat.MP3)
    return best_of(RUNS, command)


def ffmpeg_halves(work: Path) -> tuple[float, float]:
    """Two ffmpegs at once, each encoding half of the PCM ``ffmpeg_alone`` wrote."""
    import shlex

    from coach.output.encode import AudioFormat, encode_command

    # Copied by the kernel: the bench process must stay small, because a child forked from it
    # starts with the parent's resident size as its own peak (ru_maxrss).
    raw = work / "session.raw"
    total = raw.stat().st_size
    middle = total // 4 * 2  # a whole sample
    with raw.open("rb") as source:
        for name, begin, stop in (("first.raw", 0, middle), ("second.raw", middle, total)):
            with (work / name).open("wb") as target:
                at = begin
                while at < stop:
                    at += os.copy_file_range(source.fileno(), target.fileno(), stop - at, at)
    meta = work / "session.ffmeta"
    first = encode_command("ffmpeg", str(work / "first.raw"), meta, work / "a.mp3", AudioFormat.MP3)
    second = encode_command(
        "ffmpeg", str(work / "second.raw"), None, work / "b.mp3", AudioFormat.MP3
    )
    return best_of(RUNS, ["sh", "-c", f"{shlex.join(first)} & {shlex.join(second)}; wait"])


def engine_table(engines: list[str]) -> int:
    """Cold and warm export of the same session with each engine, and ffmpeg alone on its PCM."""
    if not engines:
        return 0
    print(f"engines: coach export {' '.join(SESSION)} --engine E, each with its own cache;")
    print(f"first sound: coach play {' '.join(SESSION)} --engine E, cold and warm\n")
    print(
        "| engine | minutes | cold export | warm export | ffmpeg alone | warm / ffmpeg "
        "| first sound, cold | first sound, warm |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine in engines:
        work = Path(tempfile.mkdtemp(prefix=f"coach-bench-{engine}-"))
        env = {**os.environ, "COACH_CACHE_DIR": str(work / "cache")}
        # Its own cache: a play stopped at its first sound leaves part of the phrases cached,
        # which would make the cold export below partly warm.
        cold_play = first_sound(engine, {**env, "COACH_CACHE_DIR": str(work / "play-cache")})
        out = work / "session.mp3"
        export = coach("export", *SESSION, "--engine", engine, "-o", str(out))
        cold = measure(export, env)[0]
        warm = best_of(RUNS, export, env)[0]
        alone = ffmpeg_alone(work, [*SESSION, "--engine", engine], env)
        warm_play = min(first_sound(engine, env) for _ in range(3))
        print(
            f"| {engine} | {probe_minutes(out):.1f} | {cold:.1f} s | {warm:.1f} s "
            f"| {alone[0]:.1f} s | {warm / alone[0]:.2f} | {cold_play:.2f} s | {warm_play:.2f} s |",
            flush=True,
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0


def first_sound(engine: str, env: dict[str, str], timeout: float = 1800) -> float:
    """Seconds from launching `coach play` until the sound card gets its first non-zero sample.

    The default ALSA device is the file plugin, appending whatever is played to a file; a
    16-bit sample is non-zero exactly when one of its bytes is, so any non-zero byte is sound.
    """
    with tempfile.TemporaryDirectory(prefix="coach-play-") as folder:
        capture, conf, log = (
            Path(folder) / "capture.raw",
            Path(folder) / "asound.conf",
            Path(folder) / "log",
        )
        capture.touch()
        conf.write_text(
            f'pcm.!default {{ type file; slave.pcm "null"; file "|cat >> {capture}"; '
            'format "raw" }\n',
            encoding="utf-8",
        )
        child = {**env, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}
        command = coach("play", *SESSION, "--engine", engine, "--quiet")
        with capture.open("rb") as sound, log.open("wb") as errors:
            start = time.perf_counter()
            # Its own process group: the `cat` ALSA starts is stopped with it.
            process = subprocess.Popen(
                command, env=child, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=errors, start_new_session=True,
            )  # fmt: skip
            ended = None  # when the player exited: what it played may still be on its way
            try:
                while time.perf_counter() - start < timeout:
                    if sound.read().strip(b"\0"):
                        return time.perf_counter() - start
                    if ended is None and process.poll() is not None:
                        ended = time.perf_counter()
                    if ended is not None and time.perf_counter() - ended > 1:
                        break
                    time.sleep(0.005)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        detail = log.read_text(errors="replace").strip()
        raise SystemExit(f"no sound from {' '.join(command)}: {detail[-500:] or 'timed out'}")


def _session_args(argv: list[str]) -> tuple[list[str], Options]:
    from coach.options import Options

    engine = argv[argv.index("--engine") + 1] if "--engine" in argv else None
    targets = [a for a in argv if not a.startswith("--") and not a.isdigit() and a != engine]
    sets = argv[argv.index("--sets") + 1] if "--sets" in argv else None
    return targets, Options.from_strings(sets=sets)


def _render(out: str, argv: list[str]) -> None:
    """Write the warm session's PCM, exactly as export hands it to ffmpeg."""
    from coach import session
    from coach.audio.mixer import Mix
    from coach.output.tags import ffmetadata

    targets, options = _session_args(argv)
    engine = argv[argv.index("--engine") + 1] if "--engine" in argv else "pyttsx3"
    voice = session.voice(engine)
    timeline = session.voiced_timeline(targets, options, voice)
    mix = Mix(timeline, voice)
    gain = mix.measure().gain
    with Path(out).open("wb") as handle:
        for chunk in mix.pcm16(gain):
            handle.write(chunk)
    # The tags and chapters the export writes with it, for the same encoding command.
    meta = ffmetadata(timeline, timeline.title, timeline.title, 1, 1, timeline.chapters())
    Path(out).with_suffix(".ffmeta").write_text(meta, encoding="utf-8")


def _naive(out: str, argv: list[str]) -> None:
    """What one might write first: a fresh pyttsx3 file per spoken line, joined with pydub."""
    import contextlib
    import io

    import pyttsx3
    from pydub import AudioSegment

    from coach import session
    from coach.script.timeline import Speech

    targets, options = _session_args(argv)
    timeline = session.plan(targets, options)
    engine = pyttsx3.init()
    engine.setProperty("rate", 150)
    audio = AudioSegment.silent(duration=0, frame_rate=22050)
    with tempfile.TemporaryDirectory() as folder:
        for index, event in enumerate(e for e in timeline.events if isinstance(e, Speech)):
            path = f"{folder}/{index}.wav"
            engine.save_to_file(event.text, path)
            with contextlib.redirect_stdout(io.StringIO()):
                engine.runAndWait()
            if event.start_ms > len(audio):
                audio += AudioSegment.silent(duration=event.start_ms - len(audio), frame_rate=22050)
            audio += AudioSegment.from_wav(path)
    audio.export(out, format="mp3", parameters=["-q:a", "6"])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_render":
        _render(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 2 and sys.argv[1] == "_naive":
        _naive(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(main())
