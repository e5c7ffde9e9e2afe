"""Output: a session rendered to audio files with tags and chapters."""
