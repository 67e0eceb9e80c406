#!/usr/bin/env python3
"""Seeded synthetic-speech generator with exact phone labels (espeak-ng).

    python3 tools/synth/generate.py --out /tmp/synth --n 20 --seed 1 --split train

Per utterance <id>.wav (or .flac), 16 kHz mono int16, and <id>.json (see
README.md for every field).  Utterance i of (seed, split) depends only on
(seed, split, i) and the options, so any subset can be regenerated, and the same
command writes byte-identical files.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.synth import espeak  # noqa: E402
from tools.synth.espeak import SIL, Token  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SO762_TEXT = os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'speechocean762-dev', 'text')
BUILTIN = os.path.join(HERE, 'sentences_en.txt')
OUT_RATE = 16000
LANG = 'en-us'

# espeak-ng voice variants (espeak-ng-data/voices/!v), fixed here so that a
# different data install cannot silently move voices between splits.  Left out:
# robotic / whisper / extreme ones (Demonic, UniRobot, anikaRobot, robosoft*,
# whisper, whisperf, Tweaky, zac, croak, fast, RicishayMax*, "Mr serious").
# '' = the language voice's own default.
TRAIN_VARIANTS = [
    '', 'f1', 'f2', 'f3', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5', 'm7', 'm8',
    'klatt', 'klatt2', 'klatt4', 'klatt5', 'klatt6',
    'Alex', 'Alicia', 'Andrea', 'Andy', 'AnxiousAndy', 'Denis', 'Diogo', 'Gene', 'Gene2',
    'Henrique', 'Lee', 'Marco', 'Mario', 'Michael', 'Mike', 'Nguyen', 'Storm',
    'adam', 'anika', 'announcer', 'antonio', 'aunty', 'benjamin', 'boris', 'caleb',
    'david', 'ed', 'edward', 'edward2', 'grandma', 'gustave', 'iven', 'iven2', 'iven4',
    'kaukovalta', 'linda', 'marcelo', 'max', 'michel', 'miguel', 'norbert', 'pablo',
    'paul', 'pedro', 'quincy', 'rob', 'robert', 'sandro', 'shelby', 'steph', 'steph3',
    'victor',
]
HELDOUT_VARIANTS = [
    'f4', 'm6', 'klatt3', 'Annie', 'Hugo', 'Jacky', 'belinda', 'grandpa', 'iven3',
    'john', 'steph2', 'travis',
]
assert not set(TRAIN_VARIANTS) & set(HELDOUT_VARIANTS)

# ---------------------------------------------------------------- mispronunciations
# espeak en-us mnemonics used as replacement / inserted phones.
CORE_VOWELS = ['i:', 'I', 'E', 'a', 'V', 'A:', 'O:', 'U', 'u:', '3:', '@', 'eI', 'aI', 'OI', 'aU', 'oU']
CORE_CONS = ['p', 'b', 't', 'd', 'k', 'g', 'f', 'v', 'T', 'D', 's', 'z', 'S', 'Z', 'tS', 'dZ',
             'h', 'm', 'n', 'N', 'l', 'r', 'w', 'j']
VOWEL_MNEMONICS = set(CORE_VOWELS) | {
    '0', '3', '@2', '@5', 'a#', 'aa', 'I#', 'I2', 'O2', 'O@', 'A@', 'e@', 'i', 'i@', 'i@3', 'o@',
    'U@', 'aI@', 'aI3', 'aU@', '@L', 'u', 'a2', 'E2', 'IR', 'VR', 'e', 'o', 'O'}
# Phonetically plausible substitutions (typical learner confusions, in particular
# of Mandarin-L1 speakers as in speechocean762, and neighbouring phones).
PLAUSIBLE_SUB = {
    'i:': ['I'], 'i': ['I', 'i:'], 'I': ['i:', 'E'], 'I2': ['i:', 'E'], 'I#': ['i:', '@'],
    'E': ['a', 'I', 'eI'], 'a': ['E', 'V', 'A:'], 'aa': ['E', 'A:'],
    'V': ['A:', '0', '@'], 'A:': ['V', 'O:'], '0': ['V', 'O:', 'oU'],
    'O:': ['0', 'oU'], 'O2': ['oU', '0'], 'U': ['u:'], 'u:': ['U'],
    '3:': ['@', 'O:'], '3': ['@', 'A:'], '@': ['V', 'E', 'A:'], '@2': ['V', 'E'], 'a#': ['a', 'V'],
    'eI': ['E', 'i:'], 'aI': ['a', 'A:'], 'oU': ['O:', 'V'], 'aU': ['a', 'oU'], 'OI': ['O:'],
    'T': ['s', 'f', 't'], 'D': ['d', 'z', 'v'], 'v': ['w', 'f', 'b'], 'w': ['v'],
    'r': ['l', 'w'], 'l': ['r', 'n'], 'n': ['N', 'l'], 'N': ['n'], 'z': ['s'], 's': ['S', 'z', 'T'],
    'S': ['s', 'tS'], 'Z': ['S', 'dZ', 'z'], 'dZ': ['tS', 'Z', 'z'], 'tS': ['S', 't'],
    'b': ['p', 'v'], 'p': ['b', 'f'], 'd': ['t', 'D'], 't': ['d', 'T'], 'g': ['k'], 'k': ['g'],
    'f': ['p', 'v', 'h'], 'h': ['f'], 'm': ['n'], 'j': ['dZ'], 't#': ['t', 'd'], 't2': ['d', 'T'],
}


def is_vowel(mn: str) -> bool:
    return mn in VOWEL_MNEMONICS


# ---------------------------------------------------------------- sentences / splits
def load_sentences() -> list[dict]:
    seen, out = set(), []

    def add(text, source):
        t = ' '.join(text.lower().replace('\t', ' ').split())
        t = t.strip(' .,;:!?"')
        if t and t not in seen:
            seen.add(t)
            out.append({'text': t, 'source': source})
    if os.path.exists(SO762_TEXT):
        with open(SO762_TEXT, encoding='utf-8') as f:
            for line in f:
                if '\t' in line:
                    add(line.split('\t', 1)[1], 'speechocean762-dev')
    with open(BUILTIN, encoding='utf-8') as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                add(line, 'builtin')
    return out


def sentence_split(text: str, heldout_percent: int) -> str:
    """Stable hash split: the same sentence is always on the same side."""
    h = int.from_bytes(hashlib.sha256(text.encode('utf-8')).digest()[:8], 'big')
    return 'heldout' if h % 100 < heldout_percent else 'train'


# ---------------------------------------------------------------- espeak helpers
class Pronouncer:
    """Caches espeak's phoneme strings and word/text mapping per sentence."""

    def __init__(self, es: espeak.Espeak):
        self.es = es
        self.cache: dict[str, dict] = {}

    def get(self, text: str) -> dict:
        if text in self.cache:
            return self.cache[text]
        clauses = self.es.text_to_phonemes(LANG, text, ipa=False, sep='|')
        mnem = ' '.join(clauses)
        toks = espeak.parse_phoneme_string(mnem)
        n_words = len(mnem.split())
        # Which text words make up each espeak word: espeak merges some word
        # pairs ("of the" -> one phoneme word) and may split others.  Count
        # espeak words over growing prefixes of the text.
        words = text.split()
        counts = []
        for k in range(1, len(words) + 1):
            pre = ' '.join(self.es.text_to_phonemes(LANG, ' '.join(words[:k]), ipa=False, sep='|'))
            counts.append(len(pre.split()))
        word_text = None
        if counts and counts[-1] == n_words and all(b >= a for a, b in zip(counts, counts[1:])):
            word_text = [[] for _ in range(n_words)]
            prev = 0
            for k, c in enumerate(counts):
                # text word k made espeak words prev..c-1, or (no new word) was merged into c-1
                for j in (range(prev, c) if c > prev else [c - 1]):
                    if 0 <= j < n_words:
                        word_text[j].append(words[k])
                prev = c
            word_text = [' '.join(w) if w else None for w in word_text]
        r = {'mnemonic': espeak.join_tokens(toks), 'tokens': toks, 'n_words': n_words,
             'word_text': word_text}
        self.cache[text] = r
        return r


