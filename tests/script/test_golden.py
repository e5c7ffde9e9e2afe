"""Golden cue sheets: `make golden` (scripts/make_golden.py) regenerates them after an intended change."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import make_golden  # noqa: E402

RENDERED = make_golden.render()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_cue_sheet_matches_golden(name):
    golden = ROOT / "tests" / "golden" / name
    assert golden.exists(), f"missing {golden}; run `make golden`"
    assert RENDERED[name] == golden.read_text(encoding="utf-8"), (
        f"{name} changed; run `make golden` and review the diff"
    )


def test_every_builtin_routine_has_a_golden_file():
    names = {p.name for p in (ROOT / "tests" / "golden").iterdir()}
    assert names == set(RENDERED)
