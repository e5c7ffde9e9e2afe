"""`coach doctor` on a machine without a sound card, and without ffmpeg: what to do, exactly."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import needs_audio_tools

from coach.doctor import Check, check_cache, check_engine, exit_code, run_checks
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
    # Debian 12 has espeak-ng 1.51, Debian 13 1.52: the version is whatever is installed.
    assert re.search(
        r"ok      voice pyttsx3   pyttsx3-2\.99/espeak-[\d.]+/sync-fork: 3 of 3 alike", out
    )
    assert "ok      ffmpeg" in out and "ok      phrase cache" in out
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
    assert "MISSING ffmpeg          not installed" in result.stdout
    assert "absent  voice festival  festival is not installed" in result.stdout
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


def test_every_check_is_printed_even_when_one_breaks(tmp_path):
    def broken() -> Check:
        raise RuntimeError("the check itself fell over")

    def fine() -> Check:
        return Check("fine", True, "all good")

    checks = run_checks(tmp_path / "cache", checks=[broken, fine])
    assert [c.name for c in checks] == ["broken", "fine", "phrase cache"]
    assert not checks[0].ok and "RuntimeError: the check itself fell over" in checks[0].detail
    assert exit_code(checks) == ExitCode.FAILURE


def test_an_optional_engine_that_is_missing_does_not_fail_doctor():
    checks = [Check("voice piper", False, "absent", "pip install", optional=True)]
    assert exit_code(checks) == ExitCode.OK


def test_a_missing_engine_check_gives_its_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    optional = check_engine("festival", required=False)
    required = check_engine("festival", required=True)
    assert optional.optional and not required.optional and not required.ok
    assert required.fix == "sudo apt-get install festival festvox-us-slt-hts"
    assert exit_code([required]) == ExitCode.MISSING_DEPENDENCY
