// CMUdict pronunciations (lib/g2p/cmudict.ts): the ARPAbet table is the synthetic-data one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARPABET_STRESSED_TO_IPA, ARPABET_TO_IPA, arpabetToIpa, cmudictKey, cmudictPronunciations } from '../lib/g2p/cmudict.js';

const inventory = JSON.parse(readFileSync(join(__dirname, '..', 'tools', 'synth', 'inventory.json'), 'utf8')) as {
  arpabet_to_ipa: Record<string, string>;
  arpabet_stressed_to_ipa: Record<string, string>;
};

describe('CMUdict', () => {
  it('maps ARPAbet with the table of tools/synth/inventory.json', () => {
    expect(ARPABET_TO_IPA).toEqual(inventory.arpabet_to_ipa);
    expect(ARPABET_STRESSED_TO_IPA).toEqual(inventory.arpabet_stressed_to_ipa);
  });

  it('uses stress digits only to choose ʌ/ə, ɜː/ɚ, iː/i', () => {
    expect(arpabetToIpa('HH AH0 L OW1')).toEqual(['h', 'ə', 'l', 'oʊ']);
    expect(arpabetToIpa('AH1 B AH0 V')).toEqual(['ʌ', 'b', 'ə', 'v']);
    expect(arpabetToIpa('ER1 TH ER0 IY0 IY2')).toEqual(['ɜː', 'θ', 'ɚ', 'i', 'iː']);
    expect(() => arpabetToIpa('XX1')).toThrow(/XX1/u);
    expect(arpabetToIpa('AA1 L T OW2 # name, finnish')).toEqual(['ɑː', 'l', 't', 'oʊ']);
  });

  it('maps every dictionary entry', async () => {
    const { dictionary } = await import('cmu-pronouncing-dictionary');
    const entries = Object.values(dictionary);
    expect(entries.length).toBeGreaterThan(130000);
    for (const pronunciation of entries) expect(arpabetToIpa(pronunciation).length).toBeGreaterThan(0);
  });

  it('lists every variant of a word in dictionary order', async () => {
    expect(await cmudictPronunciations('read')).toEqual([
      { entry: 'read', phones: ['ɹ', 'ɛ', 'd'] },
      { entry: 'read(2)', phones: ['ɹ', 'iː', 'd'] },
    ]);
    expect((await cmudictPronunciations('The')).map((p) => p.phones.join(''))).toEqual(['ðə', 'ðʌ', 'ði']);
    expect(await cmudictPronunciations('it\u2019s')).toEqual(await cmudictPronunciations("it's"));
    expect(await cmudictPronunciations('qwxzvk')).toEqual([]);
    expect(await cmudictPronunciations('constructor')).toHaveLength(1); // not Object.prototype's
    expect(await cmudictPronunciations('__proto__')).toEqual([]);
    expect(cmudictKey('HELLO')).toBe('hello');
  });
});
