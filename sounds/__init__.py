"""The cue sounds, made by scripts/make_sounds.py; shipped in the wheel as coach.sounds."""
