// CTC greedy decoding and forced alignment. Forced alignment is checked against an exhaustive
// search over every frame labelling on small trellises, and against the straightforward
// reference on large ones.
import { describe, expect, it } from 'vitest';
import { native, type ForcedAlignment, type GreedySegments } from '../lib/native.js';
import { ctcForcedAlignReference } from '../bench/reference-ts.js';
import { bruteForceForcedAlign, randomInt, randomLogProbs, seededRandom } from './helpers/brute-force.js';

/** Greedy decoding written out directly: argmax per frame (lowest id on ties), runs, no blanks. */
function greedyReference(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number) {
  const best: number[] = [];
  for (let t = 0; t < numFrames; t++) {
    let label = 0;
    for (let v = 1; v < vocabSize; v++) if (logProbs[t * vocabSize + v] > logProbs[t * vocabSize + label]) label = v;
    best.push(label);
  }
  const tokens: number[] = [];
  const startFrames: number[] = [];
  const endFrames: number[] = [];
  const meanLogProbs: number[] = [];
  for (let t = 0; t < numFrames; ) {
    let end = t;
    let sum = 0;
    while (end < numFrames && best[end] === best[t]) sum += logProbs[end++ * vocabSize + best[t]];
    if (best[t] !== blankId) {
      tokens.push(best[t]);
      startFrames.push(t);
      endFrames.push(end);
      meanLogProbs.push(sum / (end - t));
    }
    t = end;
  }
  return { tokens, startFrames, endFrames, meanLogProbs };
}

/** Rows where `labels[t]` has probability 0.7 and the others share the rest. */
function peaked(labels: number[], vocabSize: number): Float32Array {
  const out = new Float32Array(labels.length * vocabSize);
  labels.forEach((label, t) => {
    for (let v = 0; v < vocabSize; v++) out[t * vocabSize + v] = Math.log(v === label ? 0.7 : 0.3 / (vocabSize - 1));
  });
  return out;
}

function plainGreedy(g: GreedySegments) {
  return {
    tokens: Array.from(g.tokens),
    startFrames: Array.from(g.startFrames),
    endFrames: Array.from(g.endFrames),
    meanLogProbs: Array.from(g.meanLogProbs),
  };
}

function repeatsOf(targets: ArrayLike<number>): number {
  let repeats = 0;
  for (let i = 1; i < targets.length; i++) if (targets[i] === targets[i - 1]) repeats++;
  return repeats;
}

