// English dictionary pronunciations from CMUdict (npm cmu-pronouncing-dictionary, 135k words),
// ARPAbet mapped to IPA with the table of tools/synth/inventory.json (arpabet_to_ipa,
// arpabet_stressed_to_ipa; test/g2p-cmudict.test.ts checks they stay equal): stress digits
// choose ʌ/ə (AH1,2/AH0), ɜː/ɚ (ER1,2/ER0), iː/i (IY1,2/IY0) and are then dropped.
// The dictionary (about 3.5 MB of JavaScript) is loaded on first use.

export const ARPABET_TO_IPA: Readonly<Record<string, string>> = {
  AA: 'ɑː', AE: 'æ', AH: 'ə', AO: 'ɔː', AW: 'aʊ', AY: 'aɪ', EH: 'ɛ', ER: 'ɚ', EY: 'eɪ', IH: 'ɪ', IY: 'i', OW: 'oʊ',
  OY: 'ɔɪ', UH: 'ʊ', UW: 'uː', B: 'b', CH: 'tʃ', D: 'd', DH: 'ð', F: 'f', G: 'ɡ', HH: 'h', JH: 'dʒ', K: 'k', L: 'l',
  M: 'm', N: 'n', NG: 'ŋ', P: 'p', R: 'ɹ', S: 's', SH: 'ʃ', T: 't', TH: 'θ', V: 'v', W: 'w', Y: 'j', Z: 'z', ZH: 'ʒ',
};
/** Used for these vowels when they carry primary or secondary stress (digit 1 or 2). */
export const ARPABET_STRESSED_TO_IPA: Readonly<Record<string, string>> = { AH: 'ʌ', ER: 'ɜː', IY: 'iː' };

/** "HH AH0 L OW1" -> ["h", "ə", "l", "oʊ"] ("# comment" ignored); throws on an unknown ARPAbet symbol. */
export function arpabetToIpa(pronunciation: string): string[] {
  return pronunciation
    .split('#')[0]
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((symbol) => {
      const match = /^([A-Z]+)([012])?$/u.exec(symbol);
      const base = match?.[1] ?? '';
      const ipa = match?.[2] && match[2] !== '0' && ARPABET_STRESSED_TO_IPA[base] ? ARPABET_STRESSED_TO_IPA[base] : ARPABET_TO_IPA[base];
      if (!ipa) throw new Error(`unknown ARPAbet symbol "${symbol}"`);
      return ipa;
    });
}

let dictionary: Promise<Readonly<Record<string, string>>> | undefined;

async function loadDictionary(): Promise<Readonly<Record<string, string>>> {
  dictionary ??= import('cmu-pronouncing-dictionary').then((m) => m.dictionary as Record<string, string>);
  return dictionary;
}

/** The dictionary key for a word as written: lower case, typographic apostrophes straightened. */
export function cmudictKey(word: string): string {
  return word.normalize('NFC').toLowerCase().replace(/[\u2019\u02BC]/gu, "'");
}

export interface DictionaryPronunciation {
  /** "hello", "hello(2)": the dictionary entry. */
  entry: string;
  phones: string[];
}

/** Every CMUdict pronunciation of `word` (variants in dictionary order), or none. */
export async function cmudictPronunciations(word: string): Promise<DictionaryPronunciation[]> {
  const dict = await loadDictionary();
  const key = cmudictKey(word);
  const out: DictionaryPronunciation[] = [];
  for (let variant = 1; ; variant++) {
    const entry = variant === 1 ? key : `${key}(${variant})`;
    if (!Object.hasOwn(dict, entry)) break;
    out.push({ entry, phones: arpabetToIpa(dict[entry]) });
  }
  return out;
}

/** ARPAbet without stress digits or comment: "Y UW2 EH1 S" -> ["Y", "UW", "EH", "S"]. */
function unstressed(pronunciation: string): string[] {
  return pronunciation.split('#')[0].trim().split(/\s+/u).filter(Boolean).map((s) => s.replace(/[012]$/u, ''));
}

/**
 * True when CMUdict's `entry` ("us(2)") says the word's letters' names ("Y UW2 EH1 S", U.S.),
 * by CMUdict's own entries for the single letters (any of their variants), stress ignored.
 * Words of fewer than two letters are never spelled out ("a(2)" EY1 is the word a).
 */
export async function isSpelledOut(word: string, entry: string): Promise<boolean> {
  const dict = await loadDictionary();
  const letters = [...cmudictKey(word)].filter((c) => c >= 'a' && c <= 'z');
  if (letters.length < 2 || !Object.hasOwn(dict, entry)) return false;
  const target = unstressed(dict[entry]);
  const names = letters.map((letter) => {
    const variants: string[][] = [];
    for (let v = 1; Object.hasOwn(dict, v === 1 ? letter : `${letter}(${v})`); v++) variants.push(unstressed(dict[v === 1 ? letter : `${letter}(${v})`]));
    return variants;
  });
  // Can target be cut into one name per letter, in order? (positions reachable after each letter)
  let reachable = new Set([0]);
  for (const variants of names) {
    const next = new Set<number>();
    for (const at of reachable) {
      for (const name of variants) {
        if (name.every((symbol, k) => target[at + k] === symbol)) next.add(at + name.length);
      }
    }
    reachable = next;
  }
  return reachable.has(target.length);
}
