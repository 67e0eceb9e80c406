// Classes of G2P mismatches against the lexicon, and the "read as letters" check. Every
// sequence here has been folded with eval/g2p-fold.ts. A mismatched word gets the first class
// that applies:
//
//   casing       the word (two or more letters) came out as its letters' names: "IT" as
//                aɪ t i (the names of I and T), "US" as j u ɛ s;
//   number       the written word has a digit;
//   r-colouring  equal to a lexicon variant once both are made non-rhotic: every ɹ removed,
//                and a ə right after another vowel (the centring diphthongs ɪə, ʊə, ɛə of
//                non-rhotic entries) removed too (FOR as f ɔ ɹ against F AO0, HERE as h ɪ ɹ
//                against HH IH1 AH0);
//   reduced form equal to a lexicon variant where they differ only by vowel reduction: a vowel
//                on one side is ə or ɪ on the other, or one side has an extra ə (NOT as n ɑ t
//                against N AH0 T, TO as t u against T AH0);
//   other        anything else.
import { editDistance } from './metrics.js';
import type { PhoneFold } from './g2p-fold.js';

export const MISMATCH_CLASSES = ['casing', 'number', 'r-colouring', 'reduced form', 'other'] as const;
export type MismatchClass = (typeof MISMATCH_CLASSES)[number];

/**
 * English letter names (as a dictionary gives them: Longman, CMUdict's single-letter entries),
 * in the ARPAbet-consistent IPA of lib/g2p/cmudict.ts; fold them before comparing.
 */
export const LETTER_NAMES: Readonly<Record<string, readonly string[]>> = {
  A: ['eɪ'], B: ['b', 'iː'], C: ['s', 'iː'], D: ['d', 'iː'], E: ['iː'], F: ['ɛ', 'f'], G: ['dʒ', 'iː'], H: ['eɪ', 'tʃ'],
  I: ['aɪ'], J: ['dʒ', 'eɪ'], K: ['k', 'eɪ'], L: ['ɛ', 'l'], M: ['ɛ', 'm'], N: ['ɛ', 'n'], O: ['oʊ'], P: ['p', 'iː'],
  Q: ['k', 'j', 'uː'], R: ['ɑː', 'ɹ'], S: ['ɛ', 's'], T: ['t', 'iː'], U: ['j', 'uː'], V: ['v', 'iː'],
  W: ['d', 'ʌ', 'b', 'ə', 'l', 'j', 'uː'], X: ['ɛ', 'k', 's'], Y: ['w', 'aɪ'], Z: ['z', 'iː'],
};

/** The names of the word's letters A-Z, in order (other characters skipped), or null with fewer than two letters. */
export function spelledOut(word: string): string[] | null {
  const letters = [...word.toUpperCase()].filter((c) => Object.hasOwn(LETTER_NAMES, c));
  if (letters.length < 2) return null;
  return letters.flatMap((c) => LETTER_NAMES[c]);
}

/** True when the folded phones are the folded names of the word's letters. */
export function readAsLetters(word: string, folded: readonly string[], fold: PhoneFold): boolean {
  const spelled = spelledOut(word);
  return spelled !== null && sameSequence(fold(spelled), folded);
}

function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

const VOWEL = /[aeiouæɑɒɔəɛɜɪʊʌɐᵻ]/u;
const REDUCED = new Set(['ə', 'ɪ']);

export function isVowel(phone: string): boolean {
  return VOWEL.test(phone);
}

/**
 * True when `a` turns into `b` by matches, substitutions of a vowel for a reduced vowel (ə, ɪ;
 * either way round) and insertions or deletions of ə only.
 */
export function differsByReduction(a: readonly string[], b: readonly string[]): boolean {
  const reachable: boolean[][] = Array.from({ length: a.length + 1 }, () => new Array<boolean>(b.length + 1).fill(false));
  reachable[0][0] = true;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      if (!reachable[i][j]) continue;
      if (i < a.length && j < b.length) {
        const x = a[i];
        const y = b[j];
        if (x === y || (isVowel(x) && isVowel(y) && (REDUCED.has(x) || REDUCED.has(y)))) reachable[i + 1][j + 1] = true;
      }
      if (i < a.length && a[i] === 'ə') reachable[i + 1][j] = true;
      if (j < b.length && b[j] === 'ə') reachable[i][j + 1] = true;
    }
  }
  return reachable[a.length][b.length];
}

/** Every ɹ removed, then every ə that follows a vowel. */
export function nonRhotic(phones: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of phones) {
    if (p === 'ɹ') continue;
    if (p === 'ə' && out.length > 0 && isVowel(out[out.length - 1])) continue;
    out.push(p);
  }
  return out;
}

/** The class of a mismatch (`generated` matches no variant); all sequences folded. */
export function classifyMismatch(word: string, generated: readonly string[], variants: readonly (readonly string[])[], fold: PhoneFold): MismatchClass {
  if (readAsLetters(word, generated, fold)) return 'casing';
  if (/\p{Nd}/u.test(word)) return 'number';
  if (variants.some((v) => sameSequence(nonRhotic(v), nonRhotic(generated)))) return 'r-colouring';
  if (variants.some((v) => differsByReduction(generated, v))) return 'reduced form';
  return 'other';
}

export interface WordScore {
  exact: boolean;
  /** Edit distance to the closest variant, and that variant's length. */
  edits: number;
  referenceLength: number;
  /** Index of the closest variant (the first of equals). */
  closest: number;
}

/** Exact match against any variant, and the edit distance to the closest one. */
export function scoreWord(generated: readonly string[], variants: readonly (readonly string[])[]): WordScore {
  let best: WordScore = { exact: false, edits: Infinity, referenceLength: 0, closest: -1 };
  variants.forEach((v, k) => {
    const edits = editDistance(generated, v);
    if (edits < best.edits) best = { exact: edits === 0, edits, referenceLength: v.length, closest: k };
  });
  if (best.closest < 0) throw new Error('scoreWord needs at least one lexicon variant');
  return best;
}
