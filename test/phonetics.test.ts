import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DISTINCT_FLOOR, phoneDistance, substitutionMatrix } from '../lib/phonetics/distance.js';
import { FEATURE_COUNT, SEGMENTS, featureKey, featureValue, hasFeatures, segmentFeatures } from '../lib/phonetics/features.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const phonesOf = (list: string) => list.split(' ');
const EN42 = phonesOf('p b t d k ɡ f v θ ð s z ʃ ʒ h tʃ dʒ m n ŋ l ɹ w j i iː ɪ eɪ ɛ æ ɑː ɔː oʊ ʊ uː ʌ ə ɚ ɜː aɪ aʊ ɔɪ');
const PLUMBING = readFileSync(join(ROOT, 'models', 'plumbing', 'tokens.txt'), 'utf8').split('\n').filter((t) => t && t !== '<blank>');
const ESPEAK = Object.keys((JSON.parse(readFileSync(join(ROOT, 'tools', 'synth', 'inventory.json'), 'utf8')) as { phones: Record<string, unknown> }).phones);
const POWSM_SAMPLE = phonesOf('tʰ kʰ pʰ ɜ˞ l̴ ɪ̃ ã õ t͡ʃ d͡ʒ t̪ d̪ n̩ l̩ ɾ̃ ʔ ɫ ɻ ɐ ᵻ ɒ ɔː eː oː ʏ ø y ç x ɣ χ ʁ ħ ts dz tɕ ɕ ʑ kʷ tʲ sʼ aɪ̯ ə˞ ɚ ɝ iə aɪə ɑːɹ');

const d = phoneDistance;

describe('feature table', () => {
  it('has a value for every feature of every listed segment', () => {
    for (const symbol of Object.keys(SEGMENTS)) expect(segmentFeatures(symbol)?.length, symbol).toBe(FEATURE_COUNT);
  });

  it.each([
    ['the ~42-phone English set', EN42],
    ['the plumbing bundle vocabulary', PLUMBING],
    ['espeak en-us phones (tools/synth/inventory.json)', ESPEAK],
    ['common POWSM / narrow-transcription phones', POWSM_SAMPLE],
  ])('covers %s (no fallback to distance 1)', (_name, phones) => {
    expect(phones.length).toBeGreaterThan(10);
    expect(phones.filter((p) => !hasFeatures(p))).toEqual([]);
  });

  it('puts segments in the natural classes a phonetician expects', () => {
    const values = (feature: Parameters<typeof featureValue>[1], phones: string) => phonesOf(phones).map((p) => featureValue(p, feature));
    expect(values('voice', 'b d ɡ v ð z ʒ m n ŋ l ɹ w j a i u')).toEqual(Array(17).fill(1));
    expect(values('voice', 'p t k f θ s ʃ h')).toEqual(Array(8).fill(-1));
    expect(values('nasal', 'm n ŋ ɲ')).toEqual([1, 1, 1, 1]);
    expect(values('syllabic', 'i ɪ ə ɑ u')).toEqual([1, 1, 1, 1, 1]);
    expect(values('syllabic', 'j w p')).toEqual([-1, -1, -1]);
    expect(values('strident', 's z ʃ ʒ')).toEqual([1, 1, 1, 1]);
    expect(values('strident', 'θ ð f')).toEqual([-1, -1, -1]);
    expect(values('continuant', 'p t k tʃ')).toEqual([-1, -1, -1, -1]);
    expect(values('delayedRelease', 'tʃ dʒ ts t')).toEqual([1, 1, 1, -1]);
    expect(values('rhotic', 'ɹ ɚ ɝ ɜ˞ l')).toEqual([1, 1, 1, 1, -1]);
    expect(values('long', 'iː i')).toEqual([1, -1]);
    expect(values('spreadGlottis', 'tʰ t')).toEqual([1, -1]);
    expect(values('nasal', 'ɪ̃ ɪ')).toEqual([1, -1]);
    expect(values('syllabic', 'n̩ n')).toEqual([1, -1]);
  });

  it('composes an affricate from its stop and fricative, and averages a diphthong', () => {
    expect(Array.from(segmentFeatures('tʃ')!)).toEqual(Array.from(segmentFeatures('t͡ʃ')!));
    expect(featureValue('tʃ', 'anterior')).toBe(-1); // the fricative's place
    const [a, i, ai] = ['a', 'ɪ', 'aɪ'].map((p) => segmentFeatures(p)!);
    for (let f = 0; f < FEATURE_COUNT; f++) expect(ai[f]).toBeCloseTo((a[f] + i[f]) / 2);
  });

  it('has no features for an unknown symbol or one with an unknown part', () => {
    for (const symbol of ['ʘ', 'tʘ', 'Q', 'ʰ', '']) expect(hasFeatures(symbol), symbol).toBe(false);
  });
});

