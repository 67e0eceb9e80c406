// Straightforward TypeScript implementations of the native DP stages, written the way
// a competent developer would (2-D arrays of numbers, Math.min). The benchmark times
// them against the addon; they follow the same rules and tie-breaking as the native code
// (see native/src/dp/edit_distance.h and native/src/ctc/forced_align.h).

export interface ReferenceEditResult {
  distance: number;
  types: number[];
  targetIndices: number[];
  actualIndices: number[];
}

export const OP_MATCH = 0;
export const OP_SUBSTITUTE = 1;
export const OP_DELETE = 2;
export const OP_INSERT = 3;

/**
 * Weighted Levenshtein distance. `substitution` is a numSymbols x numSymbols matrix
 * (row = target symbol, column = actual symbol); equal symbols match at cost 0.
 * Backtrace from the end prefers diagonal, then delete, then insert.
 */
export function editDistanceReference(
  target: ArrayLike<number>,
  actual: ArrayLike<number>,
  substitution: number[][] | undefined,
  insertion: number,
  deletion: number,
): ReferenceEditResult {
  const n = target.length;
  const m = actual.length;
  const cost: number[][] = [];
  for (let i = 0; i <= n; i++) cost.push(new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) cost[i][0] = cost[i - 1][0] + deletion;
  for (let j = 1; j <= m; j++) cost[0][j] = cost[0][j - 1] + insertion;
  const diagonalCost = (i: number, j: number): number => {
    const t = target[i - 1];
    const a = actual[j - 1];
    if (t === a) return 0;
    return substitution ? substitution[t][a] : 1;
  };
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i][j] = Math.min(
        cost[i - 1][j - 1] + diagonalCost(i, j),
        cost[i - 1][j] + deletion,
        cost[i][j - 1] + insertion,
      );
    }
  }

  const types: number[] = [];
  const targetIndices: number[] = [];
  const actualIndices: number[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] === cost[i - 1][j - 1] + diagonalCost(i, j)) {
      types.push(target[i - 1] === actual[j - 1] ? OP_MATCH : OP_SUBSTITUTE);
      targetIndices.push(i - 1);
      actualIndices.push(j - 1);
      i--;
      j--;
    } else if (i > 0 && cost[i][j] === cost[i - 1][j] + deletion) {
      types.push(OP_DELETE);
      targetIndices.push(i - 1);
      actualIndices.push(j);
      i--;
    } else {
      types.push(OP_INSERT);
      targetIndices.push(i);
      actualIndices.push(j - 1);
      j--;
    }
  }
  types.reverse();
  targetIndices.reverse();
  actualIndices.reverse();
  return { distance: cost[n][m], types, targetIndices, actualIndices };
}

export interface ReferenceAlignment {
  startFrames: number[];
  endFrames: number[];
  meanLogProbs: number[];
  pathLogProb: number;
}

/**
 * CTC Viterbi forced alignment over the 2L+1 blank-interleaved states (stay, advance, or skip
 * the blank between two different labels). Equal scores prefer stay, then advance, then skip;
 * at the end the last blank over the last label. Expects finite log-probabilities and
 * numFrames >= L + (adjacent repeats).
 */
export function ctcForcedAlignReference(
  logProbs: Float32Array,
  numFrames: number,
  vocabSize: number,
  blankId: number,
  targets: ArrayLike<number>,
): ReferenceAlignment {
  const numStates = 2 * targets.length + 1;
  const labelOf = (state: number) => (state % 2 === 0 ? blankId : targets[(state - 1) / 2]);
  const logProb = (t: number, state: number) => logProbs[t * vocabSize + labelOf(state)];
  const canSkip = (state: number) => state % 2 === 1 && state >= 3 && labelOf(state) !== labelOf(state - 2);

  const score: number[][] = [];
  const back: number[][] = [];
  for (let t = 0; t < numFrames; t++) {
    score.push(new Array<number>(numStates).fill(-Infinity));
    back.push(new Array<number>(numStates).fill(0));
  }
  score[0][0] = logProb(0, 0);
  score[0][1] = logProb(0, 1);
  for (let t = 1; t < numFrames; t++) {
    for (let s = 0; s < numStates; s++) {
      let best = score[t - 1][s];
      let from = s;
      if (s >= 1 && score[t - 1][s - 1] > best) {
        best = score[t - 1][s - 1];
        from = s - 1;
      }
      if (canSkip(s) && score[t - 1][s - 2] > best) {
        best = score[t - 1][s - 2];
        from = s - 2;
      }
      score[t][s] = best + logProb(t, s);
      back[t][s] = from;
    }
  }

  const path = new Array<number>(numFrames);
  let state = score[numFrames - 1][numStates - 2] > score[numFrames - 1][numStates - 1] ? numStates - 2 : numStates - 1;
  for (let t = numFrames - 1; t >= 0; t--) {
    path[t] = state;
    state = back[t][state];
  }

  const startFrames = new Array<number>(targets.length).fill(0);
  const endFrames = new Array<number>(targets.length).fill(0);
  const sums = new Array<number>(targets.length).fill(0);
  let pathLogProb = 0;
  for (let t = 0; t < numFrames; t++) {
    pathLogProb += logProb(t, path[t]);
    if (path[t] % 2 === 0) continue;
    const k = (path[t] - 1) / 2;
    if (t === 0 || path[t - 1] !== path[t]) startFrames[k] = t;
    endFrames[k] = t + 1;
    sums[k] += logProb(t, path[t]);
  }
  const meanLogProbs = sums.map((sum, k) => sum / (endFrames[k] - startFrames[k]));
  return { startFrames, endFrames, meanLogProbs, pathLogProb };
}
