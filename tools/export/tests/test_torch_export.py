"""The generic torch -> ONNX export + self-check core, with a small torch model. Needs torch and
torchaudio; skipped (with the reason) where they are absent, as in CI."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
from tools.export.engine import ROOT, EngineRunError, engine_log_probs

try:
    import torch  # noqa: F401
    import torchaudio  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False

EXAMPLE = os.path.join(ROOT, 'examples', '001040067.flac')


@unittest.skipUnless(HAVE_TORCH, 'torch/torchaudio not installed')
class TorchExportTest(unittest.TestCase):
    def run_exporter(self, out, *extra):
        return subprocess.run([sys.executable, os.path.join(HERE, 'tiny_exporter.py'), '--out', out,
                               '--check-audio', EXAMPLE, *extra], capture_output=True, text=True)

    def test_export_and_check_pass_on_a_recording(self):
        out = tempfile.mkdtemp()
        res = self.run_exporter(out)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn('SELF-CHECK fp32 PASSED', res.stdout)
        with open(os.path.join(out, 'manifest.json')) as f:
            check = json.load(f)['self_check']
        self.assertTrue(check['passed'])
        self.assertLess(check['max_abs_diff'], 1e-3)
        self.assertEqual(check['audio'], '001040067.flac')
        self.assertEqual(engine_log_probs(out, EXAMPLE).shape[1], 6)

    def test_a_wrong_frontend_fails_exits_non_zero_and_is_refused(self):
        out = tempfile.mkdtemp()
        res = self.run_exporter(out, '--perturb-frontend')
        self.assertEqual(res.returncode, 1, res.stdout + res.stderr)
        self.assertIn('SELF-CHECK fp32 FAILED', res.stdout)
        with open(os.path.join(out, 'manifest.json')) as f:
            check = json.load(f)['self_check']
        self.assertFalse(check['passed'])
        self.assertGreater(check['max_abs_diff'], check['tolerance'])
        with self.assertRaisesRegex(EngineRunError, 'self-check failed'):
            engine_log_probs(out, EXAMPLE)


if __name__ == '__main__':
    unittest.main()
