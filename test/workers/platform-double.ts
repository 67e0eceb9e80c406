// Tests only: an HTTP server on 127.0.0.1 playing RunPod's side of the worker protocol
// (as RunPod's Python SDK, runpod-python, speaks it): job-take (single and batch, held as a long poll),
// job-done, ping and job-stop. It records every request and every protocol violation it sees,
// and can be told to fail job-done posts (planned per job, or a seeded random mix) or to stop a job.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../bench/seeded-random.js';

export interface DoubleJob {
  id: string;
  input?: unknown;
  [key: string]: unknown;
}

/**
 * How the double meets a job-done post: an HTTP status (a 2xx records the result, anything else
 * does not), 'hang' (no answer until the worker gives up), 'reset' (the connection is dropped),
 * or a result recorded and then answered with a failure status or a reset (the worker cannot
 * tell it was recorded, so a retry reports the job twice).
 */
export type DoneFault = number | 'hang' | 'reset' | { recorded: true; then: number | 'reset' };

export interface DonePost {
  jobId: string;
  /** The status the double answered, or how it failed to. */
  answered: number | 'hang' | 'reset';
  /** The double kept this result (as the platform would). */
  recorded: boolean;
  body: { output?: unknown; error?: string; stopPod?: boolean } & Record<string, unknown>;
  time: number;
}

export interface FaultMix {
  /** Probability that a post without a planned fault meets one of `faults`. */
  rate: number;
  seed: number;
  faults: DoneFault[];
}

export interface Ping {
  time: number;
  jobIds: string[];
  runpodVersion: string | null;
}

export interface Take {
  time: number;
  batch: boolean;
  batchSize: number | null;
  jobInProgress: string | null;
  returned: number;
}

const ENDPOINT = 'ep-test';

function gone(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  return res.writableEnded || res.destroyed || req.socket.destroyed;
}

