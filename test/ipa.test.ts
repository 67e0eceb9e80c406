import { describe, expect, it } from 'vitest';
import { EngineError } from '../lib/errors.js';
import { parseTargetIpa } from '../lib/ipa.js';

const inventory = new Set(['h', 'ɛ', 'l', 'oʊ', 'o', 'ʊ', 'w', 'ɜ', 'ɹ', 'd', 'ɡ', 'iː', 'i', 't', 'ʃ', 'tʃ']);
const plain = ['h', 'ɛ', 'l', 'oʊ', 'w', 'ɜ', 'ɹ', 'l', 'd'];

describe('parseTargetIpa', () => {
  it.each([
    ['unsegmented', 'hɛloʊ wɜɹld'],
    ['space-separated with word bars', 'h ɛ l oʊ | w ɜ ɹ l d'],
    ['POWSM slash format', '/h//ɛ//l//oʊ// //w//ɜ//ɹ//l//d/'],
    ['stress marks and syllable dots', 'hɛˈloʊ ˈwɜɹld'],
    ['syllable dots', 'hɛ.loʊ wɜɹld'],
    ['zero-width joiners', 'hɛ\u200Dloʊ wɜɹ\u200Dld'],
    ['r for ɹ', 'hɛloʊ wɜrld'],
  ])('%s parses to the plain phones', (_name, text) => {
    expect(parseTargetIpa(text, inventory).phones).toEqual(plain);
  });

  it('keeps word membership', () => {
    expect(parseTargetIpa('hɛloʊ wɜɹld', inventory).wordOfPhone).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(parseTargetIpa('/h//ɛ//l//oʊ// //w//ɜ//ɹ//l//d/', inventory).wordOfPhone).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('segments longest match first', () => {
    expect(parseTargetIpa('tʃiː', inventory).phones).toEqual(['tʃ', 'iː']);
    expect(parseTargetIpa('t ʃ', inventory).phones).toEqual(['t', 'ʃ']);
  });

  it('drops a length mark the model does not distinguish', () => {
    expect(parseTargetIpa('hoːl', inventory).phones).toEqual(['h', 'o', 'l']);
  });

  it('maps ASCII g to the IPA script g', () => {
    expect(parseTargetIpa('ɡ g', inventory).phones).toEqual(['ɡ', 'ɡ']);
  });

  it('keeps two identical adjacent phones as two phones', () => {
    expect(parseTargetIpa('hɛl lɛd', inventory).phones).toEqual(['h', 'ɛ', 'l', 'l', 'ɛ', 'd']);
  });

  it('rejects an unknown symbol with IPA_INVALID naming it', () => {
    try {
      parseTargetIpa('hɛlθoʊ', inventory);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('IPA_INVALID');
      expect((error as EngineError).message).toContain('θ');
      expect((error as EngineError).details).toMatchObject({ symbol: 'θ' });
    }
  });

  it('rejects an empty target', () => {
    expect(() => parseTargetIpa(' ˈ ', inventory)).toThrow(expect.objectContaining({ code: 'IPA_INVALID' }));
  });
});
