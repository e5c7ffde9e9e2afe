"""The script: definitions and options compiled into a timeline, and its cue sheets."""
