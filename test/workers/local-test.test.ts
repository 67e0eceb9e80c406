// One-shot local runs of the assess worker: --test-input and ./test_input.json.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractViolations } from '../helpers/contract.js';
import { ROOT, spawnWorker } from './spawn-worker.js';

const RECORDING = readFileSync(join(ROOT, 'examples', '001040067.flac'));
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

describe('one-shot runs', () => {
  it('runs ./test_input.json and prints the COMPLETED result (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'test-input-'));
    writeFileSync(join(dir, 'test_input.json'), JSON.stringify({ input: { audio_uri: `data:audio/flac;base64,${RECORDING.toString('base64')}`, target_ipa: TARGET } }));
    const run = spawnWorker([], {}, { cwd: dir });
    expect(await run.exit).toBe(0);
    const printed = JSON.parse(run.stdout());
    expect(printed).toMatchObject({ id: 'local_test', status: 'COMPLETED' });
    expect(contractViolations(printed.output)).toEqual([]);
  });

  it('--test-input prints FAILED with the contract error and exits 1 on a bad input', async () => {
    const run = spawnWorker(['--test-input', JSON.stringify({ input: { audio_uri: 'https://example.invalid/a.wav', target_ipa: 'h', speed: 'fast' } })], {});
    expect(await run.exit).toBe(1);
    const printed = JSON.parse(run.stdout());
    expect(printed.status).toBe('FAILED');
    expect(JSON.parse(printed.error)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"speed"') });
  });

  it('runs a 115 KB --test-input (the recording itself): ONNX Runtime no longer crashes on long command lines', async () => {
    const input = JSON.stringify({ input: { audio_uri: `data:audio/flac;base64,${RECORDING.toString('base64')}`, target_ipa: TARGET } });
    expect(input.length).toBeGreaterThan(100_000);
    const run = spawnWorker(['--test-input', input], {});
    expect(await run.exit).toBe(0);
    const printed = JSON.parse(run.stdout());
    expect(printed).toMatchObject({ status: 'COMPLETED' });
    expect(contractViolations(printed.output)).toEqual([]);
  });

  it('refuses a payload without "input" and a missing mode, with exit 1', async () => {
    const noInput = spawnWorker(['--test-input', '{"audio_uri": "x"}'], {});
    expect(await noInput.exit).toBe(1);
    expect(noInput.stderr()).toMatch(/with an "input" field/);
    const nothing = spawnWorker([], {}, { cwd: mkdtempSync(join(tmpdir(), 'no-mode-')) });
    expect(await nothing.exit).toBe(1);
    expect(nothing.stderr()).toMatch(/Nothing to do/);
  });

  it('applies AUDIO_MAX_DURATION_SEC through the decoder: longer audio is AUDIO_TOO_LONG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'too-long-'));
    writeFileSync(join(dir, 'test_input.json'), JSON.stringify({ input: { audio_base64: RECORDING.toString('base64'), target_ipa: TARGET } }));
    const run = spawnWorker([], { AUDIO_MAX_DURATION_SEC: '3' }, { cwd: dir });
    expect(await run.exit).toBe(1);
    expect(JSON.parse(JSON.parse(run.stdout()).error).code).toBe('AUDIO_TOO_LONG');
  });

  it('exits 1 when the model cannot be loaded', async () => {
    const run = spawnWorker(['--test-input', '{"input": {}}'], { MODEL_DIR: join(tmpdir(), 'no-such-model') });
    expect(await run.exit).toBe(1);
    expect(run.logs.some((l) => l.message === 'worker failed to start' && l.code === 'MODEL_UNAVAILABLE')).toBe(true);
  });
});
