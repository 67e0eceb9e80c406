// lib/mfa/phone-tables.ts and target-words.ts: our phones onto MFA's english_mfa and
// english_us_arpa sets. Checked against independent data: the published inventories, the ARPAbet ->
// IPA table tools/synth wrote for another purpose, and the phones of the bundled models.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MfaPhoneMappingError, PhoneMapper, PHONE_TABLES, PUBLISHED_INVENTORIES, phoneSetOfModel, type PhoneSetName } from '../lib/mfa/phone-tables.js';
import { dictionaryText, mfaTarget, transcriptText } from '../lib/mfa/target-words.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';

const ROOT = join(import.meta.dirname, '..');
const modelPhones = (bundle: string) =>
  readFileSync(join(ROOT, 'models', bundle, 'tokens.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('<'));
const inventory = JSON.parse(readFileSync(join(ROOT, 'tools', 'synth', 'inventory.json'), 'utf8')) as {
  arpabet_to_ipa: Record<string, string>;
  arpabet_stressed_to_ipa: Record<string, string>;
};

describe.each(['english_mfa', 'english_us_arpa'] as PhoneSetName[])('%s table', (set) => {
  const published = new Set(PUBLISHED_INVENTORIES[set]);

  it('names only phones of the published inventory', () => {
    const outside = Object.entries(PHONE_TABLES[set]).flatMap(([from, candidates]) =>
      candidates.flatMap((c) => c.split(' ').filter((p) => !published.has(p.normalize('NFC'))).map((p) => `${from} -> ${p}`)),
    );
    expect(outside).toEqual([]);
  });

  it('maps every phone of both bundled models', () => {
    const mapper = new PhoneMapper(set);
    for (const bundle of ['default', 'plumbing']) {
      for (const phone of modelPhones(bundle)) expect(() => mapper.resolve(phone), `${bundle}: ${phone}`).not.toThrow();
    }
  });
});

it('the published inventories: 69 ARPAbet phones; english_mfa written in NFC with U+0261 ɡ', () => {
  expect(new Set(PUBLISHED_INVENTORIES.english_us_arpa).size).toBe(69);
  expect(PUBLISHED_INVENTORIES.english_mfa).toContain('\u0261');
  expect(PUBLISHED_INVENTORIES.english_mfa).not.toContain('g');
  expect(PUBLISHED_INVENTORIES.english_mfa).toContain('n\u0329');
});

describe('english_us_arpa', () => {
  const mapper = new PhoneMapper('english_us_arpa');

  it('inverts tools/synth\'s ARPAbet -> IPA table (an independent table) up to stress', () => {
    const pairs = [...Object.entries(inventory.arpabet_to_ipa), ...Object.entries(inventory.arpabet_stressed_to_ipa)];
    expect(pairs.length).toBeGreaterThan(40);
    for (const [arpa, ipa] of pairs) {
      const [mfa] = mapper.resolve(ipa).mfa;
      expect(mfa.replace(/[012]$/, ''), `${ipa} (from ${arpa})`).toBe(arpa);
    }
  });

  it('gives reduced vowels stress 0 and full vowels stress 1', () => {
    expect(['ə', 'ɚ', 'i', 'ʌ', 'ɜː', 'iː', 'aɪ'].map((p) => mapper.resolve(p).mfa.join(' '))).toEqual(['AH0', 'ER0', 'IY0', 'AH1', 'ER1', 'IY1', 'AY1']);
  });

  it('documented fallbacks: without diacritics, without length, compounds', () => {
    expect(mapper.resolve('tʰ')).toEqual({ mfa: ['T'], how: 'without-diacritics' });
    expect(mapper.resolve('ɛː')).toEqual({ mfa: ['EH1'], how: 'without-length' });
    expect(mapper.resolve('ɑːɹ')).toEqual({ mfa: ['AA1', 'R'], how: 'compound' });
    expect(mapper.resolve('n̩')).toEqual({ mfa: ['AH0', 'N'], how: 'table' });
  });
});

describe('english_mfa', () => {
  const mapper = new PhoneMapper('english_mfa');

  it('keeps a phone MFA has, writes diphthongs as vowel + glide, STRUT as ɐ', () => {
    expect(mapper.resolve('tʲ')).toEqual({ mfa: ['tʲ'], how: 'identity' });
    expect(['aɪ', 'aʊ', 'eɪ', 'oʊ', 'ɔɪ', 'ʌ', 'r', 'g'].map((p) => mapper.resolve(p).mfa.join(' '))).toEqual(['aj', 'aw', 'ej', 'ow', 'ɔj', 'ɐ', 'ɹ', 'ɡ']);
    expect(mapper.resolve('ʌ').how).toBe('table');
  });

  it('follows the inventory the running model reports: a later candidate when the first is missing', () => {
    const small = new PhoneMapper('english_mfa', ['ɑ', 'ʉ', 'ɫ', 't', 'ə', 'n']);
    expect(small.resolve('ɑː')).toEqual({ mfa: ['ɑ'], how: 'nearest' });
    expect(small.resolve('uː')).toEqual({ mfa: ['ʉ'], how: 'without-length' });
    expect(small.resolve('l')).toEqual({ mfa: ['ɫ'], how: 'nearest' });
    expect(small.resolve('n̩')).toEqual({ mfa: ['ə', 'n'], how: 'nearest' });
  });

  it('a phone with no mapping is a typed error naming it', () => {
    const error = (() => {
      try {
        mapper.resolve('ʘ');
      } catch (e) {
        return e;
      }
    })() as MfaPhoneMappingError;
    expect(error).toBeInstanceOf(MfaPhoneMappingError);
    expect(error.phone).toBe('ʘ');
    expect(error.message).toContain('"ʘ"');
    expect(() => new PhoneMapper('english_us_arpa').resolve('ɬ')).toThrow(MfaPhoneMappingError);
  });
});

it('the phone set follows the acoustic model (name, file name, else its phones)', () => {
  expect(phoneSetOfModel('english_mfa')).toBe('english_mfa');
  expect(phoneSetOfModel('english_us_arpa')).toBe('english_us_arpa');
  expect(phoneSetOfModel('/models/english_us_arpa.zip')).toBe('english_us_arpa');
  expect(phoneSetOfModel('/models/custom.zip', ['AA1', 'B'])).toBe('english_us_arpa');
  expect(phoneSetOfModel('/models/custom.zip', ['ɑ', 'b'])).toBe('english_mfa');
  expect(phoneSetOfModel('/models/custom.zip')).toBeUndefined();
});

describe('target words', () => {
  it('one unique token per word, pronunciations mapped, each MFA phone pointing at its target phone', () => {
    const inv = new Set(modelPhones('default'));
    const target = parseTargetIpa('leɪlə ɪz ɡʊd æt sɜːfɪŋ', inv);
    const words = mfaTarget(target.phones, target.wordOfPhone, new PhoneMapper('english_us_arpa'));
    expect(transcriptText(words)).toBe('w0 w1 w2 w3 w4\n');
    expect(dictionaryText(words)).toBe('w0\tL EY1 L AH0\nw1\tIH1 Z\nw2\tG UH1 D\nw3\tAE1 T\nw4\tS ER1 F IH1 NG\n');
    expect(words.words[4].targetIndex).toEqual([11, 12, 13, 14, 15]);
    expect(words.nearest).toEqual([]);
  });

  it('a phone that becomes two MFA phones keeps one target index; nearest phones are reported', () => {
    const words = mfaTarget(['b', 'ʌ', 't', 'n̩'], [0, 0, 0, 0], new PhoneMapper('english_us_arpa'));
    expect(words.words[0]).toEqual({ token: 'w0', phones: ['B', 'AH1', 'T', 'AH0', 'N'], targetIndex: [0, 1, 2, 3, 3] });
    const mfa = mfaTarget(['b', 'ɑː', 'tʰ'], [0, 0, 0], new PhoneMapper('english_mfa', ['b', 'ɑ', 't']));
    expect(mfa.nearest).toEqual([
      { position: 1, phone: 'ɑː', mfa: ['ɑ'], how: 'nearest' },
      { position: 2, phone: 'tʰ', mfa: ['t'], how: 'without-diacritics' },
    ]);
  });
});
