#!/usr/bin/env python3
"""English phone inventory of espeak-ng's en-us voice, and ARPAbet -> IPA maps.

    python3 tools/synth/inventory.py                 # print, using the built-in sentences
    python3 tools/synth/inventory.py --all --json tools/synth/inventory.json

Collects, empirically, every phoneme-event name that espeak-ng en-us emits while
synthesising sentences (the built-in list, plus the speechocean762 dev
transcripts with --all), and aligns espeak's pronunciation of the
speechocean762 lexicon words with the lexicon's ARPAbet to check the
ARPAbet -> IPA map below.  Stress marks never occur in event names (espeak
1.51 writes them without stress); they are stripped anyway.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.synth import espeak  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SO762 = os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'speechocean762-dev')

# ---------------------------------------------------------------------------
# ARPAbet (CMU, 39 phones) -> IPA as espeak-ng en-us writes it.
# Stress-dependent vowels use the digit when there is one; DEFAULT is used for a
# bare phone (digits dropped).  Choices (checked against espeak's own
# pronunciation of the speechocean762 lexicon words: see --arpabet-stats):
#   AH0 -> ə, AH1/AH2 -> ʌ           espeak: "@"/"a#" vs "V"
#   ER0 -> ɚ, ER1/ER2 -> ɜː          espeak: "3" vs "3:"
#   IY0 -> i, IY1/IY2 -> iː          espeak: final unstressed "i" (happy) vs "i:"
#   AA -> ɑː, AO -> ɔː               en-us espeak has long ɑː (father, lot) and ɔː
#   OW -> oʊ, EY -> eɪ, AY -> aɪ, AW -> aʊ, OY -> ɔɪ   diphthongs as single phones
#   R -> ɹ, G -> ɡ (U+0261), Y -> j, HH -> h, JH -> dʒ, CH -> tʃ (single phones)
# The bare-phone defaults for AH / ER / IY are the unstressed forms, because
# unstressed tokens dominate running speech (speechocean762 text-phone: AH0 1999
# vs AH1 199; its digits are unreliable, e.g. CALL = K AO0 L, so prefer the
# lexicon's stress when available).
# ---------------------------------------------------------------------------
ARPABET_TO_IPA = {
    'AA': 'ɑː', 'AE': 'æ', 'AH': 'ə', 'AO': 'ɔː', 'AW': 'aʊ', 'AY': 'aɪ', 'EH': 'ɛ', 'ER': 'ɚ',
    'EY': 'eɪ', 'IH': 'ɪ', 'IY': 'i', 'OW': 'oʊ', 'OY': 'ɔɪ', 'UH': 'ʊ', 'UW': 'uː',
    'B': 'b', 'CH': 'tʃ', 'D': 'd', 'DH': 'ð', 'F': 'f', 'G': 'ɡ', 'HH': 'h', 'JH': 'dʒ',
    'K': 'k', 'L': 'l', 'M': 'm', 'N': 'n', 'NG': 'ŋ', 'P': 'p', 'R': 'ɹ', 'S': 's', 'SH': 'ʃ',
    'T': 't', 'TH': 'θ', 'V': 'v', 'W': 'w', 'Y': 'j', 'Z': 'z', 'ZH': 'ʒ',
}
ARPABET_STRESSED = {'AH': 'ʌ', 'ER': 'ɜː', 'IY': 'iː'}  # digit 1 or 2
assert len(ARPABET_TO_IPA) == 39


def arpabet_to_ipa(ph: str) -> str:
    """'AH0' -> 'ə', 'AH1' -> 'ʌ', 'ER' -> 'ɚ', 'R' -> 'ɹ' ..."""
    base = ph.rstrip('012')
    digit = ph[len(base):]
    if digit in ('1', '2') and base in ARPABET_STRESSED:
        return ARPABET_STRESSED[base]
    return ARPABET_TO_IPA[base]


# espeak en-us event phones -> the ARPAbet-consistent IPA set above (sequence
# level; for CTC targets or scoring against speechocean762 canonical phones).
# 'r' (and other symbols outside the canonical inventory) can occur in
# *spoken* phones of edited utterances, e.g. an r left without a vowel.
# Compound espeak phones are split; espeak's reduced / allophonic symbols are
# folded.  Identity for everything in the 39-phone set.
ESPEAK_TO_ARPABET_IPA = {
    'ɑːɹ': ['ɑː', 'ɹ'], 'ɔːɹ': ['ɔː', 'ɹ'], 'oːɹ': ['ɔː', 'ɹ'], 'ɛɹ': ['ɛ', 'ɹ'], 'ɪɹ': ['ɪ', 'ɹ'],
    'ʊɹ': ['ʊ', 'ɹ'], 'aɪɚ': ['aɪ', 'ɚ'], 'aɪə': ['aɪ', 'ə'], 'aʊɚ': ['aʊ', 'ɚ'], 'iə': ['iː', 'ə'],
    'əl': ['ə', 'l'], 'n̩': ['ə', 'n'], 'm̩': ['ə', 'm'],
    'ɐ': ['ə'], 'ᵻ': ['ɪ'], 'ɔ': ['ɔː'], 'ɑ': ['ɑː'], 'ɜ': ['ɜː'], 'ɾ': ['t'], 'ʔ': ['t'],
    'r': ['ɹ'], 'oː': ['ɔː'], 'ɒ': ['ɑː'], 'e': ['eɪ'], 'o': ['oʊ'], 'u': ['uː'], 'ɬ': ['l'], 'x': ['k'],
}


def espeak_to_arpabet_ipa(phone: str) -> list[str]:
    return ESPEAK_TO_ARPABET_IPA.get(phone, [phone])


# Descriptive classes for printing (IPA as espeak writes it).
def phone_class(p: str) -> str:
    if p in ('ɑːɹ', 'ɔːɹ', 'oːɹ', 'ɛɹ', 'ɪɹ', 'ʊɹ', 'aɪɚ', 'aʊɚ', 'ɚ', 'ɜː', 'ɜ'):
        return 'r-coloured vowel'
    if p in ('əl', 'n̩', 'm̩', 'l̩'):
        return 'syllabic consonant'
    if p in ('aɪ', 'aʊ', 'eɪ', 'oʊ', 'ɔɪ', 'iə', 'aɪə', 'eə', 'ʊə'):
        return 'diphthong'
    vowels = set('iɪeɛæaɑɒɔoʊuʌəɐᵻɜɚ')
    if any(c in vowels for c in p):
        return 'vowel'
    return 'consonant'


def load_builtin() -> list[str]:
    with open(os.path.join(HERE, 'sentences_en.txt'), encoding='utf-8') as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith('#')]


def load_so762_texts() -> list[str]:
    p = os.path.join(SO762, 'text')
    if not os.path.exists(p):
        return []
    with open(p, encoding='utf-8') as f:
        return sorted({ln.split('\t', 1)[1].strip().lower() for ln in f if '\t' in ln})


def collect_inventory(es: espeak.Espeak, sentences: list[str], voice: str = 'en-us'):
    """Synthesises each sentence (text mode) and counts phoneme-event names."""
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    mnem: dict[str, Counter] = defaultdict(Counter)
    for text in sentences:
        s = es.synth(voice, text, mode='text')
        names = [espeak.strip_stress(e['name']) for e in s.events if e['type'] == 'phoneme' and e['name']]
        counts.update(names)
        for n in names:
            examples.setdefault(n, text)
        # mnemonic <-> IPA pairs (1:1 when the counts agree)
        toks = [t for t in espeak.parse_phoneme_string(' '.join(es.text_to_phonemes(voice, text))) if t.is_phone]
        if len(toks) == len(names):
            for t, n in zip(toks, names):
                mnem[n][t.mnemonic] += 1
    return counts, examples, mnem


def align(a: list, b: list, same=lambda x, y: x == y):
    """Levenshtein alignment in order; returns pairs (i or None, j or None). The backtrace
    prefers the diagonal, then a deletion from a, then an insertion from b."""
    n, m = len(a), len(b)
    D = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        D[i][0] = i
    for j in range(m + 1):
        D[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            D[i][j] = min(D[i - 1][j] + 1, D[i][j - 1] + 1, D[i - 1][j - 1] + (0 if same(a[i - 1], b[j - 1]) else 1))
    i, j, out = n, m, []
    while i or j:
        if i and j and D[i][j] == D[i - 1][j - 1] + (0 if same(a[i - 1], b[j - 1]) else 1):
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and D[i][j] == D[i - 1][j] + 1:
            out.append((i - 1, None))
            i -= 1
        else:
            out.append((None, j - 1))
            j -= 1
    return out[::-1]


def arpabet_stats(es: espeak.Espeak, voice: str = 'en-us'):
    """Aligns espeak's IPA for each speechocean762 lexicon word used in the dev
    transcripts with the lexicon's ARPAbet; counts ARPAbet(+digit) -> espeak IPA."""
    lex = os.path.join(SO762, 'lexicon.txt')
    if not os.path.exists(lex):
        return {}, 0
    used = {w for t in load_so762_texts() for w in t.upper().split()}
    prons: dict[str, list[str]] = {}
    with open(lex, encoding='utf-8') as f:
        for ln in f:
            w, _, p = ln.rstrip('\n').partition('\t')
            if w in used and w not in prons:  # first variant
                prons[w] = p.split()
    stats: dict[str, Counter] = defaultdict(Counter)

    def same(arpa, ipa):
        return ipa in espeak_to_arpabet_ipa_all(arpabet_to_ipa(arpa))
    for w, arpa in sorted(prons.items()):
        ipa = ' '.join(es.text_to_phonemes(voice, w.lower(), ipa=True))
        toks = [espeak.strip_stress(t) for t in ipa.replace(' ', '|').split('|')]
        toks = [t for t in toks if t]
        for i, j in align(arpa, toks, same):
            if i is not None:
                stats[arpa[i]][toks[j] if j is not None else '(none)'] += 1
    return stats, len(prons)


