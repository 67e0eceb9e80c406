// Edit costs for one comparison: the symbols present are renumbered compactly and given a
// small substitution matrix of articulatory distances, so the cost of a comparison does not
// grow with the model's vocabulary (POWSM has thousands of phone tokens).
import { DISTINCT_FLOOR, phoneDistance } from '../phonetics/index.js';
import type { EditCosts } from '../native.js';

export const INSERTION_COST = 1;
export const DELETION_COST = 1;

export interface CompactComparison {
  target: Int32Array;
  actual: Int32Array;
  costs: EditCosts;
}

export class SubstitutionCosts {
  private readonly cache = new Map<string, number>();

  /** `phoneById`: the model vocabulary's phone per token id (null for non-phones). */
  constructor(private readonly phoneById: readonly (string | null)[]) {}

  /** Cost of saying token `actualId` for token `targetId`: 0 when equal, else in [DISTINCT_FLOOR, 1]. */
  cost(targetId: number, actualId: number): number {
    if (targetId === actualId) return 0;
    const key = `${targetId},${actualId}`;
    let value = this.cache.get(key);
    if (value === undefined) {
      const a = this.phoneById[targetId];
      const b = this.phoneById[actualId];
      // Distinct tokens never substitute for free, even where their features coincide.
      value = a === null || b === null ? 1 : Math.max(DISTINCT_FLOOR, phoneDistance(a, b));
      this.cache.set(key, value);
    }
    return value;
  }

  /** Renumbers the ids of both sequences into 0..k-1 and builds the k x k matrix. */
  compare(targetIds: Int32Array, actualIds: Int32Array): CompactComparison {
    const compactId = new Map<number, number>();
    const tokens: number[] = [];
    const renumber = (ids: Int32Array) =>
      Int32Array.from(ids, (id) => {
        let c = compactId.get(id);
        if (c === undefined) {
          c = tokens.length;
          compactId.set(id, c);
          tokens.push(id);
        }
        return c;
      });
    const target = renumber(targetIds);
    const actual = renumber(actualIds);
    const k = tokens.length;
    const substitution = new Float32Array(Math.max(k * k, 1));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) substitution[i * k + j] = this.cost(tokens[i], tokens[j]);
    return { target, actual, costs: { numSymbols: Math.max(k, 1), substitution, insertion: INSERTION_COST, deletion: DELETION_COST } };
  }
}
