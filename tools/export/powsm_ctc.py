#!/usr/bin/env python3
"""Exports ESPnet's POWSM-CTC (espnet/powsm_ctc, an ESPnetS2TCTCModel with an
e_branchformer_ctc encoder) as an engine bundle for phone recognition and self-checks it.

    python3 tools/export/powsm_ctc.py --out /models/powsm-ctc [--revision REV] [--lang '<eng>']
    python3 tools/export/powsm_ctc.py --from LOCAL_SNAPSHOT --out DIR [--bpemodel PATH | --no-g2p] [--fp16]

The graph starts after ESPnet's frontend and GlobalMVN (the engine's `espnet_logmel` frontend
with global_mvn.json from feats_stats.npz does that part): feats float [B, T, 80], feats_lengths
int64 [B], text_prev int64 [B, L] + text_prev_lengths int64 [B] (the prompt; `<na>` for phone
recognition) and prefix int64 [B, 2] ([language, task] = [<eng>, <pr>]) -> log_probs float
[B, 2 + T', V] and log_probs_lengths int64 [B] (prefix frames included; the manifest drops the
first 2 frames with output.skip_frames). Tokens in slash format (/x/ is a phone).
The manifest's `tasks` section holds phone recognition's prefix and the G2P task (prefix
[{language}, <g2p>], languages en -> <eng>, others <unk>; text prompt = the text without
punctuation, split by the snapshot's sentencepiece model, copied into the bundle as bpe.model;
the engine looks the pieces up in tokens.txt by string). The sentencepiece model is --bpemodel,
else the train config's `bpemodel` when the snapshot has it, else BPE_MODEL_DEFAULT (ESPnet's
recipe layout data/token_list/bpe_<mode><n>/bpe.model); when none exists the bundle gets no G2P
task (with a warning). --no-g2p leaves the G2P task out.
Self-check: ESPnet's own model.encode (its DefaultFrontend + GlobalMVN on the waveform) and
ctc.log_softmax vs the engine, on the same samples. Needs torch, espnet, onnx, numpy,
huggingface_hub (without --from).
"""
import os
import shutil
import sys

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.export import bundle, common, vocab  # noqa: E402

MODEL_ID = 'espnet/powsm_ctc'
TOLERANCE = 5e-3
SHIFT_SAMPLES = 640  # hop 160 x conv2d subsampling 4
PREFIX_FRAMES = 2
BPE_MODEL_DEFAULT = 'data/token_list/bpe_unigram40000/bpe.model'
TOKENIZER_FILE = 'bpe.model'
# ESPnet DefaultFrontend's defaults, for keys its frontend_conf leaves out.
ESPNET_FRONTEND_DEFAULTS = {'n_fft': 512, 'win_length': None, 'hop_length': 128, 'n_mels': 80, 'fmin': None,
                            'fmax': None, 'center': True, 'htk': False, 'fs': 16000}


def frontend_from_conf(frontend, conf, global_mvn_file):
    """The engine's espnet_logmel frontend from ESPnet's frontend name and frontend_conf."""
    if frontend != 'default':
        raise ValueError(f'frontend {frontend!r}: only ESPnet\'s DefaultFrontend is supported')
    c = {**ESPNET_FRONTEND_DEFAULTS, **(conf or {})}
    fs = c['fs'] if isinstance(c['fs'], (int, float)) else 16000
    if fs != 16000:
        raise ValueError(f'frontend fs {c["fs"]}: the engine runs at 16 kHz')
    if c['htk']:
        raise ValueError('frontend htk=True: the engine implements the Slaney mel scale only')
    unsupported = set(c) - set(ESPNET_FRONTEND_DEFAULTS)
    if unsupported:
        raise ValueError(f'frontend_conf keys not supported by the engine: {sorted(unsupported)}')
    return {'type': 'espnet_logmel', 'n_fft': c['n_fft'], 'win_length': c['win_length'] or c['n_fft'],
            'hop_length': c['hop_length'], 'n_mels': c['n_mels'], 'fmin': c['fmin'] or 0,
            'fmax': c['fmax'] or fs / 2, 'center': bool(c['center']), 'log_floor': 1e-10,
            'global_mvn': global_mvn_file}


