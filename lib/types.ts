// The contract's result shapes (../shared/reference/api-contract.md); field names are the contract's.

export type EditType = 'match' | 'substitute' | 'delete' | 'insert';

export interface SampleSpan {
  /** Inclusive sample offset at 16 kHz. */
  start: number;
  /** Exclusive sample offset at 16 kHz. */
  end: number;
}

export interface Operation {
  type: EditType;
  /** Index into the target phones; for insert, the target phone before which the extra phone occurred. */
  position: number;
  expected?: string;
  actual?: string;
}

export interface PronunciationError extends Operation {
  type: Exclude<EditType, 'match'>;
  timestamp: SampleSpan;
}

export interface PhoneResult extends SampleSpan {
  phone: string;
  score: number;
  status: 'correct' | 'substituted' | 'deleted';
}

export interface WordResult extends SampleSpan {
  /** The word's target phones, space-separated. */
  word: string;
  /** Target phone indices [first, last + 1). */
  phones: [number, number];
  /** max(0, 1 - D_w / N_w) over the word's own operations (an insertion goes with the phone before it). */
  score: number;
}

/** Why a result should not be shown as an ordinary assessment. */
export type AssessmentFlag = 'DIFFERENT_SENTENCE';

export interface AssessmentResult {
  /**
   * The phones judged spoken: the recogniser's phones, except in disputed regions where the
   * target explained the audio nearly as well (lib/verify.ts), which take the target's phones.
   * operations, errors and score compare this with target_ipa.
   */
  actual_ipa: string;
  /** The recogniser's own output (greedy CTC decoding), before verification. */
  recognized_ipa: string;
  target_ipa: string;
  score: number;
  operations: Operation[];
  errors: PronunciationError[];
  phones: PhoneResult[];
  sample_rate: 16000;
  duration_samples: number;
  /** (substitutions + deletions + insertions) / target phones. */
  phone_error_rate: number;
  /** DIFFERENT_SENTENCE: the recording is far from the target (phone error rate above 0.8); show that rather than the errors. */
  flags: AssessmentFlag[];
  /** Present when the target has more than one word. */
  words?: WordResult[];
}

export interface RecognizedPhone extends SampleSpan {
  phone: string;
  /** exp(mean log-posterior) of the phone over its frames, in [0, 1]. */
  score: number;
}

export interface Recognition {
  ipa: string;
  phones: RecognizedPhone[];
  sample_rate: 16000;
  duration_samples: number;
}

export interface StageTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  ctcMs: number;
  alignmentMs: number;
  /** Both edit-distance runs (before and, where a region was accepted, after verification). */
  dpMs: number;
  /** Verification of disputed regions: CTC log-likelihoods of the target's versions (lib/verify.ts). */
  verifyMs: number;
  totalMs: number;
  /** Recordings in the ONNX Runtime run that computed this one's log-probabilities (1 unbatched). */
  batchSize?: number;
}
