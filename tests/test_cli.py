"""The CLI through typer's CliRunner: output, exit codes, and one-line errors without tracebacks."""

import json
import re

import pytest
from conftest import needs_audio_tools
from typer.testing import CliRunner

from coach.audio.loudness import loudness, true_peak
from coach.audio.wav import RATE, read_wav
from coach.cli import app
from coach.errors import AudioDeviceError, ExitCode

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="coach")


def assert_one_line_error(result, code: int, *fragments: str):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("coach: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


COMMANDS = ("demo", "list", "show", "plan", "export", "play", "doctor", "voices", "validate")
GROUPS = ("cache", "config")


def test_help_shows_examples_for_the_app_and_every_command():
    assert "Example: coach plan" in run("--help").output
    for command in (*COMMANDS, *GROUPS, "cache clear", "config set", "config unset"):
        result = run(*command.split(), "--help")
        assert result.exit_code == 0, command
        assert "Examples:" in result.output, command
        assert f"\n    coach {command.split()[0]}" in result.output, command


def test_help_reads_like_a_manual_not_like_internals():
    top = run("--help").output
    listed = top[top.index("Commands:") :]
    assert "..." not in listed  # no description cut short
    for command in (*COMMANDS, *GROUPS):
        assert f"  {command} " in listed
    for command in (*COMMANDS, *GROUPS):
        text = run(command, "--help").output
        assert "{" not in text and "<" not in text, (command, text)
    plan = run("plan", "--help").output
    assert "Usage: coach plan [OPTIONS] TARGET..." in plan
    assert "--reps N|ID=N" in plan and "--hold SECONDS" in plan and "1 to 120" in plan
    assert "default: normal" in plan and "[default: text]" in plan
    assert "Usage: coach show [OPTIONS] ID [FILE]..." in run("show", "--help").output


def test_bare_coach_shows_the_help_and_exits_0():
    for args in ((), ("cache",), ("--traceback",)):
        result = run(*args)
        assert result.exit_code == 0, args
        assert "Usage:" in result.output and "Commands:" in result.output


def test_version():
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith(f"coach {version('coach')} (Python 3.")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ("plan", "healthy-back", "--levle", "a"),
            (
                "coach plan has no option --levle",
                "did you mean '--level'?",
                "see 'coach plan --help'",
            ),
        ),
        (
            ("export", "healthy-back"),
            ("coach export needs --output/-o", "for example: coach export healthy-back -o"),
        ),
        (("plna",), ("no such command 'plna'", "did you mean", "see 'coach --help'")),
        (("plan",), ("coach plan needs TARGET...", "for example: coach plan")),
        (("show",), ("coach show needs ID", "for example: coach show knee-to-chest")),
        (
            ("plan", "healthy-back", "--sets", "many"),
            ("--sets: give a whole number", "see 'coach plan --help'"),
        ),
        (("plan", "healthy-back", "--hold", "long"), ("--hold: give a number",)),
        (("plan", "healthy-back", "--reps"), ("--reps needs a value",)),
        (
            ("cache", "clear", "extra"),
            ("unexpected extra argument", "see 'coach cache clear --help'"),
        ),
        (("--bogus",), ("coach has no option --bogus",)),
        (("plan", "healthy-back", "--level", "expert"), ("--level 'expert' is not a level",)),
    ],
)
def test_usage_errors_are_one_line_with_a_hint_and_exit_code_2(args, fragments):
    assert_one_line_error(run(*args), ExitCode.BAD_INPUT, *fragments)


def test_usage_errors_from_the_installed_command_too():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "coach", "export", "healthy-back"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("coach: error: coach export needs --output/-o; for example: ")
    assert out.stderr.count("\n") == 1


def test_words_agree_with_numbers():
    from coach.cli.words import count, length

    assert [count(n, "routine") for n in (0, 1, 2)] == ["0 routines", "1 routine", "2 routines"]
    assert count(1, "cached clip") == "1 cached clip" and count(3, "match") == "3 matches"
    assert count(2, "entry") == "2 entries" and count(2, "day") == "2 days"
    assert [length(ms) for ms in (45_000, 442_000, 600_000, 3_900_000)] == [
        "0:45",
        "7:22",
        "10:00",
        "1:05:00",
    ]


def test_list_shows_routines_and_exercises_with_lengths():
    result = run("list")
    assert result.exit_code == 0
    assert "healthy-back" in result.output and "middle-back-rolling" in result.output
    assert "Routines:" in result.output and "Exercises:" in result.output


