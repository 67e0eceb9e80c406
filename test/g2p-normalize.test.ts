// Text as read aloud (lib/g2p/normalize.ts, casing.ts, spoken-text.ts) through generateIpa.
// Each reading is checked against a named reference, after the documented folding of the G2P
// evaluation (eval/g2p-fold.ts: notation only, e.g. ɾ = t, iː = i, ʌ = ə):
//   - CMUdict (npm cmu-pronouncing-dictionary): the written word's phones are one of CMUdict's
//     pronunciations of the words a reader says ("1990" -> nineteen ninety);
//   - the speechocean762 lexicon: test/fixtures/speechocean762-g2p (an excerpt, see make.sh;
//     CC BY 4.0, Zhang et al. 2021).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeG2pFold } from '../eval/g2p-fold.js';
import { readAsLetters } from '../eval/g2p-mismatch.js';
import { readLexicon } from '../eval/g2p.js';
import { EngineError } from '../lib/errors.js';
import { generateIpa, parseSlashIpa, type CasingMode } from '../lib/g2p/generate-ipa.js';
import { cmudictPronunciations } from '../lib/g2p/cmudict.js';

const fold = makeG2pFold();
const FIXTURE = join(__dirname, 'fixtures', 'speechocean762-g2p');
const lexicon = readLexicon(join(FIXTURE, 'lexicon.txt'));

/** Every combination of CMUdict's pronunciations of the words, folded. */
async function cmudict(words: string): Promise<string[][]> {
  let combinations: string[][] = [[]];
  for (const word of words.split(' ')) {
    const entries = await cmudictPronunciations(word);
    if (entries.length === 0) throw new Error(`"${word}" is not in CMUdict`);
    combinations = combinations.flatMap((c) => entries.map((e) => [...c, ...e.phones]));
  }
  return combinations.map(fold);
}

/** The folded phones generateIpa gives the written word `word` of `text`. */
async function phonesOf(text: string, word: string, casing?: CasingMode): Promise<string[]> {
  const result = await generateIpa({ text }, { candidates: false, casing });
  const found = result.words.find((w) => w.word === word);
  if (!found) throw new Error(`no word "${word}" in ${JSON.stringify(result.words.map((w) => w.word))}`);
  return fold(parseSlashIpa(found.ipa).flat());
}

async function expectCmudict(text: string, word: string, spoken: string, casing?: CasingMode): Promise<void> {
  expect(await cmudict(spoken), `${text}: ${word} as "${spoken}"`).toContainEqual(await phonesOf(text, word, casing));
}

