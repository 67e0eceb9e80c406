// A local HTTP server with the routes and response shapes of RunPod's public endpoint API, so the
// official runpod-sdk client works against it unchanged: runpodSdk(key, {baseUrl: 'http://HOST:PORT/v2'}).
// Routes (facts: runpod docs and runpod-sdk 1.1.2), under /v2/<endpoint id>/:
//   POST run, runsync[?wait=ms]; GET status/<id>, status-sync/<id>[?wait=ms], stream/<id>;
//   POST cancel/<id>, retry/<id>, purge-queue; GET health.
// Any endpoint id and any Authorization are accepted. Webhooks are not called (logged).
// Bounded: at most maxConnections connections at once (more are refused), request bodies and
// queued inputs within the queue's byte limit (429 beyond it), a body over the payload limit gets
// 413 whether its length is declared or it comes chunked. shutdown() drains: running jobs finish
// and their waiting clients are answered, queued jobs end CANCELLED with a reason, then it closes.
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
/** Enough for the 200 concurrent /runsync clients of the load test, each holding a connection. */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** How long a shutdown waits for answers to requests in flight once the queue has drained. */
const ANSWER_WAIT_MS = 5000;

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

/**
 * Reads a request body of at most maxBytes, its bytes reserved in the queue's input budget as
 * they arrive (the caller hands them on to the job, or releases them). Over maxBytes: 413; over
 * the queue's budget: 429. Either way the rest of the body is read and dropped (not held), and the
 * connection stays open, so the client sees the answer rather than a reset; the server's request
 * timeout bounds a body that never ends.
 */
function readBody(req: http.IncomingMessage, maxBytes: number, queue: LocalQueue): Promise<{ text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `The payload is over ${maxBytes / 1e6} MB`);
    const chunks: Buffer[] = [];
    let total = 0;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return refuse(tooLarge());
    req.on('data', (chunk: Buffer) => {
      if (total + chunk.length > maxBytes) return refuse(tooLarge());
      if (!queue.reserveInput(chunk.length)) return refuse(new HttpError(429, 'Too many inputs are waiting to run; retry later'));
      total += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes: total }));
    req.on('error', (error) => {
      queue.releaseInput(total);
      reject(error);
    });

    function refuse(error: HttpError) {
      queue.releaseInput(total);
      total = 0;
      chunks.length = 0;
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      req.resume();
      reject(error);
    }
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

export interface LocalServer extends http.Server {
  /**
   * Stops taking connections, lets the queue drain (queued jobs cancelled, running ones given
   * graceMs), answers the requests in flight, then closes every connection.
   */
  shutdown(graceMs?: number): Promise<void>;
}

export function createLocalServer(queue: LocalQueue, log: Logger, options: { maxConnections?: number } = {}): LocalServer {
  const jobOr404 = (id: string): LocalJob => {
    const job = queue.get(id);
    if (!job) throw new HttpError(404, `No job ${id} (unknown, purged, or finished more than 30 minutes ago)`);
    return job;
  };

  const submit = async (req: http.IncomingMessage, sync: boolean): Promise<LocalJob> => {
    const body = await readBody(req, sync ? MAX_RUNSYNC_BYTES : MAX_RUN_BYTES, queue);
    let request: RunRequest;
    try {
      request = parseRunRequest(body.text);
      if (queue.isClosed) throw new HttpError(503, 'The server is shutting down');
    } catch (error) {
      queue.releaseInput(body.bytes);
      throw error;
    }
    if (request.webhook) log.warn('webhook given; the local server does not call webhooks', { webhook: request.webhook });
    return queue.submit(request.input, { sync, executionTimeoutMs: request.executionTimeoutMs, reservedBytes: body.bytes });
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

  let draining = false;
  let inFlight = 0;
  const answerWaiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      for (const wake of [...answerWaiters]) wake();
    });
    if (draining) {
      res.setHeader('connection', 'close');
      return send(res, 503, { error: 'The server is shutting down' });
    }
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log.error('local server error', { problem: (error as Error).message });
      if (!res.headersSent) send(res, status, { error: (error as Error).message });
      else res.destroy();
    });
  }) as LocalServer;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  const answered = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        answerWaiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      answerWaiters.add(wake);
    });

  server.shutdown = async (graceMs = 10_000) => {
    draining = true;
    server.close();
    server.closeIdleConnections();
    await queue.close(graceMs);
    // Clients waiting on jobs that just ended are being answered: give them a moment.
    const deadline = Date.now() + ANSWER_WAIT_MS;
    while (inFlight > 0 && Date.now() < deadline) await answered(deadline - Date.now());
    server.closeAllConnections();
  };
  return server;
}
