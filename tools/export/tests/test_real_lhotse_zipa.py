"""ZIPA's side with the real libraries: lhotse's Fbank (ZIPA's feature pipeline) against the
engine's kaldi_fbank frontend on real recordings, through zipa_ctc.py end to end.

ZIPA itself (icefall's Zipformer, trained weights and ONNX files on the hub) is out of reach here:
icefall is not on PyPI and the hub cannot be reached. So the ONNX here is a stand-in with ZIPA's
graph signature (x [B,T,80], x_lens [B] -> log_probs, log_probs_len) that passes the features
through unchanged: the engine's "log-probs" are then its fbank features, and zipa_ctc.py's
self-check (lhotse Fbank + onnxruntime vs the engine) is exactly the fbank parity, with the
installed lhotse choosing the pre-emphasis scope and log floor. The same bundle then compares
lhotse and the engine on more speechocean762 recordings. Needs the exporters' venv."""
import os
import unittest

import numpy as np

from tools.export.tests.real_models import EXAMPLE, RealExport, read_manifest

TOLERANCE = 5e-3  # zipa_ctc.py's default self-check tolerance
RECORDINGS = 12


def passthrough_snapshot(out, dim=80):
    """A ZIPA-shaped repository: model.onnx (x -> log_probs unchanged, x_lens -> log_probs_len)
    and a "token id" tokens.txt of dim entries with <blk> = 0."""
    import onnx
    from onnx import TensorProto, helper
    os.makedirs(out, exist_ok=True)
    graph = helper.make_graph(
        [helper.make_node('Identity', ['x'], ['log_probs']), helper.make_node('Identity', ['x_lens'], ['log_probs_len'])],
        'zipa_signature_passthrough',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 'T', dim]),
         helper.make_tensor_value_info('x_lens', TensorProto.INT64, ['N'])],
        [helper.make_tensor_value_info('log_probs', TensorProto.FLOAT, ['N', 'T', dim]),
         helper.make_tensor_value_info('log_probs_len', TensorProto.INT64, ['N'])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, 'model.onnx'))
    phones = 'a b d e f h i j k l m n o p s t u v w z ə ɪ ʊ ɛ æ ɑ ɔ ʃ ʒ θ ð ŋ ɹ ɡ'.split()
    tokens = ['<blk>'] + phones + [f'<unused_{k}>' for k in range(dim - 1 - len(phones))]
    with open(os.path.join(out, 'tokens.txt'), 'w', encoding='utf-8') as f:
        f.write(''.join(f'{t} {i}\n' for i, t in enumerate(tokens)))


class LhotseFbankParity(RealExport, unittest.TestCase):
    tmp_prefix = 'zipa-real-'
    exporter = 'zipa_ctc.py'

    @classmethod
    def make_snapshot(cls, out):
        passthrough_snapshot(out)

    def test_zipa_exporter_passes_its_self_check_with_lhotse(self):
        self.assert_exported({'SELF-CHECK fp32': 'PASSED'})  # the last of the frontends it tried
        m = read_manifest(self.bundle)
        self.assertTrue(m['self_check']['passed'])
        self.assertIn('lhotse', m['self_check']['reference'])
        print(f'zipa_ctc.py self-check: max abs diff {m["self_check"]["max_abs_diff"]:.3e}; frontend chosen: pre-emphasis '
              f'{m["frontend"]["preemphasis_scope"]}, log floor {m["frontend"]["log_floor"]:g}')

    def test_lhotse_fbank_matches_the_engine_on_real_recordings(self):
        from lhotse import Fbank, FbankConfig

        from tools.export.audio import load_audio, write_wav_f32
        from tools.export.engine import engine_log_probs
        from tools.export.random_snapshot import speechocean_dir
        audio = os.path.join(speechocean_dir(), 'audio')
        files = sorted(os.listdir(audio))
        picked = [os.path.join(audio, files[i * len(files) // RECORDINGS]) for i in range(RECORDINGS)]
        extractor = Fbank(FbankConfig(num_filters=80, dither=0.0, snip_edges=False))
        worst = 0.0
        for path in [EXAMPLE] + picked:
            samples = load_audio(path)
            lhotse_feats = np.asarray(extractor.extract(samples, 16000), dtype=np.float64)
            wav = os.path.join(self.tmp, 'x.wav')
            write_wav_f32(wav, samples)
            engine_feats = engine_log_probs(self.bundle, wav).astype(np.float64)
            self.assertEqual(engine_feats.shape, lhotse_feats.shape, path)
            diff = float(np.abs(engine_feats - lhotse_feats).max())
            worst = max(worst, diff)
            self.assertLessEqual(diff, TOLERANCE, path)
        print(f'lhotse Fbank vs the engine\'s kaldi_fbank on {1 + len(picked)} real recordings: max abs diff {worst:.3e}')

    def test_the_other_preemphasis_scope_misses(self):
        """The parity test can fail: the engine with the pre-emphasis scope lhotse does not use."""
        from tools.export.audio import load_audio, write_wav_f32
        from tools.export.engine import engine_log_probs
        from lhotse import Fbank, FbankConfig

        def other_scope(m):
            m['frontend']['preemphasis_scope'] = 'frame' if m['frontend']['preemphasis_scope'] == 'signal' else 'signal'
            m.pop('self_check')
        wrong = self.copy_of_bundle('other-scope', other_scope)
        samples = load_audio(EXAMPLE)
        wav = os.path.join(self.tmp, 'y.wav')
        write_wav_f32(wav, samples)
        lhotse_feats = np.asarray(Fbank(FbankConfig(num_filters=80, dither=0.0, snip_edges=False)).extract(samples, 16000))
        self.assertGreater(float(np.abs(engine_log_probs(wrong, wav) - lhotse_feats).max()), 100 * TOLERANCE)


if __name__ == '__main__':
    unittest.main()