def spoken_names(s: espeak.Synth) -> list[str]:
    return [espeak.strip_stress(e['name']) for e in s.events if e['type'] == 'phoneme' and e['name']]


# ---------------------------------------------------------------- edits
def plan_edits(rng: np.random.Generator, toks: list[Token], n_edits: int, plausible_p: float):
    """Chooses edits on phone tokens.  Returns a list of dicts
    {type, pos (target phone index), plausible, new (mnemonic or None)}."""
    phone_toks = [t for t in toks if t.is_phone]
    P = len(phone_toks)
    used: set[int] = set()
    edits = []
    for _ in range(n_edits):
        for _attempt in range(20):
            typ = rng.choice(['substitute', 'delete', 'insert'], p=[0.5, 0.25, 0.25])
            plausible = bool(rng.random() < plausible_p)
            cands = []  # (pos, new)
            if typ == 'substitute':
                for p, t in enumerate(phone_toks):
                    if plausible and t.mnemonic in PLAUSIBLE_SUB:
                        cands.append((p, None))
                    elif not plausible:
                        cands.append((p, None))
            elif typ == 'delete':
                for p, t in enumerate(phone_toks):
                    v = is_vowel(t.mnemonic)
                    if plausible:
                        if v:
                            continue
                        last = p + 1 == P or phone_toks[p + 1].word != t.word
                        nxt_c = p + 1 < P and phone_toks[p + 1].word == t.word and not is_vowel(phone_toks[p + 1].mnemonic)
                        prv_c = p > 0 and phone_toks[p - 1].word == t.word and not is_vowel(phone_toks[p - 1].mnemonic)
                        if last or nxt_c or prv_c:
                            cands.append((p, None))
                    elif v:
                        cands.append((p, None))
            else:  # insert before target index p (0..P)
                for p in range(P + 1):
                    if plausible:
                        # epenthetic schwa after a word-final consonant or inside a cluster
                        if p == 0 or is_vowel(phone_toks[p - 1].mnemonic):
                            continue
                        end_of_word = p == P or phone_toks[p].word != phone_toks[p - 1].word
                        in_cluster = p < P and phone_toks[p].word == phone_toks[p - 1].word and not is_vowel(phone_toks[p].mnemonic)
                        if end_of_word or in_cluster:
                            cands.append((p, '@'))
                    else:
                        cands.append((p, None))
            # keep edits >= 2 target phones apart so each stays unambiguous
            cands = [c for c in cands if all(abs(c[0] - u) >= 2 for u in used)]
            if not cands:
                continue
            p, new = cands[int(rng.integers(len(cands)))]
            t = phone_toks[p] if p < P else None
            if typ == 'substitute':
                if plausible:
                    new = str(rng.choice(PLAUSIBLE_SUB[t.mnemonic]))
                else:
                    # another broad class: vowel <-> consonant
                    pool = CORE_CONS if is_vowel(t.mnemonic) else CORE_VOWELS
                    new = str(rng.choice(pool))
            elif typ == 'insert' and new is None:
                new = str(rng.choice(CORE_VOWELS + CORE_CONS))
            used.add(p)
            edits.append({'type': str(typ), 'pos': int(p), 'plausible': plausible, 'new': new})
            break
    edits.sort(key=lambda e: (e['pos'], e['type'] != 'insert'))
    return edits


