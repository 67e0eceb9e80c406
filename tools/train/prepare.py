#!/usr/bin/env python3
"""Builds the feature caches and the GlobalMVN stats.

    /usr/bin/python3 tools/train/prepare.py --synth-train /work/data-synth/train \
        --synth-heldout /work/data-synth/heldout --out /work/data-synth/cache

Writes <out>/{synth-train,synth-heldout,so762-train,so762-heldout}.pt and <out>/global_mvn.json
(mean/std per mel bin over every frame of the TRAINING caches: synth-train + so762-train).
speechocean762 speakers listed in tools/train/heldout_speakers.txt go to so762-heldout only (with
canonical labels, for PER); the others to so762-train, labelled with what the experts heard
(data.so762_said_labels). --mvn-from FILE copies that GlobalMVN instead of computing one (to
fine-tune a model trained with it, e.g. models/default/global_mvn.json).
"""
import argparse
import os
import sys

# Sleep, do not spin, while waiting for another OpenMP thread: on a shared 2-core machine
# spinning threads made a training step 4-5x slower (measured).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import json

import torch

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.train import data  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--synth-train', nargs='+', required=True)
    ap.add_argument('--synth-heldout', nargs='+', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--mvn-from', help='global_mvn.json to copy instead of computing the statistics')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)

    ho = data.heldout_speakers()
    all_spk = set(data.so762_speakers().values())
    assert ho <= all_spk, ho - all_spk
    sets = {}
    sets['synth-train'], skipped = data.synth_items(args.synth_train)
    print(f'synth-train: {len(sets["synth-train"])} utterances ({skipped} skipped: unknown phone or empty)')
    sets['synth-heldout'], skipped = data.synth_items(args.synth_heldout)
    print(f'synth-heldout: {len(sets["synth-heldout"])} utterances ({skipped} skipped)')
    assert all(it[0].startswith('heldout-') for it in sets['synth-heldout'])
    assert all(it[0].startswith('train-') for it in sets['synth-train'])
    sets['so762-train'] = data.so762_items(all_spk - ho, said=True)
    sets['so762-heldout'] = data.so762_items(ho)
    print(f'so762: {len(sets["so762-train"])} train / {len(sets["so762-heldout"])} held-out utterances '
          f'({len(all_spk - ho)} / {len(ho)} speakers)')

    for name, items in sets.items():
        data.build_cache(items, os.path.join(args.out, name + '.pt'))

    if args.mvn_from:
        with open(args.mvn_from) as f:
            mvn = json.load(f)
        with open(os.path.join(args.out, 'global_mvn.json'), 'w') as f:
            json.dump({'mean': mvn['mean'], 'std': mvn['std']}, f)
        print('copied', args.mvn_from, 'to', os.path.join(args.out, 'global_mvn.json'))
        return
    # GlobalMVN over the training frames (float64 accumulation).
    total, s, ss = 0, torch.zeros(80, dtype=torch.float64), torch.zeros(80, dtype=torch.float64)
    for name in ('synth-train', 'so762-train'):
        feats = torch.load(os.path.join(args.out, name + '.pt'))['feats'].to(torch.float64)
        total += feats.shape[0]
        s += feats.sum(0)
        ss += (feats * feats).sum(0)
        hours = feats.shape[0] / 100 / 3600
        print(f'{name}: {feats.shape[0]} frames = {hours:.2f} h')
    mean = s / total
    std = (ss / total - mean * mean).clamp(min=1e-20).sqrt()
    with open(os.path.join(args.out, 'global_mvn.json'), 'w') as f:
        json.dump({'mean': [round(float(x), 6) for x in mean], 'std': [round(float(x), 6) for x in std]}, f)
    print('wrote', os.path.join(args.out, 'global_mvn.json'))


if __name__ == '__main__':
    main()
