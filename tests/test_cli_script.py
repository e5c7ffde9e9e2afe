"""The CLI for the script's own options and outputs: --guidance, captions, the 12-hour limit."""

import json

from test_cli import assert_one_line_error, run


def test_guidance_changes_how_much_is_said_and_a_wrong_one_is_one_line():
    lengths = {}
    for guidance in ("brief", "standard", "full"):
        result = run(
            "plan", "healthy-back", "--guidance", guidance, "--format", "json", "--estimate"
        )
        assert result.exit_code == 0, result.output
        lengths[guidance] = json.loads(result.output)["duration_s"]
    assert lengths["brief"] < lengths["standard"] < lengths["full"]
    assert_one_line_error(
        run("plan", "bridge", "--guidance", "ful", "--estimate"), 2, "--guidance", "full"
    )


def test_short_daily_captions_are_valid_webvtt():
    result = run("plan", "short-daily", "--format", "vtt", "--estimate")
    assert result.exit_code == 0
    header, first, *_ = result.output.split("\n\n")
    assert header == "WEBVTT" and first.startswith("NOTE Short daily")


def test_a_session_past_twelve_hours_is_refused_in_one_line():
    result = run("plan", "healthy-back", "--reps", "40", "--sets", "10", "--estimate")
    assert_one_line_error(result, 2, "more than 12 hours", "--reps")
