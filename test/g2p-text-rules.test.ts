// The rules before espeak-ng, as pure functions: the casing rule (lib/g2p/casing.ts), English
// number words (lib/g2p/number-words.ts), the normalisation's spoken words
// (lib/g2p/normalize.ts), the written -> spoken map (lib/g2p/spoken-text.ts), and CMUdict's
// spelled-out entries (lib/g2p/cmudict.ts). Expected words are English as written by hand.
import { describe, expect, it } from 'vitest';
import { applyCasing, inCapitals, isCapitalisedText } from '../lib/g2p/casing.js';
import { isSpelledOut } from '../lib/g2p/cmudict.js';
import { normaliseEnglish } from '../lib/g2p/normalize.js';
import { cardinalWords, decadeWords, fractionWords, yearWords } from '../lib/g2p/number-words.js';
import { toSpokenText, writtenWords } from '../lib/g2p/spoken-text.js';

const words = (text: string) => text.split(' ');

describe('casing rule', () => {
  it('tells words in capitals and capitalised text', () => {
    expect(['IT', "LET'S", 'A', 'US,'].map(inCapitals)).toEqual([true, true, true, true]);
    expect(['It', 'iPhone', '42', 'it'].map(inCapitals)).toEqual([false, false, false, false]);
    expect(isCapitalisedText(words('IT IS A CAT'))).toBe(true);
    expect(isCapitalisedText(words('Tom SAID IT IS A CAT'))).toBe(true); // a word in capitals inside capitalised text
    expect(isCapitalisedText(words('the US army'))).toBe(false);
    expect(isCapitalisedText(words('I like NASA'))).toBe(false); // "I" has one letter: not counted
    expect(isCapitalisedText(words('I A'))).toBe(false);
    expect(isCapitalisedText(words('IT is'))).toBe(false); // half is not more than half
  });

  it('rewrites by mode, one token per token', () => {
    expect(applyCasing(words('IT IS A CAT'), 'auto', 'en-us')).toEqual(words('it is a cat'));
    expect(applyCasing(words('the US army'), 'auto', 'en-us')).toEqual(words('the US army'));
    expect(applyCasing(words('the US army'), 'words', 'en-us')).toEqual(words('the us army'));
    expect(applyCasing(words('NASA, IT A US-born'), 'letters', 'en-us')).toEqual(words('N.A.S.A, I.T A US-born'));
    expect(applyCasing(['İSTANBUL', 'IRMAK'], 'words', 'tr')).toEqual(['istanbul', 'ırmak']); // the language's lower case
    expect(applyCasing(['IT'], 'words', 'not a locale!')).toEqual(['it']);
  });
});

describe('number words', () => {
  it('reads years, decades and fractions', () => {
    expect(cardinalWords(0)).toEqual(['zero']);
    expect(cardinalWords(47)).toEqual(['forty', 'seven']);
    expect(() => cardinalWords(100)).toThrow(RangeError);
    expect(yearWords(1990)).toEqual(['nineteen', 'ninety']);
    expect(yearWords(1905)).toEqual(['nineteen', 'oh', 'five']);
    expect(yearWords(1800)).toEqual(['eighteen', 'hundred']);
    expect(yearWords(2000)).toEqual(['two', 'thousand']);
    expect(yearWords(2007)).toEqual(['two', 'thousand', 'seven']);
    expect(yearWords(2024)).toEqual(['twenty', 'twenty', 'four']);
    expect(yearWords(1099)).toBeNull();
    expect(yearWords(2100)).toBeNull();
    expect(decadeWords('1990')).toEqual(['nineteen', 'nineties']);
    expect(decadeWords('1800')).toEqual(['eighteen', 'hundreds']);
    expect(decadeWords('80')).toEqual(['eighties']);
    expect(decadeWords('10')).toBeNull();
    expect(decadeWords('1995')).toBeNull();
    expect(fractionWords(1, 2)).toEqual(['one', 'half']);
    expect(fractionWords(3, 2)).toBeNull();
    expect(fractionWords(2, 3)).toEqual(['two', 'thirds']);
    expect(fractionWords(3, 4)).toEqual(['three', 'quarters']);
    expect(fractionWords(1, 11)).toBeNull();
  });
});

