// The runtime's parts one at a time: settings from the environment, job-take answers, job-done
// retries, result bodies, the job runner, the cached lookup, and refresh_worker after a fatal
// error (an in-process worker with a test handler against the platform double).
import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../lib/errors.js';
import { jobDoneUrl, platformConfigFromEnv, withQuery, workerSettingsFromEnv, type PlatformConfig } from '../../workers/runtime/config.js';
import { createCachedLookup } from '../../workers/runtime/dns-cache.js';
import { httpRequest } from '../../workers/runtime/http.js';
import { postJobDone, retryDelayMs } from '../../workers/runtime/job-done.js';
import { errorBody, errorString, MAX_JOB_DONE_BYTES, serializeJobDone, successBody } from '../../workers/runtime/job-result.js';
import { runJob } from '../../workers/runtime/job-runner.js';
import { parseJobsToStop } from '../../workers/runtime/job-stop.js';
import { jobTakeRequestUrl, parseJobs, takeJobs } from '../../workers/runtime/job-take.js';
import { createLogger } from '../../workers/runtime/log.js';
import { PlatformWorker } from '../../workers/runtime/platform-worker.js';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.js';
import { uncaughtDuring } from '../helpers/outcomes.js';
import { PlatformDouble } from './platform-double.js';

const lines: string[] = [];
const log = createLogger({ level: 'DEBUG', write: (line) => lines.push(line) });
const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ENV = {
  RUNPOD_WEBHOOK_GET_JOB: 'https://api.runpod.ai/v2/ep1/job-take/$ID?gpu=NVIDIA+H100',
  RUNPOD_WEBHOOK_POST_OUTPUT: 'https://api.runpod.ai/v2/ep1/job-done/$RUNPOD_POD_ID/$ID?gpu=NVIDIA+H100',
  RUNPOD_WEBHOOK_PING: 'https://api.runpod.ai/v2/ep1/ping/$RUNPOD_POD_ID?gpu=NVIDIA+H100',
  RUNPOD_AI_API_KEY: 'raw-key',
  RUNPOD_POD_ID: 'pod42',
  RUNPOD_PING_INTERVAL: '2500',
};

