#!/usr/bin/env python3
"""Writes a local model repository ("snapshot") laid out as the hub's, with the REAL architecture
built by its own library from the published configuration and RANDOM weights (no hub here), for
the exporters' --from:

    python3 tools/export/random_snapshot.py wav2vec2 --out DIR [--layers N] [--seed S]
    python3 tools/export/random_snapshot.py powsm_ctc --out DIR [--blocks N] [--seed S]

wav2vec2: transformers' Wav2Vec2ForCTC from configs/wav2vec2-xlsr-53-espeak-cv-ft.config.json
  (+ preprocessor_config.json), saved with save_pretrained (config.json, model.safetensors) beside
  a vocab.json of the published size (392; its phone strings are ours: the published vocab.json
  was not reachable).
powsm_ctc: ESPnet's S2TTask (s2t_ctc) builds ESPnetS2TCTCModel from configs/powsm_ctc.train.yaml
  parsed by ESPnet's own argument parser, plus what the recipe's stages add: a 40,000-entry token
  list (<blank>, <unk>, the <na>/<nolang>/language/task symbols, /x/ phones, the pieces of a
  sentencepiece model trained here on speechocean762 transcripts, <unused_k> fillers; <sos>, <eos>
  and <sop> among the specials, as ESPnetS2TCTCModel requires), that
  bpe.model, and feats_stats.npz collected with ESPnet's DefaultFrontend on real recordings. The
  config.yaml is vars(args) as ESPnet's trainer dumps it; meta.yaml names it and the .pth as the
  hub's ESPnet repositories do.

--layers / --blocks shrink the depth only (tests: same classes, widths, vocabulary and code path;
default: the published depth). Needs the exporters' venv (tools/export/setup-venv.sh).
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIGS = os.path.join(HERE, 'configs')


def speechocean_dir():
    """speechocean762-dev: $SPEECH_DIR, else shared/ beside the repository (or beside its parent,
    for a git worktree one level down)."""
    candidates = [os.environ.get('SPEECH_DIR')] + [os.path.join(up, 'shared', 'data', 'speechocean762-dev')
                                                   for up in (os.path.dirname(ROOT), os.path.dirname(os.path.dirname(ROOT)))]
    for c in candidates:
        if c and os.path.isdir(os.path.join(c, 'audio')):
            return c
    sys.exit(f'speechocean762-dev not found (set SPEECH_DIR); looked in {[c for c in candidates if c]}')

# Phones for the vocabularies: the default model's English inventory (models/default/tokens.txt)
# first, then other IPA phones, so English targets parse against both random models.
EXTRA_PHONES = ('a e o u y ø œ ɒ ɔ ɐ ɜ aː eː oː c ɟ q ʔ ts dz tɕ dʑ ʈ ɖ ɳ ɲ ɴ ɱ r ɾ ʀ ʁ ɸ β x ɣ χ ħ ʕ ç ʝ ɬ '
                'ʋ ɻ ɰ ʎ ɫ ɕ ʑ ʂ ʐ pʰ tʰ kʰ ã ẽ õ ɛ̃ ɔ̃').split()
WAV2VEC2_VOCAB_SIZE = 392
POWSM_VOCAB_SIZE = 40000
POWSM_LANGS = ['<eng>', '<deu>', '<fra>', '<spa>', '<cmn>', '<jpn>', '<kor>', '<hin>', '<ara>', '<rus>']
POWSM_TASKS = ['<asr>', '<pr>', '<g2p>', '<p2g>', '<notimestamps>']
EXP = 'exp/s2t_train_conv2d_size768_e9_d9_mel80_raw_bpe40000'
STATS = 'exp/s2t_stats_raw_bpe40000/train/feats_stats.npz'
BPE_DIR = 'data/token_list/bpe_unigram40000'


def phones():
    with open(os.path.join(ROOT, 'models', 'default', 'tokens.txt'), encoding='utf-8') as f:
        base = [t.strip() for t in f if t.strip() and not t.startswith('<')]
    return list(dict.fromkeys(base + EXTRA_PHONES))


def speechocean_files(n):
    audio = os.path.join(speechocean_dir(), 'audio')
    return [os.path.join(audio, f) for f in sorted(os.listdir(audio))[:n]]


# ---- wav2vec2-xlsr-53-espeak-cv-ft ---------------------------------------------------------

def wav2vec2(out, layers=None, seed=0):
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC

    with open(os.path.join(CONFIGS, 'wav2vec2-xlsr-53-espeak-cv-ft.config.json')) as f:
        conf = json.load(f)
    if layers:
        conf['num_hidden_layers'] = int(layers)
    torch.manual_seed(seed)
    model = Wav2Vec2ForCTC(Wav2Vec2Config(**conf)).eval()
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out)
    extractor = Wav2Vec2FeatureExtractor.from_pretrained(
        os.path.join(CONFIGS, 'wav2vec2-xlsr-53-espeak-cv-ft.preprocessor_config.json'))
    extractor.save_pretrained(out)
    tokens = ['<pad>', '<s>', '</s>', '<unk>', '|'] + phones()
    tokens += [f'<unused_{k}>' for k in range(conf['vocab_size'] - len(tokens))]
    assert len(tokens) == conf['vocab_size'] == WAV2VEC2_VOCAB_SIZE
    with open(os.path.join(out, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump({t: i for i, t in enumerate(tokens)}, f, ensure_ascii=False)
    params = sum(p.numel() for p in model.parameters())
    print(f'wav2vec2 snapshot: {out} (transformers Wav2Vec2ForCTC, {conf["num_hidden_layers"]} layers, '
          f'{params / 1e6:.1f} M parameters, random weights, seed {seed})')
    return out


# ---- POWSM-CTC ---------------------------------------------------------------------------------

def train_sentencepiece(out_dir, vocab_size=2000):
    """A unigram sentencepiece model on speechocean762's transcripts (stands in for the recipe's
    40k BPE trained on IPAPack++), as ESPnet's token list expects: unk id 0, no bos/eos."""
    import sentencepiece as spm
    with open(os.path.join(speechocean_dir(), 'text'), encoding='utf-8') as f:
        lines = [line.split('\t', 1)[1].strip().lower() for line in f if '\t' in line]
    os.makedirs(out_dir, exist_ok=True)
    text = os.path.join(out_dir, 'train.txt')
    with open(text, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    spm.SentencePieceTrainer.train(input=text, model_prefix=os.path.join(out_dir, 'bpe'), vocab_size=vocab_size,
                                   model_type='unigram', character_coverage=1.0, unk_id=0, bos_id=-1, eos_id=-1,
                                   input_sentence_size=100000000, hard_vocab_limit=False, minloglevel=2)
    os.remove(text)
    proc = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, 'bpe.model'))
    return [proc.id_to_piece(i) for i in range(proc.get_piece_size())]


