#!/usr/bin/env python3
"""Trains the calibrated scorer (lib/assessment/scoring/scorer.ts) on experts' scores. numpy only.

    python3 tools/scorer/train.py --data scorer-data.jsonl --bundle models/default

Input: tools/scorer/extract.ts's file (the engine's own scoring inputs for every utterance of
the held-out speakers, beside the experts' scores, and each speaker's fold; and synthetic
utterances with their phones labelled 2 or 0, which train the phone model only).

Three models, as lib/assessment/scoring/scorer.ts evaluates them:
- phone: an MLP (2 x 64 ReLU) from the phone features to [experts' 0-2 accuracy,
  logit P(accuracy <= 1.0)], trained on squared error + cross-entropy;
- word: linear, from WORD_FEATURES (aggregates of the word's phone predictions) to the 0-10
  word accuracy;
- utterance: linear, from UTTERANCE_FEATURES to the 0-10 sentence accuracy and fluency.
The word and utterance models are fitted on out-of-fold phone predictions (stacking), so they
learn how far held-out predictions can be trusted. The error thresholds are chosen on the same
out-of-fold predictions, each among the thresholds that flag at most its share of the phones
that every expert scored 2.0 (false alarms): 'lenient' (1 %) and 'balanced' (3 %) take the best
F1 in detecting phones the experts scored <= 1.0; 'strict' (6 %) the best recall. Beside the
threshold, a phone is an error where another phone (or none) explains the audio more than
`evidence_margin_nats` better than the target: the smallest margin that alone flags at most
0.5 % of the perfect phones (the thresholds are chosen with that rule in place).

Writes <bundle>/scorer.json (trained on all held-out speakers; its thresholds and stacked models
from 5-fold cross-validation) and <bundle>/scorer-folds/fold-<k>.json (trained without fold k's
speakers, the same way with 4 inner folds: what `npm run eval` runs on fold k), and a parity
fixture for the TypeScript evaluator (test/fixtures/scorer/parity.json).
"""
import argparse
import json
import math
import os

import numpy as np

WORD_FEATURES = ['mean_phone_accuracy', 'min_phone_accuracy', 'max_mispronounced', 'mean_mispronounced', 'log_phones',
                 'mean_lpr', 'mean_margin']
UTTERANCE_FEATURES = ['mean_phone_accuracy', 'min_phone_accuracy', 'mean_mispronounced', 'mean_word_accuracy',
                      'min_word_accuracy', 'mean_lpr', 'mean_margin', 'phones_per_sec', 'articulation_rate',
                      'pause_count', 'pause_sec', 'longest_pause_sec', 'std_phone_accuracy', 'p10_phone_accuracy',
                      'p25_phone_accuracy', 'share_mispronounced_over_half', 'max_mispronounced', 'p10_lpr', 'p10_margin',
                      'log_phones']
# Share of the phones every expert scored 2.0 that each level may flag, and what it maximises.
FALSE_ALARM_LIMITS = {'lenient': 0.01, 'balanced': 0.03, 'strict': 0.06}
OBJECTIVE = {'lenient': 'f1', 'balanced': 'f1', 'strict': 'recall'}
MISPRONOUNCED_AT_OR_BELOW = 1.0
# The evidence rule (scorer.ts evidence_margin_nats) may flag at most this share of perfect phones.
EVIDENCE_FALSE_ALARMS = 0.005
HIDDEN = 64
EPOCHS = 40
BATCH = 256
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-4
DROPOUT = 0.2
RIDGE = 1.0


# ------------------------------------------------------------------ data

def read(path):
    header, names, utts = None, None, []
    with open(path, encoding='utf-8') as f:
        for line in f:
            row = json.loads(line)
            if row['kind'] == 'header':
                header = row
            elif row['kind'] == 'features':
                names = row['names']
            else:
                utts.append(row)
    for u in utts:
        u.setdefault('domain', 'real')
        u['X'] = np.array(u['features'], dtype=np.float64).reshape(-1, len(names))
        u['y'] = np.array(u['human']['phone_scores'], dtype=np.float64)
        assert len(u['y']) == len(u['X']), u['id']
    utts.sort(key=lambda u: u['id'])
    return header, names, utts


