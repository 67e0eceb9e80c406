#!/usr/bin/env python3
"""Trains the default CTC phone recogniser on the feature caches of prepare.py (CPU).

    /usr/bin/python3 tools/train/train.py --cache /work/data-synth/cache --ckpt /work/data-synth/ckpt \
        --minutes 55 --seed 1

Checkpoints (model, optimiser, schedule, history) go to <ckpt>/last.pt after every epoch and
<ckpt>/best.pt on the best held-out-speaker PER; --resume continues from last.pt. Validation
each epoch: greedy-decoding PER (edit distance / reference length) on synth-heldout and on the
held-out speechocean762 speakers.
"""
import argparse
import os
import sys

# Sleep, do not spin, while waiting for another OpenMP thread: on a shared 2-core machine
# spinning threads made a training step 4-5x slower (measured).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import json
import math
import random
import time

import numpy as np
import torch
from torch import nn

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.sequences import ctc_collapse, edit_distance  # noqa: E402
from tools.train import data  # noqa: E402
from tools.train.model import build, out_frames  # noqa: E402


class Set:
    """Features of one cache as views into one tensor."""

    def __init__(self, path, repeat=1):
        d = torch.load(path)
        self.feats = d['feats']
        lens = d['lens'].tolist()
        self.offsets = np.concatenate([[0], np.cumsum(lens)]).tolist()
        self.lens = lens
        self.labels = d['labels']
        self.ids = d['ids']
        self.repeat = repeat

    def __len__(self):
        return len(self.lens)

    def item(self, i):
        return self.feats[self.offsets[i]:self.offsets[i + 1]], self.labels[i]


def feasible(t_in, lab):
    """CTC needs T' >= L + number of adjacent repeats."""
    rep = int((lab[1:] == lab[:-1]).sum()) if len(lab) > 1 else 0
    return out_frames(t_in) >= len(lab) + rep


def make_batches(sets, max_frames, rng):
    """Length-sorted buckets of (set index, item index) with padded frames <= max_frames; shuffled."""
    entries = []
    for si, s in enumerate(sets):
        for r in range(s.repeat):
            for i in range(len(s)):
                if feasible(s.lens[i], s.labels[i]):
                    entries.append((s.lens[i] + rng.random(), si, i))
    entries.sort()
    batches, cur, cur_max = [], [], 0
    for length, si, i in entries:
        length = int(length)
        if cur and max(cur_max, length) * (len(cur) + 1) > max_frames:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append((si, i))
        cur_max = max(cur_max, length)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(sets, batch):
    feats = [sets[si].item(i)[0] for si, i in batch]
    labels = [sets[si].item(i)[1] for si, i in batch]
    lens = torch.tensor([f.shape[0] for f in feats])
    x = torch.zeros(len(feats), int(lens.max()), feats[0].shape[1])
    for k, f in enumerate(feats):
        x[k, :f.shape[0]] = f
    return x, lens, torch.cat(labels), torch.tensor([len(l) for l in labels])


def spec_augment(x, lens, mean, rng, n_freq=2, max_f=10, n_time=2, max_t_frac=0.05, max_t=25):
    """Replaces bands / spans of raw log-mel with the GlobalMVN mean (= 0 after normalisation)."""
    for k in range(x.shape[0]):
        for _ in range(n_freq):
            w = rng.randint(0, max_f)
            f0 = rng.randint(0, x.shape[2] - w)
            x[k, :, f0:f0 + w] = mean[f0:f0 + w]
        t = int(lens[k])
        for _ in range(n_time):
            w = rng.randint(0, max(1, min(max_t, int(t * max_t_frac))))
            t0 = rng.randint(0, max(1, t - w))
            x[k, t0:t0 + w] = mean
    return x


def with_wildcard(logp):
    """Appends a column log P(any phone) = logsumexp over the phone columns (not blank), the
    emission of data.WILDCARD labels (id = vocabulary size): CTC then sums over every phone at
    that label position, so a sound the experts could not name trains no particular phone."""
    return torch.cat([logp, logp[..., 1:].logsumexp(-1, keepdim=True)], dim=-1)


def greedy(logits):
    """The phone ids of frames x vocabulary logits by greedy CTC decoding (blank 0)."""
    return ctc_collapse(logits.argmax(-1).tolist())


@torch.no_grad()
def evaluate(model, s, max_frames=12000):
    """Greedy PER (sum of edit distances / sum of reference lengths) on a Set, batch-decoded."""
    model.eval()
    errors, total = 0, 0
    order = sorted(range(len(s)), key=lambda i: s.lens[i])
    batch = []
    for n, i in enumerate(order + [None]):
        if i is not None and (not batch or s.lens[i] * (len(batch) + 1) <= max_frames):
            batch.append(i)
            if n < len(order):
                continue
        if batch:
            x, lens, _, _ = collate([s], [(0, j) for j in batch])
            logits, out_len = model(x, lens)
            for k, j in enumerate(batch):
                hyp = greedy(logits[k, :int(out_len[k])])
                ref = s.labels[j].tolist()
                errors += edit_distance(ref, hyp)
                total += len(ref)
        batch = [i] if i is not None else []
    model.train()
    return errors / total


