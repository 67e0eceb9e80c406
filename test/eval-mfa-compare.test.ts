// eval/mfa-compare.ts where MFA is not installed (this machine): the probe says so, and the eval's
// comparison is skipped with one clear line instead of failing. The comparison itself needs MFA.
import { describe, expect, it } from 'vitest';
import { compareWithMfa, probeMfa, renderMfaComparison, skippedLine } from '../eval/mfa-compare.js';

describe('MFA comparison in the eval', () => {
  it('probes for MFA and finds none here', () => {
    const probe = probeMfa({ python: 'python3', alignOneCommand: ['/nonexistent/mfa'] });
    expect(probe.installed).toBe(false);
    expect(probe.detail).toMatch(/python3 cannot import montreal_forced_aligner and `\/nonexistent\/mfa version` does not run/);
  });

  it('counts an `mfa` that answers `version` as installed', () => {
    expect(probeMfa({ python: '/nonexistent/python', alignOneCommand: ['echo', '3.4.1'] })).toEqual({ installed: true, detail: 'echo 3.4.1 version: 3.4.1 version' });
  });

  it('skips with one line saying why and how to enable it', async () => {
    const result = await compareWithMfa([], { modelDir: 'unused', fold: {} as never, threads: 1, log: () => {}, env: { MFA_PYTHON: 'python3', MFA_COMMAND: '/nonexistent/mfa' } });
    expect(result.status).toBe('skipped');
    expect(result.detail).toBe(skippedLine(probeMfa({ python: 'python3', alignOneCommand: ['/nonexistent/mfa'] })));
    expect(renderMfaComparison(result)).toEqual([result.detail]);
    expect(result.detail).toMatch(/^MFA comparison skipped: MFA is not installed .*set MFA_PYTHON/);
  });

  it('renders a comparison table with both aligners and the latencies', () => {
    const b = (mean: number) => ({ boundaries: 10, within_ms: { '20': 0.5, '40': 0.9 }, mean_abs_ms: mean, median_abs_ms: mean });
    const lines = renderMfaComparison({
      status: 'compared',
      detail: 'python3: montreal_forced_aligner 3.4.1',
      acoustic_model: 'english_mfa',
      utterances: 3,
      mfa_failures: [],
      ctc: b(15.2),
      mfa: b(9.8),
      latency_ms: { cold: 9000, warm_median: 300, warm_mean: 310, warm_calls: 2 },
    });
    expect(lines).toContain('| MFA | 10 | 50.0 % | 90.0 % | 9.8 ms |');
    expect(lines.at(-1)).toMatch(/cold 9000 ms .* warm median 300 ms, mean 310 ms over 2 calls/);
  });
});