def apply_edits(toks: list[Token], edits: list[dict]):
    """Returns (edited tokens, origin per edited token).  origin is
    ('keep', p) / ('sub', p, edit_index) / ('ins', p, edit_index) / None for
    pauses, p being the target phone index (for 'ins': inserted before p).
    Plausible insertions (epenthetic schwa) go right after phone p-1, in its
    word; other insertions right before phone p, in p's word."""
    at: dict[int, list[tuple[int, dict]]] = {}
    for k, e in enumerate(edits):
        at.setdefault(e['pos'], []).append((k, e))
    out: list[Token] = []
    origin: list = []
    P = sum(t.is_phone for t in toks)
    p = 0
    last_word = 0
    for t in toks:
        if not t.is_phone:
            out.append(t)
            origin.append(None)
            continue
        for k, e in at.get(p, []):
            if e['type'] == 'insert' and not e['plausible']:
                out.append(Token(e['new'], '', t.word))
                origin.append(('ins', p, k))
        act = [(k, e) for k, e in at.get(p, []) if e['type'] != 'insert']
        if act and act[0][1]['type'] == 'delete':
            pass
        elif act:
            k, e = act[0]
            out.append(Token(e['new'], t.stress if is_vowel(e['new']) else '', t.word))
            origin.append(('sub', p, k))
        else:
            out.append(t)
            origin.append(('keep', p))
        for k, e in at.get(p + 1, []):
            if e['type'] == 'insert' and e['plausible']:
                out.append(Token(e['new'], '', t.word))
                origin.append(('ins', p + 1, k))
        last_word = t.word
        p += 1
    for k, e in at.get(P, []):
        if e['type'] == 'insert' and not e['plausible']:
            out.append(Token(e['new'], '', last_word))
            origin.append(('ins', P, k))
    return out, origin


