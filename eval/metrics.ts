// Evaluation metrics: pure functions over phone lists, error lists and spans. Rates are
// computed from summed counts (corpus level), not averaged per utterance; a rate whose
// denominator is 0 is null.
import { SAMPLE_RATE } from '../lib/types.js';
import type { Operation, PhoneResult, SampleSpan } from '../lib/types.js';
import type { KnownSpan } from './fold-phones.js';

/** Levenshtein distance (unit costs) between two phone lists. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, row[j - 1] + 1);
    }
    prev = row;
  }
  return prev[b.length];
}

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** "a b  c" -> ['a', 'b', 'c'] (the engine's actual_ipa is space-separated phones). */
export function splitPhones(ipa: string): string[] {
  return ipa.split(/\s+/).filter(Boolean);
}

export interface PerCounts {
  edits: number;
  referenceLength: number;
}

/** Edit distance of the recognised phones to the reference, with the reference length. */
export function phoneErrors(recognised: readonly string[], reference: readonly string[]): PerCounts {
  return { edits: editDistance(recognised, reference), referenceLength: reference.length };
}

/** Phone error rate over summed counts. */
export function phoneErrorRate(counts: readonly PerCounts[]): number | null {
  return ratio(
    counts.reduce((s, c) => s + c.edits, 0),
    counts.reduce((s, c) => s + c.referenceLength, 0),
  );
}

// ---------------------------------------------------------------- error detection

export interface TypedPosition {
  type: string;
  position: number;
}

export interface DetectionCounts {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * A detected error is a true positive when a ground-truth error has the same type and
 * target position; each ground-truth error is matched at most once (two detected insertions
 * at one position match two true insertions there, not one).
 */
export function matchErrors(detected: readonly TypedPosition[], truth: readonly TypedPosition[]): DetectionCounts {
  const key = (e: TypedPosition) => `${e.type}@${e.position}`;
  const left = new Map<string, number>();
  for (const e of truth) left.set(key(e), (left.get(key(e)) ?? 0) + 1);
  let tp = 0;
  for (const e of detected) {
    const n = left.get(key(e)) ?? 0;
    if (n > 0) {
      tp++;
      left.set(key(e), n - 1);
    }
  }
  return { tp, fp: detected.length - tp, fn: truth.length - tp };
}

export function addCounts(a: DetectionCounts, b: DetectionCounts): DetectionCounts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
}

export interface PrecisionRecall {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export function precisionRecallF1({ tp, fp, fn }: DetectionCounts): PrecisionRecall {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision === null || recall === null ? null : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

// ---------------------------------------------------------------- false rejections

export interface RejectionCounts {
  /** Target phones pronounced correctly. */
  correct: number;
  /** Of those, the ones the engine marked substituted or deleted. */
  flagged: number;
}

/** `correct[i]`: target phone i was pronounced correctly (is in no ground-truth substitution or deletion). */
export function falseRejections(phones: readonly Pick<PhoneResult, 'status'>[], correct: readonly boolean[]): RejectionCounts {
  if (phones.length !== correct.length) throw new Error(`falseRejections: ${phones.length} phones but ${correct.length} correctness flags`);
  let n = 0;
  let flagged = 0;
  phones.forEach((p, i) => {
    if (!correct[i]) return;
    n++;
    if (p.status !== 'correct') flagged++;
  });
  return { correct: n, flagged };
}

/** Target phones that no substitution or deletion touches (insertions sit between phones). */
export function correctlyPronounced(targetLength: number, truth: readonly TypedPosition[]): boolean[] {
  const out = Array.from({ length: targetLength }, () => true);
  for (const e of truth) if (e.type !== 'insert' && e.position < targetLength) out[e.position] = false;
  return out;
}

// ---------------------------------------------------------------- timestamps

/**
 * Absolute boundary errors in samples: for each i with a ground-truth span, |start - start|
 * and |end - end| for the boundaries that are known (null = unknown, skipped).
 */
export function boundaryErrors(predicted: readonly SampleSpan[], truth: readonly (KnownSpan | null)[]): number[] {
  if (predicted.length !== truth.length) throw new Error(`boundaryErrors: ${predicted.length} predicted spans but ${truth.length} truth entries`);
  const out: number[] = [];
  truth.forEach((t, i) => {
    if (!t) return;
    if (t.start !== null) out.push(Math.abs(predicted[i].start - t.start));
    if (t.end !== null) out.push(Math.abs(predicted[i].end - t.end));
  });
  return out;
}

export interface BoundarySummary {
  boundaries: number;
  /** Share of boundaries within each tolerance, keyed by the tolerance in ms. */
  within: Record<string, number | null>;
  meanAbsMs: number | null;
  medianAbsMs: number | null;
}

export function summariseBoundaries(errorsInSamples: readonly number[], tolerancesMs: readonly number[] = [20, 40], sampleRate = SAMPLE_RATE): BoundarySummary {
  const n = errorsInSamples.length;
  const within: Record<string, number | null> = {};
  for (const ms of tolerancesMs) {
    const limit = (ms * sampleRate) / 1000;
    within[String(ms)] = ratio(errorsInSamples.filter((e) => e <= limit).length, n);
  }
  const sorted = [...errorsInSamples].sort((a, b) => a - b);
  const median = n === 0 ? null : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const toMs = (samples: number) => (samples * 1000) / sampleRate;
  return {
    boundaries: n,
    within,
    meanAbsMs: n === 0 ? null : toMs(errorsInSamples.reduce((s, e) => s + e, 0) / n),
    medianAbsMs: median === null ? null : toMs(median),
  };
}

// ---------------------------------------------------------------- confusions

/** Marks the missing side of a deletion or insertion in a confusion key. */
export const NONE = '∅';

export type ConfusionCounts = Map<string, number>;

function confusionKey(expected: string, actual: string): string {
  return `${expected} -> ${actual}`;
}

/** Adds expected -> recognised counts from operations (match: p -> p; delete: p -> ∅; insert: ∅ -> p). */
export function addConfusions(counts: ConfusionCounts, operations: readonly Operation[]): ConfusionCounts {
  for (const op of operations) {
    const key = confusionKey(op.type === 'insert' ? NONE : op.expected!, op.type === 'delete' ? NONE : op.actual!);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface Confusion {
  expected: string;
  actual: string;
  count: number;
  /** count / all operations with this expected phone (null for insertions' ∅). */
  shareOfExpected: number | null;
}

/** Every (expected, actual) pair with its count, most frequent first (ties by key); matches left out unless asked. */
export function listConfusions(counts: ConfusionCounts, { includeMatches = false } = {}): Confusion[] {
  const totals = new Map<string, number>();
  const rows = [...counts].map(([key, count]) => {
    const [expected, actual] = key.split(' -> ');
    totals.set(expected, (totals.get(expected) ?? 0) + count);
    return { expected, actual, count };
  });
  return rows
    .filter((r) => includeMatches || r.expected !== r.actual)
    .map((r) => ({ ...r, shareOfExpected: r.expected === NONE ? null : r.count / totals.get(r.expected)! }))
    .sort((a, b) => b.count - a.count || (a.expected + a.actual < b.expected + b.actual ? -1 : a.expected + a.actual > b.expected + b.actual ? 1 : 0));
}

/** Pearson correlation of two equal-length series; null when either is constant or empty. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (x.length !== y.length) throw new Error(`pearson: ${x.length} and ${y.length} values`);
  const n = x.length;
  if (n === 0) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]), (my += y[i]);
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
