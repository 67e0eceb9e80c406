"""What the real-library exporter tests share (test_real_*.py; run by test/export-real.test.ts
with the exporters' venv, tools/export/setup-venv.sh): running a script of tools/export, the
engine's CLI, the size of the models, and the test classes' common ground: RealExport (a
snapshot exported into a bundle once per class, the assertions) and RandomModelExport (a
random-weight published architecture, and the tests every such exporter passes).

The models are the published architectures built by their own libraries with random weights
(tools/export/random_snapshot.py). By default at a reduced depth (wav2vec2: 2 of 24 transformer
layers; POWSM-CTC: 3 of 18 encoder blocks; the same classes, widths, vocabularies and code paths),
so the tests take minutes; EXPORT_REAL_FULL=1 runs the published depth.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(EXPORT))

from tools.export.bundle import read_manifest, write_manifest  # noqa: F401 (read_manifest: for the tests)
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


def checks(output):
    """The exporter's printed check lines, e.g. {'SELF-CHECK fp32': 'PASSED', ...}."""
    found = {}
    for line in output.splitlines():
        for kind in ('SELF-CHECK', 'BATCH-CHECK'):
            if line.startswith(kind + ' '):
                parts = line.split()
                found[f'{parts[0]} {parts[1]}'] = parts[2].rstrip(':')
    return found


class RealExport:
    """Mixin for a unittest.TestCase (listed first): once per class, make_snapshot(cls.snapshot)
    writes the model repository and `exporter` (a tools/export script, with exporter_args) exports
    it into cls.bundle, its run in cls.export; all in a temporary folder cls.tmp, removed after."""
    tmp_prefix = 'real-'
    exporter = None
    exporter_args = ()

    @classmethod
    def make_snapshot(cls, out):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.tmp_prefix)
        cls.snapshot = os.path.join(cls.tmp, 'snapshot')
        cls.bundle = os.path.join(cls.tmp, 'bundle')
        cls.make_snapshot(cls.snapshot)
        cls.export = run_script(cls.exporter, '--from', cls.snapshot, '--out', cls.bundle, *cls.exporter_args, check=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def assert_exported(self, expected_checks):
        """The exporter exited 0 and printed exactly these check lines (the last of each kind)."""
        self.assertEqual(self.export.returncode, 0, self.export.stdout[-6000:])
        self.assertEqual(checks(self.export.stdout), expected_checks)

    def assert_self_checks_recorded(self, manifest, reference):
        """The manifest records passed fp32 and fp16 self-checks against `reference` (a substring)."""
        for key, tolerance in (('self_check', 5e-3), ('self_check_fp16', 5e-2)):
            check = manifest[key]
            self.assertTrue(check['passed'], check)
            self.assertLessEqual(check['max_abs_diff'], tolerance)
            self.assertIn(reference, check['reference'])
            print(f'{key}: max abs diff {check["max_abs_diff"]:.3e} (tolerance {check["tolerance"]:g})')

    def copy_of_bundle(self, name, edit_manifest=None):
        """A copy of the bundle in tmp/name, its manifest changed by edit_manifest(manifest) if given."""
        copy = os.path.join(self.tmp, name)
        shutil.copytree(self.bundle, copy)
        if edit_manifest:
            manifest = read_manifest(copy)
            edit_manifest(manifest)
            write_manifest(copy, manifest)
        return copy

    def assert_check_fails(self, result, tolerance):
        """A self- or batch-check result that failed, by more than tolerance."""
        self.assertFalse(result['passed'])
        self.assertGreater(result['max_abs_diff'], tolerance)


class RandomModelExport(RealExport):
    """RealExport of a published architecture with random weights (random_snapshot.py
    snapshot_kind, with the options `reduced` unless EXPORT_REAL_FULL=1), exported with --fp16;
    with the tests every such exporter must pass."""
    exporter_args = ('--fp16',)
    snapshot_kind = None
    reduced = ()

    @classmethod
    def make_snapshot(cls, out):
        run_script('random_snapshot.py', cls.snapshot_kind, '--out', out, *([] if FULL else cls.reduced))

    def test_export_passes_every_check(self):
        self.assert_exported({'SELF-CHECK fp32': 'PASSED', 'BATCH-CHECK fp32': 'PASSED',
                              'SELF-CHECK fp16': 'PASSED', 'BATCH-CHECK fp16': 'PASSED'})

    def test_assess_on_a_real_recording_fp32_and_fp16(self):
        for precision in ('fp32', 'fp16'):
            status, result, stderr = engine_cli('assess', EXAMPLE, '--model', self.bundle, '--target', EXAMPLE_TARGET,
                                                '--precision', precision)
            self.assertEqual(status, 0, stderr)
            for field in ('target_ipa', 'actual_ipa', 'score', 'errors'):
                self.assertIn(field, result)
            self.assertTrue(0 <= result['score'] <= 1)