# ---------------------------------------------------------------- audio
def colored_noise(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    w = rng.standard_normal(n)
    if kind == 'white':
        x = w
    else:
        spec = np.fft.rfft(w)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        spec = spec / (np.sqrt(f) if kind == 'pink' else f)
        spec[0] = 0.0
        x = np.fft.irfft(spec, n)
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-12)


def fft_convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    n = len(x) + len(h) - 1
    N = 1 << int(np.ceil(np.log2(n)))
    return np.fft.irfft(np.fft.rfft(x, N) * np.fft.rfft(h, N), N)[:len(x)]


def xcorr_lag(ref: np.ndarray, y: np.ndarray, max_lag: int) -> int:
    """Lag L maximising sum ref[t] * y[t + L] (y delayed by L samples)."""
    n = len(ref) + len(y)
    N = 1 << int(np.ceil(np.log2(n)))
    c = np.fft.irfft(np.fft.rfft(y, N) * np.conj(np.fft.rfft(ref, N)), N)
    lags = np.r_[np.arange(0, max_lag + 1), np.arange(-max_lag, 0)]
    vals = np.r_[c[:max_lag + 1], c[-max_lag:]]
    return int(lags[int(np.argmax(vals))])


CODECS = {
    'opus': (['-c:a', 'libopus', '-application', 'voip'], 'ogg', [12, 16, 24, 32]),
    'mp3': (['-c:a', 'libmp3lame'], 'mp3', [24, 32, 48, 64]),
}


