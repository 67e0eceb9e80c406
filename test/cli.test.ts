// The CLI as a user runs it: a real process, real files.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { contractViolations } from './helpers/contract.js';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'lib', 'cli.js');
const MODEL = join(ROOT, 'models', 'plumbing');
// 000010011: "WE CALL IT BEAR", speechocean762 (CC BY 4.0, test/fixtures/speechocean762).
const RECORDING = join(ROOT, 'test', 'fixtures', 'speechocean762', 'audio', '000010011.flac');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('pronunciation-engine CLI', () => {
  const recording = RECORDING;

  it('prints contract JSON for a speechocean762 recording', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ', '--model', MODEL);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(contractViolations(result)).toEqual([]);
  });

  it('logprobs prints the engine\'s frame log-probs as JSON, or as float32 with --f32, the same values', () => {
    const example = join(ROOT, 'examples', '001040067.flac');
    const json = cli('logprobs', example, '--model', MODEL, '--json');
    expect(json.status, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.log_probs).toHaveLength(result.num_frames);
    expect(result.num_frames).toBe(Math.floor(80000 / result.frame_shift_samples));
    for (const row of result.log_probs) {
      expect(row).toHaveLength(result.vocab_size);
      expect(row.reduce((sum: number, lp: number) => sum + Math.exp(lp), 0)).toBeCloseTo(1, 4);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'logprobs-')), 'lp.f32');
    const f32 = cli('logprobs', example, '--model', MODEL, '--f32', file);
    expect(f32.status, f32.stderr).toBe(0);
    const { log_probs: _rows, ...header } = result;
    expect(JSON.parse(f32.stdout)).toEqual(header);
    const bytes = readFileSync(file);
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual(result.log_probs.flat());
    expect(cli('logprobs', example, '--model', MODEL).status).toBe(2);
  });

  it('prints a table with --pretty', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ', '--model', MODEL, '--pretty');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^score\s+\d\.\d{3}/);
    expect(run.stdout).toMatch(/^flags\s+(none|DIFFERENT_SENTENCE)$/m);
    expect(run.stdout).toMatch(/phone\s+status\s+start s/);
    expect(run.stdout.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(10);
  });

  it('reports bad input as a typed JSON error with exit code 2', () => {
    const run = cli('assess', recording, '--target', 'wi kɔl ɪt bɛɹ ǂ', '--model', MODEL);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'IPA_INVALID', message: expect.stringContaining('ǂ') });
  });

  it('answers a command line over 33 KB (a long --target or path) with a typed error, not a crash', () => {
    // ONNX Runtime's telemetry used to overflow a thread's stack reading such a command line
    // (SIGSEGV, exit status null here); the addon now opts out of it (model/ort_env.h).
    const example = join(ROOT, 'examples', '001040067.flac');
    const longTarget = cli('assess', example, '--target', 'ə'.repeat(20_000), '--model', MODEL);
    expect(longTarget.signal).toBeNull();
    expect(longTarget.status, longTarget.stderr).toBe(2);
    expect(JSON.parse(longTarget.stderr).code).toBe('AUDIO_TOO_SHORT');
    const longPath = cli('assess', `${'./'.repeat(20_000)}examples/001040067.flac`, '--target', 'ə', '--model', MODEL);
    expect(longPath.signal).toBeNull();
    expect(longPath.status, longPath.stderr).toBe(2);
    expect(JSON.parse(longPath.stderr).code).toBe('AUDIO_UNDECODABLE');
  });

  it('rejects unknown options and missing arguments', () => {
    expect(JSON.parse(cli('assess', recording, '--bogus').stderr).code).toBe('INVALID_INPUT');
    expect(JSON.parse(cli('assess', recording, '--model', MODEL).stderr).code).toBe('INVALID_INPUT');
  });

  it('--precision: anything but fp32/fp16 is an input error; fp16 needs the bundle\'s model_fp16', () => {
    const example = join(ROOT, 'examples', '001040067.flac');
    const bad = cli('logprobs', example, '--model', MODEL, '--json', '--precision', 'fp64');
    expect(JSON.parse(bad.stderr)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('--precision') });
    const noFp16 = cli('logprobs', example, '--model', MODEL, '--json', '--precision', 'fp16');
    expect(JSON.parse(noFp16.stderr)).toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringContaining('model_fp16') });
    const fp32 = cli('logprobs', example, '--model', MODEL, '--json', '--precision', 'fp32');
    expect(fp32.status, fp32.stderr).toBe(0);
  });

  it('--strictness picks the bundled scorer\'s level (recorded in scoring); anything else is an input error', () => {
    const bundled = join(ROOT, 'models', 'default');
    const strict = cli('assess', RECORDING, '--target', 'wi kɔl ɪt bɛɹ', '--model', bundled, '--strictness', 'strict');
    expect(strict.status, strict.stderr).toBe(0);
    const result = JSON.parse(strict.stdout);
    expect(contractViolations(result)).toEqual([]);
    expect(result.scoring).toMatchObject({ method: 'calibrated', strictness: 'strict' });
    const bad = cli('assess', RECORDING, '--target', 'wi kɔl ɪt bɛɹ', '--model', bundled, '--strictness', 'harsh');
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('--strictness') });
  });
});