def powsm_tokens(pieces):
    head = ['<blank>', '<unk>', '<na>', '<nolang>'] + POWSM_LANGS + POWSM_TASKS + ['<sos>', '<eos>', '<sop>']
    body = [f'/{p}/' for p in phones()] + [p for p in pieces if p not in ('<unk>',)]
    tokens = list(dict.fromkeys(head + body))
    return tokens + [f'<unused_{k}>' for k in range(POWSM_VOCAB_SIZE - len(tokens))]


def feats_stats(path, n_files=40):
    """feats_stats.npz as ESPnet's collect_stats writes it (count, sum, sum_square), from ESPnet's
    DefaultFrontend with the recipe's frontend_conf on real recordings."""
    import soundfile
    import torch
    from espnet2.asr.frontend.default import DefaultFrontend
    frontend = DefaultFrontend(fs=16000, n_fft=512, win_length=400, hop_length=160, n_mels=80).eval()
    total, total_sq, count = np.zeros(80), np.zeros(80), 0
    with torch.no_grad():
        for file in speechocean_files(n_files):
            x, rate = soundfile.read(file, dtype='float32')
            assert rate == 16000, file
            feats, _ = frontend(torch.from_numpy(x)[None], torch.tensor([len(x)]))
            f = feats[0].double().numpy()
            total += f.sum(0)
            total_sq += (f * f).sum(0)
            count += f.shape[0]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, count=np.array(count), sum=total, sum_square=total_sq)