def tasks_section(tokens, *, lang='<eng>', task='<pr>', g2p=True):
    """The manifest's `tasks`: phone recognition's prefix, and with g2p the G2P task."""
    tasks = {'phone_recognition': {'prefix': [lang, task], 'text_prompt': None}}
    if g2p:
        for sym in ('<g2p>', '<eng>', '<unk>', '<na>'):
            if sym not in tokens:
                raise vocab.VocabError(f'{sym!r} is not in the token list (needed by the G2P task)')
        tasks['g2p'] = {
            'prefix': ['{language}', '<g2p>'],
            'languages': {'en': '<eng>', '*': '<unk>'},
            'text_prompt': {'tokenizer': {'type': 'sentencepiece', 'model': TOKENIZER_FILE},
                            'strip_punctuation': True, 'max_tokens': 256, 'empty': '<na>'},
        }
    return tasks


def find_bpe_model(snap, option, train_bpemodel):
    """The sentencepiece model: the option, else the train config's bpemodel (relative to the
    snapshot), else BPE_MODEL_DEFAULT in the snapshot. None when none exists."""
    for path in (option, train_bpemodel, BPE_MODEL_DEFAULT):
        if path:
            full = path if os.path.isabs(path) else os.path.join(snap, path)
            if os.path.isfile(full):
                return full
            if path is option:
                raise SystemExit(f'--bpemodel {option}: no such file')
    return None


def build_manifest(*, name, description, tokens, frontend, lang='<eng>', task='<pr>', text_prev='<na>',
                   blank='<blank>', max_duration_sec=60, g2p=False):
    for sym in (lang, task, text_prev, blank):
        if sym not in tokens:
            raise vocab.VocabError(f'{sym!r} is not in the token list')
    inputs = [
        {'name': 'feats', 'source': 'features', 'dtype': 'float32'},
        {'name': 'feats_lengths', 'source': 'feature_length', 'dtype': 'int64'},
        {'name': 'text_prev', 'source': 'constant', 'dtype': 'int64', 'shape': [1, 1], 'data': [tokens.index(text_prev)]},
        {'name': 'text_prev_lengths', 'source': 'constant', 'dtype': 'int64', 'shape': [1], 'data': [1]},
        {'name': 'prefix', 'source': 'constant', 'dtype': 'int64', 'shape': [1, 2],
         'data': [tokens.index(lang), tokens.index(task)]},
    ]
    data = bundle.manifest(
        name=name, description=description, frontend=frontend, inputs=inputs,
        output={'name': 'log_probs', 'kind': 'log_probs', 'skip_frames': PREFIX_FRAMES, 'lengths': 'log_probs_lengths'},
        shift_samples=SHIFT_SAMPLES, blank_id=tokens.index(blank), token_format='slash',
        max_duration_sec=max_duration_sec)
    data['tasks'] = tasks_section(tokens, lang=lang, task=task, g2p=g2p)
    return data


def find_model_files(snap):
    """(config.yaml, model .pth) of the snapshot: from meta.yaml when there is one, else the
    only exp/*/config.yaml beside a .pth."""
    import yaml
    meta = os.path.join(snap, 'meta.yaml')
    if os.path.exists(meta):
        with open(meta) as f:
            m = yaml.safe_load(f)
        config = (m.get('yaml_files') or {}).get('s2t_train_config')
        model = (m.get('files') or {}).get('s2t_model_file')
        if config and model:
            return os.path.join(snap, config), os.path.join(snap, model)
    found = []
    for dirpath, _, files in os.walk(snap):
        pths = sorted(f for f in files if f.endswith('.pth'))
        if 'config.yaml' in files and pths:
            found.append((os.path.join(dirpath, 'config.yaml'), os.path.join(dirpath, pths[0])))
    if len(found) != 1:
        raise SystemExit(f'{snap}: expected one config.yaml beside a .pth (or a meta.yaml), found {found}')
    return found[0]


def patch_make_pad_mask(torch):
    """ESPnet's make_pad_mask turns max(lengths) into a Python int, which tracing would freeze at
    the example's length; this version keeps it a tensor (same result for lengths-only calls)."""
    patched = 0
    for mod in list(sys.modules.values()):
        original = getattr(mod, 'make_pad_mask', None)
        if getattr(mod, '__name__', '').startswith('espnet') and callable(original) and \
                not getattr(original, '_traceable', False):
            def traceable(lengths, xs=None, length_dim=-1, maxlen=None, _original=original):
                if xs is not None or maxlen is not None or length_dim != -1 or not torch.is_tensor(lengths):
                    return _original(lengths, xs, length_dim, maxlen)
                return torch.arange(lengths.max(), device=lengths.device)[None, :] >= lengths[:, None]
            traceable._traceable = True
            mod.make_pad_mask = traceable
            patched += 1
    return patched