async function errorOf(call: () => unknown): Promise<{ code?: string; message?: string } | undefined> {
  try {
    await call();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  return undefined;
}

describe('ctcGreedyDecode', () => {
  it('collapses repeats, keeps a label repeated across a blank twice, drops blanks', async () => {
    // Frame labels: _ a a _ a b b _ (blank 0, a = 1, b = 2).
    const g = plainGreedy(await native().ctcGreedyDecode(peaked([0, 1, 1, 0, 1, 2, 2, 0], 3), 8, 3, 0));
    expect(g.tokens).toEqual([1, 1, 2]);
    expect(g.startFrames).toEqual([1, 4, 5]);
    expect(g.endFrames).toEqual([3, 5, 7]);
    for (const mean of g.meanLogProbs) expect(mean).toBeCloseTo(Math.log(0.7), 6);
  });

  it('handles a non-zero blank, leading and trailing tokens, and no frames', async () => {
    const g = plainGreedy(await native().ctcGreedyDecode(peaked([1, 3, 3, 0, 0], 4), 5, 4, 3));
    expect(g.tokens).toEqual([1, 0]);
    expect(g.startFrames).toEqual([0, 3]);
    expect(g.endFrames).toEqual([1, 5]);
    const none = plainGreedy(await native().ctcGreedyDecode(new Float32Array(0), 0, 4, 0));
    expect(none.tokens).toEqual([]);
  });

  it('matches a direct implementation on random data', async () => {
    const random = seededRandom(31);
    for (let trial = 0; trial < 200; trial++) {
      const vocabSize = 2 + randomInt(random, 6);
      const numFrames = randomInt(random, 40);
      const blankId = randomInt(random, vocabSize);
      const logProbs = randomLogProbs(random, numFrames, vocabSize);
      const g = plainGreedy(await native().ctcGreedyDecode(logProbs, numFrames, vocabSize, blankId));
      const expected = greedyReference(logProbs, numFrames, vocabSize, blankId);
      expect({ ...g, meanLogProbs: [] }).toEqual({ ...expected, meanLogProbs: [] });
      g.meanLogProbs.forEach((mean, k) => expect(mean).toBeCloseTo(expected.meanLogProbs[k], 5));
    }
  });
});

describe('ctcForcedAlign', () => {
  it('equals exhaustive search over all frame labellings on small trellises', async () => {
    const random = seededRandom(4242);
    let checked = 0;
    for (let trial = 0; trial < 400; trial++) {
      const vocabSize = 2 + randomInt(random, 3); // 2..4
      const blankId = randomInt(random, vocabSize);
      const length = 1 + randomInt(random, 3); // 1..3
      const targets: number[] = [];
      while (targets.length < length) {
        const label = randomInt(random, vocabSize);
        if (label !== blankId) targets.push(label);
      }
      const minFrames = length + repeatsOf(targets);
      const numFrames = minFrames + randomInt(random, 9 - minFrames); // up to 8
      const logProbs = randomLogProbs(random, numFrames, vocabSize);
      const expected = bruteForceForcedAlign(logProbs, numFrames, vocabSize, blankId, targets)!;
      const useSync = trial % 2 === 0;
      const args = [logProbs, numFrames, vocabSize, blankId, Int32Array.from(targets)] as const;
      const result: ForcedAlignment = useSync
        ? native().ctcForcedAlignSync(...args)
        : await native().ctcForcedAlign(...args);
      const context = JSON.stringify({ numFrames, vocabSize, blankId, targets });
      expect(result.pathLogProb, context).toBeCloseTo(expected.pathLogProb, 4);
      expect(Array.from(result.startFrames), context).toEqual(expected.startFrames);
      expect(Array.from(result.endFrames), context).toEqual(expected.endFrames);
      targets.forEach((label, k) => {
        let sum = 0;
        for (let t = expected.startFrames[k]; t < expected.endFrames[k]; t++) sum += logProbs[t * vocabSize + label];
        expect(result.meanLogProbs[k]).toBeCloseTo(sum / (expected.endFrames[k] - expected.startFrames[k]), 5);
      });
      checked++;
    }
    expect(checked).toBe(400);
  });

  it('agrees with the straightforward reference on 250 frames x 50 labels x 60 targets', () => {
    const random = seededRandom(17);
    for (let trial = 0; trial < 10; trial++) {
      const numFrames = 250;
      const vocabSize = 50;
      const targets = Int32Array.from({ length: 60 }, () => 1 + randomInt(random, vocabSize - 1));
      const logProbs = randomLogProbs(random, numFrames, vocabSize);
      const result = native().ctcForcedAlignSync(logProbs, numFrames, vocabSize, 0, targets);
      const reference = ctcForcedAlignReference(logProbs, numFrames, vocabSize, 0, targets);
      expect(Array.from(result.startFrames)).toEqual(reference.startFrames);
      expect(Array.from(result.endFrames)).toEqual(reference.endFrames);
      expect(result.pathLogProb).toBeCloseTo(reference.pathLogProb, 3);
      for (let k = 0; k < targets.length; k++) {
        expect(result.endFrames[k] - result.startFrames[k]).toBeGreaterThanOrEqual(1);
        if (k > 0) expect(result.startFrames[k]).toBeGreaterThanOrEqual(result.endFrames[k - 1]);
      }
    }
  });

  it('needs exactly T >= L + R frames', async () => {
    const random = seededRandom(8);
    const targets = Int32Array.from([1, 1, 2, 2, 2, 1]); // L = 6, R = 3
    const minFrames = 9;
    const fits = randomLogProbs(random, minFrames, 3);
    const exact = native().ctcForcedAlignSync(fits, minFrames, 3, 0, targets);
    // The only feasible path: one frame per label, one blank between equal neighbours.
    expect(Array.from(exact.startFrames)).toEqual([0, 2, 3, 5, 7, 8]);
    expect(Array.from(exact.endFrames)).toEqual([1, 3, 4, 6, 8, 9]);
    expect((await native().ctcForcedAlign(fits, minFrames, 3, 0, targets)).pathLogProb).toBeCloseTo(exact.pathLogProb, 6);

    const short = randomLogProbs(random, minFrames - 1, 3);
    for (const error of [
      await errorOf(() => native().ctcForcedAlignSync(short, minFrames - 1, 3, 0, targets)),
      await errorOf(() => native().ctcForcedAlign(short, minFrames - 1, 3, 0, targets)),
    ]) {
      expect(error?.code).toBe('AUDIO_TOO_SHORT');
      expect(error?.message).toMatch(/8 frames.*6 target phones.*3 adjacent repeats.*at least 9 frames/);
    }
  });

  it('gives every target at least one frame even against the evidence', () => {
    // The audio says "b" throughout; targets a b a must still each get a frame.
    const logProbs = peaked([2, 2, 2, 2, 2], 3);
    const result = native().ctcForcedAlignSync(logProbs, 5, 3, 0, Int32Array.from([1, 2, 1]));
    for (let k = 0; k < 3; k++) expect(result.endFrames[k] - result.startFrames[k]).toBeGreaterThanOrEqual(1);
    expect(result.startFrames[0]).toBe(0);
    expect(result.endFrames[2]).toBe(5);
  });

  it('rejects bad input with INVALID_INPUT', async () => {
    const logProbs = peaked([0, 1, 2], 3);
    const bad: Array<[string, unknown[]]> = [
      ['empty targets', [logProbs, 3, 3, 0, new Int32Array(0)]],
      ['target is the blank', [logProbs, 3, 3, 0, Int32Array.from([1, 0])]],
      ['target out of range', [logProbs, 3, 3, 0, Int32Array.from([3])]],
      ['negative target', [logProbs, 3, 3, 0, Int32Array.from([-1])]],
      ['blank out of range', [logProbs, 3, 3, 3, Int32Array.from([1])]],
      ['length mismatch', [logProbs, 4, 3, 0, Int32Array.from([1])]],
      ['vocabSize 0', [new Float32Array(0), 0, 0, 0, Int32Array.from([1])]],
      ['NaN log-probability', [Float32Array.from([0, NaN, 0, 0, 0, 0, 0, 0, 0]), 3, 3, 0, Int32Array.from([1])]],
      ['not a Float32Array', [Array.from(logProbs), 3, 3, 0, Int32Array.from([1])]],
      ['targets not an Int32Array', [logProbs, 3, 3, 0, [1]]],
      ['fractional numFrames', [logProbs, 2.5, 3, 0, Int32Array.from([1])]],
    ];
    const addon = native() as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [name, args] of bad) {
      expect((await errorOf(() => addon.ctcForcedAlignSync(...args)))?.code, name).toBe('INVALID_INPUT');
      expect((await errorOf(() => addon.ctcForcedAlign(...args)))?.code, name).toBe('INVALID_INPUT');
    }
    for (const [name, args] of bad.slice(5)) {
      if (name === 'targets not an Int32Array') continue;
      expect((await errorOf(() => addon.ctcGreedyDecode(...args.slice(0, 4))))?.code, name).toBe('INVALID_INPUT');
    }
  });
});

