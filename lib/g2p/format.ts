// The contract's IPA generation format (docs/api-contract.md, "IPA generation"):
// `ipa_phonemes` is POWSM's slash string, each phone as /x/ and "/ /" between words,
// "/h//ə//l//oʊ// //w//ɜː//l//d/"; `phonemes` is the same split, " " between words.
// lib/phonetics/ipa.ts parseTargetIpa reads the slash string back as an assessment target.

/** Phones never contain "/" or whitespace (they would break the format); both are removed. */
function cleanPhone(phone: string): string {
  return phone.replace(/[/\s]/gu, '');
}

/** Words of phones -> "/h//ə//l//oʊ// //w//ɜː//l//d/". Empty words and phones are skipped. */
export function toSlashIpa(words: readonly (readonly string[])[]): string {
  return words
    .map((word) => word.map(cleanPhone).filter(Boolean))
    .filter((word) => word.length > 0)
    .map((word) => word.map((p) => `/${p}/`).join(''))
    .join('/ /');
}

/** Words of phones -> ["h", "ə", "l", "oʊ", " ", "w", ...]. */
export function toPhonemes(words: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    const phones = word.map(cleanPhone).filter(Boolean);
    if (phones.length === 0) continue;
    if (out.length > 0) out.push(' ');
    out.push(...phones);
  }
  return out;
}

/** The inverse of toSlashIpa: "/h//ə// //w/" -> [["h", "ə"], ["w"]]. Throws on text outside slashes. */
export function parseSlashIpa(text: string): string[][] {
  const tokens = [...text.matchAll(/\/([^/]*)\//gu)].map((m) => m[1]);
  if (text.replace(/\/[^/]*\//gu, '').trim() !== '') throw new Error(`not a slash IPA string: ${JSON.stringify(text)}`);
  const words: string[][] = [[]];
  for (const token of tokens) {
    if (token.trim() === '') words.push([]);
    else words[words.length - 1].push(token);
  }
  return words.filter((w) => w.length > 0);
}

/** The inverse of toPhonemes. */
export function phonemesToWords(phonemes: readonly string[]): string[][] {
  const words: string[][] = [[]];
  for (const p of phonemes) {
    if (p === ' ') words.push([]);
    else words[words.length - 1].push(p);
  }
  return words.filter((w) => w.length > 0);
}
