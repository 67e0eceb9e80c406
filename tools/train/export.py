#!/usr/bin/env python3
"""Exports a checkpoint of train.py as the engine's default bundle and checks it numerically
through the engine itself.

    /usr/bin/python3 tools/train/export.py --ckpt /work/data-synth/ckpt/last.pt \
        --cache /work/data-synth/cache --out models/default

Writes <out>/{model.onnx, tokens.txt, global_mvn.json, manifest.json}. By default the weights are
rounded to float16 and stored as float16 with Casts to float32 (half the file; the PyTorch side
of the check uses the same rounded weights, and the PER is measured on them). GlobalMVN is the
frontend's job (manifest frontend.global_mvn), so the exported graph starts after it: input
`feats` [1, T, 80] normalised log-mel, output `logits` [1, T', V], T' = ((T - 1) // 2) // 2.

Checks (the engine is run from Node: tools/train/engine_logprobs.ts, native frontend + ONNX
Runtime): 1 s, 5 s and 20 s inputs and every held-out utterance (synthetic held-out split and
held-out speechocean762 speakers); compares the engine's log-probabilities with PyTorch's
(tools/train/data.py features, float32 model) and prints the max abs difference, and the greedy
PER of both.
"""
import argparse
import os
import sys

# Sleep, do not spin, while waiting for another OpenMP thread: on a shared 2-core machine
# spinning threads made a training step 4-5x slower (measured).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import datetime
import inspect
import json
import subprocess
import tempfile

import numpy as np
import onnx
import torch

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.sequences import edit_distance  # noqa: E402
from tools.train import data  # noqa: E402
from tools.train.model import build  # noqa: E402
from tools.train.train import Set, greedy  # noqa: E402

ROOT = data.ROOT


