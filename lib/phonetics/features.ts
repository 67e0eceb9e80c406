// Articulatory features of IPA segments, for substitution costs (distance.ts).
//
// SOURCE. The feature system follows PanPhon (D. R. Mortensen et al. 2016, "PanPhon: A Resource
// for Mapping IPA Segments to Articulatory Feature Vectors", COLING) and the feature charts of
// B. Hayes (2009), "Introductory Phonology", ch. 4: ternary values (+ present, - absent, 0 not
// applicable), major-class, laryngeal, place-node (labial / coronal / dorsal) and dorsal-vowel
// features. The values below were written for this project from the IPA chart descriptions of
// each segment; they are not copied from either source. Departures, chosen for pronunciation
// scoring: [front] as well as [back] (Hayes), [approximant], [tap] and [trill] as manner
// features, [rhotic] (+ for ɹ ɻ r ʀ and the r-coloured vowels ɚ ɝ, 0 for the tap ɾ, which in
// English stands for t/d), [long] for the length mark, and for vowels rounding is [round] alone
// ([labial] is -), so i/y differ by one feature rather than a whole place node. Schwa is
// [0 tense] (a reduced vowel), which keeps it apart from ɜ.
//
// Segments not in the table are decomposed (segmentFeatures): base symbol + modifiers
// (MODIFIER_FEATURES: ʰ -> [+spread glottis], ̃ -> [+nasal], ː -> [+long], ...; secondary
// articulations ʲ ˠ ̴ ˤ ʷ set only high/low/front/back or round, so ɫ = l̴ stays close to l); an affricate
// written as stop + fricative (tʃ, ts, dʒ) is the fricative with [-continuant, +delayed release];
// any other sequence (diphthongs aɪ oʊ, triphthongs, espeak compounds ɑːɹ əl) is the average of
// its parts' vectors, so aɪ lies halfway between a and ɪ. A symbol with an unknown part has no
// features (distance 1 to everything else).
import { canonical, isModifier, splitUnits } from './symbols.js';

export const FEATURE_NAMES = [
  'syllabic',
  'sonorant',
  'consonantal',
  'continuant',
  'delayedRelease',
  'approximant',
  'nasal',
  'lateral',
  'strident',
  'tap',
  'trill',
  'voice',
  'spreadGlottis',
  'constrictedGlottis',
  'labial',
  'round',
  'labiodental',
  'coronal',
  'anterior',
  'distributed',
  'dorsal',
  'high',
  'low',
  'front',
  'back',
  'tense',
  'rhotic',
  'long',
] as const;

export type Feature = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
const INDEX = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<Feature, number>;

