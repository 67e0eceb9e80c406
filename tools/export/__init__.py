"""Exporters: production CTC models to engine bundles, each checked through the engine (README.md)."""