def test_show_an_exercise_and_a_routine():
    result = run("show", "knee-to-chest")
    assert result.exit_code == 0
    assert "One rep, shown for the right side:" in result.output
    assert "hold 10 seconds, counted aloud" in result.output
    assert "Bring your right knee up" in result.output and "{side}" not in result.output
    assert "1. pelvic-tilt" in run("show", "healthy-back").output


def test_plan_low_back_daily_slow_with_five_reps_per_counted_exercise():
    slow = run(
        "plan", "low-back-daily", "--pace", "slow", "--reps", "5", "--format", "json", "--estimate"
    )
    normal = run("plan", "low-back-daily", "--reps", "5", "--format", "json", "--estimate")
    assert slow.exit_code == 0 and normal.exit_code == 0
    data = json.loads(slow.output)
    reps = [e for e in data["events"] if e["type"] == "section" and e["kind"] == "rep"]
    per_exercise = {}
    for rep in reps:
        per_exercise.setdefault(rep["exercise"], []).append(rep["text"])
    assert set(per_exercise) == {
        "bottom-to-heels",
        "knee-rolls",
        "back-extensions",
        "deep-abdominal",
        "pelvic-tilts-rocking",
    }
    assert all(titles == [f"Rep {n} of 5" for n in range(1, 6)] for titles in per_exercise.values())
    # Knee rolls switch sides with every rep: five rolls are right, left, right, left, right.
    spoken = [e["text"] for e in data["events"] if e["type"] == "speech"]
    rolls = [t for t in spoken if t.startswith(("Knees to the", "Roll both knees over to the"))]
    assert [("right" if "right" in t else "left") for t in rolls] == ["right", "left"] * 2 + [
        "right"
    ]
    assert data["duration_s"] > json.loads(normal.output)["duration_s"]


def test_plan_text_and_vtt():
    text = run("plan", "bridge", "--reps", "2", "--estimate")
    assert text.exit_code == 0
    assert text.output.splitlines()[0].startswith("Your session: ")
    assert "Last rep." in text.output
    vtt = run("plan", "bridge", "-f", "vtt", "--estimate")
    assert vtt.output.startswith("WEBVTT")


def test_plan_adhoc_ids_and_options():
    result = run(
        "plan",
        "pelvic-tilt",
        "bridge",
        "--reps",
        "bridge=2",
        "--reps",
        "1",
        "--level",
        "beginner",
        "--hold",
        "2",
        "--rest",
        "0",
        "--estimate",
    )
    assert result.exit_code == 0, result.output
    assert "== Bridge" in result.output and "== Pelvic tilt" in result.output


def test_plan_from_a_file(write):
    path = write(
        "exercises:\n  - id: neck-nod\n    name: Neck nod\n    purpose: Loosen the neck.\n    setup: Sit tall.\n"
        "    reps: 2\n    phases:\n      - cue: Nod slowly.\n"
    )
    result = run("plan", str(path), "--estimate")
    assert result.exit_code == 0, result.output
    assert "Nod slowly." in result.output


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("plan", "healthy-back", "--reps", "0"), ("--reps 0 is out of range: allowed 1 to 100",)),
        (("plan", "healthy-back", "--reps", "10000"), ("--reps 10000", "allowed 1 to 100")),
        (("plan", "healthy-back", "--pace", "7"), ("--pace 7 is out of range: allowed 0.5 to 2",)),
        (("plan", "healthy-back", "--pace", "brisk"), ("slow, normal, fast",)),
        (("plan", "healthy-back", "--sets", "0"), ("--sets 0",)),
        (
            ("plan", "healthy-bak"),
            ("'healthy-bak' is not a routine", "did you mean 'healthy-back'"),
        ),
        (("plan", "brige"), ("did you mean 'bridge'",)),
        (("plan", "healthy-back", "--only", "brige"), ("did you mean 'bridge'",)),
        (("plan", "nothing-here.yaml"), ("nothing-here.yaml: no such file",)),
        (("show", "pelvic-tlt"), ("did you mean 'pelvic-tilt'",)),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(args, fragments):
    assert_one_line_error(run(*args), ExitCode.BAD_INPUT, *fragments)


def test_validate_names_file_and_line(write):
    good = write(
        "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n      - cue: Go.\n",
        "good.yaml",
    )
    result = run("validate", str(good))
    assert result.exit_code == 0 and "ok (1 exercise, 0 routines)" in result.output
    bad = write(
        "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n      - cue: Go.\n        breth: in\n",
        "bad.yaml",
    )
    assert_one_line_error(
        run("validate", str(bad)),
        ExitCode.BAD_INPUT,
        f"{bad}:8: unknown key 'breth' in a phase (did you mean 'breath'?)",
    )


