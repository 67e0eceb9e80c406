// What the engine knows about each target phone, as named numbers for the calibrated scorer
// (lib/assessment/scoring/scorer.ts). Everything here comes from one inference: the frame log-posteriors,
// the CTC forced alignment of the target, the alternatives (native ctcAlternatives: the
// target's likelihood with each phone substituted or deleted) and the recogniser's verdict
// after verification. The scorer names the features it uses; these are all there are.
import type { CtcAlternatives, ForcedAlignment } from '../../native.js';
import { SAMPLE_RATE } from '../../types.js';
import type { SampleSpan } from '../../types.js';

export type PhoneStatus = 'correct' | 'substituted' | 'deleted';

/** Log-likelihood margins are clipped here: beyond it the evidence is decisive either way. */
export const MARGIN_CLIP_NATS = 30;

export interface PhoneFeatureInput {
  logProbs: Float32Array;
  numFrames: number;
  vocabSize: number;
  /** Token of each vocabulary id, for the per-token feature names. */
  tokens: readonly string[];
  targetIds: Int32Array;
  alignment: ForcedAlignment;
  alternatives: CtcAlternatives;
  /** The candidate phone ids given to ctcAlternatives, in order. */
  candidateIds: Int32Array;
  /** Each target phone's status in the recogniser's comparison (after verification). */
  recognizerStatus: readonly PhoneStatus[];
  /** Each target phone's span in samples (lib/assessment/timeline.ts alignedPhoneSpans): its duration. */
  spans: readonly SampleSpan[];
  wordOfPhone: readonly number[];
  durationSec: number;
}

export interface PhoneFeatures {
  names: string[];
  /** Row-major phones x names. */
  values: Float64Array;
  /** Per phone: the best alternative to the target phone, a candidate id or null for deletion. */
  bestAlternative: (number | null)[];
  /** Per phone: log-likelihood of the target minus that of the best alternative (nats, unclipped). */
  alternativeMargin: number[];
}

/** Each phone's margin over its best alternative, clipped to ±MARGIN_CLIP_NATS (the scorer's word and utterance inputs). */
export function clippedMargins(features: PhoneFeatures): number[] {
  return features.alternativeMargin.map(clip);
}

const clip = (x: number) => Math.max(-MARGIN_CLIP_NATS, Math.min(MARGIN_CLIP_NATS, Number.isFinite(x) ? x : Math.sign(x) * MARGIN_CLIP_NATS));

/** Position of each phone in its word: 0 begin, 1 inside, 2 end, 3 a one-phone word. */
export function positionsInWord(wordOfPhone: readonly number[]): number[] {
  return wordOfPhone.map((w, i) => {
    const first = i === 0 || wordOfPhone[i - 1] !== w;
    const last = i === wordOfPhone.length - 1 || wordOfPhone[i + 1] !== w;
    return first && last ? 3 : first ? 0 : last ? 2 : 1;
  });
}

export function phoneFeatureNames(tokens: readonly string[]): string[] {
  return [
    'lpr',
    'sub_margin',
    'del_margin',
    'log_frames',
    'log_duration',
    'mean_log_post',
    'max_log_post',
    'status_correct',
    'status_substituted',
    'status_deleted',
    'utt_mean_lpr',
    'utt_mean_margin',
    'utt_error_share',
    'utt_phones_per_sec',
    'pos_begin',
    'pos_inside',
    'pos_end',
    'pos_single',
    ...tokens.map((t) => `lpp:${t}`),
    ...tokens.map((t) => `is:${t}`),
  ];
}

export function phoneFeatures(input: PhoneFeatureInput): PhoneFeatures {
  const { logProbs, vocabSize: V, targetIds, alignment, alternatives, candidateIds } = input;
  const n = targetIds.length;
  const names = phoneFeatureNames(input.tokens);
  const width = names.length;
  const values = new Float64Array(n * width);
  const C = alternatives.numCandidates;
  const ll = alternatives.logLikelihood;

  const subMargin: number[] = [];
  const delMargin: number[] = [];
  const bestAlternative: (number | null)[] = [];
  const alternativeMargin: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bestId = -1;
    for (let c = 0; c < C; c++) {
      if (candidateIds[c] === targetIds[i]) continue;
      const v = alternatives.substitution[i * C + c];
      if (v > best) {
        best = v;
        bestId = candidateIds[c];
      }
    }
    const deletion = alternatives.deletion[i];
    subMargin.push(ll - best);
    delMargin.push(ll - deletion);
    const deletionWins = deletion > best;
    bestAlternative.push(deletionWins || bestId < 0 ? null : bestId);
    alternativeMargin.push(ll - Math.max(best, deletion));
  }

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  const lprs = Array.from(alignment.logPosteriorRatios);
  const uttMeanLpr = mean(lprs);
  const uttMeanMargin = mean(subMargin.map((s, i) => clip(Math.min(s, delMargin[i]))));
  const uttErrorShare = mean(input.recognizerStatus.map((s) => (s === 'correct' ? 0 : 1)));
  const uttPhonesPerSec = n / Math.max(input.durationSec, 1e-3);
  const positions = positionsInWord(input.wordOfPhone);

  const base = 18;
  for (let i = 0; i < n; i++) {
    const row = i * width;
    const p = targetIds[i];
    const s = alignment.startFrames[i];
    const e = Math.max(alignment.endFrames[i], s + 1);
    let maxLogPost = -Infinity;
    for (let t = s; t < e; t++) maxLogPost = Math.max(maxLogPost, logProbs[t * V + p]);
    const status = input.recognizerStatus[i];
    const fixed = [
      lprs[i],
      clip(subMargin[i]),
      clip(delMargin[i]),
      Math.log(e - s),
      Math.log(Math.max(input.spans[i].end - input.spans[i].start, 1) / SAMPLE_RATE),
      alignment.meanLogProbs[i],
      maxLogPost,
      status === 'correct' ? 1 : 0,
      status === 'substituted' ? 1 : 0,
      status === 'deleted' ? 1 : 0,
      uttMeanLpr,
      uttMeanMargin,
      uttErrorShare,
      uttPhonesPerSec,
      positions[i] === 0 ? 1 : 0,
      positions[i] === 1 ? 1 : 0,
      positions[i] === 2 ? 1 : 0,
      positions[i] === 3 ? 1 : 0,
    ];
    for (let k = 0; k < base; k++) values[row + k] = fixed[k];
    // lpp: the mean log-posterior of every token over the phone's frames (GOP feature vector).
    for (let t = s; t < e; t++) {
      for (let v = 0; v < V; v++) values[row + base + v] += logProbs[t * V + v] / (e - s);
    }
    values[row + base + V + p] = 1;
  }
  return { names, values, bestAlternative, alternativeMargin };
}
