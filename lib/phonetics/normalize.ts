// The normalisation layer: written IPA -> the phones a model has.
//
// Models write the same sounds differently (wav2vec2-espeak: espeak IPA with length marks and
// compounds such as ɑːɹ; ZIPA: one code point per token, diacritics as tokens of their own;
// POWSM: ~6k phones such as tʰ ɜ˞ l̴ ɪ̃), and so do people and tools. A target is read against
// the ACTIVE model's inventory: a written form the model has is always kept as written; the
// tables below apply only to forms the model lacks. Everything is data (NORMALIZATION_RULES,
// MODIFIER_RULES and the character classes of symbols.ts) plus one procedure, deterministic
// (tables are tried in the order written) and documented in the README ("IPA input and
// normalisation").
//
// Procedure for a run of units (see symbols.ts for units), left to right, longest first:
//   1. the longest form (1..n units) that is a phone of the model, or that a 'spelling' rule
//      maps onto the model, is taken; of two equally long, the model's own phone; a form of
//      several units is also tried without the non-syllabic mark (aɪ̯ = aɪ);
//   2. where nothing matches, the single unit is resolved: a rule for it, else its modifiers
//      are removed one at a time in MODIFIER_RULES order (length mark, aspiration, ...), and a
//      vowel without a length mark is also tried long (i -> iː) at each step (unitCandidates);
//   3. otherwise the unit cannot be mapped (IPA_INVALID in lib/phonetics/ipa.ts).
// A rule's `exact` spellings are taken only as phones the model has; its `to` replacements are
// themselves read by this procedure (recursively; a form is never expanded twice on one path).
// Whole tokens of a phone list (slash or "|" format) are looked up whole first, so a written
// phone such as espeak's "iə" maps as one phone (-> iː ə) where the model lacks it. Two tokens
// of a list are read as one phone only by an `acrossTokens` rule ("ɜ r" -> ɝ) and only when one
// of them is not a phone of the model: a list written in the model's own phones (the engine's
// actual_ipa) is read exactly as written.
import { BARRIER_MARKS, canonical, isModifier, isVowelUnit, splitUnits } from './symbols.js';

export type RuleKind = 'spelling' | 'phone';

export interface NormalizationRule {
  /** The written form (one or more units). */
  from: string;
  /**
   * 'spelling': another way of writing one phone; competes with the model's phones by length.
   * 'phone': a different phone the model lacks; used for a single symbol no phone of the model
   * matches, or for a whole token of a phone list.
   */
  kind: RuleKind;
  /** Other spellings of the same phone, taken only when the model has one as a phone, in order. */
  exact?: readonly string[];
  /** Replacements (phones separated by spaces), themselves normalised, in order. */
  to?: readonly string[];
  /** Only where no vowel follows in the same syllable: r-coloured vowels spelled vowel + r. */
  coda?: boolean;
  /** In a phone list, also when the two parts are written as two tokens ("ə ɹ", "/ɜ//r/"). */
  acrossTokens?: boolean;
  why: string;
}

export interface ModifierRule {
  mark: string;
  name: string;
  /** Replacements of the mark in order ('' drops it), or a rewrite of the whole unit. */
  action: readonly string[] | 'schwa-before' | 'r-after';
}

/** Members of one group are spellings of one phone; the first is the canonical spelling. */
function spellings(group: readonly string[], why: string): NormalizationRule[] {
  return group.map((from, i) => ({
    from,
    kind: 'spelling' as const,
    exact: group.filter((other) => other !== from),
    to: i === 0 ? [] : [group[0]],
    why,
  }));
}

const R_COLOURED_SCHWA = ['ɚ', 'ə˞'];
const R_COLOURED_NURSE = ['ɝ', 'ɜ˞'];

