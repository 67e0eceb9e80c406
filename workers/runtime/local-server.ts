// A local HTTP server with the routes and response shapes of RunPod's public endpoint API, so the
// official runpod-sdk client works against it unchanged: runpodSdk(key, {baseUrl: 'http://HOST:PORT/v2'}).
// Routes (facts: runpod docs and runpod-sdk 1.1.2), under /v2/<endpoint id>/:
//   POST run, runsync[?wait=ms]; GET status/<id>, status-sync/<id>[?wait=ms], stream/<id>;
//   POST cancel/<id>, retry/<id>, purge-queue; GET health.
// Any endpoint id and any Authorization are accepted. Webhooks are not called (logged).
import http from 'node:http';
import type { LocalJob, LocalQueue } from './local-queue.js';
import type { Logger } from './log.js';

/** RunPod's payload limits: 10 MB for /run, 20 MB for /runsync. */
export const MAX_RUN_BYTES = 10_000_000;
export const MAX_RUNSYNC_BYTES = 20_000_000;
const DEFAULT_SYNC_WAIT_MS = 90_000;
const MIN_SYNC_WAIT_MS = 1000;
const MAX_SYNC_WAIT_MS = 300_000;
/** /stream holds an unfinished job this long, so the SDK's immediate re-polls do not spin. */
const STREAM_HOLD_MS = 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The status response: id, status, and when known delayTime, executionTime, output or error. */
export function statusBody(job: LocalJob): Record<string, unknown> {
  const body: Record<string, unknown> = { id: job.id, status: job.status };
  if (job.startedAt !== undefined) body.delayTime = job.startedAt - job.createdAt;
  if (job.startedAt !== undefined && job.finishedAt !== undefined) body.executionTime = job.finishedAt - job.startedAt;
  if (job.status === 'COMPLETED') body.output = job.output;
  if (job.error !== undefined) body.error = job.error;
  if (job.retries > 0) body.retries = job.retries;
  return body;
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return reject(new HttpError(413, `The payload is over ${maxBytes / 1e6} MB`));
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        reject(new HttpError(413, `The payload is over ${maxBytes / 1e6} MB`));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface RunRequest {
  input: unknown;
  executionTimeoutMs?: number;
  webhook?: string;
}

function parseRunRequest(text: string): RunRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body must be JSON: {"input": {...}}');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('input' in body)) {
    throw new HttpError(400, 'The request body must be a JSON object with an "input" field');
  }
  const { input, policy, webhook } = body as { input: unknown; policy?: { executionTimeout?: unknown }; webhook?: unknown };
  const timeout = policy?.executionTimeout;
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) {
    throw new HttpError(400, 'policy.executionTimeout must be a positive number of milliseconds');
  }
  return { input, executionTimeoutMs: timeout as number | undefined, webhook: typeof webhook === 'string' ? webhook : undefined };
}

function waitParam(url: URL): number {
  const raw = url.searchParams.get('wait');
  const value = raw === null ? DEFAULT_SYNC_WAIT_MS : Number(raw);
  if (!Number.isFinite(value)) throw new HttpError(400, 'wait must be a number of milliseconds (1000 to 300000)');
  return Math.min(MAX_SYNC_WAIT_MS, Math.max(MIN_SYNC_WAIT_MS, value));
}

export function createLocalServer(queue: LocalQueue, log: Logger): http.Server {
  const jobOr404 = (id: string): LocalJob => {
    const job = queue.get(id);
    if (!job) throw new HttpError(404, `No job ${id} (unknown, purged, or finished more than 30 minutes ago)`);
    return job;
  };

  const submit = async (req: http.IncomingMessage, sync: boolean): Promise<LocalJob> => {
    const request = parseRunRequest(await readBody(req, sync ? MAX_RUNSYNC_BYTES : MAX_RUN_BYTES));
    if (request.webhook) log.warn('webhook given; the local server does not call webhooks', { webhook: request.webhook });
    return queue.submit(request.input, { sync, executionTimeoutMs: request.executionTimeoutMs });
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = /^\/v2\/([^/]+)\/([a-z-]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!match) throw new HttpError(404, 'Not found; routes are /v2/<endpoint>/run, runsync, status/<id>, status-sync/<id>, stream/<id>, cancel/<id>, retry/<id>, health, purge-queue');
    const [, , op, id] = match;
    const method = req.method ?? 'GET';
    const expect = (allowed: string, needsId: boolean) => {
      if (method !== allowed) throw new HttpError(405, `${op} takes ${allowed}`);
      if (needsId !== (id !== undefined)) throw new HttpError(404, needsId ? `${op} needs a job id: ${op}/<id>` : `${op} takes no id`);
    };
    switch (op) {
      case 'run': {
        expect('POST', false);
        const job = await submit(req, false);
        return send(res, 200, { id: job.id, status: 'IN_QUEUE' });
      }
      case 'runsync': {
        expect('POST', false);
        const wait = waitParam(url);
        const job = await submit(req, true);
        return send(res, 200, statusBody((await queue.waitForFinal(job.id, wait)) ?? job));
      }
      case 'status':
        expect('GET', true);
        return send(res, 200, statusBody(jobOr404(id!)));
      case 'status-sync': {
        expect('GET', true);
        const wait = waitParam(url);
        jobOr404(id!);
        return send(res, 200, statusBody((await queue.waitForFinal(id!, wait)) ?? jobOr404(id!)));
      }
      case 'stream': {
        expect('GET', true);
        const job = (await queue.waitForFinal(jobOr404(id!).id, STREAM_HOLD_MS)) ?? jobOr404(id!);
        const body: Record<string, unknown> = { status: job.status, stream: job.status === 'COMPLETED' ? [{ output: job.output }] : [] };
        if (job.error !== undefined) body.error = job.error;
        return send(res, 200, body);
      }
      case 'cancel': {
        expect('POST', true);
        jobOr404(id!);
        queue.cancel(id!);
        const job = (await queue.waitForFinal(id!, 1000)) ?? jobOr404(id!);
        return send(res, 200, statusBody(job));
      }
      case 'retry': {
        expect('POST', true);
        jobOr404(id!);
        const job = queue.retry(id!);
        if (!job) throw new HttpError(400, 'Only FAILED or TIMED_OUT jobs can be retried');
        // As /run: the answer at submission is IN_QUEUE, however soon the job then starts.
        return send(res, 200, { id: job.id, status: 'IN_QUEUE' });
      }
      case 'health':
        expect('GET', false);
        return send(res, 200, queue.health());
      case 'purge-queue':
        expect('POST', false);
        return send(res, 200, { removed: queue.purge(), status: 'completed' });
      default:
        throw new HttpError(404, `Unknown operation ${op}`);
    }
  };

  return http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log.error('local server error', { problem: (error as Error).message });
      if (!res.headersSent) send(res, status, { error: (error as Error).message });
      else res.destroy();
    });
  });
}
