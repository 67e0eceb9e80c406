"""Labels, features and the feature cache for the default CTC phone recogniser.

Features are EXACTLY the engine's `espnet_logmel` frontend (manifest defaults): torch.stft
(n_fft 512, win 400 periodic Hann zero-padded to 512, hop 160, center=True, reflect padding),
power spectrum, torchaudio slaney/slaney mel banks (80 bins, 0-8000 Hz), log(max(x, 1e-10)),
computed in float64 and rounded to float32 (as tools/fixtures/make_frontend_fixtures.py does).
GlobalMVN ((x - mean) / std) is applied later, in the model's input pipeline.

Labels
- synthetic (tools/synth): the `phones` of each JSON without `sil`, folded onto the model
  inventory with inventory.json's `espeak_to_arpabet_ipa` (e.g. ɾ -> t, ɑːɹ -> ɑː ɹ).
- speechocean762 (the train split: speechocean762-dev + speechocean762-more): canonical ARPAbet
  phones of `text-phone`, mapped with `arpabet_to_ipa`; stress digit 1 selects
  `arpabet_stressed_to_ipa` where listed (AH1 ʌ, ER1 ɜː, IY1 iː). For training, the experts'
  notes (speechocean762-scores/train.jsonl) replace a canonical phone with what was said
  instead (`so762_said_labels`): a phone (given the canonical phone's stress), two phones, nothing
  for `<DEL>`, and WILDCARD (any phone, see train.py) for `<unk>` and distorted (`X*`) phones.
"""
from __future__ import annotations

import glob
import json
import os
import wave

import numpy as np
import torch
import torchaudio.functional as AF

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(ROOT, 'tools', 'synth', 'inventory.json')
SHARED_DATA = os.path.join(ROOT, '..', 'shared', 'data')  # ../shared beside the checkout
SO762_DIRS = [os.path.join(SHARED_DATA, 'speechocean762-dev'), os.path.join(SHARED_DATA, 'speechocean762-more')]
SO762_SCORES = os.path.join(SHARED_DATA, 'speechocean762-scores', 'train.jsonl')
# A label that matches any phone (never blank): a phone the experts heard as none of the inventory.
WILDCARD = '*'
SAMPLE_RATE = 16000

FRONTEND = dict(n_fft=512, win_length=400, hop_length=160, n_mels=80, fmin=0, fmax=8000, center=True,
                log_floor=1e-10)


def load_inventory():
    with open(INVENTORY, encoding='utf-8') as f:
        return json.load(f)


def model_phones(inv=None):
    """The model's phone inventory: every IPA phone the ARPAbet maps produce, in a fixed order
    (arpabet_to_ipa order, then the stressed variants). The espeak fold map only produces these."""
    inv = inv or load_inventory()
    phones = []
    for p in list(inv['arpabet_to_ipa'].values()) + list(inv['arpabet_stressed_to_ipa'].values()):
        if p not in phones:
            phones.append(p)
    for outs in inv['espeak_to_arpabet_ipa'].values():
        for p in outs:
            assert p in phones, p
    return phones


def tokens(inv=None):
    return ['<blank>'] + model_phones(inv)


# ------------------------------------------------------------------ labels

def synth_labels(meta, inv):
    """IPA labels (model inventory) of one synthetic utterance, or None if it has a phone the
    inventory cannot express."""
    fold = inv['espeak_to_arpabet_ipa']
    known = set(model_phones(inv))
    out = []
    for ph in meta['phones']:
        p = ph['phone']
        if p == 'sil':
            continue
        for q in fold.get(p, [p]):
            if q not in known:
                return None
            out.append(q)
    return out


def arpabet_to_model(tok, inv):
    base = tok.rstrip('012')
    stress = tok[len(base):]
    if stress == '1' and base in inv['arpabet_stressed_to_ipa']:
        return inv['arpabet_stressed_to_ipa'][base]
    return inv['arpabet_to_ipa'][base]


def _so762_tables(name):
    """Rows of a two-column table (utt2spk, text-phone) over both speechocean762 folders."""
    for d in SO762_DIRS:
        with open(os.path.join(d, name), encoding='utf-8') as f:
            for line in f:
                if line.strip():
                    key, value = line.rstrip('\n').split(maxsplit=1)
                    yield d, key, value


def so762_labels(inv):
    """utt -> canonical IPA labels from text-phone (words in index order)."""
    words = {}
    for _, key, phones in _so762_tables('text-phone'):
        utt, idx = key.split('.')
        words.setdefault(utt, []).append((int(idx), [p.split('_')[0] for p in phones.split()]))
    labels = {}
    for utt, ws in words.items():
        labels[utt] = [arpabet_to_model(p, inv) for _, ps in sorted(ws) for p in ps]
    return labels


def said_phones(canonical, pronounced, inv):
    """What the experts heard instead of one canonical phone (ARPAbet with stress digit)."""
    if pronounced == '<DEL>':
        return []
    if pronounced == '<unk>' or pronounced.endswith('*'):
        return [WILDCARD]
    stress = canonical[len(canonical.rstrip('012')):]
    return [arpabet_to_model(p + stress if p in inv['arpabet_stressed_to_ipa'] else p, inv)
            for p in pronounced.split()]


