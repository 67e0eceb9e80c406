// The phones judged spoken when the calibrated scorer decides which target phones are errors.
//
// A target phone whose probability of being mispronounced reaches the threshold is replaced by
// its best alternative (the substitution or deletion that explains the audio best, native
// ctcAlternatives); every other target phone is judged spoken as the target. Extra phones are
// kept where the recogniser heard them and its verification kept them (the insertions of its
// edit script after verification: a region where the target explained the audio nearly as well
// was already replaced by the target's phones). The edit DP then compares these phones with the
// target, so operations, errors and actual_ipa follow from the decisions.
import { EditOpType, type EditResult } from '../../native.js';
import type { RecognizedPhone, SampleSpan } from '../../types.js';

export interface DecisionInput {
  targetPhones: readonly string[];
  targetSpans: readonly SampleSpan[];
  /** exp(mean log-posterior) of each target phone over its aligned frames (RecognizedPhone.score). */
  targetPosteriors: readonly number[];
  /** Per target phone: reported as an error. */
  flagged: readonly boolean[];
  /** Per target phone: the phone heard instead, or null for a deletion (features.ts bestAlternative, as phones). */
  alternatives: readonly (string | null)[];
  /** The phones the recogniser's comparison (after verification) judged spoken, and its edit script against the target. */
  recognized: readonly RecognizedPhone[];
  recognizerEdits: EditResult;
}

export function judgedPhones(input: DecisionInput): RecognizedPhone[] {
  const insertionsBefore = new Map<number, RecognizedPhone[]>();
  const { types, targetIndices, actualIndices } = input.recognizerEdits;
  types.forEach((type, k) => {
    if (type !== EditOpType.Insert) return;
    const before = insertionsBefore.get(targetIndices[k]) ?? [];
    before.push(input.recognized[actualIndices[k]]);
    insertionsBefore.set(targetIndices[k], before);
  });
  const out: RecognizedPhone[] = [];
  const n = input.targetPhones.length;
  for (let i = 0; i <= n; i++) {
    out.push(...(insertionsBefore.get(i) ?? []));
    if (i === n) break;
    const span = input.targetSpans[i];
    if (!input.flagged[i]) {
      out.push({ phone: input.targetPhones[i], ...span, score: input.targetPosteriors[i] });
    } else if (input.alternatives[i] !== null) {
      out.push({ phone: input.alternatives[i]!, ...span, score: input.targetPosteriors[i] });
    }
  }
  return out;
}