def codec_roundtrip(x: np.ndarray, codec: str, kbps: int, tmpdir: str):
    """Encode/decode with ffmpeg; returns (aligned y of len(x), measured lag).
    ffmpeg trims Opus pre-skip and LAME's encoder delay (gapless info), so the lag
    is 0 in practice; it is measured anyway and compensated, and the mp3
    padding at the end is cut."""
    args, ext, _ = CODECS[codec]
    enc = os.path.join(tmpdir, 'codec.' + ext)
    base = ['ffmpeg', '-nostdin', '-v', 'error', '-y', '-threads', '1']
    subprocess.run(base + ['-f', 'f32le', '-ar', str(OUT_RATE), '-ac', '1', '-i', '-'] + args +
                   ['-b:a', f'{kbps}k', '-fflags', '+bitexact', '-flags:a', '+bitexact', enc],
                   input=x.astype('<f4').tobytes(), check=True)
    y = subprocess.run(base + ['-i', enc, '-f', 'f32le', '-ar', str(OUT_RATE), '-ac', '1', '-'],
                       check=True, capture_output=True).stdout
    os.unlink(enc)
    y = np.frombuffer(y, '<f4').astype(np.float64)
    lag = xcorr_lag(x, y, 2000)
    if lag > 0:
        y = y[lag:]
    elif lag < 0:
        y = np.r_[np.zeros(-lag), y]
    y = np.r_[y, np.zeros(max(0, len(x) - len(y)))][:len(x)]
    return y, lag


def augment(rng, x: np.ndarray, speech_mask: np.ndarray, opt, tmpdir: str):
    info: dict = {}
    x = x.astype(np.float64)
    if rng.random() < opt.p_reverb:
        rt60 = float(rng.uniform(0.15, 0.8))
        drr = float(rng.uniform(0.0, 12.0))  # direct-to-reverberant energy ratio, dB
        L = int(rt60 * OUT_RATE)
        t = np.arange(1, L) / OUT_RATE
        tail = rng.standard_normal(L - 1) * np.exp(-6.9078 * t / rt60)  # -60 dB at rt60
        tail *= np.sqrt(10 ** (-drr / 10) / np.sum(tail ** 2))
        h = np.r_[1.0, tail]  # direct path at lag 0: no shift of the labels
        x = fft_convolve(x, h)
        info['reverb'] = {'rt60_s': round(rt60, 4), 'drr_db': round(drr, 3), 'ir_samples': L}
    if rng.random() < opt.p_noise:
        kind = str(rng.choice(['white', 'pink', 'brown']))
        snr = float(rng.choice([0, 5, 10, 15, 20, 30]))
        p_speech = np.mean(x[speech_mask] ** 2) if speech_mask.any() else np.mean(x ** 2)
        noise = colored_noise(rng, len(x), kind) * np.sqrt(p_speech / 10 ** (snr / 10))
        x = x + noise
        info['noise'] = {'kind': kind, 'snr_db': snr, 'reference': 'mean power over non-silence phone segments'}
    x = x * (0.5 / (np.max(np.abs(x)) + 1e-12))
    if rng.random() < opt.p_codec:
        codec = str(rng.choice(sorted(CODECS)))
        kbps = int(rng.choice(CODECS[codec][2]))
        x, lag = codec_roundtrip(x, codec, kbps, tmpdir)
        info['codec'] = {'codec': codec, 'kbps': kbps, 'measured_lag': lag, 'compensated': True}
    peak_db = float(rng.uniform(-30.0, -1.0))
    x = x * (10 ** (peak_db / 20) / (np.max(np.abs(x)) + 1e-12))
    info['gain'] = {'peak_dbfs': round(peak_db, 3)}
    return x, info


def to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype('<i2')


