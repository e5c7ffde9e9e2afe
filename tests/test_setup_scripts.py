"""The README's first commands, CI and the set-up scripts agree, and the scripts are plain sh."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def first_commands() -> list[str]:
    """The README block that scripts/fresh-root.sh runs, comments dropped, as it reads it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- first-commands", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [re.sub(r"\s+#.*$", "", line) for line in block.splitlines() if line.strip()]


def test_the_readme_starts_with_set_up_and_demo_then_the_tests():
    assert first_commands() == ["sh scripts/setup.sh && .venv/bin/coach demo", "make test"]


def test_ci_runs_exactly_the_readmes_test_command():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run[-1] == first_commands()[1]


def test_make_test_sets_up_with_the_dev_extras_first():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "test: lint" in makefile and "lint: setup-dev" in makefile
    assert "setup-dev:\n\t@sh scripts/setup.sh --dev" in makefile


@pytest.mark.parametrize("script", ["scripts/setup.sh", "scripts/fresh-root.sh", ".ci/run"])
def test_scripts_are_posix_sh(script):
    text = (ROOT / script).read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    # Arrays, [[ ]] and (( )) are bash: a minimal machine's sh (dash) does not have them ($(( ))
    # arithmetic is POSIX).
    assert not re.search(r"\[\[|(?<!\$)\(\(|\w+=\(", text), script
    shell = shutil.which("dash") or shutil.which("sh")
    assert shell is not None
    checked = subprocess.run(
        [shell, "-n", str(ROOT / script)], check=False, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def test_setup_lists_each_need_once_in_one_place():
    text = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    lists = dict(re.findall(r'^(APT_\w+|EXTRAS_\w+)="([^"]*)"$', text, re.MULTILINE))
    assert set(lists) == {"APT_BUILD", "APT_RUN", "APT_DEV", "EXTRAS_RUN", "EXTRAS_DEV"}
    packages = " ".join(lists[k] for k in ("APT_BUILD", "APT_RUN", "APT_DEV")).split()
    assert len(packages) == len(set(packages))
    for need in ("python3-venv", "python3-dev", "gcc", "make", "espeak-ng", "ffmpeg", "festival"):
        assert need in packages
    assert "piper" in lists["EXTRAS_RUN"] and "dev" in lists["EXTRAS_DEV"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for extra in lists["EXTRAS_DEV"].split(","):
        assert re.search(rf"^{extra} = \[", pyproject, re.MULTILINE), extra
