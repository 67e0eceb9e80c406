import { describe, expect, it } from 'vitest';
import { SubstitutionCosts } from '../lib/assessment/edit-costs.js';
import { native } from '../lib/native.js';
import { DISTINCT_FLOOR, phoneDistance } from '../lib/phonetics/index.js';
import { seededRandom } from '../bench/seeded-random.js';

const phoneById = [null, 'p', 'b', 't', 'i', 'ɪ', 'k', 'ə', 'ɚ', null, 'oʊ'];

describe('SubstitutionCosts', () => {
  const costs = new SubstitutionCosts(phoneById);

  it('orders substitutions as a phonetician would and never makes distinct phones free', () => {
    expect(costs.cost(4, 4)).toBe(0);
    expect(costs.cost(4, 5)).toBeLessThan(costs.cost(4, 6)); // [ɪ] for /i/ beats [k] for /i/
    expect(costs.cost(1, 2)).toBeLessThan(costs.cost(1, 4)); // [b] for /p/ beats [i] for /p/
    for (let a = 1; a < phoneById.length; a++) {
      for (let b = 1; b < phoneById.length; b++) if (a !== b) expect(costs.cost(a, b)).toBeGreaterThanOrEqual(DISTINCT_FLOOR);
    }
    expect(costs.cost(9, 1)).toBe(1); // a non-phone token
  });

  it('gives the DP the same alignment as a full vocabulary matrix', () => {
    const random = seededRandom(7);
    const V = phoneById.length;
    const full = new Float32Array(V * V).fill(1);
    for (let a = 0; a < V; a++) {
      for (let b = 0; b < V; b++) {
        const pa = phoneById[a];
        const pb = phoneById[b];
        if (a === b) full[a * V + b] = 0;
        else if (pa && pb) full[a * V + b] = Math.max(DISTINCT_FLOOR, phoneDistance(pa, pb));
      }
    }
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 10];
    const draw = (n: number) => Int32Array.from({ length: n }, () => ids[Math.floor(random() * ids.length)]);
    for (let trial = 0; trial < 300; trial++) {
      const target = draw(1 + Math.floor(random() * 12));
      const actual = draw(Math.floor(random() * 12));
      const compact = costs.compare(target, actual);
      const a = native().editDistanceSync(compact.target, compact.actual, compact.costs);
      const b = native().editDistanceSync(target, actual, { numSymbols: V, substitution: full, insertion: 1, deletion: 1 });
      expect(a.distance).toBeCloseTo(b.distance, 5);
      expect([...a.types]).toEqual([...b.types]);
      expect([...a.targetIndices]).toEqual([...b.targetIndices]);
    }
  });
});
