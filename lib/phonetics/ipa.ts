// Target IPA -> the active model's phones. README "IPA input and normalisation".
//
// Formats (all give the same phones):
//   - plain text "hɛˈloʊ wɜrld": whitespace separates words; each word is segmented;
//   - a phone list "h ɛ l oʊ | w ɜ r l d": when the text has "|" or "‖", those separate words and
//     whitespace separates phones;
//   - the POWSM slash format "/h//ɛ//l//oʊ// //w/...": one phone per /x/, "/ /" (or whitespace
//     between tokens, or a "|" token) between words; phonemic slashes "/hɛˈloʊ wɜrld/" too.
// Stress marks and syllable breaks (ˈ ˌ ' . -) delimit phones; tie bars, joiners, the undertie
// and phonetic brackets are ignored; NFC and NFD spellings are the same. In phone lists a token
// made only of modifiers (ZIPA-style "t ʰ", "i ː") belongs to the phone before it.
// Segmentation and the mapping onto the model's phones: lib/phonetics/normalize.ts.
import { EngineError } from '../errors.js';
import { forInventory, type PhoneMapper } from './normalize.js';
import { BARRIER_MARKS, IGNORED_MARKS, LOOKALIKES, WORD_SEPARATORS, describeSymbol, groupUnits, isModifier } from './symbols.js';

/** A place where the written symbols were not phones of the model and were mapped onto its phones. */
export interface NormalizedSpan {
  /** The symbols as written in the input. */
  written: string;
  /** Index (UTF-16 code units) of `written` in the input. */
  offset: number;
  /** The model's phones they became (possibly none, e.g. a stray length mark). */
  phones: string[];
}

export interface ParsedIpa {
  phones: string[];
  /** For each phone, the index of its word (0-based). */
  wordOfPhone: number[];
  /** Every normalisation applied, in input order (empty when the target was written in the model's phones). */
  normalized: NormalizedSpan[];
}

/** One canonical code point and the span [start, end) of the input character it came from. */
interface Atom {
  ch: string;
  start: number;
  end: number;
}

/** A written phone (phone-list formats, `declared`) or a word of plain text. */
interface Token {
  atoms: Atom[];
  declared: boolean;
}

function invalid(message: string, symbol?: string, offset?: number): EngineError {
  return new EngineError('IPA_INVALID', message, symbol === undefined ? undefined : { symbol, offset });
}

function atomize(text: string, from: number, to: number): Atom[] {
  const atoms: Atom[] = [];
  let i = from;
  while (i < to) {
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    const end = i + ch.length;
    for (const d of (LOOKALIKES[ch] ?? ch).normalize('NFD')) {
      if (!IGNORED_MARKS.has(d)) atoms.push({ ch: LOOKALIKES[d] ?? d, start: i, end });
    }
    i = end;
  }
  return atoms;
}

const SPACE = /\s/u;
const isSeparator = (ch: string) => SPACE.test(ch) || WORD_SEPARATORS.has(ch);

/** Splits text[from, to) at whitespace and word separators: [start, end) of each non-empty piece, and whether a separator preceded it. */
function pieces(text: string, from: number, to: number): Array<{ start: number; end: number; bar: boolean }> {
  const out: Array<{ start: number; end: number; bar: boolean }> = [];
  let i = from;
  let bar = false;
  while (i < to) {
    if (isSeparator(text[i])) {
      if (WORD_SEPARATORS.has(text[i])) bar = true;
      i += 1;
      continue;
    }
    const start = i;
    while (i < to && !isSeparator(text[i])) i += 1;
    out.push({ start, end: i, bar });
    bar = false;
  }
  return out;
}

/** The canonical text of a token's atoms between barriers, when it has exactly one such run. */
function singleChunkKey(token: Token): string | null {
  const chunks = chunksOf(token.atoms);
  return chunks.length === 1 ? chunks[0].map((a) => a.ch).join('').normalize('NFD') : null;
}

/** The words of the text, each a list of tokens. */
function splitWords(text: string, mapper: PhoneMapper): Token[][] {
  const words: Token[][] = [[]];
  const newWord = () => {
    if (words[words.length - 1].length > 0) words.push([]);
  };
  const addToken = (atoms: Atom[], declared: boolean) => {
    const word = words[words.length - 1];
    const previous = word[word.length - 1];
    // A token of modifiers only (ZIPA-style "t ʰ") belongs to the phone before it.
    if (declared && previous && atoms.length > 0 && atoms.every((a) => isModifier(a.ch))) previous.atoms.push(...atoms);
    else if (atoms.length > 0) word.push({ atoms, declared });
  };

  if (/^\s*\//u.test(text)) {
    const slash = /\/([^/]*)\//gu;
    let last = 0;
    for (const match of text.matchAll(slash)) {
      const gap = text.slice(last, match.index);
      const stray = gap.search(/\S/u);
      if (stray >= 0) throw strayOutsideSlashes(text, last + stray);
      if (gap.length > 0 && last > 0) newWord();
      const from = match.index + 1;
      const to = from + match[1].length;
      const parts = pieces(text, from, to);
      if (parts.length === 0) newWord();
      parts.forEach((part, k) => {
        if (k > 0 || part.bar) newWord();
        addToken(atomize(text, part.start, part.end), true);
      });
      if (parts.length > 0 && /[\s|‖]$/u.test(match[1])) newWord();
      last = match.index + match[0].length;
    }
    const stray = text.slice(last).search(/\S/u);
    if (stray >= 0) throw strayOutsideSlashes(text, last + stray);
    return words;
  }

  const parts = pieces(text, 0, text.length).map((part) => ({ ...part, atoms: atomize(text, part.start, part.end) }));
  // A phone list: "|" or "‖" separate words; or, without them, every token is one written phone.
  const phoneList =
    [...text].some((ch) => WORD_SEPARATORS.has(ch)) ||
    (parts.length >= 2 &&
      parts.every((part) => {
        const key = singleChunkKey({ atoms: part.atoms, declared: true });
        return key === null ? chunksOf(part.atoms).length === 0 : mapper.isWrittenPhone(key);
      }));
  for (const part of parts) {
    if (!phoneList || part.bar) newWord();
    addToken(part.atoms, phoneList);
  }
  return words;
}

