// Why an MFA alignment was not used. Every failure keeps the assessment (CTC spans are used and the
// result says why); with the strict option it becomes an ALIGNMENT_FAILED error instead.

export const MFA_FAILURE_REASONS = [
  /** No helper could start and no `mfa align_one` fallback worked, or MFA is not configured. */
  'unavailable',
  /** The queue of requests waiting for a helper was full. */
  'queue_full',
  /** The request ran past its timeout (the helper was killed and is restarted). */
  'timeout',
  /** The helper or `mfa align_one` died while aligning. */
  'crash',
  /** MFA found no alignment within its beam, also with the wider retry beam. */
  'beam',
  /** The output was not an alignment of the request (garbage, other words or phones). */
  'unusable_output',
  /** A target phone has no equivalent or documented nearest phone in the model's phone set. */
  'unmapped_phone',
  /** Less audio than MFA can align (13 frames, 0.13 s). */
  'audio_too_short',
  /** MFA reported another error. */
  'failed',
  /** The aligner was closed. */
  'closed',
] as const;

export type MfaFailureReason = (typeof MFA_FAILURE_REASONS)[number];

export class MfaFailure extends Error {
  readonly reason: MfaFailureReason;
  readonly details?: Record<string, unknown>;
  constructor(reason: MfaFailureReason, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MfaFailure';
    this.reason = reason;
    this.details = details;
  }
}
