// Human-readable rendering of an assessment for the CLI's --pretty.
import { SAMPLE_RATE, type AssessmentResult } from './types.js';

const seconds = (samples: number) => (samples / SAMPLE_RATE).toFixed(2);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

export function formatAssessment(result: AssessmentResult): string {
  const lines: string[] = [];
  const calibrated = result.scoring.method === 'calibrated';
  lines.push(`score   ${result.score.toFixed(3)} (${calibrated ? `calibrated: ${result.scoring.scorer}, ${result.scoring.strictness}` : 'edit distance'}; edit score ${result.edit_score.toFixed(3)})`);
  lines.push(`complete ${result.completeness.toFixed(2)}, ${result.fluency.phones_per_sec.toFixed(1)} phones/s, ${result.fluency.pause_count} pause(s)${result.fluency.score === undefined ? '' : `, fluency ${result.fluency.score.toFixed(2)}`}`);
  lines.push(`flags   ${result.flags.length > 0 ? result.flags.join(', ') : 'none'}`);
  lines.push(`target  ${result.target_ipa}`);
  lines.push(`judged  ${result.actual_ipa}`);
  if (result.recognized_ipa !== result.actual_ipa) lines.push(`heard   ${result.recognized_ipa}`);
  const a = result.alignment;
  if (a && a.requested === 'mfa') lines.push(`spans   ${a.source === 'mfa' ? `MFA (${a.mfa?.acoustic_model}, ${a.mfa?.runner})` : `CTC: MFA failed (${a.mfa_failure?.reason}: ${a.mfa_failure?.message})`}`);
  lines.push('');
  lines.push(
    table([
      ['#', 'phone', 'status', 'start s', 'end s', 'score', 'goodness', ...(calibrated ? ['P(wrong)'] : [])],
      ...result.phones.map((p, i) => [
        String(i),
        p.phone,
        p.status,
        seconds(p.start),
        seconds(p.end),
        p.score.toFixed(2),
        p.goodness.toFixed(2),
        ...(calibrated ? [(p.mispronounced_probability ?? 0).toFixed(2)] : []),
      ]),
    ]),
  );
  if (result.errors.length > 0) {
    lines.push('');
    lines.push(
      table([
        ['error', 'position', 'expected', 'heard', 'start s', 'end s'],
        ...result.errors.map((e) => [e.type, String(e.position), e.expected ?? '-', e.actual ?? '-', seconds(e.timestamp.start), seconds(e.timestamp.end)]),
      ]),
    );
  }
  return lines.join('\n');
}
