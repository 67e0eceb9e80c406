// The phone recogniser's own G2P as a candidate source (manifest `tasks.g2p`, e.g. POWSM-CTC):
// the model runs over the recording with the g2p task's prefix and the text as its prompt,
// its output is greedy-decoded into phones, and those phones are split into the text's words
// by an edit-distance alignment against the espeak-ng words' phones.
import type { AudioInput } from '../audio-input.js';
import type { Engine } from '../engine.js';
import { toEngineError } from '../errors.js';
import { taskInputs } from '../model-tasks.js';
import { native } from '../native.js';

export const MODEL_G2P_SOURCE = 'model-g2p';

/**
 * Splits `phones` into words shaped like `reference` (each word's phones) by a Levenshtein
 * alignment of the concatenations (unit costs; ties prefer match/substitution, then deletion of
 * a reference phone, then insertion). A matched or substituted phone goes to its reference
 * phone's word; an inserted phone to the word of the reference phone before it (the first word
 * at the start). Returns one phone list per reference word (possibly empty).
 */
export function splitIntoWords(phones: readonly string[], reference: readonly (readonly string[])[]): string[][] {
  const ref: string[] = [];
  const wordOf: number[] = [];
  reference.forEach((word, w) => {
    for (const phone of word) {
      ref.push(phone);
      wordOf.push(w);
    }
  });
  const n = ref.length;
  const m = phones.length;
  const cost: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i][j] = Math.min(cost[i - 1][j - 1] + (ref[i - 1] === phones[j - 1] ? 0 : 1), cost[i - 1][j] + 1, cost[i][j - 1] + 1);
    }
  }
  // Backtrace: owner[j] = reference index (or -1 - i for an insertion after reference phone i - 1).
  const owner = new Array<number>(m).fill(0);
  let i = n;
  let j = m;
  while (j > 0) {
    if (i > 0 && cost[i][j] === cost[i - 1][j - 1] + (ref[i - 1] === phones[j - 1] ? 0 : 1)) {
      owner[j - 1] = wordOf[i - 1];
      i -= 1;
      j -= 1;
    } else if (i > 0 && cost[i][j] === cost[i - 1][j] + 1) {
      i -= 1;
    } else {
      owner[j - 1] = i > 0 ? wordOf[i - 1] : 0;
      j -= 1;
    }
  }
  const words: string[][] = reference.map(() => []);
  if (reference.length === 0) return words;
  phones.forEach((phone, k) => words[owner[k]].push(phone));
  return words;
}

/**
 * The model's G2P of `text` as spoken in `audio`, split into the words of `reference`; null
 * when the engine's bundle has no `tasks.g2p`.
 */
export async function modelG2pWords(
  engine: Engine,
  text: string,
  language: string,
  audio: AudioInput,
  reference: readonly (readonly string[])[],
): Promise<string[][] | null> {
  const tasks = engine.manifest.tasks;
  if (!tasks?.g2p) return null;
  const inputs = await taskInputs(tasks, tasks.g2p, text, language);
  const result = await engine.logProbs(audio, inputs);
  const { vocabulary } = engine.manifest;
  try {
    const greedy = await native().ctcGreedyDecode(result.logProbs, result.numFrames, result.vocabSize, vocabulary.blankId);
    const phones = Array.from(greedy.tokens, (id) => vocabulary.phoneById[id]).filter((p): p is string => p !== null);
    return splitIntoWords(phones, reference);
  } catch (error) {
    throw toEngineError(error);
  }
}