// Columns, in groups of 6 8 7 5 2:
//   syl son cons cont delrel approx | nas lat strid tap trill voi sg cg |
//   lab round ldent cor ant distr dors | hi lo front back tense | rhotic long
export const SEGMENTS: Readonly<Record<string, string>> = {
  // plosives
  p: '--+--- -------- +---00- 00000 --',
  b: '--+--- -----+-- +---00- 00000 --',
  t: '--+--- -------- -00++-- 00000 --',
  d: '--+--- -----+-- -00++-- 00000 --',
  ʈ: '--+--- -------- -00+--- 00000 --',
  ɖ: '--+--- -----+-- -00+--- 00000 --',
  c: '--+--- -------- -00-00+ +-+-0 --',
  ɟ: '--+--- -----+-- -00-00+ +-+-0 --',
  k: '--+--- -------- -00-00+ +--+0 --',
  ɡ: '--+--- -----+-- -00-00+ +--+0 --',
  q: '--+--- -------- -00-00+ ---+0 --',
  ɢ: '--+--- -----+-- -00-00+ ---+0 --',
  ʔ: '------ -------+ -00-00- 00000 --',
  // nasals
  m: '-++--- +----+-- +---00- 00000 --',
  ɱ: '-++--- +----+-- +-+-00- 00000 --',
  n: '-++--- +----+-- -00++-- 00000 --',
  ɳ: '-++--- +----+-- -00+--- 00000 --',
  ɲ: '-++--- +----+-- -00-00+ +-+-0 --',
  ŋ: '-++--- +----+-- -00-00+ +--+0 --',
  ɴ: '-++--- +----+-- -00-00+ ---+0 --',
  // trills and taps
  ʙ: '-+++-+ ----++-- +---00- 00000 --',
  r: '-+++-+ ----++-- -00++-- 00000 +-',
  ʀ: '-+++-+ ----++-- -00-00+ ---+0 +-',
  ɾ: '-++--- ---+-+-- -00++-- 00000 0-',
  ɽ: '-++--- ---+-+-- -00+--- 00000 0-',
  // fricatives
  ɸ: '--++-- -------- +---00- 00000 --',
  β: '--++-- -----+-- +---00- 00000 --',
  f: '--++-- -------- +-+-00- 00000 --',
  v: '--++-- -----+-- +-+-00- 00000 --',
  θ: '--++-- -------- -00+++- 00000 --',
  ð: '--++-- -----+-- -00+++- 00000 --',
  s: '--++-- --+----- -00++-- 00000 --',
  z: '--++-- --+--+-- -00++-- 00000 --',
  ʃ: '--++-- --+----- -00+-+- 00000 --',
  ʒ: '--++-- --+--+-- -00+-+- 00000 --',
  ʂ: '--++-- --+----- -00+--- 00000 --',
  ʐ: '--++-- --+--+-- -00+--- 00000 --',
  ɕ: '--++-- --+----- -00+-++ +-+-0 --',
  ʑ: '--++-- --+--+-- -00+-++ +-+-0 --',
  ç: '--++-- -------- -00-00+ +-+-0 --',
  ʝ: '--++-- -----+-- -00-00+ +-+-0 --',
  x: '--++-- -------- -00-00+ +--+0 --',
  ɣ: '--++-- -----+-- -00-00+ +--+0 --',
  χ: '--++-- -------- -00-00+ ---+0 --',
  ʁ: '--++-- -----+-- -00-00+ ---+0 --',
  ħ: '--++-- -------- -00-00+ -+-+0 --',
  ʕ: '--++-- -----+-- -00-00+ -+-+0 --',
  h: '---+-- ------+- -00-00- 00000 --',
  ɦ: '---+-- -----++- -00-00- 00000 --',
  ɬ: '--++-- -+------ -00++-- 00000 --',
  ɮ: '--++-- -+---+-- -00++-- 00000 --',
  // approximants
  ʋ: '-+-+-+ -----+-- +-+-00- 00000 --',
  ɹ: '-+++-+ -----+-- -00+--- 00000 +-',
  ɻ: '-+++-+ -----+-- -00+--- 00000 +-',
  j: '-+-+-+ -----+-- -00-00+ +-+-0 --',
  ɰ: '-+-+-+ -----+-- -00-00+ +--+0 --',
  w: '-+-+-+ -----+-- ++--00+ +--+0 --',
  ʍ: '-+-+-+ ------+- ++--00+ +--+0 --',
  ɥ: '-+-+-+ -----+-- ++--00+ +-+-0 --',
  l: '-+++-+ -+---+-- -00++-- 00000 --',
  ɫ: '-+++-+ -+---+-- -00++-- +00+0 --',
  ɭ: '-+++-+ -+---+-- -00+--- 00000 --',
  ʎ: '-+++-+ -+---+-- -00-00+ +-+-0 --',
  ʟ: '-+++-+ -+---+-- -00-00+ +--+0 --',
  // vowels: hi lo front back tense in the fourth group; round in the third
  i: '++-+-+ -----+-- --0-00+ +-+-+ --',
  y: '++-+-+ -----+-- -+0-00+ +-+-+ --',
  ɨ: '++-+-+ -----+-- --0-00+ +---+ --',
  ʉ: '++-+-+ -----+-- -+0-00+ +---+ --',
  ɯ: '++-+-+ -----+-- --0-00+ +--++ --',
  u: '++-+-+ -----+-- -+0-00+ +--++ --',
  ɪ: '++-+-+ -----+-- --0-00+ +-+-- --',
  ʏ: '++-+-+ -----+-- -+0-00+ +-+-- --',
  ᵻ: '++-+-+ -----+-- --0-00+ +---- --',
  ᵿ: '++-+-+ -----+-- -+0-00+ +---- --',
  ʊ: '++-+-+ -----+-- -+0-00+ +--+- --',
  e: '++-+-+ -----+-- --0-00+ --+-+ --',
  ø: '++-+-+ -----+-- -+0-00+ --+-+ --',
  ɘ: '++-+-+ -----+-- --0-00+ ----+ --',
  ɵ: '++-+-+ -----+-- -+0-00+ ----+ --',
  ɤ: '++-+-+ -----+-- --0-00+ ---++ --',
  o: '++-+-+ -----+-- -+0-00+ ---++ --',
  ə: '++-+-+ -----+-- --0-00+ ----0 --',
  ɚ: '++-+-+ -----+-- --0-00+ ----0 +-',
  ɛ: '++-+-+ -----+-- --0-00+ --+-- --',
  œ: '++-+-+ -----+-- -+0-00+ --+-- --',
  ɜ: '++-+-+ -----+-- --0-00+ ----- --',
  ɝ: '++-+-+ -----+-- --0-00+ ----- +-',
  ɞ: '++-+-+ -----+-- -+0-00+ ----- --',
  ʌ: '++-+-+ -----+-- --0-00+ ---+- --',
  ɔ: '++-+-+ -----+-- -+0-00+ ---+- --',
  æ: '++-+-+ -----+-- --0-00+ -++-- --',
  ɐ: '++-+-+ -----+-- --0-00+ -+--- --',
  a: '++-+-+ -----+-- --0-00+ -++-+ --',
  ɶ: '++-+-+ -----+-- -+0-00+ -++-+ --',
  ɑ: '++-+-+ -----+-- --0-00+ -+-++ --',
  ɒ: '++-+-+ -----+-- -+0-00+ -+-++ --',
};