def write_audio(path: str, pcm: np.ndarray, fmt: str) -> None:
    """16-bit mono WAV (Python's wave module), or FLAC through sox (libFLAC;
    deterministic bytes for the same samples and sox/libFLAC versions)."""
    buf = io.BytesIO()
    with wave.open(buf, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(OUT_RATE)
        w.writeframes(pcm.tobytes())
    if fmt == 'wav':
        with open(path, 'wb') as f:
            f.write(buf.getvalue())
    else:
        subprocess.run(['sox', '-q', '-t', 'wav', '-', '-t', 'flac', path], input=buf.getvalue(), check=True)


# ---------------------------------------------------------------- one utterance
def make_utterance(es: espeak.Espeak, pron: Pronouncer, sentences, variants, idx: int, opt, tmpdir):
    split_code = 0 if opt.split == 'train' else 1
    rng = np.random.default_rng(np.random.SeedSequence([opt.seed, split_code, idx]))
    sent = sentences[int(rng.integers(len(sentences)))]
    variant = variants[int(rng.integers(len(variants)))]
    voice = LANG + ('+' + variant if variant else '')
    rate = int(rng.integers(opt.rate_min, opt.rate_max + 1))
    pitch = int(rng.integers(15, 86))
    prange = int(rng.integers(10, 91))
    es_seed = int(rng.integers(1, 2 ** 31 - 1))
    want_errors = rng.random() < opt.p_error
    n_edits = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))

    pr = pron.get(sent['text'])
    toks = pr['tokens']
    kw = dict(rate=rate, pitch=pitch, rng=prange, seed=es_seed)
    canon = es.synth(voice, pr['mnemonic'], mode='phon', out_rate=0 if want_errors else OUT_RATE, **kw)
    target = spoken_names(canon)
    n_phone_toks = sum(t.is_phone for t in toks)
    mapping_ok = len(target) == n_phone_toks

    final, edited, origin, edits, note, attempts = canon, toks, None, [], None, 0
    if want_errors and mapping_ok:
        for attempts in range(1, 5):
            edits = plan_edits(rng, toks, n_edits, opt.p_plausible)
            if not edits:
                break
            edited, origin = apply_edits(toks, edits)
            s = es.synth(voice, espeak.join_tokens(edited), mode='phon', out_rate=OUT_RATE, **kw)
            if len(spoken_names(s)) == sum(t.is_phone for t in edited):
                final = s
                break
            edits = []  # espeak changed the number of phones: plan again
        if not edits:
            edited, origin = toks, None
            note = 'errors wanted but none made (no edit gave a 1:1 phone mapping)'

    if final is canon and canon.out is None:  # errors wanted but not made
        final = canon = es.synth(voice, pr['mnemonic'], mode='phon', out_rate=OUT_RATE, **kw)
        target = spoken_names(canon)
    if origin is None:
        edited = toks
        origin = []
        p = 0
        for t in toks:
            origin.append(('keep', p) if t.is_phone else None)
            p += t.is_phone

    # ---- timed spoken phones at 16 kHz
    segs = espeak.phones_from_events(final, closure_to_stop=not opt.no_closure_fix)
    n16 = final.n_out
    assert n16 == espeak.rescale(final.n_samples, OUT_RATE, final.rate)
    phones = []
    for g in segs:
        a = espeak.rescale(g['start'], OUT_RATE, final.rate)
        b = espeak.rescale(g['end'], OUT_RATE, final.rate)
        if g['phone'] == SIL and a == b:
            continue
        if phones and g['phone'] == SIL and phones[-1]['phone'] == SIL:
            phones[-1]['end'] = b
            continue
        phones.append({'phone': g['phone'], 'start': a, 'end': b})
    spoken = [g['phone'] for g in phones if g['phone'] != SIL]
    seg_of_spoken = [k for k, g in enumerate(phones) if g['phone'] != SIL]
    assert spoken == spoken_names(final), (spoken, spoken_names(final))

    # ---- alignment target <-> spoken, errors
    phone_origin = [o for o, t in zip(origin, edited) if t.is_phone]
    spoken_word = [t.word for t in edited if t.is_phone]
    assert len(phone_origin) == len(spoken)
    P = len(target)
    spoken_of_target: dict[int, int] = {}
    align = []  # [target index or None, spoken index or None]
    errors = []
    for si, o in enumerate(phone_origin):
        if o[0] in ('keep', 'sub'):
            spoken_of_target[o[1]] = si
    # walk target order, interleaving insertions
    ins_before: dict[int, list[int]] = {}
    for si, o in enumerate(phone_origin):
        if o[0] == 'ins':
            ins_before.setdefault(o[1], []).append(si)

    def span(si):
        g = phones[seg_of_spoken[si]]
        return g['start'], g['end']

    def point_before_target(p):
        """Sample where target phone p would start in the spoken audio."""
        for q in range(p, P + 1):
            cand = ins_before.get(q, []) + ([spoken_of_target[q]] if q in spoken_of_target else [])
            if cand:
                return span(min(cand))[0]
        return phones[seg_of_spoken[-1]]['end'] if spoken else 0

    for p in range(P + 1):
        for si in ins_before.get(p, []):
            a, b = span(si)
            e = edits[phone_origin[si][2]]
            errors.append({'type': 'insert', 'position': p, 'expected': None, 'actual': spoken[si],
                           'start': a, 'end': b, 'plausible': e['plausible'], 'induced': False})
            align.append([None, si])
        if p == P:
            break
        if p in spoken_of_target:
            si = spoken_of_target[p]
            align.append([p, si])
            o = phone_origin[si]
            if spoken[si] != target[p]:
                a, b = span(si)
                plaus = edits[o[2]]['plausible'] if o[0] == 'sub' else None
                errors.append({'type': 'substitute', 'position': p, 'expected': target[p], 'actual': spoken[si],
                               'start': a, 'end': b, 'plausible': plaus, 'induced': o[0] != 'sub'})
        else:
            a = point_before_target(p + 1)
            e = [e for e in edits if e['type'] == 'delete' and e['pos'] == p][0]
            errors.append({'type': 'delete', 'position': p, 'expected': target[p], 'actual': None,
                           'start': a, 'end': a, 'plausible': e['plausible'], 'induced': False})
            align.append([p, None])

    # ---- words (espeak words; text from the prefix mapping)
    words = []
    word_events = [e['sample'] for e in final.events if e['type'] == 'word']
    for w in range(pr['n_words']):
        sis = [si for si, ww in enumerate(spoken_word) if ww == w]
        entry = {'text': pr['word_text'][w] if pr['word_text'] else None}
        if sis:
            entry.update(start=span(sis[0])[0], end=span(sis[-1])[1], phones=[sis[0], sis[-1] + 1])
        else:
            entry.update(start=None, end=None, phones=[0, 0])
        if len(word_events) == pr['n_words']:
            entry['event_start'] = espeak.rescale(word_events[w], OUT_RATE, final.rate)
        words.append(entry)

    # ---- audio
    x = np.frombuffer(final.out, '<f4').astype(np.float64)
    assert len(x) == n16
    mask = np.zeros(n16, bool)
    for g in phones:
        if g['phone'] != SIL:
            mask[g['start']:g['end']] = True
    aug = {}
    if not opt.clean:
        x, aug = augment(rng, x, mask, opt, tmpdir)
    else:
        x = x * (10 ** (-3 / 20) / (np.max(np.abs(x)) + 1e-12))
    pcm = to_int16(x)

    uid = f'{opt.split}-{opt.seed}-{idx:06d}'
    label = {
        'id': uid, 'text': sent['text'], 'text_source': sent['source'], 'split': opt.split,
        'voice': voice, 'variant': variant or 'default', 'rate': rate, 'pitch': pitch, 'range': prange,
        'sample_rate': OUT_RATE, 'n_samples': n16,
        'phones': phones,
        'target_phones': target, 'spoken_phones': spoken, 'errors': errors, 'alignment': align,
        'words': words,
        'espeak': {'version': espeak_version(), 'seed': es_seed, 'native_rate': final.rate,
                   'native_samples': final.n_samples,
                   'phonemes_target': pr['mnemonic'], 'phonemes_spoken': espeak.join_tokens(edited),
                   'boundaries': 'events' if opt.no_closure_fix else 'events+prepause',
                   'edits_planned': [{'type': e['type'], 'position': e['pos'], 'mnemonic': e['new'],
                                      'plausible': e['plausible']} for e in edits],
                   'edit_attempts': attempts},
        'augment': aug,
    }
    if note:
        label['note'] = note
    if not mapping_ok:
        label['note'] = 'canonical phone count != mnemonic token count: no errors made'
    return uid, pcm, label


