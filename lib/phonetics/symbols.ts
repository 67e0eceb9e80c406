// Character classes of IPA text, shared by the target parser (lib/phonetics/ipa.ts), the normalisation
// layer (normalize.ts) and the feature table (features.ts).
//
// A written phone is a sequence of *units*; a unit is one base symbol followed by the modifiers
// that belong to it (combining diacritics such as ̃ ̪ ̩ and spacing modifier letters such as
// ʰ ʷ ː ˞). A phone never starts or ends inside a unit: "tʰ" is never read as "t" plus a stray
// "ʰ". The one exception is a modifier the model has as a token of its own (ZIPA writes
// diacritics as separate tokens): such a modifier is a unit by itself.

/** Marks with no segmental content, removed before anything else: tie bars, joiners, the undertie. */
export const IGNORED_MARKS: ReadonlySet<string> = new Set([
  '\u0361', // ͡ combining double inverted breve (tie bar above)
  '\u035C', // ͜ combining double breve below (tie bar below)
  '\u200D', // zero-width joiner
  '\u200C', // zero-width non-joiner
  '\u2060', // word joiner
  '\uFEFF', // zero-width no-break space / BOM
  '\u00AD', // soft hyphen
  '‿', // undertie (linking across words)
  '[', // phonetic brackets [ ... ]
  ']',
]);

/** Suprasegmental marks that delimit phones (no phone spans one) but are not phones: stress and syllable breaks. */
export const BARRIER_MARKS: ReadonlySet<string> = new Set(['ˈ', 'ˌ', "'", '.', '-']);

/** Word separators besides whitespace. */
export const WORD_SEPARATORS: ReadonlySet<string> = new Set(['|', '‖']);

/**
 * Look-alike characters replaced unconditionally: they are typing mistakes, never phones of a
 * model (ASCII colon for the length mark, Greek and Cyrillic letters for IPA ones).
 */
export const LOOKALIKES: Readonly<Record<string, string>> = {
  ':': 'ː', // ASCII colon
  '\uA789': 'ː', // ꞉ modifier letter colon
  'ε': 'ɛ', // Greek epsilon
  'α': 'ɑ', // Greek alpha
  'ә': 'ə', // Cyrillic schwa
  'ǝ': 'ə', // turned e
  'з': 'ɜ', // Cyrillic ze
  'ɩ': 'ɪ', // Latin iota (pre-1989 IPA for ɪ)
};

/** Spacing modifier letters that belong to the symbol before them. */
export const SPACING_MODIFIERS: ReadonlySet<string> = new Set([...'ʰʱʲʷˠˤˀ˞ːˑʼⁿˡᵊᶿˣ˥˦˧˨˩']);

/** Base symbols that are vowels (after LOOKALIKES). Used by the vowel-length rule and the coda test. */
export const VOWEL_BASES: ReadonlySet<string> = new Set([...'iyɨʉɯuɪʏʊeøɘɵɤoəɛœɜɞʌɔæɐaɶɑɒɚɝᵻᵿ']);

const COMBINING = /^\p{M}$/u;

/** True for a modifier: a combining mark or a spacing modifier letter of SPACING_MODIFIERS. */
export function isModifier(ch: string): boolean {
  return SPACING_MODIFIERS.has(ch) || COMBINING.test(ch);
}

/**
 * The canonical spelling used for every comparison: NFD, IGNORED_MARKS removed, LOOKALIKES
 * replaced. Precomposed and combining spellings of a diacritic compare equal ("ẽ" = "e" + U+0303).
 */
export function canonical(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (IGNORED_MARKS.has(ch)) continue;
    out += LOOKALIKES[ch] ?? ch;
  }
  return out.normalize('NFD');
}

/**
 * Groups code points into units (base + its modifiers). `standalone` holds modifiers that are
 * units by themselves (the model has them as tokens). A modifier with no base before it is a
 * unit on its own.
 */
export function groupUnits<T>(items: readonly T[], charOf: (item: T) => string, standalone: ReadonlySet<string> = EMPTY): T[][] {
  const units: T[][] = [];
  for (const item of items) {
    const ch = charOf(item);
    const attaches = isModifier(ch) && !standalone.has(ch) && units.length > 0;
    if (attaches) units[units.length - 1].push(item);
    else units.push([item]);
  }
  return units;
}

const EMPTY: ReadonlySet<string> = new Set();

/** A canonical string split into unit strings. */
export function splitUnits(text: string, standalone: ReadonlySet<string> = EMPTY): string[] {
  return groupUnits([...text], (c) => c, standalone).map((u) => u.join('').normalize('NFD'));
}

/** The base symbol of a unit ('' when the unit is a lone modifier). */
export function baseOf(unit: string): string {
  const first = String.fromCodePoint(unit.codePointAt(0) ?? 0);
  return unit.length > 0 && !isModifier(first) ? first : '';
}

/** True when the unit is a vowel (its base is one) that is not marked non-syllabic. */
export function isVowelUnit(unit: string): boolean {
  return VOWEL_BASES.has(baseOf(unit)) && !unit.includes('\u032F');
}

/** "θ" -> '"θ" (U+03B8)', for messages. */
export function describeSymbol(symbol: string): string {
  const codes = [...symbol].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
  return `"${symbol}" (${codes})`;
}
