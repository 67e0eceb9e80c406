// MFA's JSON outputs, read into the same shape as a TextGrid (textgrid.ts):
//   - `mfa align --output_format json` (montreal_forced_aligner/textgrid.py, export_textgrid):
//     {"start": 0, "end": dur, "tiers": {"words": {"type": "interval", "entries": [[b, e, label], ...]}, ...}}
//     with no blank intervals;
//   - `mfa align_one ... --output_format json` (written by praatio, textgrid_io.py
//     _downconvertDictionaryForJson): the same keys with "type": "IntervalTier" and "" blanks;
//   - praatio's "textgrid_json": {"xmin", "xmax", "tiers": [{"class", "name", "xmin", "xmax", "entries"}]}.
// Numbers are kept as their shortest decimal text, which is how Python's json module wrote them.
import type { TextGrid, TextGridTier } from './textgrid.js';
import { TextGridParseError } from './textgrid.js';

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function time(value: Json, what: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return value.trim();
  throw new TextGridParseError(`${what} is not a time in seconds: ${JSON.stringify(value)}`);
}

function label(value: Json, what: string): string {
  if (typeof value !== 'string') throw new TextGridParseError(`${what} is not a label string: ${JSON.stringify(value)}`);
  return value;
}

/** The entries of tier `name`, each checked to be an array of `fields.length` values, with where it stands for messages. */
function entriesOf(name: string, entries: Json[], kind: 'point' | 'interval', fields: string[]): { e: Json[]; where: string }[] {
  return entries.map((e, k) => {
    const where = `${kind} ${k + 1} of tier "${name}"`;
    if (!Array.isArray(e) || e.length !== fields.length) throw new TextGridParseError(`${where} is not [${fields.join(', ')}]`);
    return { e, where };
  });
}

function tier(name: string, kind: Json, entries: Json, xmin: string, xmax: string): TextGridTier {
  if (!Array.isArray(entries)) throw new TextGridParseError(`tier "${name}" has no "entries" list`);
  const isInterval = kind === 'interval' || kind === 'IntervalTier';
  const isPoint = kind === 'point' || kind === 'TextTier';
  if (!isInterval && !isPoint) throw new TextGridParseError(`tier "${name}" has unknown type ${JSON.stringify(kind)}`);
  if (isPoint) {
    const points = entriesOf(name, entries, 'point', ['time', 'label']).map(({ e, where }) => ({ time: time(e[0], where), label: label(e[1], where) }));
    return { kind: 'point', name, xmin, xmax, points };
  }
  const intervals = entriesOf(name, entries, 'interval', ['start', 'end', 'label']).map(({ e, where }) => ({
    start: time(e[0], where),
    end: time(e[1], where),
    label: label(e[2], where),
  }));
  return { kind: 'interval', name, xmin, xmax, intervals };
}

/** Parses any of MFA's JSON alignment outputs (object or JSON text); throws TextGridParseError. */
export function parseAlignmentJson(input: Json): TextGrid {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (error) {
      throw new TextGridParseError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(doc)) throw new TextGridParseError('an alignment JSON document is an object');
  if ('start' in doc && isObject(doc.tiers)) {
    const xmin = time(doc.start, '"start"');
    const xmax = time(doc.end, '"end"');
    return {
      xmin,
      xmax,
      tiers: Object.entries(doc.tiers).map(([name, t]) => {
        if (!isObject(t)) throw new TextGridParseError(`tier "${name}" is not an object`);
        return tier(name, t.type, t.entries, xmin, xmax);
      }),
    };
  }
  if ('xmin' in doc && Array.isArray(doc.tiers)) {
    return {
      xmin: time(doc.xmin, '"xmin"'),
      xmax: time(doc.xmax, '"xmax"'),
      tiers: doc.tiers.map((t, k) => {
        if (!isObject(t) || typeof t.name !== 'string') throw new TextGridParseError(`tier ${k + 1} has no name`);
        return tier(t.name, t.class, t.entries, time(t.xmin, `tier "${t.name}" xmin`), time(t.xmax, `tier "${t.name}" xmax`));
      }),
    };
  }
  throw new TextGridParseError('not an MFA alignment: expected {"start", "end", "tiers": {...}} or {"xmin", "xmax", "tiers": [...]}');
}
