#!/usr/bin/env python3
"""Quick self-check of the synthetic speech generator (a few seconds of CPU).

    python3 tools/synth/check.py [--n 10] [--keep DIR]

Generates --n utterances (train split, errors and augmentation switched up so
every path runs) plus a few held-out ones into a temporary directory, twice with
the same seed, and verifies:
  * the label's phones cover the audio in order: first start 0, each end = next
    start, last end = n_samples = number of samples in the audio file;
  * spoken_phones = the non-silence phones; every error's timing matches them;
  * the errors turn target_phones into spoken_phones exactly (replayed), and a
    fresh minimum-edit alignment of target vs spoken finds the same number of
    errors at the same positions;
  * train and held-out use disjoint voices and disjoint sentences;
  * the second run is byte-identical to the first (WAV, FLAC and JSON), and a
    slice regenerated alone with --start equals the same files of the full run;
and prints the phone inventory found.  Exit status 1 on any failure.
"""
from __future__ import annotations

import argparse
import filecmp
import glob
import json
import os
import shutil
import sys
import tempfile
import time
import wave
from collections import Counter

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.synth import generate, inventory  # noqa: E402

FAILS: list[str] = []


def fail(msg: str) -> None:
    FAILS.append(msg)
    print('FAIL', msg)


def n_frames(path: str) -> int:
    if path.endswith('.wav'):
        with wave.open(path) as w:
            assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
            return w.getnframes()
    import subprocess
    out = subprocess.run(['ffmpeg', '-nostdin', '-v', 'error', '-i', path, '-f', 's16le', '-'],
                         capture_output=True, check=True).stdout
    return len(out) // 2


def levenshtein_ops(a: list[str], b: list[str]):
    """Minimum-edit alignment (inventory.align); returns (distance, ops) with ops as
    (type, target position) in the generator's convention."""
    ops, position = [], 0
    for i, j in inventory.align(a, b):
        if i is None:
            ops.append(('insert', position))
            continue
        if j is None:
            ops.append(('delete', i))
        elif a[i] != b[j]:
            ops.append(('substitute', i))
        position = i + 1
    return len(ops), sorted(ops, key=lambda o: (o[1], o[0] != 'insert'))


def replay(target: list[str], errors: list[dict]) -> list[str]:
    out = []
    by = {}
    for e in errors:
        by.setdefault(e['position'], []).append(e)
    for p in range(len(target) + 1):
        for e in by.get(p, []):
            if e['type'] == 'insert':
                out.append(e['actual'])
        if p == len(target):
            break
        es = [e for e in by.get(p, []) if e['type'] != 'insert']
        if not es:
            out.append(target[p])
        elif es[0]['type'] == 'substitute':
            if es[0]['expected'] != target[p]:
                raise ValueError(f'expected {es[0]["expected"]} != target {target[p]} at {p}')
            out.append(es[0]['actual'])
        elif es[0]['expected'] != target[p]:
            raise ValueError(f'deleted {es[0]["expected"]} != target {target[p]} at {p}')
    return out