describe('casing', () => {
  it('reads words in capitals as words in text typed in capitals (corpus lexicon)', async () => {
    for (const [text, word] of [
      ['IT IS A CAT', 'IT'],
      ['WE CALL IT BEAR', 'IT'],
      ['SHE GAVE US A CAKE', 'US'],
      ["LET'S GO TO THE GYM", "LET'S"],
      ["LOOK AT ANN'S PANTS", "ANN'S"],
    ]) {
      const variants = lexicon.get(word)!.map(fold);
      expect(variants, `${text}: ${word}`).toContainEqual(await phonesOf(text, word));
    }
  });

  it('reads no word of the corpus transcripts in the fixture as letters', async () => {
    const texts = readFileSync(join(FIXTURE, 'text'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t')[1]);
    expect(texts.length).toBeGreaterThan(300);
    const spelled: string[] = [];
    for (const text of texts) {
      const result = await generateIpa({ text }, { candidates: false });
      for (const w of result.words) if (readAsLetters(w.word, fold(parseSlashIpa(w.ipa).flat()), fold)) spelled.push(`${w.word} in "${text}"`);
    }
    expect(spelled).toEqual([]);
  });

  it('keeps acronyms: NASA is a word, US in mixed-case text and USA are letters (CMUdict)', async () => {
    await expectCmudict('NASA', 'NASA', 'nasa');
    await expectCmudict('the US army', 'US', 'u s');
    await expectCmudict('I WORK IN THE USA', 'USA', 'u s a');
    await expectCmudict('IT is fun', 'IT', 'i t'); // in mixed-case text, "IT" is information technology
  });

  it('lets the caller force either reading (CMUdict)', async () => {
    await expectCmudict('the US army', 'US', 'us', 'words');
    await expectCmudict('NASA', 'NASA', 'n a s a', 'letters');
    await expectCmudict('IT IS A CAT', 'IT', 'i t', 'letters');
    await expectCmudict('IT IS A CAT', 'A', 'a', 'letters'); // single letters stay words
    const error = await generateIpa({ text: 'hi' }, { casing: 'shout' as CasingMode }).catch((e: unknown) => e as EngineError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/casing must be one of "auto", "words", "letters"/) });
  });

  it('offers no letter-name candidate for a word read as a word, and only those for one spelled out', async () => {
    const asWord = (await generateIpa({ text: 'SHE GAVE US A CAKE' })).words[2];
    expect(asWord.candidates!.map((c) => c.source).join(' ')).not.toMatch(/cmudict:us\(2\)/u); // CMUdict's "U.S."
    expect(asWord.candidates!.map((c) => c.source).join(' ')).toMatch(/cmudict:us\b/u);
    const spelled = (await generateIpa({ text: 'SHE GAVE US A CAKE' }, { casing: 'letters' })).words[2];
    expect(spelled.candidates!.map((c) => c.source).join(' ')).toMatch(/cmudict:us\(2\)/u);
    expect(spelled.candidates!.map((c) => c.source).join(' ')).not.toMatch(/cmudict:us(?!\()/u);
    const either = (await generateIpa({ text: 'the US army' })).words[1];
    expect(either.candidates!.map((c) => c.source).join(' ')).toMatch(/cmudict:us\(2\).*cmudict:us\b|cmudict:us\b.*cmudict:us\(2\)/u);
  });
});

// Written text -> the words a reader says, each checked against CMUdict: [text, written word, spoken words].
const READ_ALOUD: Record<string, [string, string, string][]> = {
  'numbers (CMUdict)': [
    ['In 1990 I was born', '1990', 'nineteen ninety'],
    ['built in 1905', '1905', 'nineteen oh five'],
    ['the 1800 census', '1800', 'eighteen hundred'],
    ['in 2024 we met', '2024', 'twenty twenty four'],
    ['2024 people came', '2024', 'two thousand twenty four'], // no year cue: a number
    ['in 2005', '2005', 'two thousand five'],
    ['music of the 1990s', '1990s', 'nineteen nineties'],
    ["songs of the '80s", '80s', 'eighties'],
    ['pages 10-20', '10-20', 'ten to twenty'],
    ['from 1990–1995', '1990–1995', 'nineteen ninety to nineteen ninety five'],
    ['a 50-50 chance', '50-50', 'fifty fifty'],
    ['add 3/4 cup', '3/4', 'three quarters'],
    ['open 24/7', '24/7', 'twenty four seven'],
    ['it costs $5.50', '5.50', 'five dollars fifty'],
    ['only $1', '1', 'one dollar'],
    ['it was £3', '3', 'three pounds'],
    ['the #1 fan', '1', 'number one'],
    ['the 21st day', '21st', 'twenty first'], // espeak-ng's own ordinals
    ['on the 3rd', '3rd', 'third'],
    ['1,000 cats', '1,000', 'one thousand'],
  ],
  'abbreviations (CMUdict)': [
    ['Dr. Smith is here', 'Dr', 'doctor'],
    ['She lives on Elm St.', 'St', 'street'],
    ['23 Main St. is old', 'St', 'street'],
    ['St. Paul wrote it', 'St', 'saint'],
    ['Turn onto Oak Dr. now', 'Dr', 'drive'],
    ['We climbed Mt. Fuji', 'Mt', 'mount'],
    ['Fifth Ave. is long', 'Ave', 'avenue'],
    ['John Smith Jr. came', 'Jr', 'junior'],
    ['DR. SMITH IS HERE', 'DR', 'doctor'],
    ['SHE LIVES ON ELM ST.', 'ST', 'street'],
    ['Mr. Brown came', 'Mr', 'mister'],
  ],
  'apostrophes, hyphens and punctuation (CMUdict)': [
    ['LET’S GO', 'LET’S', "let's"],
    ['ANN‘S DOG', 'ANN‘S', "ann's"],
    ['DON\u02BCT GO', 'DON\u02BCT', "don't"],
    ["I'M HERE", "I'M", "i'm"],
    ['AT FIVE O`CLOCK', 'O`CLOCK', "o'clock"],
    ['a well-known man', 'well-known', 'well-known'],
    ['yes—no', 'yes—no', 'yes no'],
    ['the end.Next day', 'end.Next', 'end next'],
    ['say yes!no', 'yes!no', 'yes no'],
    ['a *very* good day', 'very', 'very'],
    ['Hello, world!', 'world', 'world'],
  ],
};

for (const [group, cases] of Object.entries(READ_ALOUD)) {
  describe(group, () => {
    it.each(cases)('%j: %j', async (text, word, spoken) => {
      await expectCmudict(text, word, spoken);
    });
  });
}