def stack(utts):
    return np.concatenate([u['X'] for u in utts]), np.concatenate([u['y'] for u in utts])


# ------------------------------------------------------------------ phone MLP

def standardiser(X):
    mean = X.mean(0)
    std = X.std(0)
    std[std < 1e-6] = 1.0  # constant columns (a phone never in the data) pass through as 0
    return mean, std


def init_layers(sizes, rng):
    return [{'weight': rng.normal(0, math.sqrt(2.0 / n_in), (n_out, n_in)), 'bias': np.zeros(n_out)}
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def forward(layers, x, rng=None):
    """x: [N, in] standardised. Returns the output and the cache for backprop (dropout when rng)."""
    cache = []
    for k, layer in enumerate(layers):
        z = x @ layer['weight'].T + layer['bias']
        if k < len(layers) - 1:
            a = np.maximum(z, 0)
            mask = None
            if rng is not None:
                mask = (rng.random(a.shape) >= DROPOUT) / (1 - DROPOUT)
                a = a * mask
            cache.append((x, z, mask))
            x = a
        else:
            cache.append((x, z, None))
            x = z
    return x, cache


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def train_phone_mlp(X, y, seed):
    rng = np.random.default_rng(seed)
    mean, std = standardiser(X)
    xs = (X - mean) / std
    target_bad = (y <= MISPRONOUNCED_AT_OR_BELOW).astype(np.float64)
    layers = init_layers([X.shape[1], HIDDEN, HIDDEN, 2], rng)
    moments = [{k: (np.zeros_like(v), np.zeros_like(v)) for k, v in layer.items()} for layer in layers]
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(xs))
        for b in range(0, len(order), BATCH):
            idx = order[b:b + BATCH]
            out, cache = forward(layers, xs[idx], rng)
            n = len(idx)
            # d loss / d output: MSE on accuracy, BCE-with-logits on the mispronounced logit.
            grad = np.zeros_like(out)
            grad[:, 0] = 2 * (out[:, 0] - y[idx]) / n
            grad[:, 1] = (sigmoid(out[:, 1]) - target_bad[idx]) / n
            step += 1
            for k in range(len(layers) - 1, -1, -1):
                x_in, z, mask = cache[k]
                if k < len(layers) - 1:
                    grad = grad * mask if mask is not None else grad
                    grad = grad * (z > 0)
                g_w = grad.T @ x_in + WEIGHT_DECAY * layers[k]['weight']
                g_b = grad.sum(0)
                grad = grad @ layers[k]['weight']
                for name, g in (('weight', g_w), ('bias', g_b)):
                    m, v = moments[k][name]
                    m = 0.9 * m + 0.1 * g
                    v = 0.999 * v + 0.001 * g * g
                    moments[k][name] = (m, v)
                    m_hat = m / (1 - 0.9 ** step)
                    v_hat = v / (1 - 0.999 ** step)
                    layers[k][name] = layers[k][name] - LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)
    return {'mean': mean, 'std': std, 'layers': layers}


def apply_mlp(model, X):
    out, _ = forward(model['layers'], (X - model['mean']) / model['std'])
    return out


def phone_predictions(model, X):
    out = apply_mlp(model, X)
    return np.clip(out[:, 0], 0, 2), sigmoid(out[:, 1])


# ------------------------------------------------------------------ word / utterance features

def margin_and_lpr(names, X):
    sub, dele = names.index('sub_margin'), names.index('del_margin')
    return X[:, names.index('lpr')], np.minimum(X[:, sub], X[:, dele])


def word_features(u, acc, mis, lpr, margin):
    rows = []
    for a, b in u['words']:
        rows.append([acc[a:b].mean(), acc[a:b].min(), mis[a:b].max(), mis[a:b].mean(), math.log(b - a),
                     lpr[a:b].mean(), margin[a:b].mean()])
    return np.array(rows)