describe('English normalisation', () => {
  const spoken = (text: string, capitalised = false) => normaliseEnglish(words(text), capitalised);

  it('leaves ordinary words and what espeak-ng reads well alone', () => {
    expect(spoken('Hello, world! 21 cats, 21st, 3.5, 10% - well-known 1,000')).toEqual(words('Hello, world! 21 cats, 21st, 3.5, 10% - well-known 1,000').map((w) => [w]));
  });

  it('rewrites numbers', () => {
    expect(spoken('in 1990,')).toEqual([['in'], ['nineteen', 'ninety,']]);
    expect(spoken('in 2024')).toEqual([['in'], ['twenty', 'twenty', 'four']]);
    expect(spoken('2024 people')).toEqual([['2024'], ['people']]);
    expect(spoken("1990s. '80s 80's")).toEqual([['nineteen', 'nineties.'], ['eighties'], ['eighties']]);
    expect(spoken('10-20 1990–1995 50-50 3-4-5')).toEqual([['10', 'to', '20'], ['nineteen', 'ninety', 'to', 'nineteen', 'ninety', 'five'], ['50', '50'], ['3-4-5']]);
    expect(spoken('1/2 24/7')).toEqual([['one', 'half'], ['24', '7']]);
    expect(spoken('$5.50 $1 £3. €10 $0.05 #1')).toEqual([['5', 'dollars', '50'], ['1', 'dollar'], ['3', 'pounds.'], ['10', 'euros'], ['0', 'dollars', '5'], ['number', '1']]);
  });

  it('expands abbreviations, St. and Dr. by context', () => {
    expect(spoken('Dr. Smith on Elm St. and St. Paul, Oak Dr. 23 Main St. today')).toEqual([
      ['doctor'], ['Smith'], ['on'], ['Elm'], ['street'], ['and'], ['saint'], ['Paul,'], ['Oak'], ['drive'], ['23'], ['Main'], ['street'], ['today'],
    ]);
    expect(spoken('Mt. Fuji vs. Ms Jones Jr. Ave.')).toEqual([['mount'], ['Fuji'], ['versus'], ['miz'], ['Jones'], ['junior'], ['avenue']]);
    expect(spoken('DR. SMITH ON ELM ST.', true)).toEqual([['doctor'], ['SMITH'], ['ON'], ['ELM'], ['street']]);
    expect(spoken('ELM ST. IS LONG', true)).toEqual([['ELM'], ['saint'], ['IS'], ['LONG']]); // no cue in capitals: the title
    expect(spoken('mt st')).toEqual([['mt'], ['st']]); // lower case without a period: not taken for abbreviations
  });

  it('straightens apostrophes and separates words run together by punctuation', () => {
    expect(spoken('LET’S ANN‘S DONʼT O`CLOCK it´s')).toEqual([["LET'S"], ["ANN'S"], ["DON'T"], ["O'CLOCK"], ["it's"]]);
    expect(spoken('end.Next yes!no hi:there Tom,Ann U.S.A e.g. a.m.')).toEqual([['end', 'Next'], ['yes', 'no'], ['hi', 'there'], ['Tom', 'Ann'], ['U.S.A'], ['e.g.'], ['a.m.']]);
    expect(spoken('*very* hello_world ** (yes)')).toEqual([['very'], ['hello', 'world'], ['**'], ['(yes)']]);
  });
});

describe('spoken text', () => {
  it('maps spoken words back to written words', () => {
    const s = toSpokenText('IN 1990 WE MET AT ST. PAUL’S', 'en-us', 'auto');
    expect(s.written).toEqual(['IN', '1990', 'WE', 'MET', 'AT', 'ST.', 'PAUL’S']);
    expect(s.text).toBe("in nineteen ninety we met at saint paul's");
    expect(s.origin).toEqual([0, 1, 1, 2, 3, 4, 5, 6]);
    expect(s.reading.every((r) => r === 'word')).toBe(true);
    expect(toSpokenText('the US army', 'en-us', 'auto').reading).toEqual(['word', 'either', 'word']);
    expect(toSpokenText('NASA rocks', 'en-us', 'letters')).toMatchObject({ text: 'N.A.S.A rocks', normalised: ['NASA', 'rocks'], reading: ['letters', 'word'] });
    expect(toSpokenText('IN 1990', 'de', 'auto').text).toBe('in 1990'); // only English is normalised
  });

  it('splits written words as the native side does', () => {
    expect(writtenWords(' a\u0085b\tc\u2028d \u0001 e\u0007f ')).toEqual(['a', 'b', 'c', 'd', 'ef']);
  });
});

describe("CMUdict's spelled-out entries", () => {
  it('recognises letter names by the dictionary entries of the letters', async () => {
    expect(await isSpelledOut('us', 'us(2)')).toBe(true); // Y UW2 EH1 S
    expect(await isSpelledOut('us', 'us')).toBe(false); // AH1 S
    expect(await isSpelledOut('USA', 'usa')).toBe(true);
    expect(await isSpelledOut('nasa', 'nasa')).toBe(false);
    expect(await isSpelledOut('am', 'am(2)')).toBe(true); // a.m.
    expect(await isSpelledOut('a', 'a(2)')).toBe(false); // one letter: a word
    expect(await isSpelledOut('it', 'no-such-entry')).toBe(false);
  });
});
