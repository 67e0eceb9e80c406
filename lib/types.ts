// The contract's result shapes (docs/api-contract.md); field names are the contract's.

/** Every sample index and duration in the engine's results is at this rate. */
export const SAMPLE_RATE = 16000;

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
  /**
   * With a calibrated scorer (`scoring.method` 'calibrated'): the experts' 0-2 phone accuracy
   * predicted for this phone, divided by 2. Without one: `goodness`.
   */
  score: number;
  /** Goodness of pronunciation: sigmoid of the log posterior ratio over the aligned frames (README). */
  goodness: number;
  /** Calibrated scorer only: the probability that experts would score this phone 1.0 or below (of 2). */
  mispronounced_probability?: number;
  status: 'correct' | 'substituted' | 'deleted';
}

export interface WordResult extends SampleSpan {
  /** The word's target phones, space-separated. */
  word: string;
  /** Target phone indices [first, last + 1). */
  phones: [number, number];
  /** Calibrated: the experts' 0-10 word accuracy predicted, divided by 10 (flagged DIFFERENT_SENTENCE: at most 0.2). Otherwise `edit_score`. */
  score: number;
  /** Where the DIFFERENT_SENTENCE ceiling lowered `score`: the calibrated prediction it replaced. */
  score_before_ceiling?: number;
  /** max(0, 1 - D_w / N_w) over the word's own operations (an insertion goes with the phone before it). */
  edit_score: number;
}

/** How the scores were made. */
export interface ScoringInfo {
  /** 'calibrated': predictions of experts' scores by the bundle's scorer; 'edit_distance': score = edit_score, phone scores = goodness. */
  method: 'calibrated' | 'edit_distance';
  /** The scorer's name (calibrated only). */
  scorer?: string;
  /** The strictness level whose threshold decided the errors, or 'custom' (calibrated only). */
  strictness?: Strictness | 'custom';
  /** A target phone with mispronounced_probability at or above this is an error (calibrated only). */
  error_threshold?: number;
  /** Where the DIFFERENT_SENTENCE ceiling lowered `score`: the calibrated prediction it replaced. */
  score_before_ceiling?: number;
}

/** Speech rate and pauses, measured on the recording (speech frames 6 dB above its noise floor). */
export interface FluencyResult {
  /** Target phones per second from the first to the last speech frame. */
  phones_per_sec: number;
  /** Target phones per second of that span without its pauses. */
  articulation_rate: number;
  /** Silences of at least 0.25 s between speech. */
  pause_count: number;
  pause_sec: number;
  longest_pause_sec: number;
  /** Calibrated only: the experts' 0-10 fluency predicted, divided by 10. */
  score?: number;
}

/** Why a result should not be shown as an ordinary assessment. */
export type AssessmentFlag = 'DIFFERENT_SENTENCE';

export interface AssessmentResult {
  /**
   * The phones judged spoken. Without a scorer: the recogniser's phones, except in disputed regions
   * where the target explained the audio nearly as well (lib/assessment/verify.ts), which take the
   * target's phones. With a calibrated scorer: the target's phones, each phone it decides is an
   * error replaced by its best alternative (or dropped), plus the insertions kept
   * (lib/assessment/scoring/decisions.ts). operations, errors and edit_score compare this with target_ipa.
   */
  actual_ipa: string;
  /** The recogniser's own output (greedy CTC decoding), before verification. */
  recognized_ipa: string;
  target_ipa: string;
  /**
   * Calibrated (`scoring.method` 'calibrated'): the experts' 0-10 sentence accuracy predicted by
   * the bundle's scorer, divided by 10; flagged DIFFERENT_SENTENCE, at most 0.2 (the scorer never
   * learned other sentences). Otherwise `edit_score`.
   */
  score: number;
  /** max(0, 1 - D / N): D the weighted edit distance between target and actual_ipa, N the target phones. */
  edit_score: number;
  scoring: ScoringInfo;
  /** Share of the target phones judged spoken (not deleted). */
  completeness: number;
  fluency: FluencyResult;
  operations: Operation[];
  errors: PronunciationError[];
  phones: PhoneResult[];
  sample_rate: typeof SAMPLE_RATE;
  duration_samples: number;
  /** (substitutions + deletions + insertions) / target phones. */
  phone_error_rate: number;
  /**
   * (substitutions + deletions + insertions) / target phones of the recogniser's phones after
   * verification, before a calibrated scorer's decisions (without a scorer: phone_error_rate).
   * DIFFERENT_SENTENCE is flagged when it is above 0.8.
   */
  recognized_phone_error_rate: number;
  /** DIFFERENT_SENTENCE: the recording is far from the target (recognized_phone_error_rate above 0.8); show that rather than the errors. */
  flags: AssessmentFlag[];
  /** Present when the target has more than one word. */
  words?: WordResult[];
  /** Which aligner produced the spans of phones[], errors[].timestamp and words[] (an addition). */
  alignment: AlignmentInfo;
}

export const ALIGNERS = ['ctc', 'mfa'] as const;
export type AlignerName = (typeof ALIGNERS)[number];

/** The calibrated scorer's error-threshold levels (its scorer.json's thresholds). */
export const STRICTNESS_LEVELS = ['lenient', 'balanced', 'strict'] as const;
export type Strictness = (typeof STRICTNESS_LEVELS)[number];

/** A target phone MFA aligned as a nearest phone of its set rather than an equivalent (lib/mfa/phone-tables.ts). */
export interface MfaNearestPhone {
  position: number;
  phone: string;
  mfa: string[];
  how: 'nearest' | 'without-length' | 'without-diacritics' | 'compound';
}

export interface MfaAlignmentInfo {
  acoustic_model: string;
  phone_set: 'english_mfa' | 'english_us_arpa';
  /** `helper`: a warm MFA helper process; `align_one`: `mfa align_one`, one process per request. */
  runner: 'helper' | 'align_one';
  /** The beam that aligned (the wider one after a beam failure). */
  beam: number;
  retry_beam: number;
  /** Wall time of the MFA call. */
  ms: number;
  nearest_phones?: MfaNearestPhone[];
}

export interface AlignmentInfo {
  /** The aligner whose spans the result carries. */
  source: AlignerName;
  /** The aligner the call asked for. */
  requested: AlignerName;
  /** How MFA ran, when its spans are used. */
  mfa?: MfaAlignmentInfo;
  /** Why MFA's spans are not used although MFA was asked for: the spans are CTC's (lib/mfa/failure.ts lists the reasons). */
  mfa_failure?: { reason: string; message: string; details?: Record<string, unknown> };
}

export interface RecognizedPhone extends SampleSpan {
  phone: string;
  /** exp(mean log-posterior) of the phone over its frames, in [0, 1]. */
  score: number;
}

export interface Recognition {
  ipa: string;
  phones: RecognizedPhone[];
  sample_rate: typeof SAMPLE_RATE;
  duration_samples: number;
}

export interface StageTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  ctcMs: number;
  alignmentMs: number;
  /** The edit-distance runs before and (where a region was accepted) after verification; the one after the scorer's decisions counts in scoringMs. */
  dpMs: number;
  /** Verification of disputed regions: CTC log-likelihoods of the target's versions (lib/assessment/verify.ts). */
  verifyMs: number;
  /** The alternatives to each target phone (native ctcAlternatives), features and the calibrated scorer with its decisions. */
  scoringMs: number;
  totalMs: number;
  /** Recordings in the ONNX Runtime run that computed this one's log-probabilities (1 unbatched). */
  batchSize?: number;
}