def utterance_features(u, acc, mis, word_acc, lpr, margin):
    f = u['fluency']
    return [acc.mean(), acc.min(), mis.mean(), word_acc.mean(), word_acc.min(), lpr.mean(), margin.mean(),
            f['phonesPerSec'], f['articulationRate'], f['pauseCount'], f['pauseSec'], f['longestPauseSec'],
            acc.std(), np.percentile(acc, 10), np.percentile(acc, 25), (mis > 0.5).mean(), mis.max(),
            np.percentile(lpr, 10), np.percentile(margin, 10), math.log(len(acc))]


def fit_linear(X, Y):
    """Ridge on standardised inputs: returns {'mean','std','layers':[W,b]} with Y [N, outputs]."""
    mean, std = standardiser(X)
    xs = (X - mean) / std
    y_mean = Y.mean(0)
    A = xs.T @ xs + RIDGE * np.eye(xs.shape[1])
    W = np.linalg.solve(A, xs.T @ (Y - y_mean)).T
    return {'mean': mean, 'std': std, 'layers': [{'weight': W, 'bias': y_mean}]}


def apply_linear(model, X):
    layer = model['layers'][0]
    return ((X - model['mean']) / model['std']) @ layer['weight'].T + layer['bias']


def higher_level(utts, names, preds):
    """Word and utterance inputs/targets from phone predictions (per utterance, in utts order)."""
    W_in, W_y, per_utt = [], [], []
    for u, (acc, mis) in zip(utts, preds):
        lpr, margin = margin_and_lpr(names, u['X'])
        wf = word_features(u, acc, mis, lpr, margin)
        W_in.append(wf)
        W_y.append(u['human']['word_accuracy'])
        per_utt.append((wf, acc, mis, lpr, margin))
    return np.concatenate(W_in), np.concatenate(W_y).astype(np.float64), per_utt


def utterance_inputs(utts, per_utt, word_model):
    U_in, U_y = [], []
    for u, (wf, acc, mis, lpr, margin) in zip(utts, per_utt):
        word_acc = np.clip(apply_linear(word_model, wf)[:, 0], 0, 10)
        U_in.append(utterance_features(u, acc, mis, word_acc, lpr, margin))
        U_y.append([u['human']['accuracy'], u['human']['fluency']])
    return np.array(U_in), np.array(U_y, dtype=np.float64)


# ------------------------------------------------------------------ thresholds

