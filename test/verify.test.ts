// Target-aware verification of disputed regions (lib/assessment/verify.ts) on constructed posteriors,
// and the native CTC forward it relies on.
import { describe, expect, it } from 'vitest';
import { LogProbs } from '../lib/gateway.js';
import { native } from '../lib/native.js';
import { applyAccepted, disputedRegions, verifyRegions, VERIFY_MARGIN_NATS_PER_PHONE, withTargetIn } from '../lib/assessment/verify.js';

const BLANK = 0;
const V = 4; // blank, a = 1, b = 2, c = 3

/** Rows of probabilities (each summing to 1) -> row-major log-probabilities. */
function logProbs(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat(), Math.log);
}

/** Frames: a, blank, [middle], blank, a: recognised greedily as a b a when b leads in the middle. */
function utterance(pB: number, pC: number): Float32Array {
  const rest = (1 - pB - pC) / 2;
  return logProbs([
    [0.05, 0.9, 0.025, 0.025],
    [0.9, 0.05, 0.025, 0.025],
    [rest, rest, pB, pC],
    [0.9, 0.05, 0.025, 0.025],
    [0.05, 0.9, 0.025, 0.025],
  ]);
}

async function verifyOne(lp: Float32Array) {
  const targetIds = Int32Array.from([1, 3, 1]); // target a c a
  const actualIds = Int32Array.from([1, 2, 1]); // recognised a b a
  const regions = disputedRegions([0, 1, 0]);
  expect(regions).toEqual([{ t0: 1, t1: 2, a0: 1, a1: 2 }]);
  const [r] = await verifyRegions({ logProbs: LogProbs.fromArray(lp, 5, V, BLANK), targetIds, actualIds, regions });
  return r;
}

describe('verifyRegions', () => {
  it('accepts the target where it is nearly as likely as the recognised phone', async () => {
    const r = await verifyOne(utterance(0.5, 0.45));
    expect(r.logLikelihoodGain).toBeLessThan(0);
    expect(r.logLikelihoodGain).toBeGreaterThan(-0.2);
    expect(r.acceptTarget).toBe(true);
  });

  it('keeps the error where the target is much less likely', async () => {
    const r = await verifyOne(utterance(0.97, 0.001));
    expect(r.logLikelihoodGain).toBeLessThan(-VERIFY_MARGIN_NATS_PER_PHONE);
    expect(r.acceptTarget).toBe(false);
  });

  it('scales the margin with the region: deletions and insertions too', async () => {
    // Target a c a, recognised a a: c deleted in the middle frame, where c has 0.3 against blank.
    const lp = logProbs([
      [0.05, 0.9, 0.025, 0.025],
      [0.6, 0.05, 0.05, 0.3],
      [0.05, 0.9, 0.025, 0.025],
    ]);
    const regions = disputedRegions([0, 2, 0]);
    expect(regions).toEqual([{ t0: 1, t1: 2, a0: 1, a1: 1 }]);
    const [r] = await verifyRegions({ logProbs: LogProbs.fromArray(lp, 3, V, BLANK), targetIds: Int32Array.from([1, 3, 1]), actualIds: Int32Array.from([1, 1]), regions });
    expect(r.acceptTarget).toBe(true);
    const [strict] = await verifyRegions({ logProbs: LogProbs.fromArray(lp, 3, V, BLANK), targetIds: Int32Array.from([1, 3, 1]), actualIds: Int32Array.from([1, 1]), regions, marginNatsPerPhone: 0 });
    expect(strict.acceptTarget).toBe(false);
  });
});

describe('disputed regions', () => {
  it('are maximal runs of non-matches with their target and recognised ranges', () => {
    // match, sub, delete, match, insert, match, sub
    expect(disputedRegions([0, 1, 2, 0, 3, 0, 1])).toEqual([
      { t0: 1, t1: 3, a0: 1, a1: 2 },
      { t0: 4, t1: 4, a0: 3, a1: 4 },
      { t0: 5, t1: 6, a0: 5, a1: 6 },
    ]);
    expect(disputedRegions([0, 0])).toEqual([]);
  });

  it('are replaced by the target only where accepted', () => {
    const target = ['t0', 't1', 't2', 't3', 't4', 't5'];
    const actual = ['t0', 'x', 't3', 'ins', 't4', 'y'];
    const regions = disputedRegions([0, 1, 2, 0, 3, 0, 1]);
    expect(withTargetIn(actual, target, regions[0])).toEqual(['t0', 't1', 't2', 't3', 'ins', 't4', 'y']);
    const verified = regions.map((r, i) => ({ ...r, logLikelihoodGain: 0, acceptTarget: i !== 2 }));
    expect(applyAccepted(actual, (i) => target[i], verified)).toEqual(['t0', 't1', 't2', 't3', 't4', 'y']);
  });
});

describe('ctcLogLikelihoods', () => {
  it('sums every alignment: two frames, one label', async () => {
    const lp = logProbs([
      [0.6, 0.4, 0, 0],
      [0.3, 0.7, 0, 0],
    ]);
    const [empty, one, two] = await native().ctcLogLikelihoods(lp, 2, V, BLANK, [new Int32Array(0), Int32Array.from([1]), Int32Array.from([1, 1])]);
    expect(empty).toBeCloseTo(Math.log(0.6 * 0.3), 6);
    expect(one).toBeCloseTo(Math.log(0.6 * 0.7 + 0.4 * 0.3 + 0.4 * 0.7), 6);
    expect(two).toBe(-Infinity); // a doubled label needs a blank between: 3 frames
  });

  it('rejects the blank as a label', async () => {
    await expect(native().ctcLogLikelihoods(utterance(0.5, 0.4), 5, V, BLANK, [Int32Array.from([0])])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => native().ctcLogLikelihoodsSync(utterance(0.5, 0.4), 5, V, BLANK, [Int32Array.from([9])])).toThrow();
  });
});
