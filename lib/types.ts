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

export interface AssessmentResult {
  actual_ipa: string;
  target_ipa: string;
  score: number;
  operations: Operation[];
  errors: PronunciationError[];
  phones: PhoneResult[];
  sample_rate: 16000;
  duration_samples: number;
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
  dpMs: number;
  totalMs: number;
}