type Value = -1 | 0 | 1;

/** What each modifier sets; modifiers mapped to {} are known but not represented by these features. */
export const MODIFIER_FEATURES: Readonly<Record<string, Partial<Record<Feature, Value>>>> = {
  'ː': { long: 1 },
  'ˑ': { long: 0 },
  '\u0306': { long: -1 }, // extra-short
  'ʰ': { spreadGlottis: 1 },
  'ʱ': { spreadGlottis: 1, voice: 1 },
  '\u0324': { spreadGlottis: 1, voice: 1 }, // breathy voiced
  '\u0325': { voice: -1 }, // voiceless
  '\u030A': { voice: -1 }, // voiceless (above)
  '\u032C': { voice: 1 }, // voiced
  '\u0330': { constrictedGlottis: 1 }, // creaky voiced
  'ʼ': { constrictedGlottis: 1 }, // ejective
  'ˀ': { constrictedGlottis: 1 }, // glottalised
  '\u0303': { nasal: 1 }, // nasalised
  '\u032A': { anterior: 1, distributed: 1 }, // dental
  '\u033A': { distributed: -1 }, // apical
  '\u033B': { distributed: 1 }, // laminal
  // secondary articulations: the tongue-body (or lip) features only, not a second place node
  'ʷ': { round: 1 },
  'ʲ': { high: 1, front: 1 },
  'ˠ': { high: 1, back: 1 },
  '\u0334': { high: 1, back: 1 }, // velarised or pharyngealised (l̴ = ɫ)
  'ˤ': { low: 1, back: 1 },
  '\u0329': { syllabic: 1 }, // syllabic
  '\u030D': { syllabic: 1 },
  '\u032F': { syllabic: -1 }, // non-syllabic
  '˞': { rhotic: 1 },
  '\u0308': { front: -1, back: -1 }, // centralised
  '\u033D': { front: -1, back: -1 }, // mid-centralised
  // known, not represented: advanced/retracted/raised/lowered, tongue root, rounding degree,
  // release types, tone
  ...Object.fromEntries([...'\u031F\u0320\u031D\u031E\u0318\u0319\u0339\u031C\u031Aⁿˡᵊᶿˣ\u0301\u0300\u0304\u030B\u030F\u030C\u0302˥˦˧˨˩'].map((m) => [m, {}])),
};