describe('phoneDistance', () => {
  const all = [...new Set([...EN42, ...PLUMBING, ...ESPEAK, ...POWSM_SAMPLE])];

  it('is 0 for the same phone, whatever its spelling', () => {
    for (const p of all) expect(d(p, p), p).toBe(0);
    for (const [a, b] of [
      ['ɡ', 'g'],
      ['tʃ', 't͡ʃ'],
      ['tʃ', 'ʧ'],
      ['dʒ', 'ʤ'],
      ['ɚ', 'ə˞'],
      ['ɝ', 'ɜ˞'],
      ['ɫ', 'l̴'],
      ['ã', 'a\u0303'],
      ['ʘ', 'ʘ'],
    ]) expect(d(a, b), `${a} ${b}`).toBe(0);
  });

  it('is symmetric, in [0, 1], and at least the floor for different phones', () => {
    for (const a of all) {
      for (const b of all) {
        const ab = d(a, b);
        expect(ab).toBe(d(b, a));
        expect(ab).toBeLessThanOrEqual(1);
        if (featureKey(a) !== featureKey(b)) expect(ab, `${a} ${b}`).toBeGreaterThanOrEqual(DISTINCT_FLOOR - 1e-6);
      }
    }
  });

  it('satisfies the triangle inequality over the English set and the plumbing vocabulary', () => {
    const phones = [...new Set([...EN42, ...PLUMBING])];
    const m = phones.map((a) => phones.map((b) => d(a, b)));
    let worst = 0;
    for (let i = 0; i < phones.length; i++)
      for (let j = 0; j < phones.length; j++) for (let k = 0; k < phones.length; k++) worst = Math.max(worst, m[i][k] - (m[i][j] + m[j][k]));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['ɪ', 'i', 'k', 'i'],
    ['s', 'z', 's', 'm'],
    ['p', 'b', 'p', 'a'],
    ['ɛ', 'æ', 'ɛ', 'u'],
    ['t', 'd', 't', 'k'],
    ['t', 'k', 't', 'ɑ'],
    ['aɪ', 'a', 'aɪ', 'm'],
    ['aɪ', 'ɪ', 'aɪ', 'm'],
    ['oʊ', 'ʊ', 'oʊ', 'k'],
    ['i', 'ɪ', 'i', 'e'],
    ['i', 'e', 'i', 'a'],
    ['iː', 'i', 'iː', 'ɪ'],
    ['θ', 's', 'θ', 'k'],
    ['θ', 't', 'θ', 'm'],
    ['ð', 'd', 'ð', 'ŋ'],
    ['m', 'n', 'm', 's'],
    ['l', 'ɹ', 'l', 't'],
    ['w', 'u', 'w', 'k'],
    ['j', 'i', 'j', 'ɡ'],
    ['tʃ', 'ʃ', 'tʃ', 'k'],
    ['tʃ', 'dʒ', 'tʃ', 'ʒ'],
    ['ə', 'ʌ', 'ə', 'iː'],
    ['ə', 'ɚ', 'ə', 'ɹ'],
    ['ɚ', 'ɜː', 'ɚ', 'ɔː'],
    ['ɾ', 'd', 'ɾ', 'k'],
    ['ɫ', 'l', 'ɫ', 'ɹ'],
    ['tʰ', 't', 't', 'd'],
  ])('d(%s,%s) < d(%s,%s)', (a, b, c, e) => {
    expect(d(a, b)).toBeLessThan(d(c, e));
  });

  it('costs a whole edit (1) between an obstruent and a vowel', () => {
    expect(d('t', 'ɑ')).toBe(1);
    expect(d('p', 'a')).toBe(1);
  });

  it('decomposes base + diacritics, and is 1 against a segment with an unknown part', () => {
    expect(d('t̪ʰ', 't')).toBeLessThan(d('t', 'k'));
    expect(d('q̃', 'q')).toBeLessThan(0.3);
    expect(d('ʘ', 'p')).toBe(1);
    expect(d('tʘ', 't')).toBe(1);
  });
});

describe('substitutionMatrix', () => {
  it('is the row-major matrix of phoneDistance over a vocabulary, 1 for null entries', () => {
    const vocab: (string | null)[] = [null, ...PLUMBING, null, 'ʘ'];
    const n = vocab.length;
    const m = substitutionMatrix(vocab);
    expect(m.length).toBe(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const [a, b] = [vocab[i], vocab[j]];
        const expected = a === null || b === null ? 1 : d(a, b);
        expect(m[i * n + j], `${a} ${b}`).toBeCloseTo(expected, 6);
      }
    }
  });

  it('builds a 6000-phone (POWSM-sized) matrix in reasonable time', () => {
    const base = [...EN42, ...POWSM_SAMPLE];
    const vocab = Array.from({ length: 6000 }, (_, i) => base[i % base.length] + ['', 'ː', 'ʰ', '\u0303', '\u0329', 'ʷ'][Math.floor(i / base.length) % 6]);
    const start = performance.now();
    const m = substitutionMatrix(vocab);
    expect(m.length).toBe(vocab.length ** 2);
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});
