// Praat TextGrid files, long ("xmin = 0") and short (values only) text formats, as MFA writes them.
//
// Praat's rule for its text formats (Praat manual, "TextGrid file formats"): only free-standing
// numbers, quoted strings ("" inside one is a quote; it may span lines) and the flags <exists> /
// <absent> are data; everything else ("xmin =", "intervals [1]:", "item []:") is comment. Reading
// that way parses both formats with one reader. Files may be UTF-8 or UTF-16 with a byte-order mark.
// Times are kept as written (decimal text) so that sample conversion is exact (sample-time.ts).

export interface TextGridInterval {
  /** Seconds, as written. */
  start: string;
  end: string;
  label: string;
}

export interface TextGridPoint {
  time: string;
  label: string;
}

export type TextGridTier =
  | { kind: 'interval'; name: string; xmin: string; xmax: string; intervals: TextGridInterval[] }
  | { kind: 'point'; name: string; xmin: string; xmax: string; points: TextGridPoint[] };

export interface TextGrid {
  xmin: string;
  xmax: string;
  tiers: TextGridTier[];
}

export class TextGridParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextGridParseError';
  }
}

type Datum = { type: 'number'; text: string } | { type: 'string'; text: string } | { type: 'flag'; text: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Text of a TextGrid file: UTF-16 (LE or BE) when it starts with a byte-order mark, else UTF-8. */
export function decodeTextGridBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = new Uint8Array(bytes.length - 2 - (bytes.length % 2));
    for (let i = 0; i < swapped.length; i += 2) {
      swapped[i] = bytes[i + 3];
      swapped[i + 1] = bytes[i + 2];
    }
    return new TextDecoder('utf-16le').decode(swapped);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
}

function* data(text: string): Generator<Datum> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= n) throw new TextGridParseError('unterminated quoted string');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      yield { type: 'string', text: value };
      continue;
    }
    if (/\s/u.test(ch)) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < n && !/\s/u.test(text[j]) && text[j] !== '"') j += 1;
    const word = text.slice(i, j);
    i = j;
    if (word === '<exists>' || word === '<absent>') yield { type: 'flag', text: word };
    else if (NUMBER.test(word)) yield { type: 'number', text: word };
  }
}

/** Parses a TextGrid (long or short text format); throws TextGridParseError saying what was expected. */
export function parseTextGrid(input: string | Uint8Array): TextGrid {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/u, '') : decodeTextGridBytes(input);
  const stream = data(text);
  let count = 0;
  const next = (type: Datum['type'], what: string): string => {
    const item = stream.next();
    count += 1;
    if (item.done) throw new TextGridParseError(`file ends where ${what} was expected`);
    if (item.value.type !== type) throw new TextGridParseError(`expected ${what} (a ${type}), found ${item.value.type} "${item.value.text}" (datum ${count})`);
    return item.value.text;
  };
  const fileType = next('string', 'the file type "ooTextFile"');
  if (!/^ooTextFile( short)?$/u.test(fileType)) throw new TextGridParseError(`not a Praat text file (file type "${fileType}")`);
  const objectClass = next('string', 'the object class "TextGrid"');
  if (objectClass !== 'TextGrid') throw new TextGridParseError(`not a TextGrid (object class "${objectClass}")`);
  const xmin = next('number', 'xmin');
  const xmax = next('number', 'xmax');
  const tiers: TextGridTier[] = [];
  if (next('flag', 'the tiers flag') === '<exists>') {
    const size = count32(next('number', 'the number of tiers'), 'number of tiers');
    for (let t = 0; t < size; t++) {
      const tierClass = next('string', `tier ${t + 1}'s class`);
      const name = next('string', `tier ${t + 1}'s name`);
      const tierMin = next('number', `tier ${t + 1}'s xmin`);
      const tierMax = next('number', `tier ${t + 1}'s xmax`);
      const n = count32(next('number', `tier ${t + 1}'s size`), `size of tier "${name}"`);
      if (tierClass === 'IntervalTier') {
        const intervals: TextGridInterval[] = [];
        for (let k = 0; k < n; k++) {
          const start = next('number', `interval ${k + 1} of tier "${name}": xmin`);
          const end = next('number', `interval ${k + 1} of tier "${name}": xmax`);
          intervals.push({ start, end, label: next('string', `interval ${k + 1} of tier "${name}": text`) });
        }
        tiers.push({ kind: 'interval', name, xmin: tierMin, xmax: tierMax, intervals });
      } else if (tierClass === 'TextTier') {
        const points: TextGridPoint[] = [];
        for (let k = 0; k < n; k++) {
          const time = next('number', `point ${k + 1} of tier "${name}": time`);
          points.push({ time, label: next('string', `point ${k + 1} of tier "${name}": mark`) });
        }
        tiers.push({ kind: 'point', name, xmin: tierMin, xmax: tierMax, points });
      } else {
        throw new TextGridParseError(`tier "${name}" has unknown class "${tierClass}" (IntervalTier or TextTier)`);
      }
    }
  }
  return { xmin, xmax, tiers };
}

function count32(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31) throw new TextGridParseError(`${what} is not a count: ${text}`);
  return n;
}
