// The phone recogniser's own G2P as a candidate source (manifest `tasks.g2p`, e.g. POWSM-CTC):
// the model runs over the recording with the g2p task's prefix and the text as its prompt,
// its output is greedy-decoded into phones, and those phones are split into the text's words
// by an edit-distance alignment against the espeak-ng words' phones.
import type { AudioInput } from '../audio/input.js';
import type { Engine } from '../engine.js';
import { editDistanceSync } from '../gateway.js';
import { taskInputs } from '../model/tasks.js';
import { EditOpType } from '../native.js';

export const MODEL_G2P_SOURCE = 'model-g2p';

/**
 * Splits `phones` into words shaped like `reference` (each word's phones) by the engine's
 * edit-distance alignment of the concatenations (unit costs). A matched or substituted phone
 * goes to its reference phone's word; an inserted phone to the word of the reference phone
 * before it (the first word at the start). Returns one phone list per reference word (possibly
 * empty).
 */
export function splitIntoWords(phones: readonly string[], reference: readonly (readonly string[])[]): string[][] {
  const words: string[][] = reference.map(() => []);
  if (reference.length === 0) return words;
  const wordOf = reference.flatMap((word, w) => word.map(() => w));
  const ids = new Map<string, number>();
  const idOf = (phone: string) => ids.get(phone) ?? ids.set(phone, ids.size).get(phone)!;
  const target = Int32Array.from(reference.flat(), idOf);
  const actual = Int32Array.from(phones, idOf);
  const edits = editDistanceSync(target, actual, { numSymbols: Math.max(ids.size, 1), insertion: 1, deletion: 1 });
  edits.types.forEach((type, k) => {
    if (type === EditOpType.Delete) return;
    const t = edits.targetIndices[k];
    const word = type === EditOpType.Insert ? wordOf[Math.max(0, t - 1)] ?? 0 : wordOf[t];
    words[word].push(phones[edits.actualIndices[k]]);
  });
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
  const { phones } = await engine.recognize(audio, { inputs });
  return splitIntoWords(
    phones.map((p) => p.phone),
    reference,
  );
}
