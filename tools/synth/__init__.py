"""Synthetic speech with espeak-ng: training data and the held-out evaluation set (README.md)."""
