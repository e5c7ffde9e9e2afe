"""The CLI through typer's CliRunner: output, exit codes, and one-line errors without tracebacks."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.errors import ExitCode

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def assert_one_line_error(result, code: int, *fragments: str):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("coach: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_shows_an_example_for_the_app_and_every_command():
    assert "Example: coach plan" in run("--help").output
    for command in ("list", "show", "plan", "validate", "export", "voices", "cache"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example: coach " in result.output, command


def test_list_shows_routines_and_exercises_with_lengths():
    result = run("list")
    assert result.exit_code == 0
    assert "healthy-back" in result.output and "middle-back-rolling" in result.output
    assert "Routines:" in result.output and "Exercises:" in result.output


def test_show_an_exercise_and_a_routine():
    result = run("show", "knee-to-chest")
    assert result.exit_code == 0
    assert "One rep:" in result.output and "hold 10 seconds, counted aloud" in result.output
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
    assert result.exit_code == 0 and "ok (1 exercises, 0 routines)" in result.output
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