def lr_at(step, progress, warmup, peak, floor=0.03):
    if step < warmup:
        return peak * (step + 1) / warmup
    p = min(1.0, max(0.0, progress))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', required=True)
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--minutes', type=float, default=55, help='wall-time budget of this run')
    ap.add_argument('--schedule-minutes', type=float, default=None,
                    help='length of the LR schedule in training minutes (default: --minutes of the first run; '
                         'pass it with --resume to extend a finished schedule)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--real-repeat', type=int, default=2, help='speechocean762 train utterances per epoch')
    ap.add_argument('--max-frames', type=int, default=8000, help='padded input frames per batch')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--warmup', type=int, default=300)
    ap.add_argument('--layers', type=int, default=6)
    ap.add_argument('--d-model', type=int, default=144)
    ap.add_argument('--specaug-from-epoch', type=int, default=2)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--init-onnx', help="start from an exported bundle's model.onnx (weights_from_onnx.py)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.ckpt, exist_ok=True)

    synth = [Set(os.path.join(args.cache, name)) for name in sorted(os.listdir(args.cache))
             if name.startswith('synth-train') and name.endswith('.pt')]
    real = Set(os.path.join(args.cache, 'so762-train.pt'), repeat=args.real_repeat)
    sets = synth + [real]
    val = {'synth_heldout': Set(os.path.join(args.cache, 'synth-heldout.pt')),
           'real_heldout_speakers': Set(os.path.join(args.cache, 'so762-heldout.pt'))}
    with open(os.path.join(args.cache, 'global_mvn.json')) as f:
        mvn = json.load(f)
    vocab = len(data.tokens())
    n_train = sum(len(s) * s.repeat for s in sets)
    hours = sum(sum(s.lens) * s.repeat for s in sets) / 100 / 3600
    print(f'train: {n_train} utterances/epoch ({hours:.2f} h), vocab {vocab}', flush=True)

    config = dict(arch='conformer', vocab=vocab, d_model=args.d_model, heads=4, ff=4 * args.d_model, kernel=15,
                  layers=args.layers, channels=64, dropout=0.1)
    model = build(config)
    if args.init_onnx:
        # Fine-tune an exported bundle (its checkpoint is not kept): its weights, and the cache
        # must carry its GlobalMVN (prepare.py --mvn-from <bundle>/global_mvn.json).
        from tools.train.weights_from_onnx import state_dict_from_onnx
        model.load_state_dict(state_dict_from_onnx(args.init_onnx, model))
        print(f'initialised from {args.init_onnx}', flush=True)
    model.set_mvn(mvn['mean'], mvn['std'])
    mean = torch.tensor(mvn['mean'])
    print(f'params: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=1e-3)
    ctc = nn.CTCLoss(blank=0, reduction='sum', zero_infinity=True)
    state = dict(step=0, epoch=0, elapsed=0.0, history=[], best=None, config=config)
    if args.resume and os.path.exists(os.path.join(args.ckpt, 'last.pt')):
        ck = torch.load(os.path.join(args.ckpt, 'last.pt'))
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        state = ck['state']
        rng.setstate(ck['rng'])
        torch.set_rng_state(ck['torch_rng'])
        print(f'resumed at epoch {state["epoch"]} step {state["step"]} ({state["elapsed"] / 60:.1f} min)', flush=True)

    if args.schedule_minutes or 'schedule_minutes' not in state:
        state['schedule_minutes'] = args.schedule_minutes or args.minutes
    t_start = time.time()
    elapsed0 = state['elapsed']
    budget = args.minutes * 60
    model.train()
    while True:
        batches = make_batches(sets, args.max_frames, rng)
        epoch_loss, epoch_frames, t_epoch = 0.0, 0, time.time()
        for bi, batch in enumerate(batches):
            # The schedule runs on wall time (the machine is shared, so steps/s varies): linear
            # warm-up over --warmup steps, then cosine decay to 3 % over the --minutes budget.
            progress = (elapsed0 + time.time() - t_start) / (state['schedule_minutes'] * 60)
            for g in opt.param_groups:
                g['lr'] = lr_at(state['step'], progress, args.warmup, args.lr)
            x, lens, labels, label_lens = collate(sets, batch)
            if state['epoch'] + 1 >= args.specaug_from_epoch:
                x = spec_augment(x, lens, mean, rng)
            logits, out_len = model(x, lens)
            logp = with_wildcard(logits.log_softmax(-1)).transpose(0, 1)
            loss = ctc(logp, labels, out_len, label_lens)
            opt.zero_grad()
            (loss / len(batch)).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            state['step'] += 1
            epoch_loss += float(loss)
            epoch_frames += int(label_lens.sum())
            if state['step'] % 50 == 0:
                print(f'  ep {state["epoch"] + 1} step {state["step"]} ({bi + 1}/{len(batches)}) loss/phone '
                      f'{epoch_loss / epoch_frames:.3f} lr {opt.param_groups[0]["lr"]:.2e} '
                      f'{(time.time() - t_start) / 60:.1f} min', flush=True)
            if time.time() - t_start > budget:
                break
        state['epoch'] += 1
        state['elapsed'] = elapsed0 + time.time() - t_start
        pers = {name: evaluate(model, s) for name, s in val.items()}
        rec = dict(epoch=state['epoch'], step=state['step'], minutes=round(state['elapsed'] / 60, 2),
                   train_loss_per_phone=round(epoch_loss / max(1, epoch_frames), 4),
                   **{k: round(v, 4) for k, v in pers.items()})
        state['history'].append(rec)
        print('EPOCH', json.dumps(rec), flush=True)
        ck = dict(model=model.state_dict(), opt=opt.state_dict(), state=state, rng=rng.getstate(),
                  torch_rng=torch.get_rng_state(), mvn=mvn, tokens=data.tokens())
        torch.save(ck, os.path.join(args.ckpt, 'last.pt'))
        if state['best'] is None or pers['real_heldout_speakers'] < state['best']['real_heldout_speakers']:
            state['best'] = rec
            torch.save(ck, os.path.join(args.ckpt, 'best.pt'))
        if time.time() - t_start > budget:
            break
    print('done', json.dumps(state['best']), flush=True)


if __name__ == '__main__':
    main()
