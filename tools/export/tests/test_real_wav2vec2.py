"""wav2vec2_espeak.py end to end on transformers' own Wav2Vec2ForCTC, built from the published
config of facebook/wav2vec2-xlsr-53-espeak-cv-ft with random weights (tools/export/random_snapshot.py):
export (fp32 and fp16) -> manifest -> the engine's self-check against transformers' own pipeline
-> the engine batching three recordings vs each alone -> `assess` on a real recording. And the
checks can fail: a wrong frontend setting fails the self-check, a graph that ignores the padding
fails the batch check. Needs the exporters' venv (tools/export/setup-venv.sh)."""
import copy
import json
import os
import shutil
import tempfile
import unittest

from tools.export.tests.real_models import EXAMPLE, EXAMPLE_TARGET, FULL, checks, engine_cli, read_manifest, run_script


class Wav2Vec2RealModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='w2v-real-')
        cls.snapshot = os.path.join(cls.tmp, 'snapshot')
        cls.bundle = os.path.join(cls.tmp, 'bundle')
        run_script('random_snapshot.py', 'wav2vec2', '--out', cls.snapshot, *([] if FULL else ['--layers', '2']))
        cls.export = run_script('wav2vec2_espeak.py', '--from', cls.snapshot, '--out', cls.bundle, '--fp16', check=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_export_passes_every_check(self):
        self.assertEqual(self.export.returncode, 0, self.export.stdout[-6000:])
        self.assertEqual(checks(self.export.stdout), {
            'SELF-CHECK fp32': 'PASSED', 'BATCH-CHECK fp32': 'PASSED',
            'SELF-CHECK fp16': 'PASSED', 'BATCH-CHECK fp16': 'PASSED'})

    def test_manifest_records_both_self_checks(self):
        m = read_manifest(self.bundle)
        self.assertEqual(m['model_fp16'], 'model_fp16.onnx')
        for key, tolerance in (('self_check', 5e-3), ('self_check_fp16', 5e-2)):
            check = m[key]
            self.assertTrue(check['passed'], check)
            self.assertLessEqual(check['max_abs_diff'], tolerance)
            self.assertIn('transformers', check['reference'])
            print(f'{key}: max abs diff {check["max_abs_diff"]:.3e} (tolerance {check["tolerance"]:g})')
        self.assertEqual(m['vocabulary']['blank_id'], 0)
        self.assertEqual(m['vocabulary']['non_phone_tokens'], ['|'])

    def test_assess_on_a_real_recording_fp32_and_fp16(self):
        for precision in ('fp32', 'fp16'):
            status, result, stderr = engine_cli('assess', EXAMPLE, '--model', self.bundle, '--target', EXAMPLE_TARGET,
                                                '--precision', precision)
            self.assertEqual(status, 0, stderr)
            for field in ('target_ipa', 'actual_ipa', 'score', 'errors'):
                self.assertIn(field, result)
            self.assertTrue(0 <= result['score'] <= 1)

    def test_self_check_fails_with_a_wrong_frontend(self):
        import torch
        from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC

        from tools.export import selfcheck
        from tools.export.audio import load_audio
        from tools.export.wav2vec2_espeak import reference_log_probs
        wrong = os.path.join(self.tmp, 'wrong-frontend')
        shutil.copytree(self.bundle, wrong)
        m = read_manifest(wrong)
        m['frontend']['normalize'] = False  # transformers normalises per utterance; the engine then would not
        with open(os.path.join(wrong, 'manifest.json'), 'w', encoding='utf-8') as f:
            json.dump(m, f)
        model = Wav2Vec2ForCTC.from_pretrained(self.snapshot).eval()
        extractor = Wav2Vec2FeatureExtractor.from_pretrained(self.snapshot)
        samples = load_audio(EXAMPLE)
        result = selfcheck.run(wrong, samples, reference_log_probs(model, extractor, samples, torch.float32),
                               audio='example', reference='transformers', tolerance=5e-3)
        self.assertFalse(result['passed'])
        self.assertGreater(result['max_abs_diff'], 5e-3)
        status, _, stderr = engine_cli('logprobs', EXAMPLE, '--model', wrong, '--f32', os.path.join(self.tmp, 'x.f32'))
        self.assertNotEqual(status, 0)
        self.assertIn('self-check failed', stderr)

    def test_batch_check_fails_when_the_graph_ignores_padding(self):
        import torch
        from transformers import Wav2Vec2ForCTC

        from tools.export import selfcheck
        from tools.export.audio import load_audio
        from tools.export.wav2vec2_espeak import export_onnx
        unmasked = os.path.join(self.tmp, 'unmasked')
        shutil.copytree(self.bundle, unmasked)
        model = Wav2Vec2ForCTC.from_pretrained(self.snapshot).eval()
        export_onnx(copy.deepcopy(model), False, torch.float32, os.path.join(unmasked, 'model.onnx'))
        result = selfcheck.run_batch(unmasked, load_audio(EXAMPLE))
        self.assertFalse(result['passed'])
        self.assertGreater(result['max_abs_diff'], 1e-2)


if __name__ == '__main__':
    unittest.main()
