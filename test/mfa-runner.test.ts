// The MFA runner (lib/mfa/aligner.ts, pool.ts, helper-process.ts, align-one.ts) against a
// STAND-IN helper: test/helpers/mfa-stand-in.py runs the real helper's protocol loop but replays
// MFA's recorded alignment instead of aligning (MFA cannot be installed here). Every test checks
// that no request files or helper folders are left behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MfaAligner, type MfaOutcome } from '../lib/mfa/aligner.js';
import { HelperProcess } from '../lib/mfa/helper-process.js';
import type { MfaOptions } from '../lib/mfa/options.js';
import { MICHAEL_SAMPLES, michaelTarget, RECORDED_STARTS, standInAlignOne, standInHelper } from './helpers/mfa-stand-in.js';

const target = michaelTarget();
const input = { samples: new Float32Array(MICHAEL_SAMPLES).fill(0.01), targetPhones: target.phones, wordOfPhone: target.wordOfPhone };

let dir: string;
let aligners: MfaAligner[];
let logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-runner-test-'));
  aligners = [];
  logs = [];
});

afterEach(async () => {
  await Promise.all(aligners.map((a) => a.close()));
  const work = join(dir, 'work');
  // Helpers' folders are removed when they exit, request folders when each request ends.
  if (existsSync(work)) expect(readdirSync(work)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

function aligner(options: MfaOptions): MfaAligner {
  const work = join(dir, 'work');
  const a = new MfaAligner({
    tempDir: (mkdirWork(work), work),
    alignOneCommand: null,
    log: (level, message, fields) => logs.push({ level, message, fields }),
    ...options,
  });
  aligners.push(a);
  return a;
}

function mkdirWork(path: string) {
  if (!existsSync(path)) mkdirSync(path);
}

const failureOf = (outcome: MfaOutcome) => (outcome.ok ? undefined : outcome.failure.reason);

describe('MFA runner with the stand-in helper', () => {
  it('aligns through a warm helper: the recorded spans, the helper kept for the next request', async () => {
    const a = aligner({ helperCommand: standInHelper() });
    const first = await a.align(input);
    if (!first.ok) throw first.failure;
    expect(first.spans.map((s) => s.start)).toEqual(RECORDED_STARTS);
    expect(first.spans[17]).toEqual({ start: 19200, end: MICHAEL_SAMPLES });
    expect(first.info).toMatchObject({ acoustic_model: 'english_mfa', phone_set: 'english_mfa', runner: 'helper', beam: 10, retry_beam: 40 });
    const second = await a.align(input);
    expect(second.ok).toBe(true);
    expect(a.helperStarts).toBe(1);
    // While the helper lives, only its own folder remains.
    expect(readdirSync(join(dir, 'work')).map((n) => n.replace(/-\w+$/, ''))).toEqual(['pe-mfa-helper']);
  });

  it.each([
    ['a request past its timeout fails with timeout; the hung helper is replaced', 'hang', { timeoutMs: 1500 }, 'timeout', 'MFA took longer than 1500 ms; the helper was stopped'],
    ['a helper crashing mid-request fails that request with crash (its stderr in the message); the next one is served', 'crash', {}, 'crash', 'stand-in: crashing mid-request'],
    ['garbage on the protocol stream fails the request with unusable_output and restarts the helper', 'garbage', {}, 'unusable_output', 'not the protocol'],
  ] as const)('%s', async (_, mode, options, reason, message) => {
    const a = aligner({ helperCommand: standInHelper({ mode, state: join(dir, 'once') }), ...options });
    const failed = await a.align(input);
    expect(failureOf(failed)).toBe(reason);
    expect(failed.ok ? '' : failed.failure.message).toContain(message);
    expect((await a.align(input)).ok).toBe(true);
    expect(a.helperStarts).toBe(2);
  });

  it('a killed helper takes no more requests at once, before it has exited', async () => {
    const work = join(dir, 'work');
    mkdirWork(work);
    const helper = await HelperProcess.start({ command: standInHelper(), tempDir: work }, 30_000);
    const exited = new Promise<void>((resolve) => helper.onceExit(() => resolve()));
    expect(helper.alive).toBe(true);
    helper.kill();
    expect(helper.alive).toBe(false);
    await expect(helper.request({ type: 'align', id: 1 } as never, 1000)).rejects.toMatchObject({ reason: 'crash' });
    await exited;
  });

  it('a beam failure is retried with the wider beam; a second one is reported as beam', async () => {
    const wide = aligner({ helperCommand: standInHelper({ mode: 'beam-below=100' }) });
    const retried = await wide.align(input);
    if (!retried.ok) throw retried.failure;
    expect(retried.info).toMatchObject({ beam: 100, retry_beam: 400 });
    expect(logs.some((l) => l.message.includes('wider beam'))).toBe(true);
    const never = aligner({ helperCommand: standInHelper({ mode: 'beam-always' }) });
    expect(failureOf(await never.align(input))).toBe('beam');
  });

  it('runs poolSize requests at once on separate helpers', async () => {
    const events = join(dir, 'events.jsonl');
    const a = aligner({ helperCommand: standInHelper({ delayMs: 600, events }), poolSize: 2 });
    await a.warm();
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => a.align(input)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const runs = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; start: number; end: number });
    expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
    const overlap = (t: number) => runs.filter((r) => r.start <= t && t < r.end).length;
    expect(Math.max(...runs.map((r) => overlap(r.start)))).toBe(2);
  });

  it('refuses requests beyond the queue cap with queue_full, serves the rest', async () => {
    const a = aligner({ helperCommand: standInHelper({ delayMs: 500 }), poolSize: 1, maxQueue: 1 });
    await a.warm();
    const outcomes = await Promise.all([1, 2, 3].map(() => a.align(input)));
    // Which of the three reaches the pool last depends on file writes; exactly one is refused.
    expect(outcomes.map(failureOf).sort()).toEqual(['queue_full', undefined, undefined]);
  });

  it('a target phone without a mapping fails with unmapped_phone, naming it', async () => {
    const a = aligner({ helperCommand: standInHelper() });
    const outcome = await a.align({ ...input, targetPhones: ['ʘ', ...input.targetPhones.slice(1)] });
    expect(failureOf(outcome)).toBe('unmapped_phone');
    expect(outcome.ok ? undefined : outcome.failure.details).toMatchObject({ phone: 'ʘ' });
  });

  it('a phone the running model lacks is refused by the helper too (unknown_phone -> unmapped_phone)', async () => {
    const outcome = await aligner({ helperCommand: standInHelper({ refuse: ['tʲ'] }) }).align(input);
    expect(failureOf(outcome)).toBe('unmapped_phone');
    expect(outcome.ok ? '' : outcome.failure.message).toContain('phones not in acoustic model: tʲ');
  });

  it('audio under 13 frames is audio_too_short, without asking MFA', async () => {
    const a = aligner({ helperCommand: standInHelper() });
    expect(failureOf(await a.align({ ...input, samples: new Float32Array(2000) }))).toBe('audio_too_short');
    expect(a.helperStarts).toBe(0);
  });

  it('after close, requests fail with closed and no helper is left running', async () => {
    const a = aligner({ helperCommand: standInHelper() });
    expect((await a.align(input)).ok).toBe(true);
    await a.close();
    expect(failureOf(await a.align(input))).toBe('closed');
  });
});

describe('when helpers cannot start', () => {
  it.each([
    ['the model cannot load (fatal)', { mode: 'fatal' }, {}],
    ['the helper never says ready', { mode: 'silent' }, { startTimeoutMs: 800 }],
    ['the helper does not exist', undefined, {}],
  ])('%s: unavailable without a fallback', async (_name, standIn, extra) => {
    const a = aligner({ helperCommand: standIn ? standInHelper(standIn) : ['/nonexistent/python3'], ...extra });
    const outcome = await a.align(input);
    expect(failureOf(outcome)).toBe('unavailable');
    expect(logs.some((l) => l.message.includes('cannot start'))).toBe(true);
  });

  it('falls back to `mfa align_one` per request, says so once in the logs, and passes the arguments MFA needs', async () => {
    const events = join(dir, 'events.jsonl');
    const a = aligner({ helperCommand: standInHelper({ mode: 'fatal' }), alignOneCommand: standInAlignOne({ events }) });
    const first = await a.align(input);
    if (!first.ok) throw first.failure;
    expect(first.info.runner).toBe('align_one');
    expect(first.spans.map((s) => s.start)).toEqual(RECORDED_STARTS);
    expect((await a.align(input)).ok).toBe(true);
    expect(logs.filter((l) => l.message.includes('mfa align_one')).length).toBe(1);
    const argv = JSON.parse(readFileSync(events, 'utf8').split('\n')[0]).argv as string[];
    expect(argv.slice(0, 1)).toEqual(['align_one']);
    expect(argv[4]).toBe('english_mfa');
    expect(argv[5]).toBe('-');
    expect(argv).toEqual(expect.arrayContaining(['--output_format', 'json', '--no_tokenization', '--beam', '10', '--retry_beam', '40', '-t']));
  });

  it('helpers that crashed and cannot start again hand the request over to align_one', async () => {
    const a = aligner({
      helperCommand: standInHelper({ mode: 'crash', state: join(dir, 'once'), startOnce: join(dir, 'started') }),
      alignOneCommand: standInAlignOne({ phones: [] }),
    });
    expect(failureOf(await a.align(input))).toBe('crash');
    const next = await a.align(input);
    if (!next.ok) throw next.failure;
    expect(next.info.runner).toBe('align_one');
    expect(a.helperStarts).toBe(3); // the first, then two failed restarts
    expect(logs.some((l) => l.message.includes('mfa align_one'))).toBe(true);
  });

  it('align_one: a beam failure is retried wider, then reported', async () => {
    const a = aligner({ helperCommand: standInHelper({ mode: 'fatal' }), alignOneCommand: standInAlignOne({ mode: 'beam-always' }) });
    expect(failureOf(await a.align(input))).toBe('beam');
    expect(logs.some((l) => l.message.includes('wider beam'))).toBe(true);
  });
});