describe('settings from the environment', () => {
  it('substitutes the worker and job ids into the platform URLs', () => {
    const config = platformConfigFromEnv(ENV)!;
    expect(config).toMatchObject({
      workerId: 'pod42',
      apiKey: 'raw-key',
      jobTakeUrl: 'https://api.runpod.ai/v2/ep1/job-take/pod42?gpu=NVIDIA+H100',
      jobStopUrl: 'https://api.runpod.ai/v2/ep1/job-stop/pod42?gpu=NVIDIA+H100',
      pingUrl: 'https://api.runpod.ai/v2/ep1/ping/pod42?gpu=NVIDIA+H100',
      pingIntervalMs: 2500,
    });
    expect(jobDoneUrl(config, 'job-7')).toBe('https://api.runpod.ai/v2/ep1/job-done/pod42/job-7?gpu=NVIDIA+H100&isStream=false');
    expect(jobTakeRequestUrl(config, { count: 1, batch: false, jobInProgress: false })).toBe('https://api.runpod.ai/v2/ep1/job-take/pod42?gpu=NVIDIA+H100&job_in_progress=0');
    expect(jobTakeRequestUrl(config, { count: 3, batch: true, jobInProgress: true })).toBe(
      'https://api.runpod.ai/v2/ep1/job-take-batch/pod42?gpu=NVIDIA+H100&batch_size=3&job_in_progress=1',
    );
  });

  it('is local mode without RUNPOD_WEBHOOK_GET_JOB, pings only with a pod id and key, and defaults', () => {
    expect(platformConfigFromEnv({})).toBeUndefined();
    expect(() => platformConfigFromEnv({ RUNPOD_WEBHOOK_GET_JOB: 'http://x/job-take/$ID' })).toThrow(/RUNPOD_WEBHOOK_POST_OUTPUT/);
    const noPod = platformConfigFromEnv({ ...ENV, RUNPOD_POD_ID: '' })!;
    expect(noPod.pingUrl).toBeUndefined();
    expect(noPod.workerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(platformConfigFromEnv({ ...ENV, RUNPOD_AI_API_KEY: undefined })!.pingUrl).toBeUndefined();
    expect(platformConfigFromEnv({ ...ENV, RUNPOD_PING_INTERVAL: undefined })!.pingIntervalMs).toBe(10_000);
    expect(withQuery('http://h/p', { a: 1, b: undefined, c: 'x y' })).toBe('http://h/p?a=1&c=x%20y');
    expect(workerSettingsFromEnv({})).toEqual({ concurrency: 1, shutdownGraceMs: 8000, jobDoneTimeoutMs: 30_000 });
    expect(workerSettingsFromEnv({ WORKER_CONCURRENCY: '4' }, '2').concurrency).toBe(2);
    expect(() => workerSettingsFromEnv({ WORKER_CONCURRENCY: '0' })).toThrow(/positive integer/);
  });
});

describe('job take', () => {
  it('parses one job, a batch, and no job', () => {
    expect(parseJobs('{"id":"a","input":{"x":1}}').jobs).toEqual([{ id: 'a', input: { x: 1 } }]);
    expect(parseJobs('[{"id":"a","input":1},{"id":"b","input":2,"webhook":"http://w"}]').jobs).toEqual([
      { id: 'a', input: 1 },
      { id: 'b', input: 2, webhook: 'http://w' },
    ]);
    expect(parseJobs('')).toEqual({ jobs: [], malformed: [] });
    expect(parseJobs('<html>')).toEqual({ jobs: [], malformed: [] });
    expect(parseJobs('"text"')).toEqual({ jobs: [], malformed: [] });
    // An id without input is a job (it will fail INVALID_INPUT); an entry without an id is not.
    expect(parseJobs('[{"id":"c"},{"input":3},null]')).toEqual({ jobs: [{ id: 'c', input: undefined }], malformed: [{ input: 3 }, null] });
  });

  it('reads the platform answers: 204 and 400 no job, 429 throttled, 5xx failed, JSON jobs', async () => {
    const answers: [number, string][] = [
      [204, ''],
      [400, ''],
      [429, ''],
      [500, 'oops'],
      [200, ''],
      [200, '{"id":"j1","input":{}}'],
      [200, '[{"id":"j2","input":{}},{"id":"j3","input":{}}]'],
    ];
    const server = await startLoopbackServer((req, res) => {
      const [status, body] = answers[Number(new URL(req.url!, 'http://x').searchParams.get('n'))];
      res.writeHead(status).end(body);
    });
    servers.push(server);
    const results = [];
    for (let n = 0; n < answers.length; n++) {
      const config = { jobTakeUrl: `${server.origin}/job-take/w?n=${n}`, apiKey: 'k' } as PlatformConfig;
      results.push(await takeJobs(config, { count: 2, batch: false, jobInProgress: false }));
    }
    expect(results.map((r) => r.kind)).toEqual(['none', 'none', 'throttled', 'failed', 'none', 'jobs', 'jobs']);
    expect(results[6]).toMatchObject({ jobs: [{ id: 'j2' }, { id: 'j3' }] });
    expect(server.requests.every((r) => r.headers.authorization === 'k')).toBe(true);
  });
});

describe('job done', () => {
  const config = (origin: string): PlatformConfig => ({
    workerId: 'w1',
    apiKey: 'k',
    jobTakeUrl: `${origin}/job-take/w1`,
    jobDoneTemplate: `${origin}/job-done/w1/$ID?gpu=x`,
    pingIntervalMs: 1000,
  });

  const fast = (ms: number) => ({ log, deadline: Date.now() + ms, firstRetryMs: 20 });

  it('retries 5xx, 408 and 429 with growing waits until accepted or the job\'s deadline, and not another 4xx', async () => {
    expect([1, 2, 3, 4, 10, 20].map((n) => retryDelayMs(n))).toEqual([2000, 3000, 4500, 6750, 30_000, 30_000]);
    let answers = [503];
    const server = await startLoopbackServer((_req, res) => res.writeHead(answers.length > 1 ? answers.shift()! : answers[0]).end());
    servers.push(server);
    const started = Date.now();
    expect(await postJobDone(config(server.origin), 'j1', { output: { a: 1 } }, fast(400))).toBe(false);
    // 20, 30, 45, 67.5, 101, 152 ms apart: six attempts before the next wait passes 400 ms (fewer
    // when the machine is slow), and none started after the deadline.
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(server.requests.length).toBeLessThanOrEqual(6);
    expect(Date.now() - started).toBeLessThan(400 + 250);
    const first = server.requests.length;
    answers = [413];
    expect(await postJobDone(config(server.origin), 'j2', { output: { a: 1 } }, fast(400))).toBe(false);
    expect(server.requests).toHaveLength(first + 1);
    answers = [500, 429, 408, 502, 503, 200];
    expect(await postJobDone(config(server.origin), 'j3', { output: { a: 1 } }, fast(2000))).toBe(true);
    expect(server.requests).toHaveLength(first + 7);
    const last = server.requests[first + 6];
    expect(last.url).toBe('/job-done/w1/j3?gpu=x&isStream=false');
    expect(last.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', charset: 'utf-8', 'x-request-id': 'j3', authorization: 'k' });
  });

  it('retries when the platform cannot be reached or does not answer, then gives up at the deadline or when told to stop', async () => {
    const closed = await startLoopbackServer((_req, res) => res.end());
    await closed.close();
    const started = Date.now();
    expect(await postJobDone(config(closed.origin), 'j4', { output: {} }, fast(200))).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(lines.some((l) => l.includes('could not be posted') && l.includes('deadline'))).toBe(true);
    // A platform that never answers: each attempt ends at attemptTimeoutMs; the signal ends it all.
    const silent = await startLoopbackServer(() => {});
    servers.push(silent);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 500);
    const before = Date.now();
    expect(await postJobDone(config(silent.origin), 'j5', { output: {} }, { ...fast(60_000), attemptTimeoutMs: 100, signal: stop.signal })).toBe(false);
    expect(Date.now() - before).toBeLessThan(1000);
    expect(silent.requests.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.includes('could not be posted (the worker is shutting down)'))).toBe(true);
  });

  it('builds result bodies: output, stopPod, and the error as a JSON string with the contract fields', () => {
    expect(successBody({ score: 1 }, false)).toEqual({ output: { score: 1 } });
    expect(successBody({ score: 1 }, true)).toEqual({ output: { score: 1 }, stopPod: true });
    const error = new EngineError('IPA_INVALID', 'Unknown symbol ǂ', { symbol: 'ǂ' });
    const body = errorBody(error, 'w1', { stopPod: true });
    expect(body.stopPod).toBe(true);
    expect(typeof body.error).toBe('string');
    expect(JSON.parse(body.error!)).toMatchObject({
      code: 'IPA_INVALID',
      message: 'Unknown symbol ǂ',
      details: { symbol: 'ǂ' },
      error_type: 'IPA_INVALID',
      error_message: 'Unknown symbol ǂ',
      worker_id: 'w1',
      runpod_version: expect.any(String),
      hostname: expect.any(String),
    });
    expect(JSON.parse(errorString(new EngineError('INTERNAL', 'x'), 'w', 'stack here')).error_traceback).toBe('stack here');
    // An output too large for the platform becomes an error rather than a lost result.
    const huge = JSON.parse(serializeJobDone({ output: { blob: 'x'.repeat(MAX_JOB_DONE_BYTES) } }, 'w1'));
    expect(JSON.parse(huge.error).code).toBe('INTERNAL');
    expect(parseJobsToStop('{"jobsToStop":["a","b",3]}')).toEqual(['a', 'b']);
    expect(parseJobsToStop('nope')).toEqual([]);
  });
});

