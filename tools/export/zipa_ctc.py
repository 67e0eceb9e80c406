#!/usr/bin/env python3
"""Makes an engine bundle of a ZIPA CTC model (default anyspeech/zipa-small-crctc-500k), re-using
the ONNX file its hub repository ships, and self-checks it.

    python3 tools/export/zipa_ctc.py --out /models/zipa-small [--onnx-file model.int8.onnx]
    python3 tools/export/zipa_ctc.py --from LOCAL_SNAPSHOT --out DIR

ZIPA's pipeline is lhotse's Fbank (80 bins, dither 0, snip_edges False, povey window,
pre-emphasis 0.97, low 20 Hz, high -400 Hz) -> the ONNX model; the engine's `kaldi_fbank`
frontend with those settings replaces lhotse. lhotse has applied pre-emphasis per frame or over
the whole signal depending on its version, and its log floor has been written both as
log(x + 1e-10) and log(max(x, FLT_EPSILON)); --preemphasis-scope auto and --log-floor auto
(defaults) check each combination and keep the first that reproduces the installed lhotse. Self-check: lhotse Fbank + onnxruntime on the
shipped ONNX (ZIPA's own inference path) vs the engine, on the same samples.

Facts not confirmed from ZIPA's files (hence options, defaults from icefall's CTC ONNX export):
the graph's input names (--feats-input x, --lengths-input x_lens), output names (--output
log_probs, --lengths-output log_probs_len), the blank token (--blank-token <blk>), the ONNX file
name (--onnx-file model.onnx). The script fails with the graph's actual names when they differ.
Needs onnx, numpy, lhotse, onnxruntime, torch (lhotse's), huggingface_hub (without --from).
"""
import os
import shutil
import sys

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.export import bundle, common, vocab  # noqa: E402

MODEL_ID = 'anyspeech/zipa-small-crctc-500k'
TOLERANCE = 5e-3
SHIFT_SAMPLES = 640  # 40 ms output frames: 10 ms fbank frames, T' = ((T - 7) // 2 + 1) // 2
FLT_EPSILON = 1.1920928955078125e-07
LOG_FLOORS = {'1e-10': 1e-10, 'flt_epsilon': FLT_EPSILON}


def frontend(scope, log_floor=1e-10):
    return {'type': 'kaldi_fbank', 'num_mel_bins': 80, 'frame_length_ms': 25, 'frame_shift_ms': 10, 'dither': 0,
            'preemphasis': 0.97, 'preemphasis_scope': scope, 'remove_dc_offset': True, 'window': 'povey',
            'snip_edges': False, 'low_freq': 20, 'high_freq': -400, 'log_floor': log_floor}


def build_manifest(*, name, description, blank_id, scope='frame', log_floor=1e-10, feats_input='x', lengths_input='x_lens',
                   output='log_probs', lengths_output='log_probs_len', max_duration_sec=60):
    inputs = [{'name': feats_input, 'source': 'features', 'dtype': 'float32'}]
    if lengths_input:
        inputs.append({'name': lengths_input, 'source': 'feature_length', 'dtype': 'int64'})
    out = {'name': output, 'kind': 'log_probs', 'skip_frames': 0}
    if lengths_output:
        out['lengths'] = lengths_output
    return bundle.manifest(name=name, description=description, frontend=frontend(scope, log_floor), inputs=inputs, output=out,
                           shift_samples=SHIFT_SAMPLES, blank_id=blank_id, max_duration_sec=max_duration_sec)


def check_graph_names(onnx_path, inputs, outputs):
    """Raises ValueError naming the graph's real inputs/outputs when the expected ones are absent."""
    import onnx
    graph = onnx.load(onnx_path, load_external_data=False).graph
    init = {i.name for i in graph.initializer}
    have_in = [i.name for i in graph.input if i.name not in init]
    have_out = [o.name for o in graph.output]
    missing = [n for n in inputs if n and n not in have_in] + [n for n in outputs if n and n not in have_out]
    if missing:
        raise ValueError(f'{onnx_path}: no {missing}; the graph has inputs {have_in} and outputs {have_out} '
                         f'(pass --feats-input/--lengths-input/--output/--lengths-output)')
    extra = [n for n in have_in if n not in inputs]
    if extra:
        raise ValueError(f'{onnx_path}: inputs {extra} have no source in the manifest')


