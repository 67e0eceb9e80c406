// The G2P evaluation's folding (eval/g2p-fold.ts), mismatch classes and letter check
// (eval/g2p-mismatch.ts), and lexicon reading (eval/g2p.ts), on cases worked out by hand.
// Lexicon lines are speechocean762's (CC BY 4.0, Zhang et al. 2021); espeak-ng phones are
// espeak-ng 1.51's en-us output for the word, written out here.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeG2pFold } from '../eval/g2p-fold.js';
import { classifyMismatch, differsByReduction, nonRhotic, readAsLetters, scoreWord, spelledOut } from '../eval/g2p-mismatch.js';
import { readG2pSet, readLexicon } from '../eval/g2p.js';
import { arpabetToIpa } from '../lib/g2p/cmudict.js';

const fold = makeG2pFold();
const lex = (arpabet: string) => fold(arpabetToIpa(arpabet));

describe('G2P folding', () => {
  it.each([
    // espeak-ng en-us, lexicon ARPAbet: the same pronunciation after folding
    [['k', 'æ', 't'], 'K AE0 T'],
    [['b', 'ɜː', 'd'], 'B ER1 D'], // ɜː = ER1 = ə ɹ
    [['w', 'ɔː', 't', 'ɚ'], 'W AO1 T ER0'],
    [['s', 'ɪ', 'ɾ', 'i'], 'S IH1 T IY0'], // flap -> t, iː/i length
    [['k', 'ɑːɹ'], 'K AA1 R'], // compound split
    [['ɐ', 'b', 'aʊ', 't'], 'AH0 B AW1 T'],
    [['k', 'ʌ', 'm'], 'K AH0 M'], // ʌ = ə
    [['h', 'ɜː', 'ɹ', 'i'], 'HH ER1 IY0'], // ɜːɹ: one ɹ
    [['ɡ', 'əʊ'], 'G OW1'], // en-gb
    [['p', 'ʊə'], 'P UH1 AH0'], // en-gb centring diphthong
  ])('%j matches %s', (espeak, arpabet) => {
    expect(fold(espeak)).toEqual(lex(arpabet));
  });

  it.each([
    [['n', 'ɑː', 't'], 'N AH0 T'], // a reduced vowel is a different pronunciation
    [['f', 'ɔːɹ'], 'F AO0'], // so is a missing ɹ
    [['ɪ', 't'], 'IY1 T'], // ɪ is not i
    [['b', 'ɑː', 'ɾ', 'i'], 'B AA1 D IY0'], // a flap written for d folds to t, not d
  ])('%j does not match %s', (espeak, arpabet) => {
    expect(fold(espeak)).not.toEqual(lex(arpabet));
  });
});

describe('G2P mismatch classes', () => {
  it('spells words out with the letter names', () => {
    expect(spelledOut('IT')).toEqual(['aɪ', 't', 'iː']);
    expect(spelledOut("US'")).toEqual(['j', 'uː', 'ɛ', 's']);
    expect(spelledOut('A')).toBeNull();
    expect(readAsLetters('IT', fold(['aɪ', 't', 'iː']), fold)).toBe(true);
    expect(readAsLetters('US', fold(['j', 'uː', 'ɛ', 's']), fold)).toBe(true);
    expect(readAsLetters('FBI', fold(['ɛ', 'f', 'b', 'iː', 'aɪ']), fold)).toBe(true);
    expect(readAsLetters('IT', fold(['ɪ', 't']), fold)).toBe(false);
    expect(readAsLetters('I', fold(['aɪ']), fold)).toBe(false);
  });

  it('tells reduction from other vowel changes', () => {
    expect(differsByReduction(['n', 'ɑ', 't'], ['n', 'ə', 't'])).toBe(true);
    expect(differsByReduction(['t', 'ə'], ['t', 'u'])).toBe(true);
    expect(differsByReduction(['l', 'ɪ', 't', 'ə', 'l'], ['l', 'ɪ', 't', 'l'])).toBe(true); // ə inserted
    expect(differsByReduction(['k', 'æ', 't'], ['k', 'ɑ', 't'])).toBe(false); // two full vowels
    expect(differsByReduction(['æ', 'n', 'd'], ['ə', 'n'])).toBe(false); // d dropped too
    expect(differsByReduction(['t', 'ə'], ['d', 'ə'])).toBe(false);
  });

  it('makes sequences non-rhotic', () => {
    expect(nonRhotic(['f', 'ɔ', 'ɹ'])).toEqual(['f', 'ɔ']);
    expect(nonRhotic(['h', 'ɪ', 'ə'])).toEqual(['h', 'ɪ']);
    expect(nonRhotic(['ə', 'b', 'aʊ', 't'])).toEqual(['ə', 'b', 'aʊ', 't']); // ə after a consonant stays
  });

  it.each([
    ['IT', ['aɪ', 't', 'iː'], ['IH0 T'], 'casing'],
    ['US', ['j', 'uː', 'ɛ', 's'], ['AH0 S'], 'casing'],
    ['21', ['t', 'w', 'ɛ', 'n', 't', 'i'], ['T W EH1 N T IY0 W AH1 N'], 'number'],
    ['FOR', ['f', 'ɔːɹ'], ['F AH0', 'F AO0'], 'r-colouring'],
    ['HERE', ['h', 'ɪɹ'], ['HH IH1 AH0'], 'r-colouring'],
    ['NOT', ['n', 'ɑː', 't'], ['N AH0 T'], 'reduced form'],
    ['TO', ['t', 'uː'], ['T AH0'], 'reduced form'],
    ['BODY', ['b', 'ɑː', 'ɾ', 'i'], ['B AA1 D IY0'], 'other'],
    ['AND', ['æ', 'n', 'd'], ['AH0 N'], 'other'],
  ])('%s as %j against %j is %s', (word, generated, variants, klass) => {
    expect(classifyMismatch(word, fold(generated), variants.map(lex), fold)).toBe(klass);
  });

  it('scores against the closest variant', () => {
    const variants = ['F AH0', 'F AO0', 'F AO0 R'].map(lex);
    expect(scoreWord(fold(['f', 'ɔːɹ']), variants)).toEqual({ exact: true, edits: 0, referenceLength: 3, closest: 2 });
    expect(scoreWord(['f', 'ɪ'], variants)).toEqual({ exact: false, edits: 1, referenceLength: 2, closest: 0 });
    expect(() => scoreWord(['f'], [])).toThrow();
  });
});

describe('G2P corpus files', () => {
  it('reads the lexicon with its variants and the transcripts of several folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2p-eval-'));
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'lexicon.txt'), 'A\tAH0\nA\tEY0\nCAT\tK AE0 T\n');
    writeFileSync(join(a, 'text'), '000020002\tA CAT\n000010001\tCAT\n');
    writeFileSync(join(b, 'text'), '000030003\tCAT A\n');
    const lexicon = readLexicon(join(a, 'lexicon.txt'));
    expect(lexicon.get('A')).toEqual([['ə'], ['eɪ']]);
    expect(lexicon.get('CAT')).toEqual([['k', 'æ', 't']]);
    const items = readG2pSet([a, b]);
    expect(items.map((i) => i.id)).toEqual(['000010001', '000020002', '000030003']);
    expect(items[2]).toEqual({ id: '000030003', text: 'CAT A', audioPath: join(b, 'audio', '000030003.flac') });
    expect(readG2pSet([a, b], 2).map((i) => i.id)).toEqual(['000010001', '000020002']);
  });
});
