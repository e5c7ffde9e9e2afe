# The two commands the README starts with: `make demo` and `make test`.
.PHONY: setup demo test lint golden sounds bench

setup:
	@bash scripts/setup.sh

# Export the short daily session to an MP3, then play it aloud (exit code 4: no sound card here,
# which the one-line message explains; the MP3 is made either way).
demo: setup
	.venv/bin/coach export short-daily -o short-daily.mp3 --cues --engine piper
	.venv/bin/coach play short-daily --engine piper || test $$? -eq 4

lint: setup
	.venv/bin/ruff check coach tests scripts
	.venv/bin/ruff format --check coach tests scripts
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest

golden: setup
	.venv/bin/python scripts/make_golden.py

sounds: setup
	.venv/bin/python scripts/make_sounds.py

bench: setup
	.venv/bin/python scripts/bench.py