def main():
    ap = common.parser(__doc__.splitlines()[1], MODEL_ID, TOLERANCE)
    ap.add_argument('--lang', default='<eng>', help="language prompt token (default <eng>; the paper finds <unk> "
                    "better for unseen languages)")
    ap.add_argument('--bpemodel', default=None, help='the sentencepiece model of the text prompt (default: the train '
                    f"config's bpemodel, else {BPE_MODEL_DEFAULT} in the snapshot)")
    ap.add_argument('--no-g2p', action='store_true', help='leave the G2P task out of the manifest')
    common.add_fp16_options(ap)
    args = common.parse(ap)
    import espnet
    import numpy as np
    import torch
    from espnet2.tasks.s2t_ctc import S2TTask

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    snap = common.snapshot(args)
    config, model_file = find_model_files(snap)
    os.chdir(snap)  # the config's stats_file / bpemodel paths are relative to the repository root
    model, train_args = S2TTask.build_model_from_file(config, model_file, 'cpu')
    model.eval()
    # A version mismatch can rename parameters and leave random weights behind: insist on an exact match.
    state = torch.load(model_file, map_location='cpu')
    missing, unexpected = set(model.state_dict()) - set(state), set(state) - set(model.state_dict())
    if missing or unexpected:
        sys.exit(f'espnet {espnet.__version__} does not match the checkpoint: missing {sorted(missing)[:8]}, '
                 f'unexpected {sorted(unexpected)[:8]}')
    for m in model.modules():
        if hasattr(m, 'use_flash_attn'):
            m.use_flash_attn = False

    tokens = vocab.espnet_token_list(list(model.token_list))
    os.makedirs(args.out, exist_ok=True)
    stats_file = (train_args.normalize_conf or {}).get('stats_file')
    if train_args.normalize != 'global_mvn' or not stats_file:
        sys.exit(f'normalize {train_args.normalize!r}: only global_mvn with a stats_file is supported')
    mvn = bundle.global_mvn_from_stats(stats_file)
    if hasattr(model.normalize, 'mean') and not (
            np.allclose(mvn['mean'], model.normalize.mean.double().numpy(), rtol=1e-5, atol=1e-6)
            and np.allclose(mvn['std'], model.normalize.std.double().numpy(), rtol=1e-5, atol=1e-6)):
        sys.exit(f'GlobalMVN from {stats_file} differs from the model\'s normalize buffers')
    frontend = frontend_from_conf(train_args.frontend, train_args.frontend_conf,
                                  bundle.write_global_mvn(args.out, mvn))
    name = args.name or args.model_id.split('/')[-1]
    description = (f'{common.source_note(args)} (espnet {espnet.__version__} ESPnetS2TCTCModel) exported to ONNX by '
                   f'tools/export/powsm_ctc.py for phone recognition: prompt text_prev <na>, prefix '
                   f'[{args.lang}, <pr>]; {len(tokens)} tokens (/x/ phones), 40 ms frames.')
    bpe_model = None if args.no_g2p else find_bpe_model(snap, args.bpemodel, getattr(train_args, 'bpemodel', None))
    if not args.no_g2p and bpe_model is None:
        print(f'warning: no sentencepiece model in {snap} (looked for the train config\'s bpemodel and '
              f'{BPE_MODEL_DEFAULT}): the bundle gets no G2P task; pass --bpemodel PATH to add it', file=sys.stderr)
    data = build_manifest(name=name, description=description, tokens=tokens, frontend=frontend, lang=args.lang,
                          max_duration_sec=args.max_duration_sec, g2p=bpe_model is not None)
    if args.fp16:
        data['model_fp16'] = common.MODEL_FP16
    bundle.write_bundle_files(args.out, data, tokens)
    if bpe_model:
        shutil.copyfile(bpe_model, os.path.join(args.out, TOKENIZER_FILE))

    patch_make_pad_mask(torch)
    ids = {k: tokens.index(v) for k, v in (('na', '<na>'), ('lang', args.lang), ('task', '<pr>'))}
    library = f'espnet {espnet.__version__} ESPnetS2TCTCModel.encode (DefaultFrontend + GlobalMVN) + ctc.log_softmax'
    return common.export_and_check(
        args, model, lambda net, path, fp16: export_onnx(net, frontend['n_mels'], ids, path),
        lambda net, samples, fp16: reference_log_probs(net, samples, ids, frontend_from=model if fp16 else None),
        library, f'{library}, the network in float16 after the float32 frontend')


