// Runs the engine over one evaluation set and accumulates the metrics. An utterance the engine
// refuses is counted and listed, as is one whose labels cannot be folded; neither stops the run.
import type { Engine } from '../lib/engine.js';
import { EngineError } from '../lib/errors.js';
import { SAMPLE_RATE } from '../lib/types.js';
import type { AssessmentResult } from '../lib/types.js';
import { foldSequence, foldUtterance, type Folder, type KnownSpan } from './fold-phones.js';
import {
  addConfusions,
  addCounts,
  boundaryErrors,
  correctlyPronounced,
  falseRejections,
  listConfusions,
  phoneErrorRate,
  phoneErrors,
  precisionRecallF1,
  ratio,
  splitPhones,
  summariseBoundaries,
  matchErrors,
  type BoundarySummary,
  type ConfusionCounts,
  type DetectionCounts,
  type PerCounts,
  type PrecisionRecall,
} from './metrics.js';
import type { RealItem } from './real.js';
import type { SyntheticItem } from './synthetic.js';

const ERROR_TYPES = ['substitute', 'delete', 'insert'] as const;

export interface UtteranceRow {
  id: string;
  /** Target phones given to the engine (folded). */
  target: number;
  reference_phones: number;
  per_edits: number;
  /** Errors in the label before folding, and after (truth_errors). */
  label_errors?: number;
  truth_errors?: number;
  detected_errors: number;
  true_positives?: number;
  flagged_correct: number;
  correct_phones: number;
  score: number;
}

export interface Failure {
  id: string;
  code: string;
  message: string;
}

export interface SetReport {
  utterances: {
    total: number;
    assessed: number;
    /** The engine refused the utterance (an EngineError). */
    engine_errors: Failure[];
    /** The evaluation could not use the utterance (labels not foldable, target parsed differently). */
    skipped: Failure[];
  };
  audio_seconds: number;
  wall_seconds: number;
  per: { edits: number; reference_phones: number; rate: number | null; reference: string };
  detection: null | {
    /** Errors in the labels before folding; some vanish (both sides fold to one phone), compounds give several. */
    label_errors: number;
    truth_errors: number;
    detected_errors: number;
    counts: DetectionCounts;
    overall: PrecisionRecall;
    by_type: Record<string, DetectionCounts & PrecisionRecall>;
  };
  false_rejections: { correct_phones: number; flagged: number; rate: number | null; note: string };
  timestamps: null | {
    phones: number;
    boundaries: number;
    /** Share of boundaries within each tolerance, keyed by ms. */
    within_ms: Record<string, number | null>;
    mean_abs_ms: number | null;
    median_abs_ms: number | null;
    note: string;
  };
  scores: { mean_all: number | null; mean_without_errors: number | null; mean_with_errors: number | null };
  confusions: {
    operations: number;
    /** Most frequent non-matches. */
    top: { expected: string; actual: string; count: number; share_of_expected: number | null }[];
    /** The whole table, matches included: expected -> recognised -> count (∅ = none). */
    table: Record<string, Record<string, number>>;
  };
  per_utterance: UtteranceRow[];
}

/** Runs fn over items with at most `limit` in flight; results in item order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** What one utterance contributes: everything the set report sums. */
interface Contribution {
  row: UtteranceRow;
  per: PerCounts;
  detection?: { all: DetectionCounts; byType: Record<string, DetectionCounts> };
  rejections: { correct: number; flagged: number };
  boundaries?: number[];
  timedPhones?: number;
  hasTruthErrors?: boolean;
  labelErrors?: number;
  result: AssessmentResult;
  audioSeconds: number;
}

class Skip extends Error {}

function boundaryReport(s: BoundarySummary) {
  return { boundaries: s.boundaries, within_ms: s.within, mean_abs_ms: s.meanAbsMs, median_abs_ms: s.medianAbsMs };
}

function confusionTable(counts: ConfusionCounts): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const c of listConfusions(counts, { includeMatches: true }).sort((a, b) => (a.expected < b.expected ? -1 : a.expected > b.expected ? 1 : b.count - a.count))) {
    (table[c.expected] ??= {})[c.actual] = c.count;
  }
  return table;
}