def test_traceback_flag_shows_the_traceback():
    result = run("--traceback", "plan", "nope-nothing")
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "UnknownIdError"


def test_unexpected_errors_are_one_line_too(monkeypatch):
    import coach.session

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(coach.session, "plan", broken)
    result = run("plan", "bridge", "--estimate")
    assert result.exit_code == ExitCode.FAILURE
    assert (
        "internal error: RuntimeError: boom" in result.output and "Traceback" not in result.output
    )


def test_python_dash_m_coach_works():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "coach", "plan", "bridge", "--reps", "1", "--estimate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Bridge" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "coach", "plan", "bridge", "--reps", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        bad.returncode == 2
        and bad.stderr.startswith("coach: error: --reps 0")
        and "Traceback" not in bad.stderr
    )


def test_plan_and_show_take_an_id_and_a_file_alike():
    example = "examples/my-routine.yaml"
    plan = run("plan", "my-morning", example, "--estimate")
    assert plan.exit_code == 0, plan.output
    assert plan.output.startswith("My morning: ")
    assert run("plan", example, "--estimate").output == plan.output
    show = run("show", "my-morning", example)
    assert show.exit_code == 0 and "1. knee-hug" in show.output


def test_a_file_replacing_a_builtin_says_so_in_one_line(write):
    mine = write(
        "exercises:\n  - id: bridge\n    name: My bridge\n    purpose: P\n    setup: S\n"
        "    phases:\n      - cue: Lift.\n"
    )
    result = run("plan", "bridge", str(mine), "--estimate")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("coach: note: ")]
    assert notes == [
        f"coach: note: {mine}:2: your exercise 'bridge' replaces the built-in one "
        "(give it another id to keep both)"
    ]
    assert "== My bridge" in result.output
    assert (
        "coach: note:"
        not in run("plan", "my-morning", "examples/my-routine.yaml", "--estimate").output
    )


class NoSoundCard:
    """An audio sink on a machine without a sound card: opening it fails as ALSA's would."""

    def play(self, pcm, rate):
        raise AudioDeviceError("no audio output device (fake)")


@needs_audio_tools
def test_demo_without_a_sound_card_says_where_the_file_is_and_exits_0(tmp_path):
    out = tmp_path / "demo.mp3"
    result = runner.invoke(
        app, ["demo", "-o", str(out)], prog_name="coach", obj={"audio_sink": NoSoundCard()}
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and out.with_suffix(".vtt").is_file()
    lines = result.output.splitlines()
    assert lines[:2] == [str(out), str(out.with_suffix(".vtt"))]
    assert re.fullmatch(r"\d+:\d\d of audio, normalised for phones", lines[2])
    assert lines[3].startswith(
        f"No sound card here, so nothing was played. Your session is ready in {out} ("
    )
    assert f"ffplay -nodisp -autoexit {out}" in lines[3]
    assert lines[4].startswith("Next: 'coach list' shows every routine")
    assert "error" not in result.output


@needs_audio_tools
def test_export_summary_is_plain_and_verbose_figures_are_the_files_own(tmp_path):
    out = tmp_path / "tilt.wav"
    plain = run("export", "pelvic-tilt", "--reps", "1", "-o", str(out))
    assert plain.exit_code == 0, plain.output
    assert "LUFS" not in plain.output and "normalised for phones" in plain.output
    verbose = run("export", "pelvic-tilt", "--reps", "1", "-o", str(out), "--verbose")
    figures = re.search(r"(-?\d+\.\d) LUFS integrated, true peak (-?\d+\.\d) dBTP", verbose.output)
    assert figures is not None, verbose.output
    # A WAV file holds exactly the samples: its figures are what the loudness meter says.
    samples = read_wav(out)
    assert float(figures.group(1)) == pytest.approx(loudness(samples, RATE), abs=0.06)
    assert float(figures.group(2)) == pytest.approx(true_peak(samples), abs=0.06)
    assert -17.5 < float(figures.group(1)) < -14.5


def test_shell_completion_completes_commands_and_options():
    import os
    import subprocess
    import sys

    def complete(words: str) -> list[str]:
        env = dict(os.environ, _COACH_COMPLETE="complete_bash", COMP_WORDS=words)
        env["COMP_CWORD"] = str(len(words.split()) - 1)
        done = subprocess.run(
            [sys.executable, "-m", "coach"], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    assert complete("coach pl") == ["plan", "play"]
    assert complete("coach plan healthy-back --pa") == ["--pace"]
