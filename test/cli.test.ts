// The CLI as a user runs it: a real process, real files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractViolations } from './helpers/contract.js';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'lib', 'cli.js');
const MODEL = join(ROOT, 'models', 'plumbing');
// 000010011: "WE CALL IT BEAR", from ../shared (beside the checkout, as in CI).
const RECORDING = join(ROOT, '..', 'shared', 'data', 'speechocean762-dev', 'audio', '000010011.flac');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('pronunciation-engine CLI', () => {
  const recording = RECORDING;

  it.runIf(existsSync(RECORDING))('prints contract JSON for a speechocean762 recording', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ', '--model', MODEL);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(contractViolations(result)).toEqual([]);
  });

  it.runIf(existsSync(RECORDING))('prints a table with --pretty', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ', '--model', MODEL, '--pretty');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^score\s+\d\.\d{3}/);
    expect(run.stdout).toMatch(/phone\s+status\s+start s/);
    expect(run.stdout.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(10);
  });

  it.runIf(existsSync(RECORDING))('reports bad input as a typed JSON error with exit code 2', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ ǂ', '--model', MODEL);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'IPA_INVALID', message: expect.stringContaining('ǂ') });
  });

  it('rejects unknown options and missing arguments', () => {
    expect(JSON.parse(cli('assess', recording, '--bogus').stderr).code).toBe('INVALID_INPUT');
    expect(JSON.parse(cli('assess', recording, '--model', MODEL).stderr).code).toBe('INVALID_INPUT');
  });
});