def espeak_to_arpabet_ipa_all(target: str) -> set[str]:
    """espeak phones whose normalisation starts with target (for alignment)."""
    out = {target}
    for k, v in ESPEAK_TO_ARPABET_IPA.items():
        if v[0] == target:
            out.add(k)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--all', action='store_true', help='also synthesise the 1260 speechocean762 dev transcripts')
    ap.add_argument('--voices', default='en-us', help='comma-separated voices (variants do not change phones)')
    ap.add_argument('--arpabet-stats', action='store_true', help='align the speechocean762 lexicon with espeak')
    ap.add_argument('--json', help='write the inventory and maps here')
    opt = ap.parse_args(argv)
    sentences = load_builtin() + (load_so762_texts() if opt.all else [])
    with espeak.Espeak() as es:
        total: Counter = Counter()
        examples: dict = {}
        mnem: dict = defaultdict(Counter)
        per_voice = {}
        for v in opt.voices.split(','):
            c, ex, mn = collect_inventory(es, sentences, v)
            per_voice[v] = sorted(c)
            total.update(c)
            for k, e in ex.items():
                examples.setdefault(k, e)
            for k, cc in mn.items():
                mnem[k].update(cc)
        stats, n_words = arpabet_stats(es) if opt.arpabet_stats else ({}, 0)
    print(f'espeak-ng {opt.voices}: {len(total)} phones from {len(sentences)} sentences '
          f'({sum(total.values())} phone events)')
    by_class = defaultdict(list)
    for p in total:
        by_class[phone_class(p)].append(p)
    for cls in ('vowel', 'diphthong', 'r-coloured vowel', 'syllabic consonant', 'consonant'):
        ps = sorted(by_class.get(cls, []), key=lambda p: -total[p])
        print(f'  {cls:<19} ' + ' '.join(f'{p}:{total[p]}' for p in ps))
    if len(per_voice) > 1:
        sets = {v: set(p) for v, p in per_voice.items()}
        print('  same set for every voice:', len({frozenset(s) for s in sets.values()}) == 1)
    print('  espeak mnemonic(s) per phone: ' + ', '.join(
        f'{p}={"/".join(m for m, _ in mnem[p].most_common())}' for p in sorted(total, key=lambda p: -total[p])))
    unmapped = [p for p in total if any(q not in ARPABET_TO_IPA.values() and q not in ARPABET_STRESSED.values()
                                        for q in espeak_to_arpabet_ipa(p))]
    print('  phones outside the ARPAbet-consistent set after normalisation:', unmapped or 'none')
    if stats:
        print(f'ARPAbet (speechocean762 lexicon, {n_words} words) -> espeak en-us IPA, by alignment:')
        for a in sorted(stats, key=lambda a: (a.rstrip('012'), a)):
            tot = sum(stats[a].values())
            top = ', '.join(f'{k} {v / tot:.0%}' for k, v in stats[a].most_common(4))
            print(f'  {a:<4} -> {arpabet_to_ipa(a):<3} | espeak: {top}  (n={tot})')
    if opt.json:
        data = {
            'espeak_voice': opt.voices, 'n_sentences': len(sentences),
            'phones': {p: {'count': total[p], 'class': phone_class(p), 'mnemonics': dict(mnem[p]),
                           'example': examples[p]} for p in sorted(total, key=lambda p: -total[p])},
            'arpabet_to_ipa': ARPABET_TO_IPA, 'arpabet_stressed_to_ipa': ARPABET_STRESSED,
            'espeak_to_arpabet_ipa': ESPEAK_TO_ARPABET_IPA,
        }
        if stats:
            data['arpabet_alignment_counts'] = {a: dict(c.most_common()) for a, c in sorted(stats.items())}
        with open(opt.json, 'w', encoding='utf-8') as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write('\n')
    return total


if __name__ == '__main__':
    main()