def main():
    ap = common.parser(__doc__.splitlines()[1], MODEL_ID, TOLERANCE)
    ap.add_argument('--onnx-file', default='model.onnx', help='ONNX file in the repository (default model.onnx; '
                    'also model.fp16.onnx, model.int8.onnx)')
    ap.add_argument('--tokens-file', default='tokens.txt')
    ap.add_argument('--blank-token', default='<blk>')
    ap.add_argument('--feats-input', default='x')
    ap.add_argument('--lengths-input', default='x_lens', help="'' when the graph takes no lengths")
    ap.add_argument('--output', default='log_probs')
    ap.add_argument('--lengths-output', default='log_probs_len', help="'' when the graph has none")
    ap.add_argument('--preemphasis-scope', choices=['auto', 'frame', 'signal'], default='auto')
    ap.add_argument('--log-floor', choices=['auto', *LOG_FLOORS], default='auto',
                    help='the engine floors as log(max(x, floor)); 1e-10 stands in for log(x + 1e-10)')
    args = common.parse(ap)
    import lhotse
    import numpy as np
    import onnxruntime as ort
    from lhotse import Fbank, FbankConfig

    from tools.export import selfcheck
    from tools.export.audio import load_audio

    snap = common.snapshot(args, allow_patterns=[args.onnx_file, args.tokens_file])
    src_onnx = os.path.join(snap, args.onnx_file)
    check_graph_names(src_onnx, [args.feats_input, args.lengths_input], [args.output, args.lengths_output])
    tokens = vocab.id_token_file(os.path.join(snap, args.tokens_file))
    blank = vocab.blank_id(tokens, [args.blank_token])
    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(src_onnx, os.path.join(args.out, 'model.onnx'))

    samples = load_audio(args.check_audio)
    feats = Fbank(FbankConfig(num_filters=80, dither=0.0, snip_edges=False)).extract(samples, 16000)
    feats = np.asarray(feats, dtype=np.float32)[None]
    session = ort.InferenceSession(src_onnx, providers=['CPUExecutionProvider'])
    feeds = {args.feats_input: feats}
    if args.lengths_input:
        feeds[args.lengths_input] = np.array([feats.shape[1]], dtype=np.int64)
    names = [args.output] + ([args.lengths_output] if args.lengths_output else [])
    outs = session.run(names, feeds)
    reference = outs[0][0].astype(np.float64)
    if args.lengths_output:
        reference = reference[:int(outs[1][0])]

    name = args.name or args.model_id.split('/')[-1]
    scopes = ['frame', 'signal'] if args.preemphasis_scope == 'auto' else [args.preemphasis_scope]
    floors = list(LOG_FLOORS) if args.log_floor == 'auto' else [args.log_floor]
    results = []
    for scope, floor in [(s, f) for s in scopes for f in floors]:
        description = (f'{common.source_note(args)} {args.onnx_file} (ZIPA CTC, shipped ONNX) bundled by '
                       f'tools/export/zipa_ctc.py; kaldi_fbank frontend standing in for lhotse {lhotse.__version__} '
                       f'Fbank (pre-emphasis scope {scope}, log floor {floor}); {len(tokens)} tokens, 40 ms frames.')
        data = build_manifest(name=name, description=description, blank_id=blank, scope=scope, log_floor=LOG_FLOORS[floor],
                              feats_input=args.feats_input, lengths_input=args.lengths_input, output=args.output,
                              lengths_output=args.lengths_output, max_duration_sec=args.max_duration_sec)
        bundle.write_bundle_files(args.out, data, tokens)
        result = selfcheck.run(args.out, samples, reference, audio=os.path.basename(args.check_audio),
                               reference=f'lhotse {lhotse.__version__} Fbank + onnxruntime {ort.__version__} on {args.onnx_file}',
                               tolerance=args.tolerance)
        results.append((f'{scope}/{floor}', data, result))
        if result['passed']:
            break
    if not results[-1][2]['passed'] and len(results) > 1:
        # Neither passed: keep the closer one on disk, recorded as failed.
        scope, data, result = min(results, key=lambda r: r[2]['max_abs_diff'])
        bundle.write_bundle_files(args.out, data, tokens)
        manifest = bundle.read_manifest(args.out)
        manifest['self_check'] = result
        bundle.write_manifest(args.out, manifest)
        print(f'kept pre-emphasis scope/log floor {scope} (closer), still failed')
    return common.finish(results[-1][2])


if __name__ == '__main__':
    sys.exit(main())
