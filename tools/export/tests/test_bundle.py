"""Vocabulary conversion, manifest writing, and the engine loading each kind of bundle and the
self-check (pass, fail, refusal) with tiny real ONNX models. No torch needed (CI runs these)."""
import json
import os
import tempfile
import unittest

import numpy as np

from tools.export import bundle, powsm_ctc, selfcheck, vocab, wav2vec2_espeak, zipa_ctc
from tools.export.audio import load_audio, write_wav_f32
from tools.export.engine import EngineRunError, engine_log_probs
from tools.export.tests import tiny

W2V_VOCAB = {'<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 3, '|': 4, 'h': 5, 'ə': 6, 'l': 7, 'oʊ': 8, 'ɛ': 9}
POWSM_TOKENS = ['<blank>', '<unk>', '<na>', '<eng>', '<unk_lang>', '<pr>', '<asr>', '/h/', '/ə/', '/l/', '/oʊ/',
                '▁the', '<sos>', '<eos>', '<sop>']
ZIPA_TOKENS = ['<blk>', '<sos/eos>', '<unk>', 'a', 'b', 'ʃ', 'ː', 'ʰ']


def write(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


class VocabTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def test_hf_vocab_in_id_order(self):
        shuffled = dict(sorted(W2V_VOCAB.items(), key=lambda kv: -kv[1]))
        write(os.path.join(self.tmp, 'vocab.json'), json.dumps(shuffled, ensure_ascii=False))
        self.assertEqual(vocab.hf_vocab(os.path.join(self.tmp, 'vocab.json')), list(W2V_VOCAB))

    def test_hf_vocab_with_a_gap_is_refused(self):
        write(os.path.join(self.tmp, 'vocab.json'), json.dumps({'<pad>': 0, 'a': 2}))
        with self.assertRaisesRegex(vocab.VocabError, 'not exactly 0..1'):
            vocab.hf_vocab(os.path.join(self.tmp, 'vocab.json'))

    def test_whitespace_token_is_refused(self):
        with self.assertRaisesRegex(vocab.VocabError, 'whitespace'):
            vocab.check_tokens(['<pad>', 'a b'])

    def test_zipa_id_token_file(self):
        lines = [f'{t} {i}' for i, t in enumerate(ZIPA_TOKENS)]
        write(os.path.join(self.tmp, 'tokens.txt'), '\n'.join(reversed(lines)) + '\n')
        tokens = vocab.id_token_file(os.path.join(self.tmp, 'tokens.txt'))
        self.assertEqual(tokens, ZIPA_TOKENS)
        self.assertEqual(vocab.blank_id(tokens, ['<blk>']), 0)
        self.assertEqual(vocab.phone_count(tokens, 0), 5)

    def test_espnet_token_list_from_file_and_slash_phones(self):
        write(os.path.join(self.tmp, 'tokens.txt'), '\n'.join(POWSM_TOKENS) + '\n')
        tokens = vocab.espnet_token_list(os.path.join(self.tmp, 'tokens.txt'))
        self.assertEqual(tokens, POWSM_TOKENS)
        self.assertEqual(vocab.phone_count(tokens, 0, 'slash'), 4)

    def test_wav2vec2_tokens_padded_to_the_model_output(self):
        write(os.path.join(self.tmp, 'vocab.json'), json.dumps(W2V_VOCAB, ensure_ascii=False))
        tokens = wav2vec2_espeak.tokens_from_snapshot(self.tmp, 12)
        self.assertEqual(tokens[-2:], ['<unused_10>', '<unused_11>'])
        with self.assertRaises(vocab.VocabError):
            wav2vec2_espeak.tokens_from_snapshot(self.tmp, 5)

    def test_global_mvn_from_espnet_stats(self):
        x = np.random.default_rng(0).standard_normal((50, 4)) * [1, 2, 3, 0] + [5, -1, 0, 2]
        path = os.path.join(self.tmp, 'feats_stats.npz')
        np.savez(path, count=np.array(50), sum=x.sum(0), sum_square=(x * x).sum(0))
        mvn = bundle.global_mvn_from_stats(path)
        np.testing.assert_allclose(mvn['mean'], x.mean(0), atol=1e-12)
        np.testing.assert_allclose(mvn['std'][:3], x.std(0)[:3], rtol=1e-9)
        self.assertAlmostEqual(mvn['std'][3], 1e-10, delta=1e-9)  # sqrt(max(var, 1e-20)) for a constant bin

    def test_espnet_frontend_conf(self):
        fe = powsm_ctc.frontend_from_conf('default', {'n_fft': 512, 'win_length': 400, 'hop_length': 160}, 'mvn.json')
        self.assertEqual((fe['win_length'], fe['hop_length'], fe['n_mels'], fe['fmin'], fe['fmax']), (400, 160, 80, 0, 8000))
        with self.assertRaisesRegex(ValueError, 'Slaney'):
            powsm_ctc.frontend_from_conf('default', {'htk': True}, None)
        with self.assertRaisesRegex(ValueError, 'DefaultFrontend'):
            powsm_ctc.frontend_from_conf('s3prl', {}, None)

    def test_powsm_tasks(self):
        fe = powsm_ctc.frontend_from_conf('default', {}, None)
        plain = powsm_ctc.build_manifest(name='p', description='d', tokens=POWSM_TOKENS, frontend=fe, lang='<unk>')
        self.assertEqual(plain['tasks'], {'phone_recognition': {'prefix': ['<unk>', '<pr>'], 'text_prompt': None}})
        with self.assertRaisesRegex(vocab.VocabError, "'<g2p>'"):
            powsm_ctc.build_manifest(name='p', description='d', tokens=POWSM_TOKENS, frontend=fe, g2p=True)
        g2p = powsm_ctc.build_manifest(name='p', description='d', tokens=POWSM_TOKENS + ['<g2p>'], frontend=fe, g2p=True)
        task = g2p['tasks']['g2p']
        self.assertEqual(task['prefix'], ['{language}', '<g2p>'])
        self.assertEqual(task['languages'], {'en': '<eng>', '*': '<unk>'})
        self.assertEqual(task['text_prompt']['tokenizer'], {'type': 'sentencepiece', 'model': 'bpe.model'})

    def test_powsm_bpe_model_lookup(self):
        snap = tempfile.mkdtemp()
        default = os.path.join(snap, powsm_ctc.BPE_MODEL_DEFAULT)
        os.makedirs(os.path.dirname(default))
        open(default, 'wb').close()
        self.assertIsNone(powsm_ctc.find_bpe_model(tempfile.mkdtemp(), None, None))
        self.assertEqual(powsm_ctc.find_bpe_model(snap, None, None), default)
        self.assertEqual(powsm_ctc.find_bpe_model(snap, None, 'missing/bpe.model'), default)
        own = os.path.join(snap, 'own.model')
        open(own, 'wb').close()
        self.assertEqual(powsm_ctc.find_bpe_model(snap, None, 'own.model'), own)
        self.assertEqual(powsm_ctc.find_bpe_model(snap, own, None), own)
        with self.assertRaises(SystemExit):
            powsm_ctc.find_bpe_model(snap, 'nope.model', None)


def bundle_of(kind, out, perturb=0.0):
    """(manifest, tokens, numpy forward or None) of a tiny bundle of each exporter's kind, written to out."""
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, 'model.onnx')
    forward = None
    if kind == 'wav2vec2':
        tokens = list(W2V_VOCAB)
        forward = tiny.waveform_model(onnx_path, len(tokens), perturb=perturb)
        data = wav2vec2_espeak.build_manifest(name='tiny-w2v', description='tiny', tokens=tokens, pad_token_id=0)
    elif kind == 'powsm':
        tokens = POWSM_TOKENS
        tiny.pooled_fbank_model(onnx_path, len(tokens), feats='feats', lengths='feats_lengths', output='log_probs',
                                lengths_output='log_probs_lengths', prefix_ids=len(tokens),
                                extra_inputs=[('text_prev', 2), ('text_prev_lengths', 1)])
        mvn = bundle.write_global_mvn(out, {'mean': [-5.0] * 80, 'std': [3.0] * 80})
        fe = powsm_ctc.frontend_from_conf('default', {'n_fft': 512, 'win_length': 400, 'hop_length': 160}, mvn)
        data = powsm_ctc.build_manifest(name='tiny-powsm', description='tiny', tokens=tokens, frontend=fe)
    else:
        tokens = ZIPA_TOKENS
        tiny.pooled_fbank_model(onnx_path, len(tokens))
        data = zipa_ctc.build_manifest(name='tiny-zipa', description='tiny', blank_id=0, scope='signal')
    bundle.write_bundle_files(out, data, tokens)
    return data, tokens, forward


class EngineLoadsBundlesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.samples = tiny.test_signal(16000 + 123)
        cls.wav = os.path.join(cls.tmp, 'signal.wav')
        write_wav_f32(cls.wav, cls.samples)

    def test_wav_round_trip_is_exact(self):
        np.testing.assert_array_equal(load_audio(self.wav), self.samples)

    def test_each_kind_loads_and_runs(self):
        n = len(self.samples)
        expected_frames = {
            'wav2vec2': (n - 400) // 320 + 1,
            'powsm': (n // 160 + 1) // 4,  # center=True frames pooled by 4; the 2 prefix frames are skipped
            'zipa': ((n + 80) // 160) // 4,  # snip_edges=False: round(n / 160) frames, pooled by 4
        }
        for kind, frames in expected_frames.items():
            with self.subTest(kind=kind):
                out = os.path.join(self.tmp, kind)
                data, tokens, _ = bundle_of(kind, out)
                with open(os.path.join(out, 'manifest.json'), encoding='utf-8') as f:
                    self.assertEqual(json.load(f), data)
                lp = engine_log_probs(out, self.wav)
                self.assertEqual(lp.shape, (frames, len(tokens)))
                np.testing.assert_allclose(np.exp(lp).sum(-1), 1, atol=1e-5)

    def test_self_check_passes_then_a_perturbed_export_fails_and_is_refused(self):
        out = os.path.join(self.tmp, 'check')
        _, _, forward = bundle_of('wav2vec2', out)
        x = self.samples.astype(np.float64)
        normalized = ((x - x.mean()) / np.sqrt(x.var() + 1e-7)).astype(np.float32)  # HF's per-utterance norm
        logits = forward(normalized)
        reference = logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)) - logits.max(-1, keepdims=True)
        result = selfcheck.run(out, self.samples, reference, audio='signal.wav', reference='numpy', tolerance=1e-4)
        self.assertTrue(result['passed'], result)
        self.assertLess(result['max_abs_diff'], 1e-4)
        self.assertEqual(bundle.read_manifest(out)['self_check'], result)
        engine_log_probs(out, self.wav)  # a passed check loads

        bundle_of('wav2vec2', out, perturb=np.array([0.0] * 9 + [0.01], dtype=np.float32))  # one logit bias off by 0.01
        result = selfcheck.run(out, self.samples, reference, audio='signal.wav', reference='numpy', tolerance=1e-4)
        self.assertFalse(result['passed'])
        self.assertGreater(result['max_abs_diff'], 1e-3)
        with self.assertRaisesRegex(EngineRunError, 'MODEL_UNAVAILABLE.*self-check failed'):
            engine_log_probs(out, self.wav)

    def test_frame_count_mismatch_fails_with_a_detail(self):
        out = os.path.join(self.tmp, 'mismatch')
        _, tokens, _ = bundle_of('wav2vec2', out)
        result = selfcheck.run(out, self.samples, np.zeros((3, len(tokens))), audio='a', reference='r', tolerance=1e-3)
        self.assertFalse(result['passed'])
        self.assertIn('shape mismatch', result['detail'])
        with self.assertRaisesRegex(EngineRunError, 'shape mismatch'):
            engine_log_probs(out, self.wav)


class ZipaGraphNamesTest(unittest.TestCase):
    def test_wrong_names_are_reported_with_the_real_ones(self):
        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, 'm.onnx')
        tiny.pooled_fbank_model(path, 5, feats='speech', lengths='speech_lengths')
        zipa_ctc.check_graph_names(path, ['speech', 'speech_lengths'], ['log_probs', 'log_probs_len'])
        with self.assertRaisesRegex(ValueError, r"no \['x', 'x_lens'\].*inputs \['speech', 'speech_lengths'\]"):
            zipa_ctc.check_graph_names(path, ['x', 'x_lens'], ['log_probs', 'log_probs_len'])


if __name__ == '__main__':
    unittest.main()
