// How a word written in capitals is read: as a word ("IT" as ɪt) or as its letters ("US" in
// "the US army" as juː ɛs). espeak-ng reads a capitalised word as letters when its dictionary
// marks the word as an abbreviation in capitals (IT, US, ...), so a text typed in capitals, as
// course texts and spreadsheets often are, comes out as a string of acronyms.
//
// Modes (GenerateIpaOptions.casing, the CLI's --casing, the g2p job's `casing`):
//   auto     (default) In capitalised text, each word in capitals is read as a word: the text
//            counts as capitalised when more than half of its words of two or more letters
//            are in capitals (a text typed in capitals; a word in capitals inside such text).
//            Elsewhere (mixed-case text) a word in capitals is read as espeak-ng reads it, so
//            "the US army" keeps its acronym. A word is read as a word by lower-casing it;
//            what espeak-ng reads as letters in lower case too (USA, FBI, TV) stays letters,
//            and a pronounceable acronym (NASA) is a word in both.
//   words    every word in capitals is read as a word, whatever the rest of the text is.
//   letters  every word of two or more letters, all in capitals, is read letter by letter
//            (NASA as ɛn eɪ ɛs eɪ); single letters (I, A) are words.
export const CASING_MODES = ['auto', 'words', 'letters'] as const;
export type CasingMode = (typeof CASING_MODES)[number];

const LETTER = /\p{L}/gu;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;

function letterCount(token: string): number {
  return token.match(LETTER)?.length ?? 0;
}

/** At least one capital and no lower-case letter ("IT", "LET'S", "A"; not "It", "iPhone", "42"). */
export function inCapitals(token: string): boolean {
  return UPPER.test(token) && !LOWER.test(token);
}

/** More than half of the words with two or more letters are in capitals. */
export function isCapitalisedText(tokens: readonly string[]): boolean {
  const words = tokens.filter((t) => letterCount(t) >= 2);
  return words.length > 0 && words.filter(inCapitals).length * 2 > words.length;
}

function lowerCase(token: string, language: string): string {
  try {
    return token.toLocaleLowerCase(language);
  } catch {
    return token.toLowerCase(); // a language code that is not a valid locale tag
  }
}

/** "NASA," -> "N.A.S.A,": a run of two or more capitals, dotted between letters (espeak-ng then names each). */
function spelled(token: string): string {
  return token.replace(/\p{Lu}{2,}/gu, (run) => [...run].join('.'));
}

/**
 * The tokens as espeak-ng should see them under `mode`; `decideFrom` are the tokens the
 * capitalised-text rule looks at (the text as written), default `tokens`. One token out per
 * token in.
 */
export function applyCasing(tokens: readonly string[], mode: CasingMode, language: string, decideFrom: readonly string[] = tokens): string[] {
  if (mode === 'letters') return tokens.map((t) => (inCapitals(t) && /^\P{L}*\p{Lu}{2,}\P{L}*$/u.test(t) ? spelled(t) : t));
  if (mode === 'auto' && !isCapitalisedText(decideFrom)) return [...tokens];
  return tokens.map((t) => (inCapitals(t) ? lowerCase(t, language) : t));
}
