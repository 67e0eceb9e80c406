// The text espeak-ng is given: the written words (whitespace-delimited, as native/src/g2p reads
// them), each rewritten into spoken words by the English normalisation (lib/g2p/normalize.ts)
// and the casing rule (lib/g2p/casing.ts), with a map from every spoken word back to the
// written word it came from, so each written word gets the phones of its spoken words.
import { applyCasing, inCapitals, isCapitalisedText, type CasingMode } from './casing.js';
import { normaliseEnglish } from './normalize.js';

export interface SpokenText {
  /** The written words of the text. */
  written: string[];
  /** The spoken words, joined by spaces: what espeak-ng reads. */
  text: string;
  spoken: string[];
  /** The spoken words before the casing rule (for dictionary look-ups: "NASA", not "N.A.S.A"). */
  normalised: string[];
  /** For each spoken word, the index of its written word. */
  origin: number[];
  /**
   * For each spoken word, how the casing rule has it read: 'letters' (spelled out), 'either'
   * (in capitals and left to espeak-ng: an acronym or a word), 'word' (everything else).
   */
  reading: Reading[];
}

export type Reading = 'word' | 'letters' | 'either';

// As native/src/g2p/text_input.cc: these controls are whitespace, every other C0/C1 control and DEL is removed.
const REMOVED_CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/gu;
const WHITESPACE = /[\s\u0085]+/u;

export function writtenWords(text: string): string[] {
  return text.replace(REMOVED_CONTROLS, '').split(WHITESPACE).filter(Boolean);
}

export function isEnglish(language: string): boolean {
  const code = language.toLowerCase().replace(/_/gu, '-');
  return code === 'en' || code.startsWith('en-');
}

/** The written words of `text` as espeak-ng should read them in `language`. */
export function toSpokenText(text: string, language: string, casing: CasingMode): SpokenText {
  const written = writtenWords(text);
  const capitalised = isCapitalisedText(written);
  const perWord = isEnglish(language) ? normaliseEnglish(written, capitalised) : written.map((w) => [w]);
  const origin = perWord.flatMap((words, i) => words.map(() => i));
  const asNormalised = perWord.flat();
  const spoken = applyCasing(asNormalised, casing, language, written);
  const reading = spoken.map((word, k): Reading => {
    if (word === asNormalised[k]) return inCapitals(word) ? 'either' : 'word';
    return casing === 'letters' ? 'letters' : 'word';
  });
  return { written, text: spoken.join(' '), spoken, normalised: asNormalised, origin, reading };
}
