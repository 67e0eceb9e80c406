"""What the real-library exporter tests share (test_real_*.py; run by test/export-real.test.ts
with the exporters' venv, tools/export/setup-venv.sh): running a script of tools/export, the
engine's CLI, and the size of the models.

The models are the published architectures built by their own libraries with random weights
(tools/export/random_snapshot.py). By default at a reduced depth (wav2vec2: 2 of 24 transformer
layers; POWSM-CTC: 3 of 18 encoder blocks; the same classes, widths, vocabularies and code paths),
so the tests take minutes; EXPORT_REAL_FULL=1 runs the published depth.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(EXPORT))

from tools.export.engine import cli_command

FULL = os.environ.get('EXPORT_REAL_FULL') == '1'
EXAMPLE = os.path.join(ROOT, 'examples', '001040067.flac')
EXAMPLE_TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ'


def run_script(name, *args, check=True):
    """python tools/export/NAME ARGS with this interpreter; returns the CompletedProcess (stdout +
    stderr in .stdout). Raises AssertionError with the output when check and the exit status is not 0."""
    res = subprocess.run([sys.executable, os.path.join(EXPORT, name), *args], cwd=ROOT, capture_output=True,
                         text=True)
    res.stdout = res.stdout + res.stderr
    if check and res.returncode != 0:
        raise AssertionError(f'{name} {" ".join(args)} exited {res.returncode}:\n{res.stdout[-6000:]}')
    return res


def engine_cli(*args):
    """The engine's CLI (lib/cli.ts); (exit status, parsed last stdout line or None, stderr)."""
    res = subprocess.run(cli_command() + list(args), cwd=ROOT, capture_output=True, text=True)
    lines = res.stdout.strip().splitlines()
    try:
        parsed = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        parsed = None
    return res.returncode, parsed, res.stderr


def read_manifest(bundle_dir):
    with open(os.path.join(bundle_dir, 'manifest.json'), encoding='utf-8') as f:
        return json.load(f)


def checks(output):
    """The exporter's printed check lines, e.g. {'SELF-CHECK fp32': 'PASSED', ...}."""
    found = {}
    for line in output.splitlines():
        for kind in ('SELF-CHECK', 'BATCH-CHECK'):
            if line.startswith(kind + ' '):
                parts = line.split()
                found[f'{parts[0]} {parts[1]}'] = parts[2].rstrip(':')
    return found
