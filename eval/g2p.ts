// The G2P section: lib/g2p/generate-ipa.ts generateIpa over the corpus's transcripts, each word compared
// with the corpus lexicon (lexicon.txt, human-made) after the folding of eval/g2p-fold.ts.
// Text only (the first candidate, espeak-ng), and audio-guided (each word's candidate chosen by
// the engine's model on the utterance's recording). Mismatches are classified by
// eval/g2p-mismatch.ts. See eval/README.md, "G2P".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../lib/engine.js';
import { EngineError } from '../lib/errors.js';
import { generateIpa, parseSlashIpa, type IpaGeneration } from '../lib/g2p/generate-ipa.js';
import { arpabetToIpa } from '../lib/g2p/cmudict.js';
import { mapPool, type Failure } from './evaluate.js';
import type { PhoneFold } from './g2p-fold.js';
import { classifyMismatch, MISMATCH_CLASSES, readAsLetters, scoreWord, type MismatchClass } from './g2p-mismatch.js';
import { ratio } from './metrics.js';
import { readTable } from './real.js';
import { REPO_ROOT } from './synthetic.js';

/** The whole train split: ../shared beside the checkout, as for the real set. */
export const G2P_DATA_DIRS = ['speechocean762-dev', 'speechocean762-more'].map((d) => join(REPO_ROOT, '..', 'shared', 'data', d));

export interface G2pItem {
  id: string;
  text: string;
  audioPath: string;
}

export type Lexicon = ReadonlyMap<string, string[][]>;

/** lexicon.txt: WORD<TAB>ARPAbet phones, one line per variant -> upper-case word -> IPA variants. */
export function readLexicon(path: string): Lexicon {
  const lexicon = new Map<string, string[][]>();
  for (const [word, phones] of readTable(path)) {
    const key = word.toUpperCase();
    lexicon.set(key, [...(lexicon.get(key) ?? []), arpabetToIpa(phones)]);
  }
  return lexicon;
}

/** The lexicon is in the first folder that has one (speechocean762-dev's covers the whole train split). */
export function findLexicon(dataDirs: readonly string[]): string {
  const found = dataDirs.map((dir) => join(dir, 'lexicon.txt')).find((path) => existsSync(path));
  if (found) return found;
  throw new Error(`no lexicon.txt in ${dataDirs.join(', ')}`);
}

/** Every utterance of the folders, in id order; with a limit, evenly spaced over that order. */
export function readG2pSet(dataDirs: readonly string[], limit?: number): G2pItem[] {
  const all = dataDirs
    .flatMap((dir) => readTable(join(dir, 'text')).map(([id, text]) => ({ id, text, audioPath: join(dir, 'audio', `${id}.flac`) })))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (limit === undefined || limit >= all.length) return all;
  return Array.from({ length: limit }, (_, k) => all[Math.floor((k * all.length) / limit)]);
}

export interface MismatchExample {
  word: string;
  /** Occurrences of this word with this output. */
  count: number;
  generated: string;
  lexicon: string[];
}

export interface G2pModeReport {
  utterances: number;
  words: number;
  exact: number;
  exact_rate: number | null;
  per: { edits: number; reference_phones: number; rate: number | null };
  /** Words of two or more letters that came out as their letters' names. */
  read_as_letters: { count: number; examples: MismatchExample[] };
  /** Words of the transcript that generateIpa gave no phones (counted as mismatches, class "other"). */
  missing_words: number;
  mismatches: Record<MismatchClass, { count: number; share: number | null; examples: MismatchExample[] }>;
  /** With audio: how often each source's candidate was chosen (sources joined by "+" counted under each). */
  chosen_sources?: Record<string, number>;
  engine_errors: Failure[];
  wall_seconds: number;
}

export interface G2pReport {
  source: { data_dirs: string[]; lexicon: string; utterances_available: number; limit: number | null };
  folding: readonly string[];
  text_only: G2pModeReport;
  audio_guided: G2pModeReport | null;
}

export interface G2pOptions {
  lexicon: Lexicon;
  fold: PhoneFold;
  concurrency: number;
  /** With an engine, the audio-guided run too. */
  engine?: Engine;
  examples?: number;
  progress?: (label: string, done: number, total: number) => void;
}

interface WordOutcome {
  word: string;
  generated: string;
  exact: boolean;
  edits: number;
  referenceLength: number;
  letters: boolean;
  missing: boolean;
  klass: MismatchClass | null;
  sources: string[];
}

const slash = (phones: readonly string[]) => phones.map((p) => `/${p}/`).join('');

/** Pairs the transcript's words with generateIpa's (same order; a word it dropped gets null). */
function pairWords(tokens: readonly string[], result: IpaGeneration): (IpaGeneration['words'][number] | null)[] {
  let k = 0;
  return tokens.map((token) => {
    const w = result.words[k];
    if (w && w.word.toUpperCase() === token.toUpperCase()) {
      k += 1;
      return w;
    }
    return null;
  });
}