def so762_said_labels(inv, scores_path=SO762_SCORES):
    """utt -> IPA labels of what was said: the canonical phones with the experts' notes applied."""
    labels = {}
    with open(scores_path, encoding='utf-8') as f:
        for line in f:
            row = json.loads(line)
            out = []
            for word in row['words']:
                notes = {m['index']: m['pronounced'] for m in word['mispronunciations']}
                for i, phone in enumerate(word['phones']):
                    out += said_phones(phone, notes[i], inv) if i in notes else [arpabet_to_model(phone, inv)]
            labels[row['utt']] = out
    return labels


def so762_speakers():
    return {utt: spk for _, utt, spk in _so762_tables('utt2spk')}


def so762_audio():
    return {utt: os.path.join(d, 'audio', utt + '.flac') for d, utt, _ in _so762_tables('utt2spk')}


def heldout_speakers(path=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'heldout_speakers.txt')):
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith('#')}


# ------------------------------------------------------------------ audio + features

def read_wav(path):
    with wave.open(path, 'rb') as w:
        assert w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2')
    return x.astype(np.float32) / 32768.0


def read_audio(path):
    if path.endswith('.wav'):
        return read_wav(path)
    import soundfile  # libsndfile, as the engine decodes FLAC (torchaudio.load needs torchcodec now)
    x, rate = soundfile.read(path, dtype='float32', always_2d=True)
    assert rate == SAMPLE_RATE and x.shape[1] == 1, (path, rate, x.shape)
    return np.ascontiguousarray(x[:, 0])


_MEL = None


def logmel(samples: np.ndarray) -> np.ndarray:
    """float32 samples in [-1, 1] -> float32 [T, 80] log-mel, T = N // 160 + 1."""
    global _MEL
    fe = FRONTEND
    if _MEL is None:
        _MEL = AF.melscale_fbanks(n_freqs=fe['n_fft'] // 2 + 1, f_min=fe['fmin'], f_max=fe['fmax'],
                                  n_mels=fe['n_mels'], sample_rate=SAMPLE_RATE, norm='slaney',
                                  mel_scale='slaney').to(torch.float64)
    wav = torch.from_numpy(samples.astype(np.float64))
    spec = torch.stft(wav, n_fft=fe['n_fft'], hop_length=fe['hop_length'], win_length=fe['win_length'],
                      window=torch.hann_window(fe['win_length'], periodic=True, dtype=torch.float64),
                      center=fe['center'], pad_mode='reflect', normalized=False, onesided=True,
                      return_complex=True)
    power = spec.abs().pow(2).T
    feats = torch.clamp(power @ _MEL, min=fe['log_floor']).log()
    return feats.to(torch.float32).numpy()


# ------------------------------------------------------------------ cache

def build_cache(items, out_path):
    """items: list of (id, audio_path, labels, group). Writes a torch file with concatenated
    float32 features (one big [sum T, 80] array + offsets)."""
    inv = load_inventory()
    tok_id = {t: i for i, t in enumerate(tokens(inv))}
    tok_id[WILDCARD] = len(tok_id)  # one past the model's outputs: train.py adds its column
    feats, lens, labs, ids, groups = [], [], [], [], []
    for n, (uid, path, lab, group) in enumerate(items):
        f = logmel(read_audio(path))
        feats.append(f)
        lens.append(f.shape[0])
        labs.append(np.array([tok_id[p] for p in lab], dtype=np.int16))
        ids.append(uid)
        groups.append(group)
        if (n + 1) % 1000 == 0:
            print(f'  {out_path}: {n + 1}/{len(items)}', flush=True)
    torch.save({'feats': torch.from_numpy(np.concatenate(feats)), 'lens': torch.tensor(lens),
                'labels': [torch.from_numpy(l.astype(np.int64)) for l in labs], 'ids': ids, 'groups': groups},
               out_path)


def synth_items(dirs):
    inv = load_inventory()
    items, skipped = [], 0
    for d in dirs:
        for js in sorted(glob.glob(os.path.join(d, '*.json'))):
            with open(js, encoding='utf-8') as f:
                meta = json.load(f)
            lab = synth_labels(meta, inv)
            base = js[:-5]
            audio = base + '.wav' if os.path.exists(base + '.wav') else base + '.flac'
            if lab is None or not lab or not os.path.exists(audio):
                skipped += 1
                continue
            items.append((os.path.basename(base), audio, lab, meta['voice']))
    return items, skipped


def so762_items(speakers_keep, said=False):
    """Utterances of the given speakers; labels canonical, or what was said (said=True)."""
    inv = load_inventory()
    labels = so762_said_labels(inv) if said else so762_labels(inv)
    spk = so762_speakers()
    audio = so762_audio()
    return [(utt, audio[utt], labels[utt], spk[utt]) for utt in sorted(labels) if spk[utt] in speakers_keep]
