"""`coach doctor` on a machine without a sound card, and without ffmpeg: what to do, exactly."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import needs_audio_tools

from coach.doctor import Check, check_cache, exit_code
from coach.errors import ExitCode


def doctor(tmp_path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "asound.conf"
    conf.write_text("pcm.!default { type hw; card 97 }\nctl.!default { type hw; card 97 }\n")
    env = {**os.environ, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}
    env["COACH_CACHE_DIR"] = str(tmp_path / "cache")
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "coach", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@needs_audio_tools
def test_without_a_sound_card(tmp_path):
    result = doctor(tmp_path)
    assert result.returncode == ExitCode.NO_AUDIO_DEVICE, result.stdout + result.stderr
    out = result.stdout
    assert "ok      voice" in out and "ok      ffmpeg" in out and "ok      phrase cache" in out
    assert "MISSING audio output" in out
    assert (
        "fix: connect speakers or headphones (aplay -l lists sound cards); until then 'coach export'"
        in out
    )
    assert "ALSA lib" not in result.stderr and "Traceback" not in result.stderr


@needs_audio_tools
def test_without_ffmpeg(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = doctor(tmp_path, path=str(empty))
    assert result.returncode == ExitCode.MISSING_DEPENDENCY
    assert "MISSING ffmpeg        not installed" in result.stdout
    assert "fix: sudo apt-get install ffmpeg" in result.stdout


def test_an_unwritable_cache_says_how_to_move_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    check = check_cache(blocker / "cache")
    assert not check.ok and "--cache-dir" in check.fix


def test_exit_code_prefers_missing_software():
    checks = [
        Check("a", False, "", "", ExitCode.NO_AUDIO_DEVICE),
        Check("b", False, "", "", ExitCode.MISSING_DEPENDENCY),
    ]
    assert exit_code(checks) == ExitCode.MISSING_DEPENDENCY
    assert exit_code([Check("a", True, "")]) == ExitCode.OK