/** In a phone list, joins two tokens that an `acrossTokens` rule reads as one phone ("ə ɹ" -> ɚ before a consonant). */
function joinTokens(tokens: readonly Token[], mapper: PhoneMapper): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const [a, b, next] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    const keyA = a.declared ? singleChunkKey(a) : null;
    const keyB = b?.declared ? singleChunkKey(b) : null;
    if (keyA !== null && keyB !== null) {
      const nextKey = next ? singleChunkKey(next) : null;
      const nextUnit = nextKey === null ? (next ? '' : undefined) : mapper.units(nextKey)[0];
      if (mapper.joinsTokens(keyA, keyB, nextUnit)) {
        out.push({ atoms: [...a.atoms, ...b.atoms], declared: true });
        i += 1;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

function strayOutsideSlashes(text: string, offset: number): EngineError {
  const symbol = String.fromCodePoint(text.codePointAt(offset)!);
  return invalid(
    `target_ipa mixes the slash format with text outside slashes: ${describeSymbol(symbol)} at offset ${offset}; write every phone as /x/ and words apart with "/ /"`,
    symbol,
    offset,
  );
}

function written(text: string, atoms: readonly Atom[]): { written: string; offset: number } {
  return { written: text.slice(atoms[0].start, atoms[atoms.length - 1].end), offset: atoms[0].start };
}

/** Splits a token's atoms at stress marks and syllable breaks. */
function chunksOf(atoms: readonly Atom[]): Atom[][] {
  const chunks: Atom[][] = [[]];
  for (const atom of atoms) {
    if (BARRIER_MARKS.has(atom.ch)) chunks.push([]);
    else chunks[chunks.length - 1].push(atom);
  }
  return chunks.filter((c) => c.length > 0);
}

function readToken(text: string, token: Token, mapper: PhoneMapper, phones: string[], normalized: NormalizedSpan[]): void {
  const chunks = chunksOf(token.atoms);
  if (token.declared && chunks.length === 1) {
    const whole = mapper.resolveWholeToken(chunks[0].map((a) => a.ch).join('').normalize('NFD'));
    if (whole) {
      phones.push(...whole.phones);
      if (whole.normalized) normalized.push({ ...written(text, chunks[0]), phones: whole.phones });
      return;
    }
  }
  for (const chunk of chunks) {
    const units = groupUnits(chunk, (a) => a.ch, mapper.standalone);
    const result = mapper.segment(units.map((u) => u.map((a) => a.ch).join('').normalize('NFD')));
    if (!result.ok) {
      const { written: symbol, offset } = written(text, units[result.failedAt]);
      const nfc = symbol.normalize('NFC');
      throw invalid(
        `target_ipa contains ${describeSymbol(nfc)} at offset ${offset}, which is not a phone of this model and cannot be mapped to one (README "IPA input and normalisation")`,
        nfc,
        offset,
      );
    }
    for (const piece of result.pieces) {
      phones.push(...piece.phones);
      if (piece.normalized) normalized.push({ ...written(text, units.slice(piece.start, piece.end).flat()), phones: piece.phones });
    }
  }
}

/** Parses `text` into phones of `inventory`; throws IPA_INVALID naming the first unmappable symbol. */
export function parseTargetIpa(text: string, inventory: ReadonlySet<string>): ParsedIpa {
  if (typeof text !== 'string') throw invalid('target_ipa must be a string of IPA, e.g. "hɛloʊ wɜrld"');
  const mapper = forInventory(inventory);
  const phones: string[] = [];
  const wordOfPhone: number[] = [];
  const normalized: NormalizedSpan[] = [];
  let word = 0;
  for (const tokens of splitWords(text, mapper)) {
    const before = phones.length;
    for (const token of joinTokens(tokens, mapper)) readToken(text, token, mapper, phones, normalized);
    for (let k = before; k < phones.length; k++) wordOfPhone.push(word);
    if (phones.length > before) word += 1;
  }
  if (phones.length === 0) throw invalid('target_ipa has no phones: give IPA such as "hɛloʊ wɜrld"');
  return { phones, wordOfPhone, normalized };
}
