"""wav2vec2_espeak.py end to end on transformers' own Wav2Vec2ForCTC, built from the published
config of facebook/wav2vec2-xlsr-53-espeak-cv-ft with random weights (tools/export/random_snapshot.py):
export (fp32 and fp16) -> manifest -> the engine's self-check against transformers' own pipeline
-> the engine batching three recordings vs each alone -> `assess` on a real recording. And the
checks can fail: a wrong frontend setting fails the self-check, a graph that ignores the padding
fails the batch check. Needs the exporters' venv (tools/export/setup-venv.sh)."""
import copy
import os
import unittest

from tools.export.tests.real_models import EXAMPLE, RandomModelExport, engine_cli, read_manifest


class Wav2Vec2RealModel(RandomModelExport, unittest.TestCase):
    tmp_prefix = 'w2v-real-'
    exporter, snapshot_kind, reduced = 'wav2vec2_espeak.py', 'wav2vec2', ('--layers', '2')

    def test_manifest_records_both_self_checks(self):
        m = read_manifest(self.bundle)
        self.assertEqual(m['model_fp16'], 'model_fp16.onnx')
        self.assert_self_checks_recorded(m, 'transformers')
        self.assertEqual(m['vocabulary']['blank_id'], 0)
        self.assertEqual(m['vocabulary']['non_phone_tokens'], ['|'])

    def test_self_check_fails_with_a_wrong_frontend(self):
        import torch
        from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC

        from tools.export import selfcheck
        from tools.export.audio import load_audio
        from tools.export.wav2vec2_espeak import reference_log_probs
        # transformers normalises per utterance; the engine then would not.
        wrong = self.copy_of_bundle('wrong-frontend', lambda m: m['frontend'].update(normalize=False))
        model = Wav2Vec2ForCTC.from_pretrained(self.snapshot).eval()
        extractor = Wav2Vec2FeatureExtractor.from_pretrained(self.snapshot)
        samples = load_audio(EXAMPLE)
        result = selfcheck.run(wrong, samples, reference_log_probs(model, extractor, samples, torch.float32),
                               audio='example', reference='transformers', tolerance=5e-3)
        self.assert_check_fails(result, 5e-3)
        status, _, stderr = engine_cli('logprobs', EXAMPLE, '--model', wrong, '--f32', os.path.join(self.tmp, 'x.f32'))
        self.assertNotEqual(status, 0)
        self.assertIn('self-check failed', stderr)

    def test_batch_check_fails_when_the_graph_ignores_padding(self):
        import torch
        from transformers import Wav2Vec2ForCTC

        from tools.export import selfcheck
        from tools.export.audio import load_audio
        from tools.export.wav2vec2_espeak import export_onnx
        unmasked = self.copy_of_bundle('unmasked')
        model = Wav2Vec2ForCTC.from_pretrained(self.snapshot).eval()
        export_onnx(copy.deepcopy(model), False, torch.float32, os.path.join(unmasked, 'model.onnx'))
        result = selfcheck.run_batch(unmasked, load_audio(EXAMPLE))
        self.assert_check_fails(result, 1e-2)


if __name__ == '__main__':
    unittest.main()
