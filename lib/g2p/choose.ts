// Choosing each word's pronunciation from a recording: the candidate combination whose CTC
// forced alignment to the recording has the highest best-path log-probability.
//
// Trying every combination is exponential, so the search is greedy per word (coordinate
// ascent): start from each word's first candidate; for word i, with every other word fixed at
// its current choice, score each candidate of word i by aligning the whole utterance, and keep
// the best. One pass visits every word in order; passes repeat until one changes nothing (that
// pass's scores are the ones reported), at most maxPasses times. Cost: sum over words of their
// candidate counts, per pass; identical sequences are scored once.

/** Model token ids of one candidate, or null where the candidate cannot be scored. */
export type CandidateIds = Int32Array | null;

/** Log-probability of the best CTC path for the whole target; -Infinity where none exists. */
export type SequenceScorer = (targets: Int32Array) => Promise<number>;

export interface ChoiceResult {
  /** Per word, the index of the chosen candidate. */
  chosen: number[];
  /** Per word and candidate, the utterance log-likelihood with that candidate (others at their choices), or null. */
  logLikelihoods: (number | null)[][];
  passes: number;
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Throws if a word has no scorable candidate. */
export async function chooseCandidates(words: readonly (readonly CandidateIds[])[], score: SequenceScorer, maxPasses = 3): Promise<ChoiceResult> {
  const chosen = words.map((candidates, i) => {
    const first = candidates.findIndex((c) => c !== null);
    if (first < 0) throw new Error(`word ${i} has no candidate in the model's inventory`);
    return first;
  });
  const cache = new Map<string, Promise<number>>();
  const scoreCached = (targets: Int32Array): Promise<number> => {
    const key = targets.join(',');
    let value = cache.get(key);
    if (!value) {
      value = score(targets);
      cache.set(key, value);
    }
    return value;
  };
  const logLikelihoods: (number | null)[][] = words.map((candidates) => candidates.map(() => null));
  let passes = 0;
  while (passes < maxPasses) {
    passes += 1;
    let changed = false;
    for (let i = 0; i < words.length; i++) {
      const scores = await Promise.all(
        words[i].map((candidate) => {
          if (candidate === null) return Promise.resolve(null);
          const parts = chosen.map((c, j) => (j === i ? candidate : (words[j][c] as Int32Array)));
          return scoreCached(concat(parts));
        }),
      );
      logLikelihoods[i] = scores;
      // Ties keep the current choice, then the earlier candidate.
      let best = chosen[i];
      scores.forEach((s, k) => {
        if (s !== null && s > (scores[best] ?? -Infinity)) best = k;
      });
      if (best !== chosen[i]) {
        chosen[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { chosen, logLikelihoods, passes };
}

/**
 * How much better the chosen candidate explains the recording than the best candidate with a
 * different model-phone sequence (null when there is none, or either score is not finite).
 */
export function choiceMargin(logLikelihoods: readonly (number | null)[], keys: readonly (string | null)[], chosen: number): number | null {
  const best = logLikelihoods[chosen];
  if (best === null || !Number.isFinite(best)) return null;
  let runnerUp = -Infinity;
  logLikelihoods.forEach((s, k) => {
    if (k !== chosen && s !== null && keys[k] !== keys[chosen] && s > runnerUp) runnerUp = s;
  });
  return Number.isFinite(runnerUp) ? best - runnerUp : null;
}
