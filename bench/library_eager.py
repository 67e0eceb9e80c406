"""What a user would otherwise run, timed per stage, for bench/model.ts --library to compare with
the engine in the same run: the REAL model through its own library (transformers / ESPnet), or
the engine's very ONNX file through ONNX Runtime's Python API behind the same Python pipeline.

  backend pytorch (PyTorch eager, the library's own pipeline):
    wav2vec2:  load audio -> transformers Wav2Vec2FeatureExtractor -> Wav2Vec2ForCTC forward
               -> greedy CTC decode (Python) -> pure-Python Levenshtein against the target
    powsm_ctc: load audio -> ESPnet Speech2Text.best_path (DefaultFrontend, GlobalMVN, encoder
               with prompt and prefix, CTC best path, as espnet2.bin.s2t_inference does it)
               -> pure-Python Levenshtein
  backend onnxruntime (the bundle's model.onnx in onnxruntime.InferenceSession, CPU):
    wav2vec2:  load audio -> Wav2Vec2FeatureExtractor -> ORT run -> greedy decode -> Levenshtein
    powsm_ctc: load audio -> ESPnet's frontend + GlobalMVN (torch) -> ORT run -> greedy decode
               -> Levenshtein

  python bench/library_eager.py --kind wav2vec2|powsm_ctc --snapshot DIR --bundle DIR
         --clips clips.json --backend pytorch|onnxruntime [--runs 20] [--warmup 3] [--batch 1,2,4]
         [--rounds 1] [--threads N]

Batches (throughput): the library's padded batch (attention_mask / speech lengths), one forward.
Prints one JSON line last (bench/model-report.ts EagerResult). Needs the exporters' venv.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[0] = os.path.dirname(HERE)  # the repository root: `tools` is a package there
sys.path.insert(1, HERE)
from pytorch_eager import audio_loader, time_batches, time_single_clips, tokenize_target  # noqa: E402

from tools.sequences import ctc_collapse, edit_distance  # noqa: E402


def bundle_tokens(bundle):
    with open(os.path.join(bundle, 'tokens.txt'), encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f]


def phone_vocab(tokens, kind):
    """Phone string -> id, as the engine reads the vocabulary (slash tokens for POWSM-CTC)."""
    if kind == 'powsm_ctc':
        return {t[1:-1]: i for i, t in enumerate(tokens) if len(t) > 2 and t[0] == '/' and t[-1] == '/'}
    return {t: i for i, t in enumerate(tokens) if not t.startswith('<') and t != '|'}


class Wav2Vec2Pipeline:
    def __init__(self, snapshot, bundle, backend):
        from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC
        self.extractor = Wav2Vec2FeatureExtractor.from_pretrained(snapshot)
        self.backend = backend
        if backend == 'pytorch':
            import transformers
            self.model = Wav2Vec2ForCTC.from_pretrained(snapshot).eval()
            self.impl = f'transformers {transformers.__version__} Wav2Vec2FeatureExtractor + Wav2Vec2ForCTC (eager)'
        else:
            import onnxruntime as ort
            self.session = session(os.path.join(bundle, 'model.onnx'))
            self.impl = f'Wav2Vec2FeatureExtractor + onnxruntime {ort.__version__} on the bundle\'s model.onnx'
        self.blank = 0

    def features(self, waves):
        return self.extractor(waves, sampling_rate=16000, padding=True, return_attention_mask=True, return_tensors='pt')

    def forward(self, inputs):
        """-> (argmax ids [B, T'] as lists, valid frame counts [B])."""
        lengths = inputs['attention_mask'].sum(-1)
        if self.backend == 'pytorch':
            with torch.inference_mode():
                logits = self.model(**inputs).logits
            frames = self.model._get_feat_extract_output_lengths(lengths)
            return logits.argmax(-1).tolist(), frames.tolist()
        logits, frames = self.session.run(['logits', 'logit_lengths'], {
            'input_values': inputs['input_values'].numpy(), 'input_lengths': lengths.numpy().astype(np.int64)})
        return logits.argmax(-1).tolist(), frames.tolist()

    def decode(self, ids):
        return ctc_collapse(ids, self.blank)


class PowsmCtcPipeline:
    def __init__(self, snapshot, bundle, backend, lang='<eng>'):
        from espnet2.bin.s2t_inference import Speech2Text

        from tools.export.powsm_ctc import PREFIX_FRAMES, find_model_files
        config, model_file = find_model_files(snapshot)
        # The config's paths (stats, bpemodel, read lazily) are relative to the repository: stay there.
        os.chdir(snapshot)
        self.s2t = Speech2Text(s2t_train_config=config, s2t_model_file=model_file, device='cpu', lang_sym=lang,
                               task_sym='<pr>')
        self.model = self.s2t.s2t_model
        self.backend = backend
        self.skip = PREFIX_FRAMES
        tokens = list(self.model.token_list)
        self.ids = {'na': tokens.index('<na>'), 'lang': tokens.index(lang), 'task': tokens.index('<pr>')}
        self.blank = self.model.blank_id
        import espnet
        if backend == 'pytorch':
            self.impl = f'espnet {espnet.__version__} Speech2Text.best_path (eager)'
        else:
            import onnxruntime as ort
            self.session = session(os.path.join(bundle, 'model.onnx'))
            self.impl = f'espnet {espnet.__version__} frontend + GlobalMVN, onnxruntime {ort.__version__} on the bundle\'s model.onnx'

    def features(self, waves):
        """Padded speech and lengths (pytorch), or ESPnet's features after GlobalMVN (onnxruntime)."""
        n = max(len(w) for w in waves)
        speech = torch.zeros(len(waves), n)
        for i, w in enumerate(waves):
            speech[i, :len(w)] = torch.from_numpy(w)
        lengths = torch.tensor([len(w) for w in waves])
        if self.backend == 'pytorch':
            return speech, lengths
        with torch.inference_mode():
            feats, feats_lengths = self.model._extract_feats(speech, lengths)
            feats, feats_lengths = self.model.normalize(feats, feats_lengths)
        return feats, feats_lengths

    def best_path(self, wave):
        """ESPnet's own single-utterance decode: token ids of the best path."""
        with torch.inference_mode():
            result = self.s2t.best_path(torch.from_numpy(wave))
        return result[0][2]

    def forward(self, inputs):
        x, lengths = inputs
        b = x.shape[0]
        prefix = [[self.ids['lang'], self.ids['task']]] * b
        if self.backend == 'pytorch':
            with torch.inference_mode():
                enc, enc_lengths = self.model.encode(x, lengths, torch.full((b, 1), self.ids['na']), torch.ones(b, dtype=torch.long),
                                                     torch.tensor(prefix), torch.full((b,), 2))
                if isinstance(enc, tuple):
                    enc = enc[0]
                ids = self.model.ctc.argmax(enc)[:, self.skip:]
            return ids.tolist(), (enc_lengths - self.skip).tolist()
        log_probs, lens = self.session.run(['log_probs', 'log_probs_lengths'], {
            'feats': x.numpy(), 'feats_lengths': lengths.numpy().astype(np.int64),
            'text_prev': np.full((b, 1), self.ids['na'], dtype=np.int64), 'text_prev_lengths': np.ones(b, dtype=np.int64),
            'prefix': np.array(prefix, dtype=np.int64)})
        return log_probs[:, self.skip:].argmax(-1).tolist(), (lens - self.skip).tolist()

    def decode(self, ids):
        return ctc_collapse(ids, self.blank)


def session(path):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kind', choices=['wav2vec2', 'powsm_ctc'], required=True)
    ap.add_argument('--snapshot', required=True, help='the model repository (random_snapshot.py or the hub\'s)')
    ap.add_argument('--bundle', required=True, help='the engine bundle exported from it (its model.onnx, tokens.txt)')
    ap.add_argument('--clips', required=True)
    ap.add_argument('--backend', choices=['pytorch', 'onnxruntime'], required=True)
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--batch', default='1')
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--threads', type=int)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    clips = json.load(open(args.clips))
    args.bundle = os.path.abspath(args.bundle)
    loader_name, load_audio = audio_loader()
    pipe = (Wav2Vec2Pipeline if args.kind == 'wav2vec2' else PowsmCtcPipeline)(
        os.path.abspath(args.snapshot), os.path.abspath(args.bundle), args.backend)
    vocab = phone_vocab(bundle_tokens(args.bundle), args.kind)
    targets = [tokenize_target(c['targetIpa'], vocab) for c in clips]
    library_decodes = args.kind == 'powsm_ctc' and args.backend == 'pytorch'

    def one(k: int) -> dict:
        clip = clips[k % len(clips)]
        times = {}
        t = time.perf_counter()
        wave = np.asarray(load_audio(clip['path']), dtype=np.float32)
        times['load audio'] = time.perf_counter() - t
        t = time.perf_counter()
        if library_decodes:
            decoded = pipe.best_path(wave)
            times['Speech2Text.best_path (frontend + encoder + CTC best path)'] = time.perf_counter() - t
        else:
            inputs = pipe.features([wave])
            times['features'] = time.perf_counter() - t
            t = time.perf_counter()
            ids, frames = pipe.forward(inputs)
            times['forward'] = time.perf_counter() - t
            t = time.perf_counter()
            decoded = pipe.decode(ids[0][:frames[0]])
            times['greedy CTC decode'] = time.perf_counter() - t
        t = time.perf_counter()
        edit_distance(targets[k % len(clips)], decoded)
        times['edit distance (pure Python)'] = time.perf_counter() - t
        return {key: v * 1000 for key, v in times.items()}

    single = time_single_clips(one, args.warmup, args.runs, args.backend)

    def batch_round(start: int, size: int) -> None:
        idx = [(start + j) % len(clips) for j in range(size)]
        waves = [np.asarray(load_audio(clips[i]['path']), dtype=np.float32) for i in idx]
        ids, frames = pipe.forward(pipe.features(waves))
        for j, i in enumerate(idx):
            edit_distance(targets[i], pipe.decode(ids[j][:frames[j]]))

    throughput = time_batches(batch_round, args.batch, args.rounds, clips, args.backend)

    print(json.dumps({
        'impl': pipe.impl, 'loader': loader_name, 'device': 'cpu', 'dtype': 'fp32', 'torch': torch.__version__,
        'threads': torch.get_num_threads(), 'single': single, 'throughput': throughput, 'backend': args.backend,
        'note': 'RANDOM WEIGHTS (tools/export/random_snapshot.py): timing only',
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
