"""Development tools, not part of the product: tools.synth (synthetic speech), tools.train (the
bundled model), tools.export (bundles of production models), tools.fixtures (test fixtures).
Run a script from anywhere as a file (python3 tools/train/train.py) or from the repository root
as a module (python3 -m tools.train.train)."""