function failure(id: string, error: unknown): Failure {
  if (error instanceof EngineError) return { id, code: error.code, message: error.message };
  const e = error as Error;
  return { id, code: e?.name ?? 'Error', message: e?.message ?? String(error) };
}

function checkTarget(result: AssessmentResult, target: readonly string[]): void {
  const parsed = result.phones.map((p) => p.phone);
  if (parsed.length !== target.length || parsed.some((p, i) => p !== target[i])) {
    throw new Skip(`the engine parsed the target as ${parsed.length} phones "${parsed.join(' ')}", not the ${target.length} given "${target.join(' ')}"`);
  }
}

export interface EvaluateOptions {
  engine: Engine;
  fold: Folder;
  concurrency: number;
  topConfusions: number;
  progress?: (done: number, total: number) => void;
}

async function runSet<T extends { id: string }>(items: readonly T[], opts: EvaluateOptions, one: (item: T) => Promise<Contribution>, kind: 'synthetic' | 'real'): Promise<SetReport> {
  const t0 = Date.now();
  const engineErrors: Failure[] = [];
  const skipped: Failure[] = [];
  let done = 0;
  const contributions = await mapPool(items, opts.concurrency, async (item) => {
    try {
      return await one(item);
    } catch (error) {
      (error instanceof EngineError ? engineErrors : skipped).push(failure(item.id, error));
      return null;
    } finally {
      opts.progress?.(++done, items.length);
    }
  });
  const ok = contributions.filter((c): c is Contribution => c !== null);
  const byId = (a: Failure, b: Failure) => (a.id < b.id ? -1 : 1);

  const confusions: ConfusionCounts = new Map();
  for (const c of ok) addConfusions(confusions, c.result.operations);
  const all = listConfusions(confusions);
  const operations = ok.reduce((n, c) => n + c.result.operations.length, 0);

  const zero: DetectionCounts = { tp: 0, fp: 0, fn: 0 };
  let detection: SetReport['detection'] = null;
  if (kind === 'synthetic') {
    const counts = ok.reduce((acc, c) => addCounts(acc, c.detection!.all), zero);
    const byType: Record<string, DetectionCounts & PrecisionRecall> = {};
    for (const t of ERROR_TYPES) {
      const ct = ok.reduce((acc, c) => addCounts(acc, c.detection!.byType[t]), zero);
      byType[t] = { ...ct, ...precisionRecallF1(ct) };
    }
    detection = { label_errors: ok.reduce((n, c) => n + c.labelErrors!, 0), truth_errors: counts.tp + counts.fn, detected_errors: counts.tp + counts.fp, counts, overall: precisionRecallF1(counts), by_type: byType };
  }

  const correct = ok.reduce((n, c) => n + c.rejections.correct, 0);
  const flagged = ok.reduce((n, c) => n + c.rejections.flagged, 0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const edits = ok.reduce((n, c) => n + c.per.edits, 0);
  const referencePhones = ok.reduce((n, c) => n + c.per.referenceLength, 0);

  return {
    utterances: { total: items.length, assessed: ok.length, engine_errors: engineErrors.sort(byId), skipped: skipped.sort(byId) },
    audio_seconds: ok.reduce((s, c) => s + c.audioSeconds, 0),
    wall_seconds: (Date.now() - t0) / 1000,
    per: {
      edits,
      reference_phones: referencePhones,
      rate: phoneErrorRate(ok.map((c) => c.per)),
      reference: kind === 'synthetic' ? 'the phones actually synthesised (spoken_phones), folded' : 'canonical phones (text-phone), mapped to IPA and folded',
    },
    detection,
    false_rejections: {
      correct_phones: correct,
      flagged,
      rate: ratio(flagged, correct),
      note:
        kind === 'synthetic'
          ? 'target phones in no ground-truth substitution or deletion that the engine marked substituted or deleted'
          : 'every canonical phone is taken as correctly pronounced (learners do mispronounce some), so this is an upper bound on false rejections: the share of canonical phones the engine flagged',
    },
    timestamps:
      kind === 'synthetic'
        ? {
            phones: ok.reduce((n, c) => n + c.timedPhones!, 0),
            ...boundaryReport(summariseBoundaries(ok.flatMap((c) => c.boundaries!))),
            note: "start and end of each correctly pronounced target phone vs the synthesiser's span of the phone spoken; boundaries inside a split compound are unknown and left out",
          }
        : null,
    scores: {
      mean_all: mean(ok.map((c) => c.result.score)),
      mean_without_errors: kind === 'synthetic' ? mean(ok.filter((c) => !c.hasTruthErrors).map((c) => c.result.score)) : null,
      mean_with_errors: kind === 'synthetic' ? mean(ok.filter((c) => c.hasTruthErrors).map((c) => c.result.score)) : null,
    },
    confusions: {
      operations,
      top: all.slice(0, opts.topConfusions).map(({ shareOfExpected, ...c }) => ({ ...c, share_of_expected: shareOfExpected })),
      table: confusionTable(confusions),
    },
    per_utterance: ok.map((c) => c.row),
  };
}

export function evaluateSynthetic(items: readonly SyntheticItem[], opts: EvaluateOptions): Promise<SetReport> {
  return runSet(
    items,
    opts,
    async (item) => {
      const folded = foldUtterance(item.label, opts.fold);
      const result = await opts.engine.assess({ audio: item.audioPath, targetIpa: folded.target.join(' ') });
      checkTarget(result, folded.target);

      const recognised = splitPhones(result.recognized_ipa);
      const per = phoneErrors(recognised, folded.spoken);
      const byType: Record<string, DetectionCounts> = {};
      for (const t of ERROR_TYPES) {
        byType[t] = matchErrors(
          result.errors.filter((e) => e.type === t),
          folded.errors.filter((e) => e.type === t),
        );
      }
      const all = matchErrors(result.errors, folded.errors);
      const correct = correctlyPronounced(folded.target.length, folded.errors);
      const rejections = falseRejections(result.phones, correct);
      const truthSpans: (KnownSpan | null)[] = folded.correctSpoken.map((s) => (s === null ? null : folded.spokenSpans[s]));
      const boundaries = boundaryErrors(result.phones, truthSpans);
      return {
        row: {
          id: item.id,
          target: folded.target.length,
          reference_phones: per.referenceLength,
          per_edits: per.edits,
          label_errors: item.label.errors.length,
          truth_errors: folded.errors.length,
          detected_errors: result.errors.length,
          true_positives: all.tp,
          flagged_correct: rejections.flagged,
          correct_phones: rejections.correct,
          score: result.score,
        },
        per,
        detection: { all, byType },
        rejections,
        boundaries,
        timedPhones: truthSpans.filter(Boolean).length,
        hasTruthErrors: folded.errors.length > 0,
        labelErrors: item.label.errors.length,
        result,
        audioSeconds: result.duration_samples / SAMPLE_RATE,
      };
    },
    'synthetic',
  );
}

export function evaluateReal(items: readonly RealItem[], opts: EvaluateOptions): Promise<SetReport> {
  return runSet(
    items,
    opts,
    async (item) => {
      const words = item.words.map((w) => foldSequence(w, opts.fold));
      const target = words.flat();
      const result = await opts.engine.assess({ audio: item.audioPath, targetIpa: words.map((w) => w.join(' ')).join(' | ') });
      checkTarget(result, target);
      const per = phoneErrors(splitPhones(result.recognized_ipa), target);
      const rejections = falseRejections(
        result.phones,
        target.map(() => true),
      );
      return {
        row: {
          id: item.id,
          target: target.length,
          reference_phones: per.referenceLength,
          per_edits: per.edits,
          detected_errors: result.errors.length,
          flagged_correct: rejections.flagged,
          correct_phones: rejections.correct,
          score: result.score,
        },
        per,
        rejections,
        result,
        audioSeconds: result.duration_samples / SAMPLE_RATE,
      };
    },
    'real',
  );
}
