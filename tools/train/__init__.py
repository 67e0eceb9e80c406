"""Training and exporting the bundled model (README.md)."""
