# The two commands the README starts with: `make demo` and `make test`.
.PHONY: setup demo test lint golden sounds bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/coach plan short-daily

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
