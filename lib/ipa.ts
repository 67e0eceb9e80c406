// Target IPA -> the active model's phones. Accepts unsegmented IPA ("hɛloʊ wɜrld"),
// space-separated phones with "|" between words ("h ɛ l oʊ | w ɜ r l d") and the POWSM
// slash format ("/h//ɛ/.../ //w/..."). Segmentation is longest match against the
// model's phone inventory.
import { EngineError } from './errors.js';

export interface ParsedIpa {
  phones: string[];
  /** For each phone, the index of its word (0-based). */
  wordOfPhone: number[];
}

/** Marks that carry no segment identity: stress, syllable break, tie bars, joiners. */
const IGNORED = new Set(['ˈ', 'ˌ', "'", '.', '‿', '\u0361', '\u035C', '\u200D', '\u200C', '\uFEFF']);
/** Dropped only when the inventory has no phone that includes them. */
const DROPPABLE_IF_UNMATCHED = new Set(['ː', 'ˑ']);
/** Equivalent notations, tried when a symbol is not in the inventory. */
const EQUIVALENTS: Record<string, string[]> = {
  g: ['ɡ'],
  ɡ: ['g'],
  r: ['ɹ'],
  ɹ: ['r'],
};
const WORD_SEPARATORS = /\s*[|‖]\s*/;

function describe(symbol: string): string {
  const codes = [...symbol].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
  return `"${symbol}" (${codes})`;
}

function segmentChunk(chunk: string, inventory: ReadonlySet<string>, maxLen: number, out: string[]): void {
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i];
    if (IGNORED.has(ch)) {
      i += 1;
      continue;
    }
    let matched = '';
    for (let len = Math.min(maxLen, chunk.length - i); len >= 1; len--) {
      const candidate = chunk.slice(i, i + len);
      if (inventory.has(candidate)) {
        matched = candidate;
        break;
      }
    }
    if (matched) {
      out.push(matched);
      i += matched.length;
      continue;
    }
    const alternative = (EQUIVALENTS[ch] ?? []).find((alt) => inventory.has(alt));
    if (alternative) {
      out.push(alternative);
      i += 1;
      continue;
    }
    if (DROPPABLE_IF_UNMATCHED.has(ch)) {
      i += 1;
      continue;
    }
    const symbol = String.fromCodePoint(chunk.codePointAt(i)!);
    throw new EngineError('IPA_INVALID', `target_ipa contains ${describe(symbol)}, which is not a phone of this model and cannot be mapped to one`, {
      symbol,
      offset: i,
    });
  }
}

function splitWords(text: string): string[][] {
  const slash = /^\s*\//.test(text);
  if (slash) {
    // POWSM slash format: each /x/ is one token; "/ /" separates words.
    const tokens = [...text.matchAll(/\/([^/]*)\//g)].map((m) => m[1]);
    const rest = text.replace(/\/[^/]*\//g, '').trim();
    if (rest) throw new EngineError('IPA_INVALID', `target_ipa mixes the slash format with text outside slashes: ${describe(rest.slice(0, 8))}`);
    const words: string[][] = [[]];
    for (const token of tokens) {
      if (token.trim() === '') words.push([]);
      else words[words.length - 1].push(token);
    }
    return words;
  }
  if (WORD_SEPARATORS.test(text)) {
    // Space-separated phones with explicit word separators.
    return text.split(WORD_SEPARATORS).map((word) => word.split(/\s+/).filter(Boolean));
  }
  // Unsegmented IPA: whitespace separates words.
  return text.split(/\s+/).filter(Boolean).map((word) => [word]);
}

/** Parses `text` into phones of `inventory`; throws IPA_INVALID naming the first unmappable symbol. */
export function parseTargetIpa(text: string, inventory: ReadonlySet<string>): ParsedIpa {
  const maxLen = Math.max(...[...inventory].map((p) => p.length));
  const phones: string[] = [];
  const wordOfPhone: number[] = [];
  let word = 0;
  for (const chunks of splitWords(text.normalize('NFC'))) {
    const before = phones.length;
    for (const chunk of chunks) segmentChunk(chunk, inventory, maxLen, phones);
    for (let k = before; k < phones.length; k++) wordOfPhone.push(word);
    if (phones.length > before) word += 1;
  }
  if (phones.length === 0) throw new EngineError('IPA_INVALID', 'target_ipa has no phones: give IPA such as "hɛloʊ wɜrld"');
  return { phones, wordOfPhone };
}
