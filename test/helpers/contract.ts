// Checks an assessment result against the contract (docs/api-contract.md),
// independently of how the engine built it. Returns the list of violations.
import type { AssessmentResult } from '../../lib/types.js';

export function contractViolations(r: AssessmentResult): string[] {
  const v: string[] = [];
  const target = r.target_ipa.split(' ').filter(Boolean);
  const actual = r.actual_ipa.split(' ').filter(Boolean);
  const isSpan = (s: { start: number; end: number }) =>
    Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= r.duration_samples;

  if (r.sample_rate !== 16000) v.push('sample_rate is not 16000');
  if (!(Number.isInteger(r.duration_samples) && r.duration_samples > 0)) v.push('duration_samples is not a positive integer');
  if (!(r.score >= 0 && r.score <= 1)) v.push(`score ${r.score} outside [0, 1]`);

  // The operations must spell out both phone sequences, in order.
  const fromOpsTarget: string[] = [];
  const fromOpsActual: string[] = [];
  let nextTarget = 0;
  for (const op of r.operations) {
    if (op.type === 'insert') {
      if (op.expected !== undefined) v.push('insert carries expected');
      if (op.position !== nextTarget) v.push(`insert position ${op.position} is not the next target index ${nextTarget}`);
    } else {
      if (op.position !== nextTarget) v.push(`${op.type} position ${op.position} out of order (expected ${nextTarget})`);
      fromOpsTarget.push(op.expected!);
      nextTarget += 1;
    }
    if (op.type === 'delete') {
      if (op.actual !== undefined) v.push('delete carries actual');
    } else {
      fromOpsActual.push(op.actual!);
    }
    if (op.type === 'match' && op.expected !== op.actual) v.push(`match of ${op.expected} with ${op.actual}`);
    if (op.type === 'substitute' && op.expected === op.actual) v.push(`substitute of identical ${op.expected}`);
  }
  if (fromOpsTarget.join(' ') !== target.join(' ')) v.push('operations do not spell the target');
  if (fromOpsActual.join(' ') !== actual.join(' ')) v.push('operations do not spell the recognised phones');

  const nonMatches = r.operations.filter((op) => op.type !== 'match');
  if (r.errors.length !== nonMatches.length) v.push('errors are not exactly the non-match operations');
  r.errors.forEach((e, i) => {
    if (!isSpan(e.timestamp)) v.push(`error ${i} has a bad timestamp ${JSON.stringify(e.timestamp)}`);
    const op = nonMatches[i];
    if (op && (op.type !== e.type || op.position !== e.position || op.expected !== e.expected || op.actual !== e.actual)) {
      v.push(`error ${i} differs from its operation`);
    }
  });

  if (r.phones.length !== target.length) v.push('phones[] does not have one entry per target phone');
  r.phones.forEach((p, i) => {
    if (p.phone !== target[i]) v.push(`phones[${i}] is ${p.phone}, target is ${target[i]}`);
    if (!isSpan(p)) v.push(`phones[${i}] has a bad span`);
    if (i > 0 && p.start < r.phones[i - 1].start) v.push(`phones[${i}] starts before phones[${i - 1}]`);
    if (!(p.score >= 0 && p.score <= 1)) v.push(`phones[${i}].score outside [0, 1]`);
    if (!['correct', 'substituted', 'deleted'].includes(p.status)) v.push(`phones[${i}].status ${p.status}`);
  });
  if (Math.abs(r.phone_error_rate - r.errors.length / target.length) > 1e-12) v.push('phone_error_rate is not errors / target phones');
  if (r.flags.includes('DIFFERENT_SENTENCE') !== r.recognized_phone_error_rate > 0.8) v.push('DIFFERENT_SENTENCE flag disagrees with the recognised phone error rate');
  if (r.scoring.method === 'edit_distance' && r.recognized_phone_error_rate !== r.phone_error_rate) v.push('without a calibrated scorer, recognized_phone_error_rate is not phone_error_rate');
  // edit_score is 1 exactly when the phones judged spoken equal the target; so is score without a calibrated scorer.
  const exact = target.join(' ') === actual.join(' ');
  if (exact !== (r.edit_score === 1)) v.push(`edit_score is ${r.edit_score} but the phones ${exact ? 'match' : 'differ'}`);
  if (r.scoring.method === 'edit_distance' && r.score !== r.edit_score) v.push('without a calibrated scorer, score is not edit_score');
  if (r.scoring.method === 'calibrated') {
    if (!(typeof r.scoring.error_threshold === 'number' && r.scoring.scorer)) v.push('calibrated scoring without its scorer and threshold');
    r.phones.forEach((p, i) => {
      const prob = p.mispronounced_probability;
      if (!(typeof prob === 'number' && prob >= 0 && prob <= 1)) v.push(`phones[${i}].mispronounced_probability ${prob}`);
    });
  }
  r.phones.forEach((p, i) => {
    if (!(p.goodness >= 0 && p.goodness <= 1)) v.push(`phones[${i}].goodness outside [0, 1]`);
  });
  const spoken = r.phones.filter((p) => p.status !== 'deleted').length / target.length;
  if (Math.abs(r.completeness - spoken) > 1e-12) v.push(`completeness ${r.completeness} is not the share of phones not deleted (${spoken})`);
  for (const [key, value] of Object.entries(r.fluency)) if (!(Number.isFinite(value) && value >= 0)) v.push(`fluency.${key} is ${value}`);
  for (const [i, w] of (r.words ?? []).entries()) {
    if (!(w.score >= 0 && w.score <= 1 && w.edit_score >= 0 && w.edit_score <= 1)) v.push(`words[${i}] scores outside [0, 1]`);
  }
  return v;
}