describe('goodness (log posterior ratio) over the forced alignment', () => {
  it('is log(P(target) / P(best other phone)) on a hand-made trellis, blank ignored', () => {
    // Vocabulary: 0 blank, 1 target, 2 and 3 competitors. Two frames, both in the target's span.
    const rows = [
      [0.05, 0.7, 0.2, 0.05],
      [0.6, 0.3, 0.04, 0.06],
    ];
    const logProbs = Float32Array.from(rows.flat().map(Math.log));
    const result = native().ctcForcedAlignSync(logProbs, 2, 4, 0, Int32Array.of(1));
    expect([result.startFrames[0], result.endFrames[0]]).toEqual([0, 1]);
    expect(result.logPosteriorRatios[0]).toBeCloseTo(Math.log(0.7 / 0.2), 5);
  });

  it('equals the definition computed from the returned spans on random trellises', () => {
    const random = seededRandom(99);
    const between = (lo: number, hi: number) => lo + randomInt(random, hi - lo + 1);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const vocab = between(3, 7);
      const frames = between(4, 30);
      const length = between(1, Math.floor(frames / 3));
      const targets = Int32Array.from({ length }, () => between(1, vocab - 1));
      const logProbs = randomLogProbs(random, frames, vocab);
      let result: ForcedAlignment;
      try {
        result = native().ctcForcedAlignSync(logProbs, frames, vocab, 0, targets);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('AUDIO_TOO_SHORT'); // repeats can need more frames
        continue;
      }
      checked += 1;
      targets.forEach((target, k) => {
        let sum = 0;
        for (let t = result.startFrames[k]; t < result.endFrames[k]; t++) {
          let best = -Infinity;
          for (let q = 1; q < vocab; q++) if (q !== target) best = Math.max(best, logProbs[t * vocab + q]);
          sum += logProbs[t * vocab + target] - best;
        }
        expect(result.logPosteriorRatios[k]).toBeCloseTo(sum / (result.endFrames[k] - result.startFrames[k]), 4);
      });
    }
    expect(checked).toBeGreaterThan(150);
  });
});
