// editDistance / editDistanceSync against an exhaustive enumeration of alignments (with the
// documented tie-break rule applied as an order on op sequences), plus edge cases and errors.
import { describe, expect, it } from 'vitest';
import { native, type EditCosts, type EditResult } from '../lib/native.js';
import { editDistanceReference } from '../bench/reference-ts.js';
import {
  bruteForceEditDistance,
  DELETE,
  INSERT,
  MATCH,
  randomInt,
  seededRandom,
  SUBSTITUTE,
} from './helpers/brute-force.js';

interface Pair {
  target: Int32Array;
  actual: Int32Array;
  costs: EditCosts;
}

function randomPair(random: () => number, maxLength: number): Pair {
  const numSymbols = 2 + randomInt(random, 4); // 2..5
  const symbols = (length: number) => Int32Array.from({ length }, () => randomInt(random, numSymbols));
  const target = symbols(randomInt(random, maxLength + 1));
  const actual = symbols(randomInt(random, maxLength + 1));
  const costs: EditCosts = {
    numSymbols,
    insertion: randomInt(random, 4), // 0..3: integer costs make ties frequent
    deletion: randomInt(random, 4),
  };
  if (random() < 0.8) {
    costs.substitution = Float32Array.from({ length: numSymbols * numSymbols }, () => randomInt(random, 5));
  }
  return { target, actual, costs };
}

function substitutionOf(costs: EditCosts): (t: number, a: number) => number {
  const matrix = costs.substitution;
  return (t, a) => (matrix ? matrix[t * costs.numSymbols + a] : 1);
}

/** Checks the ops consume both sequences in order with the documented indices; returns their cost. */
function replay(pair: Pair, result: EditResult): number {
  const { target, actual, costs } = pair;
  const substitution = substitutionOf(costs);
  const rebuiltTarget: number[] = [];
  const rebuiltActual: number[] = [];
  let cost = 0;
  for (let k = 0; k < result.types.length; k++) {
    const ti = result.targetIndices[k];
    const ai = result.actualIndices[k];
    expect(ti).toBe(rebuiltTarget.length);
    expect(ai).toBe(rebuiltActual.length);
    switch (result.types[k]) {
      case MATCH:
        expect(target[ti]).toBe(actual[ai]);
        rebuiltTarget.push(target[ti]);
        rebuiltActual.push(actual[ai]);
        break;
      case SUBSTITUTE:
        expect(target[ti]).not.toBe(actual[ai]);
        cost += substitution(target[ti], actual[ai]);
        rebuiltTarget.push(target[ti]);
        rebuiltActual.push(actual[ai]);
        break;
      case DELETE:
        cost += costs.deletion;
        rebuiltTarget.push(target[ti]);
        break;
      case INSERT:
        cost += costs.insertion;
        rebuiltActual.push(actual[ai]);
        break;
      default:
        throw new Error(`unknown op ${result.types[k]}`);
    }
  }
  expect(rebuiltTarget).toEqual(Array.from(target));
  expect(rebuiltActual).toEqual(Array.from(actual));
  return cost;
}

function plain(result: EditResult) {
  return {
    distance: result.distance,
    types: Array.from(result.types),
    targetIndices: Array.from(result.targetIndices),
    actualIndices: Array.from(result.actualIndices),
  };
}