def check_label(label: dict, audio: str, stats: Counter) -> None:
    uid = label['id']
    ph = label['phones']
    if n_frames(audio) != label['n_samples']:
        fail(f'{uid}: audio has {n_frames(audio)} samples, label says {label["n_samples"]}')
    if not ph or ph[0]['start'] != 0 or ph[-1]['end'] != label['n_samples']:
        fail(f'{uid}: phones do not span [0, n_samples)')
    for a, b in zip(ph, ph[1:]):
        if a['end'] != b['start']:
            fail(f'{uid}: gap/overlap between {a} and {b}')
        if a['phone'] == 'sil' and b['phone'] == 'sil':
            fail(f'{uid}: adjacent silences')
    for g in ph:
        if g['end'] < g['start']:
            fail(f'{uid}: negative segment {g}')
        if g['phone'] != 'sil' and g['end'] == g['start']:
            stats['zero_length_phones'] += 1
        stats['phones'] += g['phone'] != 'sil'
    spoken_segs = [g for g in ph if g['phone'] != 'sil']
    if [g['phone'] for g in spoken_segs] != label['spoken_phones']:
        fail(f'{uid}: spoken_phones != non-silence phones')
    # errors: replay and timing
    errs = label['errors']
    stats['errors'] += len(errs)
    stats['utts_with_errors'] += bool(errs)
    for e in errs:
        stats[f'err_{e["type"]}'] += 1
        stats['err_induced'] += e['induced']
    try:
        if replay(label['target_phones'], errs) != label['spoken_phones']:
            fail(f'{uid}: replaying errors on target_phones does not give spoken_phones')
        else:
            stats['errors_replay_ok'] += len(errs)
    except ValueError as ex:
        fail(f'{uid}: {ex}')
    for tp, sp in label['alignment']:
        if tp is not None and sp is not None and not any(e['position'] == tp and e['type'] == 'substitute' for e in errs):
            if label['target_phones'][tp] != label['spoken_phones'][sp]:
                fail(f'{uid}: aligned pair differs without an error at {tp}')
    starts = {g['start'] for g in spoken_segs} | {g['end'] for g in spoken_segs}
    for e in errs:
        if e['type'] == 'delete':
            if e['start'] != e['end'] or e['start'] not in starts:
                fail(f'{uid}: deletion not at a phone boundary: {e}')
        else:
            seg = [g for g in spoken_segs if g['start'] == e['start'] and g['end'] == e['end'] and g['phone'] == e['actual']]
            if not seg:
                fail(f'{uid}: error span/phone not a spoken segment: {e}')
    # independent alignment
    dist, ops = levenshtein_ops(label['target_phones'], label['spoken_phones'])
    mine = sorted(((e['type'], e['position']) for e in errs), key=lambda o: (o[1], o[0] != 'insert'))
    if dist > len(errs):
        fail(f'{uid}: minimum edit distance {dist} > {len(errs)} recorded errors')
    stats['align_same_count'] += dist == len(errs)
    stats['align_same_ops'] += ops == mine
    stats['utts'] += 1
    # words
    for w in label['words']:
        if w['start'] is not None and not (w['start'] <= w['end']):
            fail(f'{uid}: bad word span {w}')