class Exported(torch.nn.Module):
    """The model without its GlobalMVN (the engine's frontend applies it)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, feats):
        logits, _ = self.model(feats)
        return logits


def round_to_fp16(state_dict):
    """Every float weight rounded to the nearest float16 (kept as float32). Not the GlobalMVN
    buffers: the engine applies GlobalMVN from global_mvn.json at full precision."""
    return {k: (v.half().float() if v.is_floating_point() and not k.startswith('mvn_') else v)
            for k, v in state_dict.items()}


def store_fp16(onnx_path):
    """Stores every float32 initializer whose values are exactly float16 values as float16 plus a
    Cast back to float32 (lossless: the graph computes exactly what it computed before; ONNX
    Runtime folds the casts at load time). Halves the file."""
    from onnx import TensorProto, helper, numpy_helper
    m = onnx.load(onnx_path)
    g = m.graph
    casts, kept, converted = [], [], 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT and arr.size >= 16 and \
                np.array_equal(arr.astype(np.float16).astype(np.float32), arr):
            kept.append(numpy_helper.from_array(arr.astype(np.float16), init.name + '__fp16'))
            casts.append(helper.make_node('Cast', [init.name + '__fp16'], [init.name], to=TensorProto.FLOAT,
                                          name=init.name + '__cast'))
            converted += 1
        else:
            kept.append(init)
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, onnx_path)
    return converted


def write_bundle(ck, out, description, name, fp16=True):
    os.makedirs(out, exist_ok=True)
    config = ck['state']['config']
    weights = round_to_fp16(ck['model']) if fp16 else ck['model']
    model = build(config)
    model.load_state_dict(weights)
    model.eval()
    # Same model with identity MVN inside: the graph takes already-normalised features.
    inner = build(config)
    inner.load_state_dict(weights)
    inner.set_mvn(torch.zeros(80), torch.ones(80))
    inner.eval()
    onnx_path = os.path.join(out, 'model.onnx')
    dummy = torch.randn(1, 501, 80)
    # The TorchScript exporter (dynamo=False where torch defaults to the dynamo one, 2.9+): its
    # initialiser names are what weights_from_onnx.py reads back.
    legacy = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(Exported(inner), (dummy,), onnx_path, opset_version=17, input_names=['feats'],
                      output_names=['logits'], dynamic_axes={'feats': {1: 'T'}, 'logits': {1: 'frames'}},
                      do_constant_folding=True, **legacy)
    onnx.checker.check_model(onnx.load(onnx_path))
    if fp16:
        print(f'float16 storage: {store_fp16(onnx_path)} initializers')
    tokens = ck['tokens']
    assert tokens == data.tokens(), 'checkpoint vocabulary differs from data.tokens()'
    with open(os.path.join(out, 'tokens.txt'), 'w', encoding='utf-8') as f:
        f.write(''.join(t + '\n' for t in tokens))
    with open(os.path.join(out, 'global_mvn.json'), 'w') as f:
        json.dump(ck['mvn'], f)
    fe = data.FRONTEND
    manifest = {
        'format_version': 1,
        'name': name,
        'description': description,
        'model': 'model.onnx',
        'sample_rate': 16000,
        'frontend': {'type': 'espnet_logmel', 'n_fft': fe['n_fft'], 'win_length': fe['win_length'],
                     'hop_length': fe['hop_length'], 'n_mels': fe['n_mels'], 'fmin': fe['fmin'], 'fmax': fe['fmax'],
                     'center': fe['center'], 'log_floor': fe['log_floor'], 'global_mvn': 'global_mvn.json'},
        'inputs': [{'name': 'feats', 'source': 'features', 'dtype': 'float32'}],
        'output': {'name': 'logits', 'kind': 'logits', 'skip_frames': 0},
        'frames': {'shift_samples': 640, 'offset_samples': 0},
        'vocabulary': {'file': 'tokens.txt', 'blank_id': 0, 'token_format': 'plain'},
        'limits': {'max_duration_sec': 60},
    }
    with open(os.path.join(out, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write('\n')
    return model


def check(model, out, cache, synth_heldout):
    """Runs the engine on raw samples and compares with PyTorch on the same samples."""
    cases = []  # (name, samples, reference labels or None)
    rng = np.random.default_rng(0)
    ho = Set(os.path.join(cache, 'so762-heldout.pt'))
    so_items = data.so762_items(data.heldout_speakers())
    synth_items, _ = data.synth_items([synth_heldout])
    for kind, items in (('synth_heldout', synth_items), ('real_heldout_speakers', so_items)):
        for uid, path, lab, _ in items:
            cases.append((kind, uid, data.read_audio(path), lab))
    long = np.concatenate([c[2] for c in cases[-8:]])
    for seconds in (1, 5, 20):
        n = 16000 * seconds
        x = np.resize(long, n).astype(np.float32) if len(long) >= n else np.resize(long, n).astype(np.float32)
        cases.append(('length', f'{seconds}s', x, None))
    cases.append(('length', 'noise-3.3s', (rng.standard_normal(52800) * 0.05).astype(np.float32), None))
    tok_id = {t: i for i, t in enumerate(data.tokens())}

    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for k, (_, uid, x, _) in enumerate(cases):
            x.astype('<f4').tofile(os.path.join(tmp, f'{k}.in'))
            lines.append(f'{tmp}/{k}.in {tmp}/{k}.out')
        with open(os.path.join(tmp, 'list'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        res = subprocess.run(['node', '--import', 'tsx', 'tools/train/engine_logprobs.ts', out, os.path.join(tmp, 'list')],
                             cwd=ROOT, check=True, capture_output=True, text=True)
        infos = [json.loads(l) for l in res.stdout.splitlines() if l.startswith('{')]
        assert len(infos) == len(cases)
        stats = {}
        max_diff = 0.0
        for k, ((kind, uid, x, lab), info) in enumerate(zip(cases, infos)):
            eng = np.fromfile(os.path.join(tmp, f'{k}.out'), dtype='<f4').reshape(info['numFrames'], info['vocabSize'])
            with torch.no_grad():
                ref = model(torch.from_numpy(data.logmel(x))[None])[0].log_softmax(-1)[0].numpy()
            assert ref.shape == eng.shape, (uid, ref.shape, eng.shape)
            diff = float(np.abs(ref - eng).max())
            max_diff = max(max_diff, diff)
            s = stats.setdefault(kind, dict(n=0, max_abs_diff=0.0, err_torch=0, err_engine=0, ref_len=0,
                                            argmax_agree=0, frames=0))
            s['n'] += 1
            s['max_abs_diff'] = max(s['max_abs_diff'], diff)
            s['frames'] += ref.shape[0]
            s['argmax_agree'] += int((ref.argmax(-1) == eng.argmax(-1)).sum())
            if kind == 'length':
                print(f'  {uid}: {len(x)} samples -> {eng.shape[0]} frames (expected {len(x) // 640}), '
                      f'max abs diff {diff:.2e}')
            if lab is not None:
                r = [tok_id[p] for p in lab]
                s['err_torch'] += edit_distance(r, greedy(torch.from_numpy(ref)))
                s['err_engine'] += edit_distance(r, greedy(torch.from_numpy(eng)))
                s['ref_len'] += len(r)
        for kind, s in stats.items():
            line = f'{kind}: {s["n"]} utts, max abs diff of log-probs {s["max_abs_diff"]:.3e}, ' \
                   f'argmax agreement {s["argmax_agree"] / s["frames"]:.5f}'
            if s['ref_len']:
                line += f', greedy PER torch {s["err_torch"] / s["ref_len"]:.4f} engine {s["err_engine"] / s["ref_len"]:.4f}'
            print(line)
        print(f'MAX ABS DIFF (engine vs PyTorch log-probs, all {len(cases)} inputs): {max_diff:.3e}')
        n_utts = sum(s['n'] for kind, s in stats.items() if kind != 'length')
        audio = f'{n_utts} held-out utterances plus 1 s, 5 s, 20 s and a 3.3 s noise input'
        return max_diff, stats, audio


TOLERANCE = 1e-3
REFERENCE = 'PyTorch model.py on tools/train/data.py log-mel features (the float16-rounded weights)'


def record_self_check(out, max_diff, audio, tolerance=TOLERANCE):
    """Records the check in manifest.json as the exporters in tools/export do (lib/model/manifest.ts
    refuses a bundle whose self_check failed)."""
    path = os.path.join(out, 'manifest.json')
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    manifest['self_check'] = {
        'passed': max_diff <= tolerance,
        'max_abs_diff': float(f'{max_diff:.2g}'),
        'tolerance': tolerance,
        'audio': audio,
        'reference': REFERENCE,
        'checked_at': datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
    }
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write('\n')
    print(f'self_check recorded in {path}: {manifest["self_check"]}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--cache', required=True)
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'default'))
    ap.add_argument('--name', default='default-en-phone-ctc')
    ap.add_argument('--description', required=True)
    ap.add_argument('--synth-heldout', default='/work/data-synth/heldout', help='generated --split heldout utterances for the check')
    ap.add_argument('--no-check', action='store_true')
    ap.add_argument('--fp32', action='store_true', help='keep float32 weights (default: weights rounded to '
                    'float16 and stored as float16; the check compares with the same rounded weights)')
    args = ap.parse_args()
    torch.set_num_threads(2)
    ck = torch.load(args.ckpt)
    model = write_bundle(ck, args.out, args.description, args.name, fp16=not args.fp32)
    print(f'params {sum(p.numel() for p in model.parameters()) / 1e6:.3f} M; wrote {args.out}:',
          {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out))})
    if not args.no_check:
        max_diff, _, audio = check(model, os.path.abspath(args.out), args.cache, args.synth_heldout)
        record_self_check(args.out, max_diff, audio)
        if max_diff > TOLERANCE:
            raise SystemExit(f'engine and PyTorch disagree: max abs diff {max_diff:.3e} > {TOLERANCE:g}')


if __name__ == '__main__':
    main()
