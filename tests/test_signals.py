"""SIGINT, SIGTERM and SIGHUP at any moment of a real export: one line, the shell's exit code,
nothing left beside the target or in TMPDIR, the old file byte for byte, no process left over.

Each run is a real ``python -m coach`` in its own process group, signalled as a terminal does
(the whole group), at a moment chosen by what the run has done, not by a clock: right at the
start, while the workers synthesize, and while ffmpeg encodes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import needs_audio_tools

from coach.errors import Interrupted
from coach.signals import deferred, install, report, stopped

pytestmark = needs_audio_tools

OLD = b"the user's old file, kept byte for byte"
# Few phrases (quick to synthesize) but long audio (several seconds to encode).
EXPORT = ["pelvic-tilt", "--reps", "10", "--sets", "3", "--pace", "0.5"]


def run_and_signal(
    tmp_path: Path, cache: Path, signum: int, when: Callable[[Path, Path, int], bool]
) -> tuple[int, str]:
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    (out / "keep.mp3").write_bytes(OLD)
    env = {**os.environ, "COACH_CACHE_DIR": str(cache), "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "export", *EXPORT, "-o", str(out / "keep.mp3")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while (
        not when(out, cache, process.pid) and process.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.005)
    assert process.poll() is None, "the export ended before the moment to signal it"
    os.killpg(process.pid, signum)
    _, err = process.communicate(timeout=60)
    time.sleep(0.2)
    left = subprocess.run(
        ["ps", "-o", "stat=,args=", "-g", str(process.pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert [line for line in left if not line.lstrip().startswith("Z")] == []
    assert (out / "keep.mp3").read_bytes() == OLD
    assert sorted(p.name for p in out.iterdir()) == ["keep.mp3"]
    assert list(temp.iterdir()) == []
    return process.returncode, err.decode()


def started(_out: Path, _cache: Path, pid: int) -> bool:
    """coach's first line has run: SIGTERM is caught (Python alone leaves it to the kernel)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(
        next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16
    )
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def synthesizing(_out: Path, cache: Path, _pid: int) -> bool:
    return any(cache.rglob("*.wav"))


def encoding(out: Path, _cache: Path, _pid: int) -> bool:
    return any(p.name.endswith(".part") for p in out.iterdir())


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("warm-cache")
    env = {**os.environ, "COACH_CACHE_DIR": str(cache)}
    subprocess.run(
        [sys.executable, "-m", "coach", "plan", *EXPORT], env=env, check=True, capture_output=True
    )
    return cache


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_at_start_up(tmp_path, warm_cache, signum):
    code, err = run_and_signal(tmp_path, warm_cache, signum, started)
    assert code == 128 + signum, err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_the_workers_synthesize(tmp_path, signum):
    code, err = run_and_signal(tmp_path, tmp_path / "cold-cache", signum, synthesizing)
    assert code == 128 + signum, err
    assert err == report(signum) + "\n"


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_ffmpeg_encodes(tmp_path, warm_cache, signum):
    code, err = run_and_signal(tmp_path, warm_cache, signum, encoding)
    assert code == 128 + signum, err
    assert err == report(signum) + "\n"


def test_handlers_raise_interrupted_with_the_shell_code_and_defer_in_critical_sections():
    saved = {s: signal.getsignal(s) for s in SIGNALS}
    try:
        install()
        with pytest.raises(Interrupted) as caught:
            with deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                held = True  # reached: the signal waited for the section to end
            pytest.fail("the deferred signal was lost")
        assert held and caught.value.exit_code == 143 and stopped() == signal.SIGTERM
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # clean-up runs undisturbed
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def test_the_private_tmpdir_holds_every_temporary_file_and_goes_at_the_end(tmp_path, monkeypatch):
    import tempfile

    from coach.signals import private_tmpdir

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with private_tmpdir() as folder:
        assert folder.parent == tmp_path and os.environ["TMPDIR"] == str(folder)
        made = Path(tempfile.mkdtemp())
        child = subprocess.run(
            [sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert made.parent == folder and child.stdout.strip() == str(folder)
    assert list(tmp_path.iterdir()) == [] and os.environ["TMPDIR"] == str(tmp_path)


def leftover(session_id: int) -> list[str]:
    """Processes still alive in a session (zombies are only waiting for init to reap them)."""
    lines = subprocess.run(
        ["ps", "-o", "stat=,args=", "-s", str(session_id)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return [line for line in lines if not line.lstrip().startswith("Z")]


def test_workers_end_with_a_main_process_killed_outright(tmp_path):
    """SIGKILL reaches no handler: the workers must notice on their own that their parent died."""
    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "export", *EXPORT, "-o", str(tmp_path / "x.mp3")],
        env={**os.environ, "COACH_CACHE_DIR": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not synthesizing(tmp_path, cache, process.pid) and time.monotonic() < deadline:
        assert process.poll() is None
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)  # the main process only, not its group
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while leftover(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover(process.pid) == []


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_play_waits_for_the_voice(tmp_path, signum):
    """Live play of a cold session: the voice works in a background thread and its workers."""
    conf = tmp_path / "asound.conf"
    conf.write_text(
        'pcm.!default { type file; slave.pcm "null"; file "/dev/null"; format "raw" }\n'
    )
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}",
        "COACH_CACHE_DIR": str(cache),
        "TMPDIR": str(temp),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "play", "healthy-back", "--sets", "2", "--quiet"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not synthesizing(tmp_path, cache, process.pid) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.005)
    os.killpg(process.pid, signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, err
    assert err.decode() == report(signum) + "\n"
    deadline = time.monotonic() + 10
    while leftover(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover(process.pid) == []
    assert list(temp.iterdir()) == []