def detection(prob, y, threshold, evident):
    flag = (prob >= threshold) | evident
    bad = y <= MISPRONOUNCED_AT_OR_BELOW
    tp = int((flag & bad).sum())
    precision = tp / max(int(flag.sum()), 1)
    recall = tp / max(int(bad.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {'precision': precision, 'recall': recall, 'f1': f1, 'false_alarm': float(flag[y == 2.0].mean()),
            'flagged': float(flag.mean())}


def choose_evidence_margin(margin, y):
    """The smallest margin M (nats, 0.5 steps) at which 'another phone or none explains the audio
    more than M nats better than the target' alone flags at most EVIDENCE_FALSE_ALARMS of the
    phones every expert scored 2.0."""
    perfect = y == 2.0
    for m in np.arange(2.0, 40.0, 0.5):
        if (margin[perfect] <= -m).mean() <= EVIDENCE_FALSE_ALARMS:
            return float(m)
    return 40.0


def choose_thresholds(prob, y, evident):
    """evident: phones flagged by the evidence rule whatever the threshold."""
    candidates = np.unique(np.round(prob, 4))
    out = {}
    for level, limit in FALSE_ALARM_LIMITS.items():
        best = (None, -1.0)
        for th in candidates:
            d = detection(prob, y, th, evident)
            if d['false_alarm'] <= limit and d[OBJECTIVE[level]] > best[1]:
                best = (float(th), d[OBJECTIVE[level]])
        out[level] = best[0] if best[0] is not None else 1.0
    return out


# ------------------------------------------------------------------ fitting

def fit_scorer(utts, synthetic, names, folds, seed):
    """A scorer from these real utterances (and the synthetic ones, phone model only): phone MLP
    on all of them; thresholds and the stacked word and utterance models from out-of-fold phone
    predictions of the real utterances over `folds` (speaker folds)."""
    oof = {}
    for k in folds:
        train = [u for u in utts if u['fold'] != k] + synthetic
        test = [u for u in utts if u['fold'] == k]
        model = train_phone_mlp(*stack(train), seed=seed + k)
        for u in test:
            oof[u['id']] = phone_predictions(model, u['X'])
    preds = [oof[u['id']] for u in utts]
    W_in, W_y, per_utt = higher_level(utts, names, preds)
    word_model = fit_linear(W_in, W_y[:, None])
    U_in, U_y = utterance_inputs(utts, per_utt, word_model)
    utt_model = fit_linear(U_in, U_y)
    prob = np.concatenate([p[1] for p in preds])
    y = np.concatenate([u['y'] for u in utts])
    margin = np.concatenate([margin_and_lpr(names, u['X'])[1] for u in utts])
    evidence = choose_evidence_margin(margin, y)
    evident = margin <= -evidence
    thresholds = choose_thresholds(prob, y, evident)
    phone_model = train_phone_mlp(*stack(utts + synthetic), seed=seed + 100)
    return {'phone': phone_model, 'word': word_model, 'utterance': utt_model, 'thresholds': thresholds,
            'evidence_margin_nats': evidence,
            'oof_detection': {level: detection(prob, y, th, evident) for level, th in thresholds.items()}}


def mlp_json(model, features, outputs):
    return {'features': list(features), 'mean': model['mean'].tolist(), 'std': model['std'].tolist(),
            'layers': [{'weight': l['weight'].tolist(), 'bias': l['bias'].tolist()} for l in model['layers']],
            'outputs': outputs}


def scorer_json(s, names, name, description, training):
    return {'format_version': 1, 'name': name, 'description': description,
            'phone': mlp_json(s['phone'], names, ['accuracy', 'mispronounced_logit']),
            'word': mlp_json(s['word'], WORD_FEATURES, ['accuracy']),
            'utterance': mlp_json(s['utterance'], UTTERANCE_FEATURES, ['accuracy', 'fluency']),
            'thresholds': s['thresholds'], 'evidence_margin_nats': s['evidence_margin_nats'], 'training': training}


def round_floats(x, digits=7):
    if isinstance(x, float):
        return float(f'{x:.{digits}g}')
    if isinstance(x, list):
        return [round_floats(v, digits) for v in x]
    if isinstance(x, dict):
        return {k: round_floats(v, digits) for k, v in x.items()}
    return x


def load_back(js):
    """The model as the JSON holds it (rounded), so the parity fixture tests what ships."""
    def mlp(m):
        return {'mean': np.array(m['mean']), 'std': np.array(m['std']),
                'layers': [{'weight': np.array(l['weight']), 'bias': np.array(l['bias'])} for l in m['layers']]}
    return {'phone': mlp(js['phone']), 'word': mlp(js['word']), 'utterance': mlp(js['utterance'])}


def parity_fixture(js, utts, names, n=2):
    """Inputs and numpy outputs of the shipped scorer on n utterances (test/scorer.test.ts)."""
    m = load_back(js)
    cases = []
    for u in utts[:n]:
        acc, mis = phone_predictions(m['phone'], u['X'])
        lpr, margin = margin_and_lpr(names, u['X'])
        wf = word_features(u, acc, mis, lpr, margin)
        word_acc = np.clip(apply_linear(m['word'], wf)[:, 0], 0, 10)
        uf = np.array(utterance_features(u, acc, mis, word_acc, lpr, margin))
        ut = np.clip(apply_linear(m['utterance'], uf[None])[0], 0, 10)
        cases.append({'id': u['id'], 'features': u['X'].ravel().tolist(), 'words': u['words'], 'fluency': u['fluency'],
                      'expected': {'accuracy': acc.tolist(), 'mispronounced': mis.tolist(), 'word_accuracy': word_acc.tolist(),
                                   'sentence_accuracy': float(ut[0]), 'fluency': float(ut[1])}})
    return {'feature_names': names, 'cases': cases}


def name_in_manifest(bundle):
    """Adds "scorer": "scorer.json" to the bundle's manifest (key order kept)."""
    path = os.path.join(bundle, 'manifest.json')
    if not os.path.exists(path):
        return
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    if manifest.get('scorer') == 'scorer.json':
        return
    manifest['scorer'] = 'scorer.json'
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help="tools/scorer/extract.ts's output")
    ap.add_argument('--bundle', required=True, help='model bundle to write scorer.json and scorer-folds/ into')
    ap.add_argument('--fixture', default=os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'scorer', 'parity.json'))
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()

    header, names, everything = read(args.data)
    utts = [u for u in everything if u['domain'] == 'real']
    synthetic = [u for u in everything if u['domain'] == 'synthetic']
    print(f'{len(synthetic)} synthetic utterances ({sum(len(u["y"]) for u in synthetic)} phones) for the phone model', flush=True)
    folds = sorted({u['fold'] for u in utts})
    speakers = sorted({u['speaker'] for u in utts})
    print(f'{len(utts)} utterances, {sum(len(u["y"]) for u in utts)} phones, {len(speakers)} speakers, folds {folds}', flush=True)
    model_name = header['model']
    training = {'model': model_name, 'speakers': speakers, 'folds': folds, 'seed': args.seed,
                'labels': 'speechocean762 train split, experts\' scores (speechocean762-scores/train.jsonl); '
                          'phone model also on synthetic utterances of the generator\'s train split (2 said, 0 substituted or deleted)',
                'synthetic_utterances': len(synthetic),
                'mispronounced': f'phone accuracy <= {MISPRONOUNCED_AT_OR_BELOW}',
                'false_alarm_limits': FALSE_ALARM_LIMITS, 'threshold_objective': OBJECTIVE,
                'evidence_false_alarms': EVIDENCE_FALSE_ALARMS,
                'command': 'npm run train:scorer'}

    os.makedirs(os.path.join(args.bundle, 'scorer-folds'), exist_ok=True)
    fold_files = []
    for k in folds:
        inner = [f for f in folds if f != k]
        s = fit_scorer([u for u in utts if u['fold'] != k], synthetic, names, inner, args.seed)
        js = round_floats(scorer_json(s, names, f'{model_name} scorer without fold {k}',
                                      f'Trained without the speakers of fold {k}, for evaluating on them (npm run eval).',
                                      {**training, 'held_out_fold': k, 'out_of_fold_detection': s['oof_detection']}))
        path = os.path.join('scorer-folds', f'fold-{k}.json')
        with open(os.path.join(args.bundle, path), 'w') as f:
            json.dump(js, f)
        fold_files.append(path)
        print(f'fold {k}: thresholds {s["thresholds"]}', flush=True)

    s = fit_scorer(utts, synthetic, names, folds, args.seed)
    training['cv_folds'] = fold_files
    training['out_of_fold_detection'] = s['oof_detection']
    js = round_floats(scorer_json(s, names, f'{model_name} scorer',
                                  'Predicts speechocean762 experts\' phone, word and sentence scores from the engine\'s '
                                  'measurements (tools/scorer/train.py).', training))
    with open(os.path.join(args.bundle, 'scorer.json'), 'w') as f:
        json.dump(js, f)
    name_in_manifest(args.bundle)
    print('thresholds', s['thresholds'])
    print('out-of-fold detection', json.dumps(s['oof_detection']))
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    with open(args.fixture, 'w') as f:
        json.dump(parity_fixture(js, utts, names), f)
    print('wrote', os.path.join(args.bundle, 'scorer.json'), 'and', args.fixture)


if __name__ == '__main__':
    main()