/** Spellings of one segment, compared as the first (ASCII g, ligatures, hooked vowels, l̴). */
export const SPELLING_ALIASES: Readonly<Record<string, string>> = {
  g: 'ɡ',
  ʧ: 'tʃ',
  ʤ: 'dʒ',
  ʦ: 'ts',
  ʣ: 'dz',
  ʨ: 'tɕ',
  ʥ: 'dʑ',
  'ə˞': 'ɚ',
  'ɜ˞': 'ɝ',
  'l\u0334': 'ɫ',
};

const ALIAS_ENTRIES = Object.entries(SPELLING_ALIASES)
  .map(([from, to]) => [canonical(from), canonical(to)] as const)
  .sort((a, b) => b[0].length - a[0].length);

/** The spelling phones are compared in: canonical (NFD, no ties or joiners) with SPELLING_ALIASES applied. */
export function featureKey(symbol: string): string {
  let key = canonical(symbol);
  for (const [from, to] of ALIAS_ENTRIES) key = key.replaceAll(from, to);
  return key.normalize('NFD');
}

function parseRow(symbol: string, row: string): Float32Array {
  const chars = row.replace(/ /g, '');
  if (chars.length !== FEATURE_COUNT) throw new Error(`features.ts: "${symbol}" has ${chars.length} values, not ${FEATURE_COUNT}`);
  return Float32Array.from(chars, (c) => {
    if (c === '+') return 1;
    if (c === '-') return -1;
    if (c === '0') return 0;
    throw new Error(`features.ts: "${symbol}" has value "${c}"`);
  });
}

const TABLE = new Map<string, Float32Array>(Object.entries(SEGMENTS).map(([symbol, row]) => [canonical(symbol), parseRow(symbol, row)]));

function unitFeatures(unit: string): Float32Array | null {
  const whole = TABLE.get(unit);
  if (whole) return whole;
  const chars = [...unit];
  if (chars.length === 0 || isModifier(chars[0])) return null;
  const base = TABLE.get(chars[0]);
  if (!base) return null;
  const vector = Float32Array.from(base);
  for (const mark of chars.slice(1)) {
    const effect = MODIFIER_FEATURES[mark];
    if (!effect) return null;
    for (const [feature, value] of Object.entries(effect)) vector[INDEX[feature as Feature]] = value;
  }
  return vector;
}

const isStop = (v: Float32Array) => v[INDEX.consonantal] === 1 && v[INDEX.sonorant] === -1 && v[INDEX.continuant] === -1 && v[INDEX.syllabic] === -1;
const isFricative = (v: Float32Array) => v[INDEX.consonantal] === 1 && v[INDEX.sonorant] === -1 && v[INDEX.continuant] === 1 && v[INDEX.syllabic] === -1;

const cache = new Map<string, Float32Array | null>();

/**
 * The feature vector of a segment (values -1, 0, 1; averages for sequences), or null when a
 * part of it is unknown. See the header for how unlisted segments are decomposed.
 */
export function segmentFeatures(symbol: string): Float32Array | null {
  const key = featureKey(symbol);
  if (cache.has(key)) return cache.get(key)!;
  let result: Float32Array | null = TABLE.get(key) ?? null;
  if (!result && key.length > 0) {
    const parts = splitUnits(key).map(unitFeatures);
    if (parts.every((p): p is Float32Array => p !== null)) {
      if (parts.length === 1) result = parts[0];
      else if (parts.length === 2 && isStop(parts[0]) && isFricative(parts[1])) {
        result = Float32Array.from(parts[1]);
        result[INDEX.continuant] = -1;
        result[INDEX.delayedRelease] = 1;
      } else {
        result = new Float32Array(FEATURE_COUNT);
        for (const part of parts) for (let f = 0; f < FEATURE_COUNT; f++) result[f] += part[f] / parts.length;
      }
    }
  }
  cache.set(key, result);
  return result;
}

/** True when the segment has features (directly or by decomposition). */
export function hasFeatures(symbol: string): boolean {
  return segmentFeatures(symbol) !== null;
}

/** The value of one feature of a segment (undefined when the segment has no features). */
export function featureValue(symbol: string, feature: Feature): number | undefined {
  return segmentFeatures(symbol)?.[INDEX[feature]];
}
