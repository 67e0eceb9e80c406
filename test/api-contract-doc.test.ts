// docs/api-contract.md ships with the package (exports "./api-contract.md"): the contract plus
// what this engine adds. Every field a real result has, every field the result types declare,
// every input key the workers accept and every error code must be named in it, so a field added
// without documentation fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../lib/engine.js';
import { ERROR_CODES } from '../lib/errors.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { assessInputSchema } from '../workers/assess/schema.js';
import { expectSchema } from '../workers/assess/expect.js';
import { g2pInputSchema } from '../workers/g2p/handler.js';

const ROOT = join(__dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs', 'api-contract.md'), 'utf8');
// Named: in backticks in the text, or as a key of the JSON examples.
const named = new Set([...DOC.matchAll(/`"?([A-Za-z_][\w.]*)"?`|"(\w+)":/g)].map((m) => m[1] ?? m[2]));
const missing = (keys: Iterable<string>) => [...new Set(keys)].filter((key) => !named.has(key));

/** Property names declared in an interface of lib/types.ts. */
function declared(name: string): string[] {
  const source = readFileSync(join(ROOT, 'lib', 'types.ts'), 'utf8');
  const body = new RegExp(`export interface ${name}(?: extends [\\w<>, ']+)? \\{([\\s\\S]*?)\\n\\}`).exec(source)![1];
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
}

/** Every key of a JSON value, nested. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysOf(inner, into);
    }
  }
  return into;
}

describe('docs/api-contract.md', () => {
  it('names every field of a real assessment and of the result types', async () => {
    const engine = await load();
    const result = await engine.assess({ audio: join(ROOT, 'examples', '001040067.flac'), targetIpa: 'leɪlə ɪz ɡʊd æt sɜːfɪŋ' });
    await engine.dispose();
    expect(missing(keysOf(result))).toEqual([]);
    for (const type of ['AssessmentResult', 'PhoneResult', 'WordResult', 'ScoringInfo', 'FluencyResult', 'Operation', 'SampleSpan', 'AlignmentInfo', 'MfaAlignmentInfo', 'MfaNearestPhone']) {
      expect(declared(type).length, type).toBeGreaterThan(0);
      expect(missing(declared(type)), type).toEqual([]);
    }
  });

  it('names every field of a real IPA generation', async () => {
    expect(missing(keysOf(await generateIpa({ text: 'Layla is good at surfing' })))).toEqual([]);
  });

  it('names every input key the workers accept and every error code', () => {
    expect(missing(Object.keys(assessInputSchema.shape))).toEqual([]);
    expect(missing(Object.keys(expectSchema.shape))).toEqual([]);
    expect(missing(Object.keys(g2pInputSchema.shape))).toEqual([]);
    expect(missing(ERROR_CODES)).toEqual([]);
  });

  it('a field it does not name is caught', () => {
    expect(missing(['edit_score', 'no_such_field'])).toEqual(['no_such_field']);
  });
});