function scoreUtterance(item: G2pItem, result: IpaGeneration, opts: G2pOptions): WordOutcome[] {
  const tokens = item.text.split(/\s+/u).filter(Boolean);
  return pairWords(tokens, result).map((w, i) => {
    const word = tokens[i];
    const variants = (opts.lexicon.get(word.toUpperCase()) ?? []).map((v) => opts.fold(v));
    if (variants.length === 0) throw new Error(`${item.id}: "${word}" is not in the lexicon`);
    if (!w) {
      const reference = variants.reduce((a, b) => (b.length < a.length ? b : a));
      return { word, generated: '', exact: false, edits: reference.length, referenceLength: reference.length, letters: false, missing: true, klass: 'other', sources: [] };
    }
    const phones = parseSlashIpa(w.ipa).flat();
    const folded = opts.fold(phones);
    const score = scoreWord(folded, variants);
    return {
      word,
      generated: w.ipa,
      exact: score.exact,
      edits: score.edits,
      referenceLength: score.referenceLength,
      letters: readAsLetters(word, folded, opts.fold),
      missing: false,
      klass: score.exact ? null : classifyMismatch(word, folded, variants, opts.fold),
      sources: w.source.split('+'),
    };
  });
}

function topExamples(outcomes: readonly WordOutcome[], lexicon: Lexicon, n: number): MismatchExample[] {
  const byKey = new Map<string, MismatchExample>();
  for (const o of outcomes) {
    const key = `${o.word}\u0000${o.generated}`;
    const existing = byKey.get(key);
    if (existing) existing.count += 1;
    else byKey.set(key, { word: o.word, count: 1, generated: o.generated || '(none)', lexicon: (lexicon.get(o.word.toUpperCase()) ?? []).map(slash) });
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1)).slice(0, n);
}

async function runMode(items: readonly G2pItem[], opts: G2pOptions, label: string, engine: Engine | undefined): Promise<G2pModeReport> {
  const t0 = Date.now();
  const engineErrors: Failure[] = [];
  const perUtterance = await mapPool(items, opts.concurrency, async (item, i) => {
    try {
      const result = engine
        ? await generateIpa({ text: item.text, language: 'en-us', audio: item.audioPath }, { engine })
        : await generateIpa({ text: item.text, language: 'en-us' }, { candidates: false });
      return scoreUtterance(item, result, opts);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      engineErrors.push({ id: item.id, code: error.code, message: error.message });
      return [];
    } finally {
      opts.progress?.(label, i + 1, items.length);
    }
  });
  const outcomes = perUtterance.flat();
  const mismatched = outcomes.filter((o) => !o.exact);
  const n = opts.examples ?? 10;
  const mismatches = Object.fromEntries(
    MISMATCH_CLASSES.map((c) => {
      const inClass = mismatched.filter((o) => o.klass === c);
      return [c, { count: inClass.length, share: ratio(inClass.length, mismatched.length), examples: topExamples(inClass, opts.lexicon, n) }];
    }),
  ) as G2pModeReport['mismatches'];
  const letters = outcomes.filter((o) => o.letters);
  const edits = outcomes.reduce((s, o) => s + o.edits, 0);
  const referencePhones = outcomes.reduce((s, o) => s + o.referenceLength, 0);
  const report: G2pModeReport = {
    utterances: items.length - engineErrors.length,
    words: outcomes.length,
    exact: outcomes.length - mismatched.length,
    exact_rate: ratio(outcomes.length - mismatched.length, outcomes.length),
    per: { edits, reference_phones: referencePhones, rate: ratio(edits, referencePhones) },
    read_as_letters: { count: letters.length, examples: topExamples(letters, opts.lexicon, n) },
    missing_words: outcomes.filter((o) => o.missing).length,
    mismatches,
    engine_errors: engineErrors.sort((a, b) => (a.id < b.id ? -1 : 1)),
    wall_seconds: (Date.now() - t0) / 1000,
  };
  if (engine) {
    const sources: Record<string, number> = {};
    for (const o of outcomes) {
      for (const source of o.sources) {
        const kind = source.startsWith('cmudict:') ? 'cmudict' : source;
        sources[kind] = (sources[kind] ?? 0) + 1;
      }
    }
    report.chosen_sources = Object.fromEntries(Object.entries(sources).sort((a, b) => b[1] - a[1]));
  }
  return report;
}

/** Text-only, then (with opts.engine) audio-guided. */
export async function evaluateG2p(items: readonly G2pItem[], opts: G2pOptions): Promise<Omit<G2pReport, 'source' | 'folding'>> {
  const textOnly = await runMode(items, opts, 'g2p text-only', undefined);
  const audioGuided = opts.engine ? await runMode(items, opts, 'g2p audio-guided', opts.engine) : null;
  return { text_only: textOnly, audio_guided: audioGuided };
}
