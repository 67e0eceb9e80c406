// What keeping an inference's log-probabilities native (a LogProbs handle) saves against copying
// the frames x vocabulary matrix into JavaScript and back into the addon for each CTC operation,
// as the engine did before. A synthetic log-softmax matrix stands in for the model's output: the
// operations' cost depends on its size, not on what it says. Both paths run the assessment's CTC
// operations in the same run on the same matrix: greedy decode, forced alignment, verification's
// likelihoods and the scorer's alternatives, plus (with a scorer) the one copy the scorer's
// posterior features read in JavaScript.
import { native } from '../lib/native.js';
import { seededRandom } from './seeded-random.js';
import { timeAsync } from './stats.js';

export interface LogProbShape {
  /** Model frames: POWSM-CTC emits 25 per second, so 500 frames is a 20 s recording. */
  numFrames: number;
  vocabSize: number;
  targetPhones: number;
  /** Alternatives weighed per target phone (the engine passes the vocabulary's phones). */
  candidates: number;
}

/** A row-major log-softmax matrix of random logits. */
function syntheticLogProbs(numFrames: number, vocabSize: number): Float32Array {
  const random = seededRandom(2024);
  const values = new Float32Array(numFrames * vocabSize);
  for (let t = 0; t < numFrames; t++) {
    const row = values.subarray(t * vocabSize, (t + 1) * vocabSize);
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += Math.exp((row[v] = 4 * random()));
    const log = Math.log(sum);
    for (let v = 0; v < vocabSize; v++) row[v] -= log;
  }
  return values;
}

export async function benchLogProbHandle(shape: LogProbShape, runs = 7): Promise<[string, string][]> {
  const warmup = 1;
  const addon = native();
  const { numFrames: T, vocabSize: V } = shape;
  const blank = 0;
  const random = seededRandom(7);
  const targets = Int32Array.from({ length: shape.targetPhones }, () => 1 + Math.floor(random() * (shape.candidates - 1)));
  const candidates = Int32Array.from({ length: shape.candidates }, (_, i) => i + 1);
  const sequences = [targets, targets.slice(1), Int32Array.from([...targets.slice(0, 5), 3, ...targets.slice(6)])];
  // The handle stands for the model's output, which the addon now keeps; toFloat32Array is
  // exactly the copy infer() used to make into every result.
  const handle = addon.logProbsFromArray(syntheticLogProbs(T, V), T, V);

  const copies = async (withScorer: boolean) => {
    const values = handle.toFloat32Array(); // infer(): the result copied into JavaScript
    await addon.ctcGreedyDecode(values, T, V, blank); // each call copies it back into the addon
    await addon.ctcForcedAlign(values, T, V, blank, targets);
    await addon.ctcLogLikelihoods(values, T, V, blank, sequences);
    if (withScorer) await addon.ctcAlternatives(values, T, V, blank, targets, candidates);
  };
  const kept = async (withScorer: boolean) => {
    await handle.greedyDecode(blank);
    await handle.forcedAlign(blank, targets);
    await handle.logLikelihoods(blank, sequences);
    if (withScorer) {
      await handle.alternatives(blank, targets, candidates);
      handle.toFloat32Array(); // the scorer's posterior features read the matrix in JavaScript
    }
  };
  const copyMs = await timeAsync(async () => handle.toFloat32Array(), runs, warmup);
  const rows: [string, string][] = [
    ['matrix', `${T} frames x ${V} tokens = ${((T * V * 4) / 1e6).toFixed(1)} MB`],
    ['one copy of the matrix (native -> JS Float32Array)', copyMs.toFixed(1)],
  ];
  for (const withScorer of [false, true]) {
    const label = withScorer ? 'with scorer (+ alternatives)' : 'no scorer';
    const before = await timeAsync(() => copies(withScorer), runs, warmup);
    const after = await timeAsync(() => kept(withScorer), runs, warmup);
    const copied = withScorer ? 5 : 4;
    rows.push(
      [`CTC stages, ${label}: copies (${copied} matrix copies)`, before.toFixed(1)],
      [`CTC stages, ${label}: native handle (${withScorer ? 1 : 0} copies)`, after.toFixed(1)],
      [`  saved per assessment`, `${(before - after).toFixed(1)} ms (${(before / after).toFixed(2)}x)`],
    );
  }
  // Audio-guided G2P aligns every candidate of every word against one inference.
  const alignments = 30;
  const g2pBefore = await timeAsync(async () => {
    const values = handle.toFloat32Array();
    for (let i = 0; i < alignments; i++) await addon.ctcForcedAlign(values, T, V, blank, targets);
  }, 3, warmup);
  const g2pAfter = await timeAsync(async () => {
    for (let i = 0; i < alignments; i++) await handle.forcedAlign(blank, targets);
  }, 3, warmup);
  rows.push(
    [`G2P with audio, ${alignments} candidate alignments: copies`, g2pBefore.toFixed(1)],
    [`G2P with audio, ${alignments} candidate alignments: native handle`, `${g2pAfter.toFixed(1)} (${(g2pBefore / g2pAfter).toFixed(2)}x)`],
  );
  handle.release();
  return rows;
}

// node --import tsx bench/log-probs.ts [numFrames vocabSize]: this benchmark alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  const [frames, vocab] = process.argv.slice(2).map(Number);
  const { printTable } = await import('./stats.js');
  printTable('Log-probabilities kept native vs copied per operation (median ms)', await benchLogProbHandle({ numFrames: frames || 500, vocabSize: vocab || 40_000, targetPhones: 60, candidates: 40 }));
}
