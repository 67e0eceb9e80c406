// generateIpa's output fed back as an assessment target (lib/phonetics/ipa.ts parseTargetIpa) must parse
// onto the bundled model's inventory with no unknown symbols, for every word of the
// speechocean762 lexicon. espeak-ng writes symbols outside that inventory (ɐ ᵻ ɾ ʔ n̩ əl iə
// ɑːɹ ...), which the normalisation layer of lib/phonetics/ipa.ts maps. The lexicon is the committed
// speechocean762 fixture (test/fixtures/speechocean762).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import { native } from '../lib/native.js';

/** The bundled model's inventory (models/default, once it lands). */
const INVENTORY: ReadonlySet<string> = new Set(
  'p b t d k ɡ f v θ ð s z ʃ ʒ h tʃ dʒ m n ŋ l ɹ w j i iː ɪ eɪ ɛ æ ɑː ɔː oʊ ʊ uː ʌ ə ɚ ɜː aɪ aʊ ɔɪ'.split(' '),
);
const LEXICON = join(__dirname, 'fixtures', 'speechocean762', 'lexicon.txt');

/** espeak-ng 1.51 (en-us) phones outside INVENTORY on the lexicon words, with a count of words. */
const ESPEAK_EXTRA_SYMBOLS = ['ᵻ', 'ɾ', 'əl', 'ɑːɹ', 'ɐ', 'oːɹ', 'ɔːɹ', 'ɛɹ', 'ɔ', 'ɪɹ', 'iə', 'ʊɹ', 'aɪɚ', 'aɪə', 'oː', 'ʔ', 'n̩'];


function lexiconWords(): string[] {
  const words = readFileSync(LEXICON, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[0].toLowerCase());
  return [...new Set(words)];
}

let lexicon: Promise<{ word: string; ipa: string; phonemes: string[] }[]> | undefined;

function lexiconIpa(): Promise<{ word: string; ipa: string; phonemes: string[] }[]> {
  lexicon ??= (async () => {
    const words = lexiconWords();
    const results = await Promise.all(words.map((text) => generateIpa({ text }, { candidates: false })));
    return results.map((r, k) => ({ word: words[k], ipa: r.ipa_phonemes, phonemes: r.phonemes }));
  })();
  return lexicon;
}

describe('generateIpa -> assessment target, speechocean762 lexicon', () => {
  it('gives one word per lexicon word, and its espeak-ng symbols outside the inventory are the known ones', async () => {
    const results = await lexiconIpa();
    expect(results.length).toBeGreaterThan(2500);
    const extra = new Map<string, number>();
    for (const r of results) {
      expect(r.phonemes).not.toContain(' ');
      for (const p of new Set(r.phonemes)) if (!INVENTORY.has(p)) extra.set(p, (extra.get(p) ?? 0) + 1);
    }
    // Pinned for espeak-ng 1.51 (Debian 12): another version may write other symbols, which the
    // normalisation layer must then learn.
    if (native().g2pInfo().espeakVersion.startsWith('1.51')) expect([...extra.keys()].sort()).toEqual([...ESPEAK_EXTRA_SYMBOLS].sort());
    else for (const p of extra.keys()) expect(ESPEAK_EXTRA_SYMBOLS).toContain(p);
  });

  it('words whose phones are all in the inventory parse unchanged today', async () => {
    const results = (await lexiconIpa()).filter((r) => r.phonemes.every((p) => INVENTORY.has(p)));
    expect(results.length).toBeGreaterThan(1500);
    for (const r of results) expect(parseTargetIpa(r.ipa, INVENTORY).phones).toEqual(r.phonemes);
  });

  it(
    'every lexicon word parses onto the inventory (the espeak-ng symbols ɐ ᵻ ɾ ʔ n̩ oːɹ included)',
    async () => {
      const failures: string[] = [];
      for (const r of await lexiconIpa()) {
        try {
          parseTargetIpa(r.ipa, INVENTORY);
        } catch (error) {
          failures.push(`${r.word} ${r.ipa}: ${(error as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('a whole sentence parses with its words kept', async () => {
    const result = await generateIpa({ text: 'We call it bear, and the little button is on the board.' });
    const parsed = parseTargetIpa(result.ipa_phonemes, INVENTORY);
    expect(Math.max(...parsed.wordOfPhone) + 1).toBe(result.words.length);
  });
});