export const NORMALIZATION_RULES: readonly NormalizationRule[] = [
  // ---- one phone, several spellings
  ...spellings(['ɡ', 'g'], 'IPA script g (U+0261) and ASCII g'),
  ...spellings(['tʃ', 'ʧ'], 'affricate with or without the ligature (tie bars are removed before reading)'),
  ...spellings(['dʒ', 'ʤ'], 'affricate ligature'),
  ...spellings(['ts', 'ʦ'], 'affricate ligature'),
  ...spellings(['dz', 'ʣ'], 'affricate ligature'),
  ...spellings(['tɕ', 'ʨ'], 'affricate ligature'),
  ...spellings(['dʑ', 'ʥ'], 'affricate ligature'),
  ...spellings(['eɪ', 'ei'], 'FACE diphthong'),
  ...spellings(['oʊ', 'əʊ', 'ou'], 'GOAT diphthong (American oʊ, British əʊ)'),
  ...spellings(['aɪ', 'ai', 'ɑɪ'], 'PRICE diphthong'),
  ...spellings(['aʊ', 'au', 'ɑʊ'], 'MOUTH diphthong'),
  ...spellings(['ɔɪ', 'oɪ', 'ɔi', 'oi'], 'CHOICE diphthong'),
  // English r: the approximant written ɹ, r or ɻ; the tap only for a model whose one rhotic it is.
  { from: 'ɹ', kind: 'spelling', exact: ['r', 'ɻ', 'ɾ'], why: 'English r' },
  { from: 'r', kind: 'spelling', exact: ['ɹ', 'ɻ', 'ɾ'], why: 'English r written r' },
  { from: 'ɻ', kind: 'spelling', exact: ['ɹ', 'r', 'ɾ'], why: 'English r written ɻ' },
  // r-coloured vowels: unstressed ɚ (= ə˞), stressed ɝ (= ɜ˞; ɜː in non-rhotic notation, which
  // ARPAbet-derived English sets such as tools/synth use for ER).
  { from: 'ɚ', kind: 'spelling', exact: ['ə˞', 'ɜ˞', 'ɝ'], to: ['ə ɹ'], why: 'r-coloured schwa' },
  { from: 'ə˞', kind: 'spelling', exact: ['ɚ', 'ɜ˞', 'ɝ'], to: ['ə ɹ'], why: 'r-coloured schwa with the rhotic hook' },
  { from: 'ɝ', kind: 'spelling', exact: ['ɜ˞', 'ɜː', ...R_COLOURED_SCHWA], to: ['ɜ ɹ'], why: 'stressed r-coloured vowel (NURSE)' },
  { from: 'ɜ˞', kind: 'spelling', exact: ['ɝ', 'ɜː', ...R_COLOURED_SCHWA], to: ['ɜ ɹ'], why: 'stressed r-coloured vowel with the hook' },
  { from: 'ɜː', kind: 'spelling', exact: R_COLOURED_NURSE, why: 'NURSE in non-rhotic notation, for rhotic models' },
  { from: 'ər', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɚ'], why: 'r-coloured schwa spelled vowel + r' },
  { from: 'əɹ', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɚ'], why: 'r-coloured schwa spelled vowel + r' },
  { from: 'ɜr', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɝ'], why: 'NURSE spelled vowel + r ("wɜrld")' },
  { from: 'ɜɹ', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɝ'], why: 'NURSE spelled vowel + r' },
  { from: 'ɜːr', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɝ'], why: 'NURSE spelled vowel + r' },
  { from: 'ɜːɹ', kind: 'spelling', coda: true, acrossTokens: true, to: ['ɝ'], why: 'NURSE spelled vowel + r' },
  // dark l
  { from: 'ɫ', kind: 'spelling', exact: ['l̴'], to: ['l'], why: 'velarised (dark) l' },
  { from: 'l̴', kind: 'spelling', exact: ['ɫ'], why: 'velarised l with the tilde overlay (then the overlay is dropped)' },
  // ---- phones the model lacks -> the nearest English phone(s) (espeak en-us and narrow transcription)
  { from: 'ɾ', kind: 'phone', to: ['t', 'd'], why: 'American flap: the t or d it stands for is not written; t (water, better, city)' },
  { from: 'ʔ', kind: 'phone', to: ['t'], why: 'glottal stop for t (button)' },
  { from: 'ɐ', kind: 'phone', to: ['ə'], why: 'espeak reduced a' },
  { from: 'ᵻ', kind: 'phone', to: ['ɪ'], why: 'espeak reduced i (roses)' },
  { from: 'ɨ', kind: 'phone', to: ['ɪ'], why: 'reduced i written ɨ' },
  { from: 'ᵿ', kind: 'phone', to: ['ʊ'], why: 'reduced u' },
  { from: 'ʉ', kind: 'phone', to: ['u'], why: 'fronted GOOSE' },
  { from: 'ɒ', kind: 'phone', to: ['ɑ'], why: 'LOT (British ɒ, American ɑ)' },
  { from: 'e', kind: 'phone', to: ['eɪ'], why: 'FACE written e (espeak, dictionaries)' },
  { from: 'o', kind: 'phone', to: ['oʊ'], why: 'GOAT written o' },
  { from: 'oː', kind: 'phone', to: ['ɔː'], why: 'espeak o@ (NORTH/FORCE before r)' },
  { from: 'iə', kind: 'phone', to: ['iː ə'], why: 'espeak i@ (idea, museum) as one written phone' },
  // espeak compounds written as one phone (in running text longest match splits them anyway)
  { from: 'ɑːɹ', kind: 'phone', to: ['ɑː ɹ'], why: 'espeak A@ (START)' },
  { from: 'ɔːɹ', kind: 'phone', to: ['ɔː ɹ'], why: 'espeak O@ (NORTH)' },
  { from: 'oːɹ', kind: 'phone', to: ['oː ɹ'], why: 'espeak o@ (FORCE)' },
  { from: 'ɛɹ', kind: 'phone', to: ['ɛ ɹ'], why: 'espeak e@ (SQUARE)' },
  { from: 'ɪɹ', kind: 'phone', to: ['ɪ ɹ'], why: 'espeak i@3 (NEAR)' },
  { from: 'ʊɹ', kind: 'phone', to: ['ʊ ɹ'], why: 'espeak U@ (CURE)' },
  { from: 'aɪɚ', kind: 'phone', to: ['aɪ ɚ'], why: 'espeak aI3 (fire)' },
  { from: 'aɪə', kind: 'phone', to: ['aɪ ə'], why: 'espeak aI@' },
  { from: 'aʊɚ', kind: 'phone', to: ['aʊ ɚ'], why: 'espeak aU3 (hour)' },
  { from: 'əl', kind: 'phone', to: ['ə l'], why: 'espeak @L (syllabic l)' },
  { from: 'ɬ', kind: 'phone', to: ['l'], why: 'voiceless lateral fricative (loanwords)' },
  { from: 'x', kind: 'phone', to: ['k'], why: 'velar fricative (loch)' },
  { from: 'ʍ', kind: 'phone', to: ['w'], why: 'voiceless w (which)' },
  { from: 'ɦ', kind: 'phone', to: ['h'], why: 'breathy h (ahead)' },
  { from: 'ɱ', kind: 'phone', to: ['m'], why: 'labiodental nasal (comfort)' },
];

const drop = [''] as const;

/** What to do with a modifier of a unit the model lacks, in priority order. */
export const MODIFIER_RULES: readonly ModifierRule[] = [
  { mark: 'ː', name: 'long', action: drop },
  { mark: 'ˑ', name: 'half-long', action: ['ː', ''] },
  { mark: '\u0306', name: 'extra-short', action: drop },
  { mark: 'ʰ', name: 'aspirated', action: drop },
  { mark: '\u031A', name: 'no audible release', action: drop },
  { mark: 'ʼ', name: 'ejective', action: drop },
  { mark: 'ⁿ', name: 'nasal release', action: drop },
  { mark: 'ˡ', name: 'lateral release', action: drop },
  { mark: 'ᶿ', name: 'dental fricative release', action: drop },
  { mark: 'ˣ', name: 'velar fricative release', action: drop },
  { mark: 'ᵊ', name: 'schwa release', action: drop },
  { mark: '\u032A', name: 'dental', action: drop },
  { mark: '\u033A', name: 'apical', action: drop },
  { mark: '\u033B', name: 'laminal', action: drop },
  { mark: '\u031F', name: 'advanced', action: drop },
  { mark: '\u0320', name: 'retracted', action: drop },
  { mark: '\u031D', name: 'raised', action: drop },
  { mark: '\u031E', name: 'lowered', action: drop },
  { mark: '\u0318', name: 'advanced tongue root', action: drop },
  { mark: '\u0319', name: 'retracted tongue root', action: drop },
  { mark: '\u0339', name: 'more rounded', action: drop },
  { mark: '\u031C', name: 'less rounded', action: drop },
  { mark: '\u0308', name: 'centralised', action: drop },
  { mark: '\u033D', name: 'mid-centralised', action: drop },
  { mark: 'ʲ', name: 'palatalised', action: drop },
  { mark: 'ʷ', name: 'labialised', action: drop },
  { mark: 'ˠ', name: 'velarised', action: drop },
  { mark: 'ˤ', name: 'pharyngealised', action: drop },
  { mark: '\u0334', name: 'velarised or pharyngealised', action: drop },
  { mark: '\u0325', name: 'voiceless', action: drop },
  { mark: '\u030A', name: 'voiceless (above)', action: drop },
  { mark: '\u032C', name: 'voiced', action: drop },
  { mark: '\u0324', name: 'breathy voiced', action: drop },
  { mark: 'ʱ', name: 'breathy voiced', action: drop },
  { mark: '\u0330', name: 'creaky voiced', action: drop },
  { mark: 'ˀ', name: 'glottalised', action: drop },
  { mark: '\u0303', name: 'nasalised', action: drop },
  { mark: '\u032F', name: 'non-syllabic', action: drop },
  { mark: '\u0329', name: 'syllabic', action: 'schwa-before' },
  { mark: '\u030D', name: 'syllabic (above)', action: 'schwa-before' },
  { mark: '˞', name: 'rhotic hook', action: 'r-after' },
  { mark: '\u0301', name: 'high tone or stress', action: drop },
  { mark: '\u0300', name: 'low tone', action: drop },
  { mark: '\u0304', name: 'mid tone', action: drop },
  { mark: '\u030B', name: 'extra-high tone', action: drop },
  { mark: '\u030F', name: 'extra-low tone', action: drop },
  { mark: '\u030C', name: 'rising tone', action: drop },
  { mark: '\u0302', name: 'falling tone', action: drop },
  ...[...'˥˦˧˨˩'].map((mark) => ({ mark, name: 'tone letter', action: drop })),
];

const LENGTH_MARKS = ['ː', 'ˑ'];
/** U+032F: in a diphthong (aɪ̯) it marks what the diphthong spelling already says; ignored there. */
const NON_SYLLABIC = '\u032F';
const MAX_DEPTH = 8;

function buildRuleIndex(rules: readonly NormalizationRule[]): Map<string, NormalizationRule> {
  const index = new Map<string, NormalizationRule>();
  for (const rule of rules) {
    const key = canonical(rule.from);
    if (index.has(key)) throw new Error(`normalize.ts: two rules for "${rule.from}"`);
    index.set(key, rule);
  }
  return index;
}

const RULES = buildRuleIndex(NORMALIZATION_RULES);

/** One taken piece of a segmentation: units [start, end) -> phones. */
export interface Piece {
  start: number;
  end: number;
  phones: string[];
  /** True when a rule (not the model's own spelling) produced the phones. */
  normalized: boolean;
}

export type SegmentResult = { ok: true; pieces: Piece[] } | { ok: false; failedAt: number };

/** Maps written IPA onto one model's phone inventory. Build once per inventory (see forInventory). */
export class PhoneMapper {
  /** Canonical spelling -> the model's spelling of the phone. */
  private readonly byKey = new Map<string, string>();
  /** Modifiers the model has as tokens of their own (units by themselves). */
  readonly standalone: ReadonlySet<string>;
  private readonly maxUnits: number;

  constructor(inventory: Iterable<string>) {
    for (const phone of inventory) {
      const key = canonical(phone);
      if (key && !this.byKey.has(key)) this.byKey.set(key, phone);
    }
    this.standalone = new Set([...this.byKey.keys()].filter((key) => [...key].length === 1 && isModifier(key)));
    let maxUnits = 1;
    for (const key of this.byKey.keys()) maxUnits = Math.max(maxUnits, this.units(key).length);
    for (const rule of NORMALIZATION_RULES) if (rule.kind === 'spelling') maxUnits = Math.max(maxUnits, this.units(canonical(rule.from)).length);
    this.maxUnits = maxUnits;
  }

  /** The model's spelling of a written phone it has as written (canonical comparison), if any. */
  has(written: string): string | undefined {
    return this.byKey.get(canonical(written));
  }

  /** A canonical string split into units, with this model's standalone modifiers. */
  units(canonicalText: string): string[] {
    return splitUnits(canonicalText, this.standalone);
  }

  /** Maps one written phone (or space-separated phones) onto the model; null when impossible. */
  map(written: string): string[] | null {
    return this.mapString(canonical(written), new Set(), 0);
  }

  /**
   * Looks a whole token of a phone list up: the model's phone, or any rule for it (as at the end
   * of a word: coda rules apply). Null when neither, and the token is to be segmented.
   */
  resolveWholeToken(canonicalToken: string): { phones: string[]; normalized: boolean } | null {
    const own = this.byKey.get(canonicalToken);
    if (own !== undefined) return { phones: [own], normalized: false };
    const phones = this.applyRule(canonicalToken, ['spelling', 'phone'], true, new Set(), 0);
    return phones ? { phones, normalized: true } : null;
  }

  /**
   * True when a phone list's tokens `first` and `second` (canonical) are read as one phone: their
   * concatenation is the source of an `acrossTokens` rule, at least one of them is not a phone of
   * the model, and, for a coda rule, `next` (the first unit of the following token) is not a vowel.
   */
  joinsTokens(first: string, second: string, next: string | undefined): boolean {
    const rule = RULES.get((first + second).normalize('NFD'));
    if (!rule?.acrossTokens || this.byKey.has(first + second)) return false;
    // A list written in the model's own phones is read as written (the engine's actual_ipa round-trips).
    if (this.byKey.has(first) && this.byKey.has(second)) return false;
    return !rule.coda || next === undefined || !isVowelUnit(next);
  }

  /** True when a token (canonical, no barriers) is one written phone: one symbol with its modifiers, a phone of the model, or a rule's source. */
  isWrittenPhone(token: string): boolean {
    return splitUnits(token).length === 1 || this.byKey.has(token) || RULES.has(token);
  }

  /** Segments one run of units (no barriers inside) by the procedure in the header comment. */
  segment(units: readonly string[]): SegmentResult {
    return this.segmentAt(units, new Set(), 0);
  }

  private segmentAt(units: readonly string[], visited: ReadonlySet<string>, depth: number): SegmentResult {
    const pieces: Piece[] = [];
    let k = 0;
    while (k < units.length) {
      let piece: Piece | null = null;
      for (let len = Math.min(this.maxUnits, units.length - k); len >= 1 && !piece; len--) {
        const form = units.slice(k, k + len).join('').normalize('NFD');
        const coda = k + len >= units.length || !isVowelUnit(units[k + len]);
        const match = this.matchForm(form, coda, visited, depth);
        if (match) piece = { start: k, end: k + len, ...match };
        else if (len > 1 && form.includes(NON_SYLLABIC)) {
          const bare = this.matchForm(form.replaceAll(NON_SYLLABIC, ''), coda, visited, depth);
          if (bare) piece = { start: k, end: k + len, phones: bare.phones, normalized: true };
        }
      }
      if (!piece) {
        const phones = this.resolveUnit(units[k], visited, depth);
        if (!phones) return { ok: false, failedAt: k };
        piece = { start: k, end: k + 1, phones, normalized: true };
      }
      pieces.push(piece);
      k = piece.end;
    }
    return { ok: true, pieces };
  }

  /** A form (several units) read as one piece: the model's phone, or a spelling rule for it. */
  private matchForm(form: string, coda: boolean, visited: ReadonlySet<string>, depth: number): { phones: string[]; normalized: boolean } | null {
    const own = this.byKey.get(form);
    if (own !== undefined) return { phones: [own], normalized: false };
    const phones = this.applyRule(form, ['spelling'], coda, visited, depth);
    return phones ? { phones, normalized: true } : null;
  }

  private applyRule(form: string, kinds: readonly RuleKind[], coda: boolean, visited: ReadonlySet<string>, depth: number): string[] | null {
    const rule = RULES.get(form);
    if (!rule || !kinds.includes(rule.kind) || (rule.coda && !coda)) return null;
    if (visited.has(form) || depth > MAX_DEPTH) return null;
    for (const spelling of rule.exact ?? []) {
      const own = this.byKey.get(canonical(spelling));
      if (own !== undefined) return [own];
    }
    const inner = new Set(visited).add(form);
    for (const replacement of rule.to ?? []) {
      const phones = this.mapString(canonical(replacement), inner, depth + 1);
      if (phones) return phones;
    }
    return null;
  }

  /**
   * A single unit no phone of the model matched: its rule, else the candidates of unitCandidates
   * in order (each looked up as a phone of the model or a rule's source; candidates of several
   * phones, "ə n" for n̩, are read as replacement text). Linear in the number of modifiers.
   */
  private resolveUnit(unit: string, visited: ReadonlySet<string>, depth: number): string[] | null {
    const byRule = this.applyRule(unit, ['spelling', 'phone'], true, visited, depth);
    if (byRule) return byRule;
    if (visited.has(unit) || depth > MAX_DEPTH) return null;
    const inner = new Set(visited).add(unit);
    for (const candidate of unitCandidates(unit).slice(1)) {
      let phones: string[] | null;
      if (candidate.includes(' ') || candidate === '') phones = this.mapString(candidate, inner, depth + 1);
      else {
        const own = this.byKey.get(candidate);
        phones = own !== undefined ? [own] : this.applyRule(candidate, ['spelling', 'phone'], true, inner, depth + 1);
      }
      if (phones) return phones;
    }
    return null;
  }

  /** Reads replacement text: phones separated by spaces, each looked up whole, then segmented. */
  private mapString(text: string, visited: ReadonlySet<string>, depth: number): string[] | null {
    const out: string[] = [];
    for (const token of text.split(/\s+/).filter(Boolean)) {
      if ([...token].some((c) => BARRIER_MARKS.has(c))) return null;
      const own = this.byKey.get(token);
      if (own !== undefined) {
        out.push(own);
        continue;
      }
      const whole = this.applyRule(token, ['spelling', 'phone'], true, visited, depth);
      if (whole) {
        out.push(...whole);
        continue;
      }
      const result = this.segmentAt(this.units(token), visited, depth);
      if (!result.ok) return null;
      for (const piece of result.pieces) out.push(...piece.phones);
    }
    return out;
  }
}

const PRIORITY = new Map(MODIFIER_RULES.map((rule, i) => [rule.mark, i]));

/**
 * The candidates for a unit the model lacks, in the order tried: the unit itself, then its
 * modifiers removed one at a time, cumulatively, in MODIFIER_RULES order (ˑ is first tried as
 * ː; a syllabic mark becomes ə before the consonant; the rhotic hook becomes ɹ after the vowel).
 * After each step a vowel without a length mark is also tried long (i -> iː). Modifiers not in
 * MODIFIER_RULES are never removed, so a unit carrying one maps only if the model has it.
 */
export function unitCandidates(unit: string): string[] {
  const chars = [...unit.normalize('NFD')];
  const vowel = isVowelUnit(unit);
  const candidates: string[] = [];
  let prefix = '';
  let suffix = '';
  const push = (current: readonly string[]) => {
    const body = current.join('');
    candidates.push(`${prefix}${body}${suffix}`.trim());
    if (vowel && body && !LENGTH_MARKS.some((mark) => body.includes(mark))) candidates.push(`${prefix}${body}ː${suffix}`.trim());
  };
  let current = chars;
  push(current);
  const marks = chars.filter((c) => PRIORITY.has(c)).sort((a, b) => PRIORITY.get(a)! - PRIORITY.get(b)!);
  for (const mark of marks) {
    const action = MODIFIER_RULES[PRIORITY.get(mark)!].action;
    const at = current.indexOf(mark);
    if (at < 0) continue;
    const without = [...current.slice(0, at), ...current.slice(at + 1)];
    if (action === 'schwa-before') {
      if (!vowel) prefix = `${prefix}ə `;
    } else if (action === 'r-after') suffix = ` ɹ${suffix}`;
    else for (const replacement of action) if (replacement) candidates.push(`${prefix}${[...current.slice(0, at), replacement, ...current.slice(at + 1)].join('')}${suffix}`.trim());
    current = without;
    push(current);
  }
  return [...new Set(candidates.map((c) => c.normalize('NFD')))];
}

const mappers = new WeakMap<ReadonlySet<string>, { size: number; mapper: PhoneMapper }>();

/** The mapper for an inventory Set, cached while the Set is alive (rebuilt if its size changed). */
export function forInventory(inventory: ReadonlySet<string>): PhoneMapper {
  const cached = mappers.get(inventory);
  if (cached && cached.size === inventory.size) return cached.mapper;
  const mapper = new PhoneMapper(inventory);
  mappers.set(inventory, { size: inventory.size, mapper });
  return mapper;
}

/** Maps one written phone onto a model's inventory (e.g. "ɾ" -> ["t"]); null when impossible. */
export function mapPhone(written: string, inventory: ReadonlySet<string>): string[] | null {
  return forInventory(inventory).map(written);
}