describe('http client', () => {
  it('refuses a request whose signal has already aborted without sending it, and nothing is thrown later', async () => {
    const server = await startLoopbackServer((_req, res) => res.end('ok'));
    servers.push(server);
    const stop = new AbortController();
    stop.abort(new Error('the worker is shutting down'));
    const uncaught = await uncaughtDuring(async () => {
      await expect(httpRequest({ method: 'POST', url: `${server.origin}/job-done`, body: '{}', timeoutMs: 1000, signal: stop.signal })).rejects.toThrow('shutting down');
    });
    expect(uncaught).toEqual([]);
    expect(server.requests).toEqual([]);
    expect((await httpRequest({ method: 'GET', url: server.origin, timeoutMs: 1000 })).body).toBe('ok');
  });

  it('an abort or a timeout while the platform is silent rejects the request, and nothing is thrown later', async () => {
    const silent = await startLoopbackServer(() => {});
    servers.push(silent);
    const uncaught = await uncaughtDuring(async () => {
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 50);
      await expect(httpRequest({ method: 'POST', url: silent.origin, body: '{}', timeoutMs: 5000, signal: stop.signal })).rejects.toThrow();
      await expect(httpRequest({ method: 'GET', url: silent.origin, timeoutMs: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    });
    expect(uncaught).toEqual([]);
  });
});

describe('job runner', () => {
  const signal = () => new AbortController().signal;
  const job = { id: 'j', input: { a: 1 } };

  it('turns returns and throws into outcomes', async () => {
    expect(await runJob(async (input) => ({ echo: input }), job, { signal: signal(), log })).toEqual({ kind: 'output', output: { echo: { a: 1 } }, refreshWorker: false });
    expect(await runJob(async () => ({ v: 1, refresh_worker: true }), job, { signal: signal(), log })).toEqual({ kind: 'output', output: { v: 1 }, refreshWorker: true });
    const thrown = await runJob(async () => { throw new EngineError('AUDIO_SILENT', 'quiet'); }, job, { signal: signal(), log });
    expect(thrown).toMatchObject({ kind: 'error', fatal: false, error: { code: 'AUDIO_SILENT' } });
    const fatal = await runJob(async () => { throw new EngineError('MODEL_UNAVAILABLE', 'gpu gone'); }, job, { signal: signal(), log });
    expect(fatal).toMatchObject({ kind: 'error', fatal: true });
    const bug = await runJob(async () => { throw new TypeError('boom'); }, job, { signal: signal(), log });
    expect(bug).toMatchObject({ kind: 'error', error: { code: 'INTERNAL', message: 'boom' }, traceback: expect.stringContaining('TypeError') });
    const returned = await runJob(async () => ({ error: 'handler said no' }), job, { signal: signal(), log });
    expect(returned).toMatchObject({ kind: 'error', error: { code: 'INTERNAL', message: 'handler said no' } });
  });

  it('ends at once when the signal aborts, whatever the handler does', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const outcome = await runJob(() => new Promise(() => {}), job, { signal: controller.signal, log });
    expect(outcome).toMatchObject({ kind: 'aborted', reason: { message: 'stop' } });
  });
});

describe('cached lookup', () => {
  it('resolves a host once and answers later lookups from the cache, even while a refresh is stuck', async () => {
    let calls = 0;
    const resolver = (_host: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => {
      calls += 1;
      if (calls === 1) setTimeout(() => callback(null, [{ address: '127.0.0.1', family: 4 }]), 5);
      // Later resolutions never answer: a thread pool with every thread busy.
    };
    const lookup = createCachedLookup(30, resolver);
    const ask = (all: boolean) =>
      new Promise<unknown>((resolve, reject) =>
        lookup('platform.test', { all }, (error: NodeJS.ErrnoException | null, address: string | LookupAddress[]) => (error ? reject(error) : resolve(address))),
      );
    expect(await ask(false)).toBe('127.0.0.1');
    expect(await ask(true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Stale now: answered from the cache at once while the refresh hangs.
    expect(await ask(false)).toBe('127.0.0.1');
    expect(await ask(false)).toBe('127.0.0.1');
    expect(calls).toBe(2);
  });
});

describe('refresh_worker after a fatal error', () => {
  it('posts the error with stopPod, stops taking jobs, and exits 1', async () => {
    const platform = await PlatformDouble.start({ holdMs: 200 });
    try {
      const config = platformConfigFromEnv(platform.env('pod-fatal', 100))!;
      const handler = async (input: unknown) => {
        if ((input as { fail?: boolean }).fail) throw new EngineError('MODEL_UNAVAILABLE', 'CUDA device lost');
        return { ok: true };
      };
      const worker = new PlatformWorker({ handler, config, settings: { concurrency: 1, shutdownGraceMs: 1000, jobDoneTimeoutMs: 1000 }, log });
      platform.enqueue({ id: 'fine', input: {} }, { id: 'fatal', input: { fail: true } }, { id: 'never', input: {} });
      expect(await worker.run()).toBe(1);
      expect(platform.accepted('fine')[0].body).toEqual({ output: { ok: true } });
      const fatal = platform.accepted('fatal')[0].body;
      expect(fatal.stopPod).toBe(true);
      expect(JSON.parse(fatal.error!).code).toBe('MODEL_UNAVAILABLE');
      expect(platform.queued).toBe(1);
      expect(platform.violations).toEqual([]);
    } finally {
      await platform.close();
    }
  });
});

describe('results under job-done faults (in-process worker, platform double)', () => {
  const settings = { concurrency: 2, shutdownGraceMs: 2000, jobDoneTimeoutMs: 150 };

  it('delivers every result through runs of failed posts, reporting a job twice only when a failed answer came after the platform recorded it', async () => {
    const platform = await PlatformDouble.start({ holdMs: 100 });
    try {
      const config = platformConfigFromEnv(platform.env('pod-faults', 100))!;
      const worker = new PlatformWorker({ handler: async (input) => ({ echo: input }), config, settings, log, firstRetryMs: 20 });
      // Five failures in a row (runpod-python, and this worker before, gave up after three).
      platform.failJobDone('persist', [500, 'reset', 'hang', 503, 'reset']);
      platform.failJobDone('recorded-then-500', [{ recorded: true, then: 500 }]);
      platform.failJobDone('recorded-then-reset', [{ recorded: true, then: 'reset' }]);
      platform.enqueue({ id: 'persist', input: 1 }, { id: 'recorded-then-500', input: 2 }, { id: 'recorded-then-reset', input: 3 }, { id: 'plain', input: 4 });
      const running = worker.run();
      await platform.waitFor(() => ['persist', 'recorded-then-500', 'recorded-then-reset', 'plain'].every((id) => platform.accepted(id).length > 0), 20_000, 'every result');
      worker.shutdown('test over');
      expect(await running).toBe(0);
      expect(platform.dones.filter((d) => d.jobId === 'persist').map((d) => d.answered)).toEqual([500, 'reset', 'hang', 503, 'reset', 200]);
      expect(platform.accepted('persist')).toHaveLength(1);
      expect(platform.accepted('persist')[0].body).toEqual({ output: { echo: 1 } });
      expect(platform.accepted('recorded-then-500')).toHaveLength(2);
      expect(platform.accepted('recorded-then-reset')).toHaveLength(2);
      expect(platform.accepted('plain')).toHaveLength(1);
      expect(platform.violations).toEqual([]);
    } finally {
      await platform.close();
    }
  });

  it('ends its shutdown within the grace period when job-done hangs, naming the results it could not deliver', async () => {
    const platform = await PlatformDouble.start({ holdMs: 100 });
    try {
      const config = platformConfigFromEnv(platform.env('pod-hang', 100))!;
      const worker = new PlatformWorker({ handler: async () => ({ ok: true }), config, settings: { ...settings, shutdownGraceMs: 800, jobDoneTimeoutMs: 30_000 }, log });
      platform.failJobDone('hung', ['hang', 'hang', 'hang', 'hang']);
      platform.enqueue({ id: 'hung', input: {} });
      const running = worker.run();
      await platform.waitFor(() => platform.dones.some((d) => d.jobId === 'hung'), 5000, 'the first post');
      const signalled = Date.now();
      worker.shutdown('SIGTERM');
      expect(await running).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(1300);
      const stopped = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'results that could not be delivered' && l.jobs?.includes('hung'));
      expect(stopped).toBeDefined();
    } finally {
      await platform.close();
    }
  });
});