export class PlatformDouble {
  readonly apiKey = 'double-key-123';
  readonly dones: DonePost[] = [];
  readonly pings: Ping[] = [];
  readonly takes: Take[] = [];
  readonly violations: string[] = [];
  /** Entries handed out by job-take, in order. */
  readonly handedOut: DoubleJob[] = [];
  private queue: DoubleJob[] = [];
  private jobWaiters = new Set<() => void>();
  private stopRequests: string[] = [];
  private stopWaiters = new Set<() => void>();
  private failures = new Map<string, DoneFault[]>();
  private faultMix?: FaultMix & { random: () => number };
  private emptyAnswers = 0;

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
    /** How long job-take and job-stop hold a poll with nothing to give. */
    private readonly holdMs: number,
  ) {}

  static async start(options: { holdMs?: number } = {}): Promise<PlatformDouble> {
    let double!: PlatformDouble;
    const server = http.createServer((req, res) => double.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    double = new PlatformDouble(server, `http://127.0.0.1:${port}`, options.holdMs ?? 400);
    return double;
  }

  /** From now on, posts without a planned fault meet a random fault of the mix (undefined: none). */
  setFaultMix(mix: FaultMix | undefined): void {
    this.faultMix = mix && { ...mix, random: seededRandom(mix.seed) };
  }

  /** The environment the platform gives a worker, pointing at this double. */
  env(podId = 'pod-test', pingIntervalMs = 200): Record<string, string> {
    const base = `${this.origin}/v2/${ENDPOINT}`;
    return {
      RUNPOD_WEBHOOK_GET_JOB: `${base}/job-take/$ID?gpu=TEST+GPU`,
      RUNPOD_WEBHOOK_POST_OUTPUT: `${base}/job-done/$RUNPOD_POD_ID/$ID?gpu=TEST+GPU`,
      RUNPOD_WEBHOOK_PING: `${base}/ping/$RUNPOD_POD_ID?gpu=TEST+GPU`,
      RUNPOD_PING_INTERVAL: String(pingIntervalMs),
      RUNPOD_AI_API_KEY: this.apiKey,
      RUNPOD_POD_ID: podId,
      RUNPOD_ENDPOINT_ID: ENDPOINT,
    };
  }

  enqueue(...jobs: DoubleJob[]): void {
    this.queue.push(...jobs);
    this.wake(this.jobWaiters);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Meets the next job-done posts for this job with these faults before accepting one. */
  failJobDone(jobId: string, faults: DoneFault[]): void {
    this.failures.set(jobId, [...faults]);
  }

  /** The next job-stop poll returns this job id. */
  stop(jobId: string): void {
    this.stopRequests.push(jobId);
    this.wake(this.stopWaiters);
  }

  /** The job-done posts the double recorded for a job. */
  accepted(jobId: string): DonePost[] {
    return this.dones.filter((d) => d.jobId === jobId && d.recorded);
  }

  acceptedCount(): number {
    return this.dones.filter((d) => d.recorded).length;
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    this.wake(this.jobWaiters);
    this.wake(this.stopWaiters);
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private wake(waiters: Set<() => void>): void {
    for (const wake of [...waiters]) wake();
  }

  private hold(waiters: Set<() => void>, res: http.ServerResponse, ready: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (ready()) return resolve();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        res.off('close', done);
        resolve();
      };
      const check = () => {
        if (ready()) done();
      };
      const timer = setTimeout(done, this.holdMs);
      waiters.add(check);
      res.on('close', done);
    });
  }

  private violation(message: string): void {
    this.violations.push(message);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.headers.authorization !== this.apiKey) this.violation(`${url.pathname}: Authorization is ${req.headers.authorization}, not the raw key`);
    if (url.searchParams.get('gpu') !== 'TEST GPU') this.violation(`${url.pathname}: the template's query was not kept`);
    const parts = url.pathname.split('/').filter(Boolean); // v2, ep, op, pod, [job]
    const [, , op, pod, jobId] = parts;
    if (pod !== 'pod-test' && !pod?.startsWith('pod-')) this.violation(`${url.pathname}: no worker id in the path`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (op === 'job-take' || op === 'job-take-batch') void this.jobTake(op === 'job-take-batch', url, req, res);
      else if (op === 'job-done' && req.method === 'POST') this.jobDone(jobId, url, req, body, res);
      else if (op === 'ping' && req.method === 'GET') this.ping(url, res);
      else if (op === 'job-stop' && req.method === 'GET') void this.jobStop(req, res);
      else {
        this.violation(`unexpected ${req.method} ${url.pathname}`);
        res.writeHead(404).end();
      }
    });
  }

  private async jobTake(batch: boolean, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const batchSize = url.searchParams.get('batch_size');
    const jobInProgress = url.searchParams.get('job_in_progress');
    if (jobInProgress !== '0' && jobInProgress !== '1') this.violation(`job-take without job_in_progress=0|1`);
    if (batch && !(Number(batchSize) >= 1)) this.violation(`batch job-take without batch_size`);
    const take: Take = { time: Date.now(), batch, batchSize: batchSize === null ? null : Number(batchSize), jobInProgress, returned: 0 };
    this.takes.push(take);
    await this.hold(this.jobWaiters, res, () => this.queue.length > 0);
    if (gone(req, res)) return; // the worker gave up the poll: hand out nothing
    if (this.queue.length === 0) {
      // "No job" comes as 204, and (normal with FlashBoot) sometimes as 400.
      this.emptyAnswers += 1;
      res.writeHead(this.emptyAnswers % 3 === 0 ? 400 : 204).end();
      return;
    }
    const jobs = this.queue.splice(0, batch ? Number(batchSize) : 1);
    take.returned = jobs.length;
    this.handedOut.push(...jobs);
    const text = JSON.stringify(batch ? jobs : jobs[0]);
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  }

  private jobDone(jobId: string | undefined, url: URL, req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    if (!jobId) {
      this.violation('job-done without a job id in the path');
      return void res.writeHead(400).end();
    }
    if (url.searchParams.get('isStream') !== 'false') this.violation(`job-done for ${jobId}: isStream is not false`);
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') this.violation(`job-done for ${jobId}: content-type ${req.headers['content-type']}`);
    if (req.headers.charset !== 'utf-8') this.violation(`job-done for ${jobId}: no charset: utf-8 header`);
    if (req.headers['x-request-id'] !== jobId) this.violation(`job-done for ${jobId}: X-Request-ID ${req.headers['x-request-id']}`);
    let body: DonePost['body'];
    try {
      body = JSON.parse(text);
    } catch {
      this.violation(`job-done for ${jobId}: body is not JSON`);
      return void res.writeHead(400).end();
    }
    if (body.error !== undefined && typeof body.error !== 'string') this.violation(`job-done for ${jobId}: error is not a string`);
    const fault = this.nextFault(jobId);
    const recorded = fault === undefined || (typeof fault === 'number' && fault < 300) || typeof fault === 'object';
    const answer = typeof fault === 'object' ? fault.then : (fault ?? 200);
    this.dones.push({ jobId, answered: answer, recorded, body, time: Date.now() });
    if (answer === 'hang') return; // never answered: the worker's own timeout ends it
    if (answer === 'reset') return void req.socket.destroy();
    res.writeHead(answer, { 'content-type': 'application/json' }).end(answer < 300 ? '{}' : '{"error":"unavailable"}');
  }

  private nextFault(jobId: string): DoneFault | undefined {
    const planned = this.failures.get(jobId);
    if (planned && planned.length > 0) return planned.shift();
    const mix = this.faultMix;
    if (mix && mix.random() < mix.rate) return mix.faults[Math.floor(mix.random() * mix.faults.length)];
    return undefined;
  }

  private ping(url: URL, res: http.ServerResponse): void {
    const ids = url.searchParams.get('job_id');
    this.pings.push({ time: Date.now(), jobIds: ids ? ids.split(',') : [], runpodVersion: url.searchParams.get('runpod_version') });
    res.writeHead(200).end();
  }

  private async jobStop(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    await this.hold(this.stopWaiters, res, () => this.stopRequests.length > 0);
    if (gone(req, res)) return;
    if (this.stopRequests.length === 0) return void res.writeHead(204).end();
    const ids = this.stopRequests.splice(0);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jobsToStop: ids }));
  }
}
