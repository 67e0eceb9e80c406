// English text normalisation before espeak-ng: the text rewritten as a learner reads it aloud,
// where espeak-ng 1.51 would read it otherwise. Each written word becomes zero or more spoken
// words; generateIpa gives their phones back to the written word. What espeak-ng already reads
// as a reader does is left to it (cardinals "21", "1,000", "3.5", ordinals "21st", "5:30",
// "10%", "-5", hyphenated words, "Dr. Smith", "Mr.", "e.g.").
//
//   apostrophes   ’ ‘ ʼ ` ´ ′ -> ' (espeak-ng reads "ʼtis" as "adjective tis"); LET'S, ANN'S
//                 then read as words.
//   punctuation   between two words of two or more letters without a space ("end.Next",
//                 "yes!no", "hi:there") it separates them (espeak-ng says "dot", "exclamation");
//                 emphasis marks * and _ around or inside a word are not read; "#" before a
//                 number is "number".
//   numbers       years: 1100-1999 as years anywhere ("1990" nineteen ninety, "1905" nineteen oh
//                 five, "1800" eighteen hundred), 2010-2099 after a year cue ("in 2024" twenty
//                 twenty four, "2024 people" left to espeak-ng; YEAR_CUES: in, since, by, from,
//                 ..., month names); decades ("1990s", "80s", "'80s");
//                 ranges "10-20" and "1990–1995" with "to" (ascending pairs; "50-50" stays two
//                 numbers); proper fractions up to tenths ("3/4" three quarters), other N/M as two
//                 numbers ("24/7"); currency before an amount ("$5" five dollars, "$5.50" five
//                 dollars fifty, "£3", "€10").
//   abbreviations ABBREVIATIONS (Mt. mount, Ave. avenue, Jr. junior, vs. versus, ...), with a
//                 period in any case or Title-case without one ("Mt Fuji"); St. / Dr. by
//                 context: after a capitalised word or a number and not before one, a street or
//                 drive ("Elm St.", "23 Main St.", "Oak Dr."), else saint / doctor ("St. Paul",
//                 "Dr. Smith"). In text typed in capitals capitals say nothing, so there a place
//                 needs a word before and none after ("ELM ST." at the end).
//   hyphens       between words, espeak-ng's reading is kept (well-known, x-ray); between
//                 numbers, see ranges; a dash between words ("yes--no", "yes—no") is a pause.
import { decadeWords, fractionWords, yearWords } from './number-words.js';

