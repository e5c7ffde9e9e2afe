"""Audio: WAV I/O, loudness, and the mixer that turns a timeline into samples."""
