// MFA's phone intervals -> spans of the target phones, and the span of an inserted phone.
//
// MFA aligned our tokens with our pronunciations (target-words.ts), so its words are our words in
// order and each word's phones are the pronunciation we sent: a target phone's span is the union
// of its MFA phones. Anything else (a missing or extra word, an OOV `spn`, other phones) means the
// output is not an alignment of our target, and is reported (MfaOutputError). Spans keep the CTC
// spans' guarantees: never empty, in order, inside [0, duration).
import type { SampleSpan } from '../types.js';
import { bareLabel, MfaOutputError, type MfaAlignmentTiers } from './alignment-tiers.js';
import type { MfaTarget } from './target-words.js';

/** Each target phone's span in samples, from MFA's alignment of `target`. */
export function targetSpansFromMfa(target: MfaTarget, aligned: MfaAlignmentTiers, targetLength: number, durationSamples: number): SampleSpan[] {
  if (aligned.words.length !== target.words.length) {
    throw new MfaOutputError(`MFA aligned ${aligned.words.length} words (${aligned.words.map((w) => w.label).join(' ')}), the request had ${target.words.length}`);
  }
  const starts = new Array<number>(targetLength).fill(Number.POSITIVE_INFINITY);
  const ends = new Array<number>(targetLength).fill(Number.NEGATIVE_INFINITY);
  target.words.forEach((word, w) => {
    const got = aligned.words[w];
    if (got.label.toLowerCase() !== word.token) throw new MfaOutputError(`word ${w + 1} of MFA's alignment is "${got.label}", the request's was "${word.token}"`);
    const labels = got.phones.map((p) => bareLabel(p.label));
    if (labels.join(' ') !== word.phones.map((p) => p.normalize('NFC')).join(' ')) {
      throw new MfaOutputError(`MFA aligned word ${w + 1} as "${labels.join(' ')}", not the pronunciation sent ("${word.phones.join(' ')}")`);
    }
    got.phones.forEach((p, k) => {
      const i = word.targetIndex[k];
      starts[i] = Math.min(starts[i], p.start);
      ends[i] = Math.max(ends[i], p.end);
    });
  });
  const spans: SampleSpan[] = [];
  for (let i = 0; i < targetLength; i++) {
    if (!Number.isFinite(starts[i])) throw new MfaOutputError(`target phone ${i} has no MFA interval`);
    let start = Math.min(Math.max(starts[i], 0), durationSamples - 1);
    if (i > 0) start = Math.max(start, spans[i - 1].start);
    const end = Math.max(Math.min(ends[i], durationSamples), start + 1);
    spans.push({ start, end });
  }
  return spans;
}

/** Half of MFA's 10 ms frame, in samples: an insertion between touching phones gets one frame around the boundary. */
const HALF_FRAME = 80;

/**
 * The span of a phone inserted before target phone `position` (target length: after the last):
 * the gap between the target phones around it when MFA left one (silence, or sound it did not
 * align); where they touch, the 10 ms around their boundary, within the two phones.
 */
export function insertionSpan(position: number, spans: readonly SampleSpan[], durationSamples: number): SampleSpan {
  const before = position > 0 ? spans[position - 1] : undefined;
  const after = position < spans.length ? spans[position] : undefined;
  const gapStart = before ? before.end : 0;
  const gapEnd = after ? after.start : durationSamples;
  if (gapEnd > gapStart) return { start: gapStart, end: gapEnd };
  const low = before ? before.start : 0;
  const high = after ? after.end : durationSamples;
  const start = Math.min(Math.max(gapStart - HALF_FRAME, low), durationSamples - 1);
  return { start, end: Math.max(Math.min(gapStart + HALF_FRAME, high), start + 1) };
}
