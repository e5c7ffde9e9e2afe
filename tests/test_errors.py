import pickle

import pytest

from coach.errors import CoachError, DefinitionError, ExitCode, MissingDependencyError, OptionError


@pytest.mark.parametrize(
    "error",
    [
        DefinitionError("a.yaml", 3, "bad"),
        MissingDependencyError("no ffmpeg", "install it"),
        OptionError("--reps 0 is out of range"),
    ],
)
def test_errors_survive_the_trip_back_from_a_worker_process(error: CoachError):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error) and back.exit_code == error.exit_code


def test_exit_codes_are_distinct():
    # An enum member with a repeated value is an alias: listed in __members__, skipped when
    # iterating. Comparing the two catches one, whatever @enum.unique says.
    assert list(ExitCode.__members__) == [code.name for code in ExitCode]


def test_messages_escape_control_bidi_and_separator_characters():
    from coach.errors import escape

    raw = "a\x1b]0;title\x07b\u202ec\nd\u2028e\x85f\tg"
    shown = escape(raw)
    assert shown.isprintable()
    assert shown == "a\\x1b]0;title\\x07b\\u202ec\\nd\\u2028e\\x85f\\tg"
    assert escape("plain text, é, 😀") == "plain text, é, 😀"
    error = OptionError(f"bad {raw}", hint="fix\x1b[2J it")
    assert str(error).isprintable() and "\n" not in str(error)


def test_quoted_user_text_is_shortened():
    from coach.errors import QUOTE_LIMIT, quote

    assert quote("short") == "'short'"
    long = quote("word " * 1500)
    assert len(long) == QUOTE_LIMIT + 2 and long.endswith("…'")


@pytest.mark.parametrize(("signum", "code"), [(2, 130), (15, 143), (1, 129)])
def test_an_interruption_carries_the_shells_exit_code(signum, code):
    from coach.errors import Interrupted

    stop = Interrupted(signum)
    assert isinstance(stop, KeyboardInterrupt) and stop.exit_code == code
    assert code in {int(c) for c in ExitCode}
