# The README's first two commands: `sh scripts/setup.sh && .venv/bin/coach demo`, then `make test`.
.PHONY: setup setup-dev demo test lint golden sounds bench fresh-roots

# What coach needs to run (the demo, play, export, every engine).
setup:
	@sh scripts/setup.sh

# That, plus what the tests and linters need.
setup-dev:
	@sh scripts/setup.sh --dev

# Export the short daily session to short-daily.mp3 and play it if there is a sound card.
demo: setup
	@.venv/bin/coach demo

lint: setup-dev
	.venv/bin/ruff check coach tests scripts
	.venv/bin/ruff format --check coach tests scripts
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest

golden: setup-dev
	.venv/bin/python scripts/make_golden.py

sounds: setup-dev
	.venv/bin/python scripts/make_sounds.py

bench: setup-dev
	.venv/bin/python scripts/bench.py

# The README's first commands on minimal Debian 13 and 12 made from nothing (root; minutes).
fresh-roots:
	sh scripts/fresh-root.sh trixie
	sh scripts/fresh-root.sh bookworm
