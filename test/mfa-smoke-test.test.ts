// The image's build-time MFA smoke test (workers/assess/mfa-smoke-test.ts), run here where MFA is
// not installed: it must fail on the real helper (no MFA here) and on a missing `mfa`, and pass when
// `mfa align_one` aligns, here the STAND-IN replaying made-up timings for the example recording
// (test/fixtures/mfa/stand-in-001040067.json). Whether real MFA passes it only the image build shows.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAND_IN } from './helpers/mfa-stand-in.js';

const ROOT = join(import.meta.dirname, '..');
const SMOKE = join(ROOT, 'dist', 'workers', 'assess', 'mfa-smoke-test.js');
const STAND_IN_MFA = `python3 ${STAND_IN} --cli --recording ${join(ROOT, 'test', 'fixtures', 'mfa', 'stand-in-001040067.json')} --`;

const smoke = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [SMOKE, ...args], { encoding: 'utf8', env: { ...process.env, MODEL_DIR: '', ...env } });

describe('MFA smoke test script', () => {
  it('passes when `mfa align_one` aligns the example recording', () => {
    const run = smoke(['align_one'], { MFA_COMMAND: STAND_IN_MFA });
    expect(run.stderr).not.toMatch(/FAILED/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/MFA smoke test \(align_one\): ok \{"source":"mfa","requested":"mfa","mfa":\{"acoustic_model":"english_mfa"/);
  });

  it('fails where the helper cannot load MFA (this machine) and where `mfa` is missing', () => {
    const helper = smoke(['helper'], { MFA_PYTHON: 'python3' });
    expect(helper.status).toBe(1);
    expect(helper.stderr).toMatch(/MFA smoke test \(helper\) FAILED .*ALIGNMENT_FAILED/s);
    expect(helper.stderr).toMatch(/No module named 'montreal_forced_aligner'/);
    const missing = smoke(['align_one'], { MFA_COMMAND: '/nonexistent/mfa' });
    expect(missing.status).toBe(1);
  });
});
