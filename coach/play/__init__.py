"""Live play: the player and its terminal (keys and display)."""
