"""The voice: speech engines, clip conditioning, the phrase cache and the store that uses them."""
