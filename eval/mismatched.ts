// DIFFERENT_SENTENCE calibration: each real held-out recording assessed against another
// utterance's target (a different text) next to the same recording against its own target.
// Reports the engine's recognized_phone_error_rate (what DIFFERENT_SENTENCE is decided on) in both cases and how the flag's threshold
// (DIFFERENT_SENTENCE_PER) separates them, and the scores shown (with a calibrated scorer: each
// speaker fold's recordings scored by the scorer trained without that fold).
import type { Engine } from '../lib/engine.js';
import { DIFFERENT_SENTENCE_MAX_SCORE, DIFFERENT_SENTENCE_PER } from '../lib/assessment/result.js';
import { EngineError } from '../lib/errors.js';
import { foldSequence, type Folder } from './fold-phones.js';
import { mapPool } from './evaluate.js';
import type { RealItem } from './real.js';

export interface MismatchedReport {
  pairs: number;
  /** Mismatched pairs the engine refused (e.g. AUDIO_TOO_SHORT for a much longer target): refused, so never shown as an assessment. */
  refused: Record<string, number>;
  threshold: number;
  /** Share of own-target assessments flagged (false flags) and of mismatched ones not flagged (misses; refusals excluded). */
  false_flag_rate: number | null;
  miss_rate: number | null;
  /** Percentiles (0, 5, 25, 50, 75, 95, 100) of recognized_phone_error_rate. */
  own_percentiles: number[];
  mismatched_percentiles: number[];
  /** Percentiles of the score shown (result.score): a mismatched pair must score low, flagged or not. */
  own_score_percentiles: number[];
  mismatched_score_percentiles: number[];
  /** Share of mismatched pairs scoring 0.5 or more. */
  mismatched_score_at_least_half: number | null;
  /** The same without the DIFFERENT_SENTENCE ceiling (score_before_ceiling where it lowered the score). */
  mismatched_score_before_ceiling_percentiles: number[];
  mismatched_score_before_ceiling_at_least_half: number | null;
  /** The rates at other thresholds, for choosing one. */
  sweep: { threshold: number; false_flag_rate: number; miss_rate: number }[];
}

const PERCENTILES = [0, 5, 25, 50, 75, 95, 100];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
}

/** The target of item i is paired with the recording of item i + offset (the next one with another text). */
export async function evaluateMismatched(items: readonly RealItem[], opts: { engineOf: (item: RealItem) => Engine; fold: Folder; concurrency: number }): Promise<MismatchedReport> {
  const targetOf = (item: RealItem) => item.words.map((w) => foldSequence(w, opts.fold).join(' ')).join(' | ');
  const refused: Record<string, number> = {};
  const rows = await mapPool(items, opts.concurrency, async (item, i) => {
    let j = (i + 1) % items.length;
    while (items[j].text === item.text && j !== i) j = (j + 1) % items.length;
    const run = async (target: string) => {
      try {
        const result = await opts.engineOf(item).assess({ audio: item.audioPath, targetIpa: target });
        return { rate: result.recognized_phone_error_rate, score: result.score, scoreBeforeCeiling: result.scoring.score_before_ceiling ?? result.score };
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        refused[error.code] = (refused[error.code] ?? 0) + 1;
        return null;
      }
    };
    // Own-target refusals are counted in the real set's report; here they only drop the row.
    const own = await run(targetOf(item));
    if (own === null) refused[`own target`] = (refused[`own target`] ?? 0) + 1;
    return { own, mismatched: j === i ? null : await run(targetOf(items[j])) };
  });
  const sorted = (side: 'own' | 'mismatched', key: 'rate' | 'score' | 'scoreBeforeCeiling') =>
    rows.flatMap((r) => (r[side] === null ? [] : [r[side]![key]])).sort((a, b) => a - b);
  const own = sorted('own', 'rate');
  const mismatched = sorted('mismatched', 'rate');
  const mismatchedScores = sorted('mismatched', 'score');
  const beforeCeiling = sorted('mismatched', 'scoreBeforeCeiling');
  const atLeastHalf = (xs: number[]) => (xs.length ? xs.filter((x) => x >= 0.5).length / xs.length : null);
  const rates = (threshold: number) => ({
    threshold,
    false_flag_rate: own.filter((x) => x > threshold).length / Math.max(own.length, 1),
    miss_rate: mismatched.filter((x) => x <= threshold).length / Math.max(mismatched.length, 1),
  });
  const at = rates(DIFFERENT_SENTENCE_PER);
  return {
    pairs: items.length,
    refused,
    threshold: DIFFERENT_SENTENCE_PER,
    false_flag_rate: own.length ? at.false_flag_rate : null,
    miss_rate: mismatched.length ? at.miss_rate : null,
    own_percentiles: PERCENTILES.map((p) => percentile(own, p)),
    mismatched_percentiles: PERCENTILES.map((p) => percentile(mismatched, p)),
    own_score_percentiles: PERCENTILES.map((p) => percentile(sorted('own', 'score'), p)),
    mismatched_score_percentiles: PERCENTILES.map((p) => percentile(mismatchedScores, p)),
    mismatched_score_at_least_half: atLeastHalf(mismatchedScores),
    mismatched_score_before_ceiling_percentiles: PERCENTILES.map((p) => percentile(beforeCeiling, p)),
    mismatched_score_before_ceiling_at_least_half: atLeastHalf(beforeCeiling),
    sweep: [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9].map(rates),
  };
}

function percentileTable(title: string, own: number[], mismatched: number[]): string[] {
  return [
    `| ${title} | ${PERCENTILES.join(' | ')} |`,
    `| --- |${PERCENTILES.map(() => ' --- |').join('')}`,
    `| own target | ${own.map((x) => x.toFixed(2)).join(' | ')} |`,
    `| another utterance's target | ${mismatched.map((x) => x.toFixed(2)).join(' | ')} |`,
    '',
  ];
}

export function renderMismatched(m: MismatchedReport): string[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  const refusals = Object.entries(m.refused).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return [
    '## DIFFERENT_SENTENCE calibration (mismatched pairs, real held-out speakers)',
    '',
    `Each of the ${m.pairs} real recordings assessed against its own target and against the next utterance's target with another text. Refused: ${refusals}.`,
    '',
    ...percentileTable('recognized_phone_error_rate percentile', m.own_percentiles, m.mismatched_percentiles),
    `Threshold ${m.threshold} (flag when recognized_phone_error_rate > threshold): ${pct(m.false_flag_rate)} of own-target assessments flagged (false flags), ${pct(m.miss_rate)} of mismatched ones not flagged (misses).`,
    '',
    ...percentileTable('score percentile', m.own_score_percentiles, m.mismatched_score_percentiles),
    `Mismatched pairs scoring 0.5 or more: ${pct(m.mismatched_score_at_least_half)} (a flagged recording's calibrated score is at most ${DIFFERENT_SENTENCE_MAX_SCORE}); without that ceiling ${pct(m.mismatched_score_before_ceiling_at_least_half)}, median ${m.mismatched_score_before_ceiling_percentiles[3].toFixed(2)}.`,
    '',
    '| threshold | false flags | misses |',
    '| --- | --- | --- |',
    ...m.sweep.map((s) => `| ${s.threshold} | ${pct(s.false_flag_rate)} | ${pct(s.miss_rate)} |`),
    '',
  ];
}