def run_generate(out: str, n: int, seed: int, split: str, fmt: str, extra=()):
    args = ['--out', out, '--n', str(n), '--seed', str(seed), '--split', split, '--format', fmt,
            '--p-error', '0.7', '--p-codec', '0.3', '--p-reverb', '0.4', '--quiet', *extra]
    t = time.time()
    generate.main(args)
    return time.time() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n', type=int, default=10)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--keep', help='copy the generated files here')
    opt = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix='synth_check_')
    try:
        a, b = os.path.join(tmp, 'a'), os.path.join(tmp, 'b')
        jobs = [('train', 'wav', opt.n), ('heldout', 'wav', max(2, opt.n // 3)), ('train', 'flac', 3)]
        t_gen = 0.0
        n_gen = 0
        for d in (a, b):
            for split, fmt, n in jobs:
                sub = os.path.join(d, f'{split}-{fmt}')
                t_gen += run_generate(sub, n, opt.seed, split, fmt)
                n_gen += n
        print(f'generated {n_gen} utterances in {t_gen:.1f} s ({n_gen / t_gen:.2f} utt/s incl. '
              f'codec round trips and FLAC encoding)')

        stats: Counter = Counter()
        inv: Counter = Counter()
        voices = {'train': set(), 'heldout': set()}
        texts = {'train': set(), 'heldout': set()}
        for js in sorted(glob.glob(os.path.join(a, '*', '*.json'))):
            label = json.load(open(js, encoding='utf-8'))
            audio = glob.glob(js[:-5] + '.wav') + glob.glob(js[:-5] + '.flac')
            check_label(label, audio[0], stats)
            inv.update(label['target_phones'])
            inv.update(label['spoken_phones'])
            voices[label['split']].add(label['voice'])
            texts[label['split']].add(label['text'])
            stats['codec'] += 'codec' in label['augment']
            stats['codec_lag_nonzero'] += label['augment'].get('codec', {}).get('measured_lag', 0) != 0
        # split disjointness, including the full pools
        if voices['train'] & voices['heldout']:
            fail(f'voices shared by train and heldout: {voices["train"] & voices["heldout"]}')
        if texts['train'] & texts['heldout']:
            fail('sentences shared by train and heldout')
        pool = generate.load_sentences()
        sides = Counter(generate.sentence_split(s['text'], 20) for s in pool)
        if set(generate.TRAIN_VARIANTS) & set(generate.HELDOUT_VARIANTS):
            fail('variant lists overlap')
        # reproducibility
        cmp_files = sorted(os.path.relpath(p, a) for p in glob.glob(os.path.join(a, '*', '*')))
        diff = [f for f in cmp_files if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False)]
        if diff:
            fail(f'same seed, different bytes: {diff[:5]}')
        print(f'reproducibility: {len(cmp_files) - len(diff)}/{len(cmp_files)} files byte-identical across two runs')
        # an utterance depends only on (seed, split, index): regenerate a slice alone
        c = os.path.join(tmp, 'c')
        k0, k = min(2, opt.n - 1), min(3, opt.n - min(2, opt.n - 1))
        generate.main(['--out', c, '--n', str(k), '--start', str(k0), '--seed', str(opt.seed), '--split', 'train',
                       '--format', 'wav', '--p-error', '0.7', '--p-codec', '0.3', '--p-reverb', '0.4', '--quiet'])
        sl = [f for f in os.listdir(c) if not f.startswith('manifest')]
        bad = [f for f in sl if not filecmp.cmp(os.path.join(c, f), os.path.join(a, 'train-wav', f), shallow=False)]
        if bad or not sl:
            fail(f'--start slice differs from the full run: {bad}')
        print(f'slice --start {k0} --n {k}: {len(sl) - len(bad)}/{len(sl)} files identical to the full run')
        print(f"checked {stats['utts']} labels: {stats['phones']} phones, coverage/order OK unless FAIL above; "
              f"{stats['zero_length_phones']} zero-length phones (espeak folds them into the previous vowel)")
        print(f"errors: {stats['errors']} in {stats['utts_with_errors']} utterances "
              f"(substitute {stats['err_substitute']}, delete {stats['err_delete']}, insert {stats['err_insert']}; "
              f"{stats['err_induced']} induced by context); replay target->spoken OK for {stats['errors_replay_ok']}; "
              f"fresh min-edit alignment: same count in {stats['align_same_count']}/{stats['utts']} utts, "
              f"same ops in {stats['align_same_ops']}/{stats['utts']}")
        print(f"codec round trips: {stats['codec']} (non-zero measured lag: {stats['codec_lag_nonzero']})")
        print(f"splits: voices train {len(voices['train'])} / heldout {len(voices['heldout'])} used, disjoint; "
              f"sentence pool train {sides['train']} / heldout {sides['heldout']}, disjoint by construction")
        print(f'phone inventory in these utterances ({len(inv)}):')
        by = {}
        for p in inv:
            by.setdefault(inventory.phone_class(p), []).append(p)
        for cls in ('vowel', 'diphthong', 'r-coloured vowel', 'syllabic consonant', 'consonant'):
            ps = sorted(by.get(cls, []), key=lambda p: -inv[p])
            print(f'  {cls:<19} ' + ' '.join(f'{p}:{inv[p]}' for p in ps))
        if opt.keep:
            shutil.copytree(a, opt.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('OK' if not FAILS else f'{len(FAILS)} FAILURES')
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
