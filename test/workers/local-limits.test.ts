// The local server's bounds, in process with a test handler: inputs dropped once a job starts,
// finished jobs kept within a count and a byte budget, waiting inputs within a byte budget (429),
// capped connections, 413 for an oversized chunked body; and its drain on shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../lib/errors.js';
import { LocalQueue, type LocalQueueOptions } from '../../workers/runtime/local-queue.js';
import { createLocalServer, MAX_RUN_BYTES, type LocalServer } from '../../workers/runtime/local-server.js';
import { createLogger } from '../../workers/runtime/log.js';
import type { Handler } from '../../workers/runtime/types.js';

const log = createLogger({ write: () => {} });
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown(100)));
});

/** Jobs with input {ms} take that long; {fail: true} fails; the output echoes the input's size. */
const handler: Handler = async (input, { signal }) => {
  const { ms = 0, fail = false, pad = '' } = input as { ms?: number; fail?: boolean; pad?: string };
  await new Promise((resolve) => setTimeout(resolve, ms));
  signal.throwIfAborted();
  if (fail) throw new EngineError('AUDIO_SILENT', 'quiet');
  return { padLength: pad.length };
};

async function serve(queueOptions: Partial<LocalQueueOptions> = {}, maxConnections?: number) {
  const queue = new LocalQueue(handler, { concurrency: 1, log, ...queueOptions });
  const server = createLocalServer(queue, log, { maxConnections });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/ep`;
  return { queue, server, base };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local queue memory', () => {
  it('drops a job\'s input once it starts, keeping a failed job\'s for /retry', async () => {
    const { queue, base } = await serve();
    const slow = (await (await post(`${base}/run`, { input: { ms: 2000, pad: 'x'.repeat(100_000) } })).json()) as { id: string };
    const queued = (await (await post(`${base}/run`, { input: { pad: 'y'.repeat(100_000) } })).json()) as { id: string };
    const failing = (await (await post(`${base}/run`, { input: { fail: true } })).json()) as { id: string };
    await waitFor(() => queue.get(slow.id)?.status === 'IN_PROGRESS');
    expect(queue.holdsInput(slow.id)).toBe(false);
    expect(queue.holdsInput(queued.id)).toBe(true);
    await waitFor(() => queue.get(failing.id)?.status === 'FAILED');
    expect(queue.holdsInput(queued.id)).toBe(false);
    expect(queue.get(queued.id)?.output).toEqual({ padLength: 100_000 });
    expect(queue.holdsInput(failing.id)).toBe(true);
    expect((await post(`${base}/retry/${failing.id}`, {})).status).toBe(200);
    await waitFor(() => queue.get(failing.id)?.retries === 1 && queue.get(failing.id)?.status === 'FAILED');
  });

  it('keeps finished jobs within a count and a byte budget, forgetting the oldest first', async () => {
    const { queue, base } = await serve({ maxRetainedJobs: 5, maxRetainedBytes: 1_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(((await (await post(`${base}/run`, { input: {} })).json()) as { id: string }).id);
    await waitFor(() => queue.health().jobs.completed === 12);
    expect(ids.map((id) => queue.get(id) !== undefined)).toEqual([...Array(7).fill(false), ...Array(5).fill(true)]);
    expect((await fetch(`${base}/status/${ids[0]}`)).status).toBe(404);
    // Failed jobs keep their inputs for /retry: 3 of 400 kB do not fit in 1 MB.
    const failed: string[] = [];
    for (let i = 0; i < 3; i++) failed.push(((await (await post(`${base}/run`, { input: { fail: true, pad: 'z'.repeat(400_000) } })).json()) as { id: string }).id);
    await waitFor(() => queue.health().jobs.failed === 3);
    expect(failed.map((id) => queue.get(id) !== undefined)).toEqual([false, true, true]);
  });

  it('refuses input beyond the waiting-input budget with 429, and takes it again once jobs start', async () => {
    const { base } = await serve({ maxPendingInputBytes: 1_000_000 });
    const pad = 'p'.repeat(300_000);
    await post(`${base}/run`, { input: { ms: 2000 } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await post(`${base}/run`, { input: { pad } })).status);
    expect(answers).toEqual([200, 200, 200, 429, 429]);
    await waitFor(async () => (await post(`${base}/run`, { input: { pad } })).status === 200);
  });
});

describe('local server connections', () => {
  it('caps concurrent connections', async () => {
    const { queue, base } = await serve({}, 3);
    const held = [1, 2, 3].map(() => post(`${base}/runsync`, { input: { ms: 1500 } }));
    await waitFor(() => {
      const jobs = queue.health().jobs;
      return jobs.inProgress + jobs.inQueue === 3;
    });
    await expect(post(`${base}/run`, { input: {} })).rejects.toThrow();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
    await waitFor(async () => (await fetch(`${base}/health`).catch(() => undefined))?.status === 200);
  });

  it('answers a chunked body over the limit with 413, not a reset', async () => {
    const { base } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/run`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1 << 20, 'a');
      let sent = 0;
      const write = () => {
        while (sent <= MAX_RUN_BYTES + (1 << 20)) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      req.write('{"input": "');
      write();
    });
    expect(status).toBe(413);
  });
});

describe('local server shutdown', () => {
  it('lets the running job finish and answer, tells queued jobs they were cancelled, then closes', async () => {
    const { server, queue, base } = await serve();
    const running = post(`${base}/runsync`, { input: { ms: 1000 } });
    await waitFor(() => queue.health().jobs.inProgress === 1);
    const queued = [1, 2, 3].map(() => post(`${base}/runsync`, { input: {} }));
    await waitFor(() => queue.health().jobs.inQueue === 3);
    const closed = server.shutdown(5000);
    const done = (await (await running).json()) as { status: string; output: unknown };
    expect(done).toMatchObject({ status: 'COMPLETED', output: { padLength: 0 } });
    for (const answer of await Promise.all(queued)) {
      const body = (await answer.json()) as { status: string; error: string };
      expect(body.status).toBe('CANCELLED');
      expect(JSON.parse(body.error)).toMatchObject({ code: 'INTERNAL', details: { reason: 'server_shutdown' } });
    }
    await closed;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