_VERSION = None


def espeak_version() -> str:
    global _VERSION
    if _VERSION is None:
        try:
            _VERSION = subprocess.run(['espeak-ng', '--version'], capture_output=True, text=True).stdout.split()[3]
        except Exception:  # pragma: no cover
            _VERSION = 'unknown'
    return _VERSION


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True, help='output directory')
    ap.add_argument('--n', type=int, default=10, help='number of utterances')
    ap.add_argument('--start', type=int, default=0, help='index of the first utterance (for sharding)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--split', choices=['train', 'heldout'], default='train',
                    help='train and heldout use disjoint sentences and disjoint voices')
    ap.add_argument('--heldout-percent', type=int, default=20, help='share of sentences held out (hash split)')
    ap.add_argument('--format', choices=['wav', 'flac'], default='wav')
    ap.add_argument('--p-error', type=float, default=0.5, help='probability that an utterance has errors')
    ap.add_argument('--p-plausible', type=float, default=0.7, help='share of plausible edits')
    ap.add_argument('--p-noise', type=float, default=0.5)
    ap.add_argument('--p-reverb', type=float, default=0.3)
    ap.add_argument('--p-codec', type=float, default=0.2)
    ap.add_argument('--clean', action='store_true', help='no augmentation (peak -3 dBFS)')
    ap.add_argument('--rate-min', type=int, default=130)
    ap.add_argument('--rate-max', type=int, default=260)
    ap.add_argument('--no-closure-fix', action='store_true',
                    help='raw event boundaries (stop closures stay with the previous phone)')
    ap.add_argument('--quiet', action='store_true')
    opt = ap.parse_args(argv)

    sentences = [s for s in load_sentences() if sentence_split(s['text'], opt.heldout_percent) == opt.split]
    variants = TRAIN_VARIANTS if opt.split == 'train' else HELDOUT_VARIANTS
    os.makedirs(opt.out, exist_ok=True)
    t0 = time.time()
    manifest = []
    with tempfile.TemporaryDirectory(prefix='synth_') as tmpdir, espeak.Espeak(tmpdir) as es:
        pron = Pronouncer(es)
        for idx in range(opt.start, opt.start + opt.n):
            uid, pcm, label = make_utterance(es, pron, sentences, variants, idx, opt, tmpdir)
            audio = os.path.join(opt.out, f'{uid}.{opt.format}')
            write_audio(audio, pcm, opt.format)
            with open(os.path.join(opt.out, uid + '.json'), 'w', encoding='utf-8') as f:
                json.dump(label, f, ensure_ascii=False, indent=1)
                f.write('\n')
            manifest.append({'id': uid, 'audio': os.path.basename(audio), 'text': label['text'],
                             'voice': label['voice'], 'n_samples': label['n_samples'],
                             'n_errors': len(label['errors'])})
            if not opt.quiet:
                print(f"{uid} {label['voice']:<18} errors={len(label['errors'])} {label['text'][:50]}",
                      file=sys.stderr)
    with open(os.path.join(opt.out, f'manifest-{opt.split}-{opt.seed}-{opt.start}.jsonl'), 'w', encoding='utf-8') as f:
        for m in manifest:
            f.write(json.dumps(m, ensure_ascii=False) + '\n')
    dt = time.time() - t0
    audio_s = sum(m['n_samples'] for m in manifest) / OUT_RATE
    print(f'{len(manifest)} utterances, {audio_s:.1f} s audio in {dt:.1f} s wall '
          f'({len(manifest) / dt:.2f} utt/s, {audio_s / dt:.1f}x real time)', file=sys.stderr)
    return manifest


if __name__ == '__main__':
    main()