def exported(model):
    """ESPnetS2TCTCModel.encode after its frontend and GlobalMVN, then ctc.log_softmax: float32
    feats and int64 prompt/prefix in, float32 log-probs out; the network runs in the model's dtype."""
    import torch

    class Exported(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, feats, feats_lengths, text_prev, text_prev_lengths, prefix):
            enc, enc_lengths = encode_features(self.m, feats, feats_lengths, text_prev, text_prev_lengths, prefix)
            return self.m.ctc.log_softmax(enc).float(), enc_lengths.long()

    return Exported(model)


def export_onnx(model, n_mels, ids, path):
    import torch

    from tools.export import torch_export
    example = (torch.randn(1, 301, n_mels), torch.tensor([301]), torch.tensor([[ids['na']]]),
               torch.tensor([1]), torch.tensor([[ids['lang'], ids['task']]]))
    torch_export.export(exported(model), example, path,
                        input_names=['feats', 'feats_lengths', 'text_prev', 'text_prev_lengths', 'prefix'],
                        output_names=['log_probs', 'log_probs_lengths'],
                        dynamic_axes={'feats': {0: 'batch', 1: 'T'}, 'feats_lengths': {0: 'batch'},
                                      'text_prev': {0: 'batch', 1: 'L'}, 'text_prev_lengths': {0: 'batch'},
                                      'prefix': {0: 'batch'}, 'log_probs': {0: 'batch', 1: 'frames'},
                                      'log_probs_lengths': {0: 'batch'}})


def reference_log_probs(model, samples, ids, frontend_from=None):
    """ESPnet's own path on the waveform: model.encode (DefaultFrontend, GlobalMVN, prompt encoder,
    encoder with the [language, task] prefix) and ctc.log_softmax, prefix frames dropped. With
    frontend_from (the float32 model), the frontend and GlobalMVN run there in float32 and the
    rest in model's dtype, as the engine's fp16 bundle does (float32 features into a float16 graph)."""
    import torch
    speech = torch.from_numpy(samples)[None]
    lengths = torch.tensor([speech.shape[1]])
    text_prev, text_prev_lengths = torch.tensor([[ids['na']]]), torch.tensor([1])
    prefix, prefix_lengths = torch.tensor([[ids['lang'], ids['task']]]), torch.tensor([2])
    with torch.no_grad():
        if frontend_from is None:
            enc, _ = model.encode(speech, lengths, text_prev, text_prev_lengths, prefix, prefix_lengths)
        else:
            feats, feats_lengths = frontend_from._extract_feats(speech, lengths)
            feats, feats_lengths = frontend_from.normalize(feats, feats_lengths)
            enc, _ = encode_features(model, feats, feats_lengths, text_prev, text_prev_lengths, prefix)
        if isinstance(enc, tuple):
            enc = enc[0]
        return model.ctc.log_softmax(enc).float()[0, PREFIX_FRAMES:].double().numpy()


def encode_features(model, feats, feats_lengths, text_prev, text_prev_lengths, prefix):
    """The part of ESPnetS2TCTCModel.encode after GlobalMVN, on features, in the model's dtype
    (the same calls, in the same order): (encoder output without inter-CTC outputs, lengths)."""
    from espnet2.legacy.nets.pytorch_backend.nets_utils import make_pad_mask
    memory, memory_lengths, _ = model.prompt_encoder(model.pos_enc(model.embed(text_prev)), text_prev_lengths)
    memory_mask = (~make_pad_mask(memory_lengths)[:, None, :]).to(memory.device)
    dtype = next(model.parameters()).dtype
    enc, enc_lengths, _ = model.encoder(feats.to(dtype), feats_lengths, ctc=model.ctc,
                                        prefix_embeds=model.embed_proj(model.embed(prefix)),
                                        memory=model.prompt_proj(memory), memory_mask=memory_mask)
    return (enc[0] if isinstance(enc, tuple) else enc), enc_lengths


if __name__ == '__main__':
    sys.exit(main())
