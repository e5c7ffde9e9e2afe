"""coach: a voice-guided audio coach for back and spine exercises."""

__version__ = "0.1.0"
