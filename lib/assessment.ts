// Builds the contract's assessment result from the target's forced alignment, the
// recognised phones and the edit operations between them.
import { EditOpType, type EditResult, type ForcedAlignment } from './native.js';
import { framesToSamples, type FrameGeometry } from './timeline.js';
import type { AssessmentResult, Operation, PhoneResult, PronunciationError, RecognizedPhone } from './types.js';

const OP_NAMES = ['match', 'substitute', 'delete', 'insert'] as const;

export interface AssessmentInputs {
  targetPhones: string[];
  recognized: RecognizedPhone[];
  alignment: ForcedAlignment;
  edits: EditResult;
  geometry: FrameGeometry;
}

/**
 * score = max(0, 1 - distance / N): distance is the weighted edit distance (substitution,
 * deletion and insertion costs) and N the number of target phones. It is 1 exactly when
 * the recognised phones equal the target, since every non-match costs more than 0.
 */
export function scoreFromDistance(distance: number, targetLength: number): number {
  return Math.max(0, 1 - distance / Math.max(targetLength, 1));
}

export function buildAssessment({ targetPhones, recognized, alignment, edits, geometry }: AssessmentInputs): AssessmentResult {
  const targetSpan = (i: number) => framesToSamples(alignment.startFrames[i], alignment.endFrames[i], geometry);
  const operations: Operation[] = [];
  const errors: PronunciationError[] = [];
  const status: PhoneResult['status'][] = targetPhones.map(() => 'correct');

  for (let k = 0; k < edits.types.length; k++) {
    const type = OP_NAMES[edits.types[k]];
    const t = edits.targetIndices[k];
    const a = edits.actualIndices[k];
    const op: Operation = { type, position: t };
    if (type !== 'insert') op.expected = targetPhones[t];
    if (type !== 'delete') op.actual = recognized[a].phone;
    operations.push(op);
    if (edits.types[k] === EditOpType.Match) continue;
    if (edits.types[k] === EditOpType.Substitute) status[t] = 'substituted';
    if (edits.types[k] === EditOpType.Delete) status[t] = 'deleted';
    const timestamp = type === 'insert' ? { start: recognized[a].start, end: recognized[a].end } : targetSpan(t);
    errors.push({ ...(op as PronunciationError), timestamp });
  }

  const phones: PhoneResult[] = targetPhones.map((phone, i) => ({
    phone,
    ...targetSpan(i),
    score: Math.exp(alignment.meanLogProbs[i]),
    status: status[i],
  }));

  return {
    actual_ipa: recognized.map((p) => p.phone).join(' '),
    target_ipa: targetPhones.join(' '),
    score: scoreFromDistance(edits.distance, targetPhones.length),
    operations,
    errors,
    phones,
    sample_rate: 16000,
    duration_samples: geometry.durationSamples,
  };
}
