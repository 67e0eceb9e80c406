// The assess worker's local server (--serve) driven by the official runpod-sdk client, unchanged,
// through its baseUrl: runSync, run + status, statusSync, stream, cancel, health, purgeQueue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import runpodSdk from 'runpod-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractViolations } from '../helpers/contract.js';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.js';
import { ROOT, spawnWorker, type SpawnedWorker } from './spawn-worker.js';

const RECORDING = readFileSync(join(ROOT, 'examples', '001040067.flac'));
const DATA_URI = `data:audio/flac;base64,${RECORDING.toString('base64')}`;
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

let server: SpawnedWorker;
let audio: LoopbackServer;
let baseUrl: string;
type Endpoint = NonNullable<ReturnType<ReturnType<typeof runpodSdk>['endpoint']>>;
let endpoint: Endpoint;

const slowUri = (ms: number, name: string) => `${audio.origin}/slow/${ms}/${name}.flac`;

beforeAll(async () => {
  audio = await startLoopbackServer((req, res) => {
    const delay = Number(/^\/slow\/(\d+)\//.exec(req.url ?? '')?.[1] ?? 0);
    const timer = setTimeout(() => res.writeHead(200, { 'content-length': RECORDING.length }).end(RECORDING), delay);
    res.on('close', () => clearTimeout(timer));
  });
  server = spawnWorker(['--serve', '--port', '0', '--concurrency', '1'], { AUDIO_FETCH_ALLOW_PRIVATE: '1' });
  const listening = await server.waitForLog((l) => l.message === 'local server listening');
  baseUrl = String(listening.base_url);
  endpoint = runpodSdk('local-key', { baseUrl }).endpoint('assess')!;
  // The SDK logs each status-sync poll with console.log.
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterAll(async () => {
  server.process.kill('SIGTERM');
  expect(await server.exit).toBe(0);
  await audio.close();
});

async function waitForStatus(id: string, statuses: string[]): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const status = (await endpoint.status(id)) as unknown as Record<string, unknown>;
    if (statuses.includes(String(status.status))) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} never reached ${statuses}`);
}

describe('local server with the runpod-sdk client', () => {
  it('runSync returns the contract JSON', async () => {
    const result = await endpoint.runSync({ input: { audio_uri: DATA_URI, target_ipa: TARGET, language: 'en-us', options: { aligner: 'ctc' } } });
    expect(result.status).toBe('COMPLETED');
    expect(result).toMatchObject({ completed: true, succeeded: true });
    expect(contractViolations(result.output)).toEqual([]);
    expect(result.output.target_ipa).toBe('l eɪ l ə ɪ z ɡ ʊ d æ t s ɜː f ɪ ŋ');
    expect(result.executionTime).toBeGreaterThan(0);
    expect(result.delayTime).toBeGreaterThanOrEqual(0);
  });

  it('runSync reports a bad input as FAILED with the contract error JSON', async () => {
    const result = (await endpoint.runSync({ input: { audio_uri: DATA_URI, target_ipa: TARGET, bogus: true } })) as unknown as Record<string, unknown>;
    expect(result.status).toBe('FAILED');
    const error = JSON.parse(String(result.error));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', error_type: 'INVALID_INPUT' });
    expect(error.message).toMatch(/unknown field "bogus"/);
  });

  it('run, then status until COMPLETED; statusSync waits for the result', async () => {
    const queued = await endpoint.run({ input: { audio_base64: RECORDING.toString('base64'), target_ipa: TARGET } });
    expect(queued.status).toBe('IN_QUEUE');
    const done = await waitForStatus(queued.id, ['COMPLETED', 'FAILED']);
    expect(done.status).toBe('COMPLETED');
    expect(contractViolations(done.output as never)).toEqual([]);

    const slow = await endpoint.run({ input: { audio_uri: slowUri(800, 'sync'), target_ipa: TARGET } });
    const synced = (await endpoint.statusSync(slow.id, 10_000)) as unknown as Record<string, unknown>;
    expect(synced.status).toBe('COMPLETED');
    const chunks = [];
    for await (const chunk of endpoint.stream(slow.id)) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(contractViolations(chunks[0].output)).toEqual([]);
  });

  it('runSync follows a job past its wait through status-sync', async () => {
    // wait=1000 on /runsync, so the SDK polls /status-sync until the 1.5 s job completes.
    const result = await endpoint.runSync({ input: { audio_uri: slowUri(1500, 'runsync'), target_ipa: TARGET } }, 3000);
    expect(result.status).toBe('COMPLETED');
  });

  it('cancels a queued and a running job, purges the queue, and reports health', async () => {
    const running = await endpoint.run({ input: { audio_uri: slowUri(3000, 'running'), target_ipa: TARGET } });
    const queued = await Promise.all([1, 2, 3, 4].map((i) => endpoint.run({ input: { audio_uri: slowUri(10, `queued-${i}`), target_ipa: TARGET } })));
    await waitForStatus(running.id, ['IN_PROGRESS']);

    const health = await endpoint.health();
    expect(health.jobs).toMatchObject({ inProgress: 1, inQueue: 4 });
    expect(health.workers).toMatchObject({ running: 1, idle: 0 });

    const cancelled = await endpoint.cancel(queued[0].id);
    expect(cancelled).toMatchObject({ id: queued[0].id, status: 'CANCELLED' });
    expect((await endpoint.status(queued[0].id)).status).toBe('CANCELLED');

    const purged = await endpoint.purgeQueue();
    expect(purged).toEqual({ removed: 3, status: 'completed' });
    await expect(endpoint.status(queued[1].id)).rejects.toThrow(/404/);

    const stopped = await endpoint.cancel(running.id);
    expect(stopped.status).toBe('CANCELLED');
    const after = await endpoint.health();
    expect(after.jobs).toMatchObject({ inProgress: 0, inQueue: 0 });
    expect(after.jobs.completed).toBeGreaterThanOrEqual(3);
    expect(after.jobs.failed).toBeGreaterThanOrEqual(1);
  });

  it('times a job out by its executionTimeout policy, and retries a failed job', async () => {
    const job = await endpoint.run({ input: { audio_uri: slowUri(5000, 'timeout'), target_ipa: TARGET }, policy: { executionTimeout: 300 } });
    const timedOut = await waitForStatus(job.id, ['TIMED_OUT', 'COMPLETED', 'FAILED']);
    expect(timedOut.status).toBe('TIMED_OUT');

    const failed = await endpoint.run({ input: { audio_uri: DATA_URI, target_ipa: 'ǂ' } });
    expect((await waitForStatus(failed.id, ['FAILED'])).status).toBe('FAILED');
    const retried = await fetch(`${baseUrl}/assess/retry/${failed.id}`, { method: 'POST' });
    expect(await retried.json()).toEqual({ id: failed.id, status: 'IN_QUEUE' });
    const again = await waitForStatus(failed.id, ['FAILED']);
    expect(again.retries).toBe(1);
    expect(JSON.parse(String(again.error)).code).toBe('IPA_INVALID');
  });

  it('answers malformed requests with HTTP errors, not crashes', async () => {
    const post = (path: string, body: string) => fetch(`${baseUrl}/assess/${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post('run', 'not json')).status).toBe(400);
    expect((await post('run', '{"nope": 1}')).status).toBe(400);
    expect((await post('run', `{"input": {}, "pad": "${'x'.repeat(10_100_000)}"}`)).status).toBe(413);
    expect((await fetch(`${baseUrl}/assess/status/unknown-id`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/assess/run`)).status).toBe(405);
    expect((await fetch(`${baseUrl.replace('/v2', '')}/elsewhere`)).status).toBe(404);
    const stillUp = await endpoint.health();
    expect(stillUp.workers.ready).toBe(1);
  });
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('local server memory and shutdown (own process)', () => {
  it('runs 30 jobs of 9.9 MB inputs in a 256 MB heap: inputs are dropped once their jobs start', { timeout: 120_000 }, async () => {
    // Each input holds a 9.9M-character two-byte string (~20 MB): a server that kept them would
    // run out of heap (it did: 80 such bodies took it past 1 GB). Garbage, they are collected.
    const own = spawnWorker(['--serve', '--port', '0', '--concurrency', '1'], { NODE_OPTIONS: '--max-old-space-size=256' });
    const url = String((await own.waitForLog((l) => l.message === 'local server listening')).base_url);
    // A valid job whose input is 9.9 MB: the target padded with spaces (trimmed by the schema).
    const body = JSON.stringify({ input: { audio_uri: DATA_URI, target_ipa: `${TARGET}${' '.repeat(9_900_000 - DATA_URI.length)}` } });
    const run = async () => {
      const { id } = (await (await fetch(`${url}/assess/run`, { method: 'POST', body })).json()) as { id: string };
      for (;;) {
        const status = (await (await fetch(`${url}/assess/status-sync/${id}?wait=5000`)).json()) as { status: string };
        if (status.status !== 'IN_QUEUE' && status.status !== 'IN_PROGRESS') return status.status;
      }
    };
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push(await run());
    expect(statuses).toEqual(Array(30).fill('COMPLETED'));
    console.log(`--serve RSS after 30 jobs of 9.9 MB: ${rssMb(own.process.pid!).toFixed(0)} MB`);
    own.process.kill('SIGTERM');
    expect(await own.exit).toBe(0);
  });

  it('on SIGTERM answers the running /runsync with its result and the queued ones with a cancellation, then exits 0', async () => {
    const own = spawnWorker(['--serve', '--port', '0', '--concurrency', '1'], { AUDIO_FETCH_ALLOW_PRIVATE: '1' });
    const url = String((await own.waitForLog((l) => l.message === 'local server listening')).base_url);
    const runsync = (ms: number, name: string) =>
      fetch(`${url}/assess/runsync`, { method: 'POST', body: JSON.stringify({ input: { audio_uri: slowUri(ms, name), target_ipa: TARGET } }) }).then(
        async (r) => (await r.json()) as { status: string; error?: string; output?: unknown },
        (error: Error): { status: string; error?: string; output?: unknown } => ({ status: `connection failed: ${error.message}` }),
      );
    const running = runsync(1500, 'drain-running');
    const health = async () => ((await (await fetch(`${url}/assess/health`)).json()) as { jobs: { inProgress: number; inQueue: number } }).jobs;
    while ((await health()).inProgress === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = [1, 2, 3].map((i) => runsync(10, `drain-queued-${i}`));
    while ((await health()).inQueue < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    own.process.kill('SIGTERM');
    const first = await running;
    expect(first.status).toBe('COMPLETED');
    expect(contractViolations(first.output as never)).toEqual([]);
    for (const answer of await Promise.all(queued)) {
      expect(answer.status).toBe('CANCELLED');
      expect(JSON.parse(answer.error!).details).toEqual({ reason: 'server_shutdown' });
    }
    expect(await own.exit).toBe(0);
  });
});
