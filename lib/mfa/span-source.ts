// Which spans an assessment carries: CTC's, or MFA's when MFA was asked for and aligned. A failed
// MFA alignment keeps the assessment with CTC spans and says why, unless strict.
import { EngineError } from '../errors.js';
import type { AlignerName, AlignmentInfo, SampleSpan } from '../types.js';
import type { MfaOutcome } from './aligner.js';

export interface ChosenSpans {
  targetSpans: SampleSpan[];
  /** MFA only: the span of a phone inserted before target phone `position` (span-mapping.ts). */
  insertionSpan?: (position: number) => SampleSpan;
  alignment: AlignmentInfo;
}

export function chooseSpans(requested: AlignerName, ctcSpans: SampleSpan[], mfa: MfaOutcome | undefined, strict: boolean): ChosenSpans {
  if (requested === 'ctc' || !mfa) return { targetSpans: ctcSpans, alignment: { source: 'ctc', requested } };
  if (mfa.ok) return { targetSpans: mfa.spans, insertionSpan: mfa.insertionSpan, alignment: { source: 'mfa', requested, mfa: mfa.info } };
  const { reason, message, details } = mfa.failure;
  if (strict) throw new EngineError('ALIGNMENT_FAILED', `MFA could not align the target (${reason}): ${message}`, { reason, ...details });
  const mfaFailure: NonNullable<AlignmentInfo['mfa_failure']> = { reason, message };
  if (details) mfaFailure.details = details;
  return { targetSpans: ctcSpans, alignment: { source: 'ctc', requested, mfa_failure: mfaFailure } };
}
