// Brute-force references for the DP stages, independent of the native algorithms: they
// enumerate every candidate (all edit-op sequences; all frame labellings) and pick the best.
// Also the seeded PRNG the tests draw their inputs from.

/** Edit op codes, as in lib/native.ts EditOpType. */
export const MATCH = 0;
export const SUBSTITUTE = 1;
export const DELETE = 2;
export const INSERT = 3;

export interface BruteForceEdit {
  distance: number;
  types: number[];
  targetIndices: number[];
  actualIndices: number[];
}

/**
 * The tie-break rule as an order on op sequences: compare from the last op backwards; at the
 * first position where they differ, diagonal (match or substitute) < delete < insert.
 * Returns < 0 when `a` comes first.
 */
export function compareOpSequences(a: readonly number[], b: readonly number[]): number {
  const rank = (op: number) => (op === MATCH || op === SUBSTITUTE ? 0 : op === DELETE ? 1 : 2);
  for (let ia = a.length - 1, ib = b.length - 1; ia >= 0 && ib >= 0; ia--, ib--) {
    const diff = rank(a[ia]) - rank(b[ib]);
    if (diff !== 0) return diff;
  }
  return a.length - b.length; // never reached for two different alignments of the same pair
}

/**
 * Enumerates every alignment (op sequence) of target against actual, and returns the cheapest,
 * ties broken by compareOpSequences. `substitution(t, a)` is only asked for t !== a.
 */
export function bruteForceEditDistance(
  target: ArrayLike<number>,
  actual: ArrayLike<number>,
  substitution: (t: number, a: number) => number,
  insertion: number,
  deletion: number,
): BruteForceEdit {
  const n = target.length;
  const m = actual.length;
  const ops: number[] = [];
  let best: number[] | undefined;
  let bestCost = Infinity;

  const costOf = (sequence: readonly number[]): number => {
    let cost = 0;
    let i = 0;
    let j = 0;
    for (const op of sequence) {
      if (op === SUBSTITUTE) cost += substitution(target[i], actual[j]);
      else if (op === DELETE) cost += deletion;
      else if (op === INSERT) cost += insertion;
      if (op !== INSERT) i++;
      if (op !== DELETE) j++;
    }
    return cost;
  };

  const extend = (i: number, j: number): void => {
    if (i === n && j === m) {
      const cost = costOf(ops);
      if (cost < bestCost || (cost === bestCost && best !== undefined && compareOpSequences(ops, best) < 0)) {
        bestCost = cost;
        best = ops.slice();
      }
      return;
    }
    if (i < n && j < m) {
      ops.push(target[i] === actual[j] ? MATCH : SUBSTITUTE);
      extend(i + 1, j + 1);
      ops.pop();
    }
    if (i < n) {
      ops.push(DELETE);
      extend(i + 1, j);
      ops.pop();
    }
    if (j < m) {
      ops.push(INSERT);
      extend(i, j + 1);
      ops.pop();
    }
  };
  extend(0, 0);

  const types = best ?? [];
  const targetIndices: number[] = [];
  const actualIndices: number[] = [];
  let i = 0;
  let j = 0;
  for (const op of types) {
    targetIndices.push(i);
    actualIndices.push(j);
    if (op !== INSERT) i++;
    if (op !== DELETE) j++;
  }
  return { distance: bestCost, types, targetIndices, actualIndices };
}

export interface BruteForceAlignment {
  pathLogProb: number;
  /** The best frame labelling. */
  labels: number[];
  /** Per target: frames [start, end) of its run in the best labelling. */
  startFrames: number[];
  endFrames: number[];
}

/**
 * Tries every frame labelling (vocabSize^numFrames of them), keeps those that collapse to the
 * targets (merge repeats, drop blanks), and returns the most likely. Undefined when none does.
 */
export function bruteForceForcedAlign(
  logProbs: Float32Array,
  numFrames: number,
  vocabSize: number,
  blankId: number,
  targets: readonly number[],
): BruteForceAlignment | undefined {
  const labels = new Array<number>(numFrames).fill(0);
  let best: number[] | undefined;
  let bestScore = -Infinity;
  const total = vocabSize ** numFrames;
  for (let code = 0; code < total; code++) {
    let rest = code;
    for (let t = 0; t < numFrames; t++) {
      labels[t] = rest % vocabSize;
      rest = Math.floor(rest / vocabSize);
    }
    if (!collapsesTo(labels, blankId, targets)) continue;
    let score = 0;
    for (let t = 0; t < numFrames; t++) score += logProbs[t * vocabSize + labels[t]];
    if (score > bestScore) {
      bestScore = score;
      best = labels.slice();
    }
  }
  if (!best) return undefined;
  const startFrames: number[] = [];
  const endFrames: number[] = [];
  for (let t = 0; t < numFrames; t++) {
    if (best[t] === blankId) continue;
    if (t === 0 || best[t] !== best[t - 1]) startFrames.push(t);
    if (t === numFrames - 1 || best[t + 1] !== best[t]) endFrames.push(t + 1);
  }
  return { pathLogProb: bestScore, labels: best, startFrames, endFrames };
}

function collapsesTo(labels: readonly number[], blankId: number, targets: readonly number[]): boolean {
  let k = 0;
  for (let t = 0; t < labels.length; t++) {
    const label = labels[t];
    if (label === blankId || (t > 0 && label === labels[t - 1])) continue;
    if (k >= targets.length || targets[k] !== label) return false;
    k++;
  }
  return k === targets.length;
}

export { seededRandom } from '../../bench/seeded-random.js';

export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

/** numFrames rows of log-softmax over Gaussian logits (continuous, so ties have probability 0). */
export function randomLogProbs(random: () => number, numFrames: number, vocabSize: number): Float32Array {
  const out = new Float32Array(numFrames * vocabSize);
  for (let t = 0; t < numFrames; t++) {
    const logits: number[] = [];
    for (let v = 0; v < vocabSize; v++) {
      const u = Math.max(random(), 1e-12);
      logits.push(2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
    }
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((sum, x) => sum + Math.exp(x - max), 0));
    for (let v = 0; v < vocabSize; v++) out[t * vocabSize + v] = logits[v] - max - logSum;
  }
  return out;
}