def shrink_encoder(conf, blocks):
    """The published encoder at a smaller depth: cross-attention keeps its every-third pattern,
    inter-CTC keeps the published layers that still exist (ctc_asr_only follows)."""
    enc, model_conf = conf['encoder_conf'], conf['model_conf']
    enc['use_cross_attention'] = enc['use_cross_attention'][:blocks]
    kept = [i for i in enc['interctc_layer_idx'] if i < blocks]
    model_conf['ctc_asr_only'] = model_conf['ctc_asr_only'][:len(kept)] + model_conf['ctc_asr_only'][-1:]
    enc['interctc_layer_idx'] = kept
    enc['num_blocks'] = blocks


def powsm_ctc(out, blocks=None, seed=0):
    import espnet
    import torch
    import yaml
    from espnet2.tasks.s2t_ctc import S2TTask
    from espnet2.utils.yaml_no_alias_safe_dump import yaml_no_alias_safe_dump

    os.makedirs(out, exist_ok=True)
    pieces = train_sentencepiece(os.path.join(out, BPE_DIR))
    tokens = powsm_tokens(pieces)
    token_file = os.path.join(BPE_DIR, 'tokens.txt')
    with open(os.path.join(out, token_file), 'w', encoding='utf-8') as f:
        f.write('\n'.join(tokens) + '\n')
    feats_stats(os.path.join(out, STATS))

    with open(os.path.join(CONFIGS, 'powsm_ctc.train.yaml')) as f:
        conf = yaml.safe_load(f)
    if blocks:
        shrink_encoder(conf, int(blocks))
    recipe = os.path.join(out, 'recipe_config.yaml')
    with open(recipe, 'w') as f:
        yaml.safe_dump(conf, f, sort_keys=False)
    cwd = os.getcwd()
    os.chdir(out)  # ESPnet's configs hold paths relative to the recipe directory
    try:
        parser = S2TTask.get_parser()
        args = parser.parse_args([
            '--config', 'recipe_config.yaml', '--output_dir', EXP, '--token_list', token_file,
            '--token_type', 'bpe', '--bpemodel', os.path.join(BPE_DIR, 'bpe.model'),
            '--frontend', 'default', '--normalize', 'global_mvn', '--normalize_conf', f'stats_file={STATS}',
            '--use_preprocessor', 'true', '--seed', str(seed),
        ])
        torch.manual_seed(seed)
        model = S2TTask.build_model(args)  # applies args.init (xavier_uniform), as training does
        model.eval()
        os.makedirs(EXP, exist_ok=True)
        config_yaml = os.path.join(EXP, 'config.yaml')
        with open(config_yaml, 'w', encoding='utf-8') as f:
            yaml_no_alias_safe_dump(vars(args), f, indent=4, sort_keys=False)
        model_file = os.path.join(EXP, 'valid.total_count.ave_5best.till20epoch.pth')
        torch.save(model.state_dict(), model_file)
        with open('meta.yaml', 'w') as f:
            yaml.safe_dump({'espnet': str(espnet.__version__), 'torch': str(torch.__version__), 'files': {'s2t_model_file': model_file},
                            'yaml_files': {'s2t_train_config': config_yaml}}, f, sort_keys=False)
    finally:
        os.chdir(cwd)
        os.remove(recipe)
    params = sum(p.numel() for p in model.parameters())
    print(f'powsm_ctc snapshot: {out} (espnet {espnet.__version__} {type(model).__name__}, encoder '
          f'{type(model.encoder).__name__} {conf["encoder_conf"]["num_blocks"]} blocks, {len(tokens)} tokens, '
          f'{params / 1e6:.1f} M parameters, random weights, seed {seed})')
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model', choices=['wav2vec2', 'powsm_ctc'])
    ap.add_argument('--out', required=True)
    ap.add_argument('--layers', type=int, default=None, help='wav2vec2: transformer layers (default: published 24)')
    ap.add_argument('--blocks', type=int, default=None, help='powsm_ctc: encoder blocks (default: published 18)')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    if args.model == 'wav2vec2':
        wav2vec2(out, args.layers, args.seed)
    else:
        powsm_ctc(out, args.blocks, args.seed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