/** The error code of a call, whether it throws or rejects. */
async function errorCode(call: () => unknown): Promise<string | undefined> {
  try {
    await call();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('editDistance', () => {
  it('equals exhaustive search, tie-break included, on thousands of random small pairs', () => {
    const random = seededRandom(20240611);
    for (let trial = 0; trial < 4000; trial++) {
      const pair = randomPair(random, 6);
      const { target, actual, costs } = pair;
      const expected = bruteForceEditDistance(target, actual, substitutionOf(costs), costs.insertion, costs.deletion);
      const result = native().editDistanceSync(target, actual, costs);
      expect(plain(result), JSON.stringify({ target: [...target], actual: [...actual], costs })).toEqual(expected);
      expect(replay(pair, result)).toBe(result.distance);
    }
  });

  it('handles dyadic fractional costs exactly', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 500; trial++) {
      const pair = randomPair(random, 5);
      pair.costs.insertion = randomInt(random, 8) / 4;
      pair.costs.deletion = randomInt(random, 8) / 4;
      pair.costs.substitution = Float32Array.from(
        { length: pair.costs.numSymbols ** 2 },
        () => randomInt(random, 12) / 8,
      );
      const { target, actual, costs } = pair;
      const expected = bruteForceEditDistance(target, actual, substitutionOf(costs), costs.insertion, costs.deletion);
      expect(plain(native().editDistanceSync(target, actual, costs))).toEqual(expected);
    }
  });

  it('agrees with the straightforward reference on long sequences', () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 60; trial++) {
      const numSymbols = 2 + randomInt(random, 60);
      const target = Int32Array.from({ length: randomInt(random, 130) }, () => randomInt(random, numSymbols));
      const actual = Int32Array.from({ length: randomInt(random, 130) }, () => randomInt(random, numSymbols));
      const flat = Float32Array.from({ length: numSymbols * numSymbols }, () => randomInt(random, 6) / 2);
      const rows = Array.from({ length: numSymbols }, (_, t) => Array.from(flat.subarray(t * numSymbols, (t + 1) * numSymbols)));
      const costs: EditCosts = { numSymbols, substitution: flat, insertion: 1 + randomInt(random, 3) / 2, deletion: 1 };
      const result = native().editDistanceSync(target, actual, costs);
      const reference = editDistanceReference(target, actual, rows, costs.insertion, costs.deletion);
      expect(plain(result)).toEqual(reference);
      expect(replay({ target, actual, costs }, result)).toBe(result.distance);
    }
  });

  it('resolves the async variant to the same result', async () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const { target, actual, costs } = randomPair(random, 20);
      expect(plain(await native().editDistance(target, actual, costs))).toEqual(
        plain(native().editDistanceSync(target, actual, costs)),
      );
    }
  });

  it('handles empty sides', async () => {
    const costs: EditCosts = { numSymbols: 4, insertion: 1.5, deletion: 2 };
    expect(plain(native().editDistanceSync(new Int32Array(0), new Int32Array(0), costs))).toEqual({
      distance: 0,
      types: [],
      targetIndices: [],
      actualIndices: [],
    });
    expect(plain(await native().editDistance(new Int32Array(0), Int32Array.from([3, 1]), costs))).toEqual({
      distance: 3,
      types: [INSERT, INSERT],
      targetIndices: [0, 0],
      actualIndices: [0, 1],
    });
    expect(plain(native().editDistanceSync(Int32Array.from([2, 0, 2]), new Int32Array(0), costs))).toEqual({
      distance: 6,
      types: [DELETE, DELETE, DELETE],
      targetIndices: [0, 1, 2],
      actualIndices: [0, 0, 0],
    });
  });

  it('places trailing inserts after the last target phone and deletes at the actual position', () => {
    // Substituting costs 3, so M D M I (cost 2) is the unique optimum.
    const costs: EditCosts = { numSymbols: 5, substitution: new Float32Array(25).fill(3), insertion: 1, deletion: 1 };
    const result = native().editDistanceSync(Int32Array.from([0, 1, 2]), Int32Array.from([0, 2, 4]), costs);
    expect(plain(result)).toEqual({
      distance: 2,
      types: [MATCH, DELETE, MATCH, INSERT],
      targetIndices: [0, 1, 2, 3],
      actualIndices: [0, 1, 1, 2],
    });
  });

  it('rejects bad input with INVALID_INPUT', async () => {
    const ok = Int32Array.from([0, 1]);
    const costs: EditCosts = { numSymbols: 2, insertion: 1, deletion: 1 };
    const bad: Array<[string, unknown[]]> = [
      ['id out of range', [Int32Array.from([0, 2]), ok, costs]],
      ['negative id', [ok, Int32Array.from([-1]), costs]],
      ['numSymbols 0', [ok, ok, { ...costs, numSymbols: 0 }]],
      ['numSymbols not an integer', [ok, ok, { ...costs, numSymbols: 2.5 }]],
      ['matrix of the wrong size', [ok, ok, { ...costs, substitution: new Float32Array(3) }]],
      ['empty matrix', [ok, ok, { ...costs, substitution: new Float32Array(0) }]],
      ['negative substitution', [ok, ok, { ...costs, substitution: Float32Array.from([0, -1, 1, 0]) }]],
      ['NaN substitution', [ok, ok, { ...costs, substitution: Float32Array.from([0, NaN, 1, 0]) }]],
      ['infinite substitution', [ok, ok, { ...costs, substitution: Float32Array.from([0, Infinity, 1, 0]) }]],
      ['negative insertion', [ok, ok, { ...costs, insertion: -1 }]],
      ['NaN deletion', [ok, ok, { ...costs, deletion: NaN }]],
      ['infinite deletion', [ok, ok, { ...costs, deletion: Infinity }]],
      ['missing insertion', [ok, ok, { numSymbols: 2, deletion: 1 }]],
      ['plain array target', [[0, 1], ok, costs]],
      ['Float32Array actual', [ok, new Float32Array(2), costs]],
      ['matrix not a Float32Array', [ok, ok, { ...costs, substitution: [0, 1, 1, 0] }]],
      ['no costs', [ok, ok]],
    ];
    const addon = native() as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [name, args] of bad) {
      expect(await errorCode(() => addon.editDistanceSync(...args)), name).toBe('INVALID_INPUT');
      expect(await errorCode(() => addon.editDistance(...args)), name).toBe('INVALID_INPUT');
    }
  });
});