const APOSTROPHES = /[\u2019\u2018\u02BC`\u00B4\u2032]/gu;

/** Abbreviations espeak-ng 1.51 reads as letters or wrongly, keyed in lower case without the period. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  mt: 'mount', ave: 'avenue', rd: 'road', blvd: 'boulevard', jr: 'junior', sr: 'senior', sgt: 'sergeant', lt: 'lieutenant',
  ft: 'fort', vs: 'versus', ms: 'miz',
};
const BY_CONTEXT: Readonly<Record<string, { place: string; person: string }>> = {
  st: { place: 'street', person: 'saint' },
  dr: { place: 'drive', person: 'doctor' },
};

export const YEAR_CUES = new Set([
  'in', 'since', 'by', 'from', 'until', 'till', 'before', 'after', 'during', 'around', 'circa', 'year',
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]);

const CURRENCIES: Readonly<Record<string, [string, string]>> = { $: ['dollar', 'dollars'], '£': ['pound', 'pounds'], '€': ['euro', 'euros'] };

/** Leading and trailing punctuation/symbols, and the core between. */
function splitEdges(token: string): { lead: string; core: string; trail: string } {
  const m = /^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/u.exec(token)!;
  return { lead: m[1], core: m[2], trail: m[3] };
}

const startsCapitalised = (token: string | undefined) => token !== undefined && /^\P{L}*\p{Lu}/u.test(token);
const isNumber = (token: string | undefined) => token !== undefined && /\p{Nd}/u.test(token) && !/\p{L}/u.test(token);

/** A 4-digit number read as a year, or null. */
function year(digits: string, previous: string | undefined): string[] | null {
  if (!/^\d{4}$/u.test(digits)) return null;
  const n = Number(digits);
  if (n >= 1100 && n <= 1999) return yearWords(n);
  if (n >= 2010 && n <= 2099 && previous !== undefined && YEAR_CUES.has(splitEdges(previous).core.toLowerCase())) return yearWords(n);
  return null;
}

/** A number without letters (core), or null to leave it to espeak-ng. */
function numberWords(core: string, lead: string, previous: string | undefined): string[] | null {
  const currency = [...lead].reverse().find((c) => Object.hasOwn(CURRENCIES, c));
  if (currency) {
    const m = /^(\d[\d,]*)(?:\.(\d{2}))?$/u.exec(core);
    if (!m) return null;
    const [one, many] = CURRENCIES[currency];
    const words = [m[1], m[1] === '1' ? one : many];
    return m[2] && Number(m[2]) > 0 ? [...words, String(Number(m[2]))] : words;
  }
  if (lead.endsWith('#') && /^\d+$/u.test(core)) return ['number', core];
  const range = /^(\d+)[-\u2013\u2014](\d+)$/u.exec(core);
  if (range) {
    const [a, b] = [range[1], range[2]];
    if (Number(a) >= Number(b)) return [a, b]; // "50-50", not a range
    const fromYear = year(a, previous);
    return fromYear ? [...fromYear, 'to', ...(yearWords(Number(b)) ?? [b])] : [a, 'to', b];
  }
  const slash = /^(\d+)\/(\d+)$/u.exec(core);
  if (slash) return fractionWords(Number(slash[1]), Number(slash[2])) ?? [slash[1], slash[2]];
  return year(core, previous);
}

/** "St." / "Dr.": a place after a name or number (and, in mixed-case text, not before another name), else a title. */
function byContext(key: string, previous: string | undefined, next: string | undefined, capitalisedText: boolean): string {
  const afterName = startsCapitalised(previous) || isNumber(previous);
  const beforeName = capitalisedText ? next !== undefined : startsCapitalised(next);
  return afterName && !beforeName ? BY_CONTEXT[key].place : BY_CONTEXT[key].person;
}

function abbreviation(core: string, previous: string | undefined, next: string | undefined, trail: string, capitalisedText: boolean): string | null {
  const key = core.toLowerCase();
  const abbreviated = trail.startsWith('.') || /^\p{Lu}\p{Ll}+$/u.test(core) || key === 'vs';
  if (abbreviated && Object.hasOwn(ABBREVIATIONS, key)) return ABBREVIATIONS[key];
  if (abbreviated && Object.hasOwn(BY_CONTEXT, key)) return byContext(key, previous, next, capitalisedText);
  return null;
}

function numberOrDecade(core: string, lead: string, previous: string | undefined): string[] | null {
  const decade = /^(\d{2}|\d{4})'?s$/u.exec(core);
  if (decade) return decadeWords(decade[1]);
  if (/\d/u.test(core) && !/\p{L}/u.test(core)) return numberWords(core, lead, previous);
  return null;
}

function normaliseToken(written: string, previous: string | undefined, next: string | undefined, capitalisedText: boolean): string[] {
  const token = written.replace(APOSTROPHES, "'");
  const { lead, core, trail } = splitEdges(token);
  if (core === '') return [token];
  // Sentence punctuation stays (espeak-ng's context), an abbreviation's own period does not.
  const expanded = abbreviation(core, previous, next, trail, capitalisedText);
  if (expanded) return [expanded + trail.replace(/^\./u, '').replace(/[*_]+/gu, '')];
  const rewritten = numberOrDecade(core, lead, previous);
  if (rewritten) return [...rewritten.slice(0, -1), rewritten[rewritten.length - 1] + trail.replace(/[*_]+/gu, '')];
  // Words run together by punctuation, and emphasis marks.
  const parts = core
    .replace(/[*_]+/gu, ' ')
    .split(/(?<=\p{L}{2})[.!?;:,]+(?=\p{L}{2})/u)
    .flatMap((p) => p.split(/\s+/u))
    .filter(Boolean);
  if (parts.length === 0) return [];
  parts[0] = lead.replace(/[*_]+/gu, '') + parts[0];
  parts[parts.length - 1] += trail.replace(/[*_]+/gu, '');
  return parts;
}

/**
 * Each written word's spoken words (possibly none), in order. `capitalisedText`: the text is
 * in capitals (lib/g2p/casing.ts), so capitals say nothing about names.
 */
export function normaliseEnglish(tokens: readonly string[], capitalisedText = false): string[][] {
  return tokens.map((token, i) => normaliseToken(token, tokens[i - 1], tokens[i + 1], capitalisedText));
}
