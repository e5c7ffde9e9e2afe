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
