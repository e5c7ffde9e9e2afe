import pytest

from coach.errors import OptionError
from coach.options import Guidance, Options, parse_pace, parse_reps


@pytest.mark.parametrize(
    ("text", "value"), [("slow", 0.75), ("normal", 1.0), ("FAST", 1.25), ("0.5", 0.5)]
)
def test_pace_names_and_factors(text, value):
    assert parse_pace(text) == value


@pytest.mark.parametrize("text", ["7", "0.1", "brisk", ""])
def test_pace_out_of_range_or_unknown_names_the_allowed_range(text):
    with pytest.raises(OptionError, match=r"0\.5 to 2"):
        parse_pace(text)


def test_reps_overall_and_per_exercise():
    assert parse_reps(["8", "bridge=5", "pelvic-tilt=3"]) == (8, {"bridge": 5, "pelvic-tilt": 3})


@pytest.mark.parametrize("value", ["many", "bridge=", "=4"])
def test_reps_malformed(value):
    with pytest.raises(OptionError, match="--reps"):
        parse_reps([value])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reps": 0}, r"--reps 0 is out of range: allowed 1 to 100"),
        ({"reps": 10000}, r"--reps 10000 is out of range: allowed 1 to 100"),
        ({"reps_for": {"bridge": 0}}, r"--reps bridge=0 is out of range"),
        ({"sets": 11}, r"--sets 11 is out of range: allowed 1 to 10"),
        ({"hold": 0.5}, r"--hold 0.5 is out of range: allowed 1 to 120 seconds"),
        ({"rest": -1.0}, r"--rest -1 is out of range: allowed 0 to 600 seconds"),
        ({"pace": 7.0}, r"--pace 7 is out of range: allowed 0.5 to 2"),
        ({"only": ("bridge",), "skip": ("bridge",)}, r"both --only and --skip"),
    ],
)
def test_out_of_range_options_are_refused_with_the_allowed_range(kwargs, message):
    with pytest.raises(OptionError, match=message):
        Options(**kwargs)


def test_options_are_frozen_even_when_given_a_dict():
    per = {"bridge": 4}
    options = Options(reps_for=per)
    per["bridge"] = 9
    assert options.reps_for["bridge"] == 4
    with pytest.raises(TypeError):
        options.reps_for["bridge"] = 1  # type: ignore[index]


def test_guidance_from_strings_defaults_to_standard_and_suggests_on_a_typo():
    assert Options.from_strings().guidance is Guidance.STANDARD
    assert Options.from_strings(guidance=" Brief ").guidance is Guidance.BRIEF
    with pytest.raises(OptionError, match=r"--guidance 'ful'.*did you mean 'full'"):
        Options.from_strings(guidance="ful")


@pytest.mark.parametrize("rest", ["0.4", "0.99"])
def test_a_rest_under_a_second_is_refused_but_none_is_fine(rest):
    with pytest.raises(OptionError, match="give 0 for no rest"):
        Options.from_strings(rest=rest)
    assert Options.from_strings(rest="0").rest == 0
