// English number words for the readings espeak-ng gets wrong (lib/g2p/normalize.ts): years,
// decades and fractions. Cardinals elsewhere (21, 1,000, 3.5, 21st) are espeak-ng's own.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0-99 as words: [ "twenty", "four" ]. */
export function cardinalWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`cardinalWords takes 0-99, not ${n}`);
  if (n < 20) return [ONES[n]];
  const tens = TENS[Math.floor(n / 10)];
  return n % 10 === 0 ? [tens] : [tens, ONES[n % 10]];
}

/** Years read as years: 1100-1999 and 2000-2099, else null. */
export function yearWords(year: number): string[] | null {
  if (!Number.isInteger(year) || year < 1100 || year > 2099) return null;
  const century = Math.floor(year / 100);
  const rest = year % 100;
  if (year >= 2000 && year <= 2009) return rest === 0 ? ['two', 'thousand'] : ['two', 'thousand', ...cardinalWords(rest)]; // two thousand five
  if (rest === 0) return [...cardinalWords(century), 'hundred']; // eighteen hundred
  if (rest < 10) return [...cardinalWords(century), 'oh', ...cardinalWords(rest)]; // nineteen oh five
  return [...cardinalWords(century), ...cardinalWords(rest)]; // nineteen ninety, twenty twenty four
}

function plural(word: string): string {
  return word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`;
}

/** "1990s" -> nineteen nineties, "1800s" -> eighteen hundreds, "80s" -> eighties; null if not a decade. */
export function decadeWords(digits: string): string[] | null {
  const n = Number(digits);
  if (!/^\d+$/u.test(digits) || n % 10 !== 0) return null;
  let words: string[] | null;
  if (digits.length === 2) words = n >= 20 ? cardinalWords(n) : null;
  else if (digits.length === 4) words = yearWords(n);
  else words = null;
  if (!words) return null;
  return [...words.slice(0, -1), plural(words[words.length - 1])];
}

const DENOMINATORS = ['', '', 'half', 'third', 'quarter', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** Proper fractions with a denominator of 2-10: "3/4" -> three quarters; else null. */
export function fractionWords(numerator: number, denominator: number): string[] | null {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator < 2 || denominator > 10 || numerator < 1 || numerator >= denominator) return null;
  const name = DENOMINATORS[denominator];
  return [...cardinalWords(numerator), numerator === 1 ? name : name === 'half' ? 'halves' : `${name}s`];
}
