// The local server's in-process queue: jobs in RunPod's states, run through the same handler and
// job runner as on the platform, at most `concurrency` at a time.
//
// Memory is bounded. A job's input is held only while it waits: the run takes it, and only a
// FAILED or TIMED_OUT job keeps it afterwards (for /retry). Inputs waiting (and request bodies
// being read, which reserve their bytes here first) are limited in bytes; beyond the limit a
// submission is refused (the server answers 429). Finished jobs are kept for `retentionMs`
// (RunPod keeps results 30 minutes) but at most `maxRetainedJobs` of them and
// `maxRetainedBytes` of their results and kept inputs: the oldest are forgotten first.
import { randomUUID } from 'node:crypto';
import { EngineError } from '../../lib/index.js';
import { DEFAULT_EXECUTION_TIMEOUT_MS } from './config.js';
import { errorString } from './job-result.js';
import { runJob, type RunJobOptions } from './job-runner.js';
import type { Logger } from './log.js';
import type { Handler } from './types.js';

export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

export const DEFAULT_LIMITS = {
  /** RunPod keeps results 30 minutes. */
  retentionMs: 30 * 60_000,
  maxRetainedJobs: 10_000,
  maxRetainedBytes: 100_000_000,
  /** Inputs waiting to run, and request bodies being read. */
  maxPendingInputBytes: 200_000_000,
};

export interface LocalJob {
  id: string;
  status: JobStatus;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  output?: unknown;
  error?: string;
  executionTimeoutMs: number;
  retries: number;
}

interface JobState extends LocalJob {
  /** Held while IN_QUEUE, and after a FAILED or TIMED_OUT run (for /retry); otherwise dropped. */
  input?: unknown;
  /** The size of the request body the input came from. */
  inputBytes: number;
  /** Bytes this finished job counts against maxRetainedBytes. */
  retainedBytes: number;
  controller?: AbortController;
  waiters: Set<() => void>;
}

export interface LocalQueueOptions {
  concurrency: number;
  log: Logger;
  workerId?: string;
  isFatal?: RunJobOptions['isFatal'];
  retentionMs?: number;
  maxRetainedJobs?: number;
  maxRetainedBytes?: number;
  maxPendingInputBytes?: number;
}

export interface HealthCounts {
  jobs: { completed: number; failed: number; inProgress: number; inQueue: number; retried: number };
  workers: { idle: number; initializing: number; ready: number; running: number; throttled: number; unhealthy: number };
}

/** Cancelled because the server shut down: said in the job's error, as the platform worker says worker_shutdown. */
const SHUTDOWN_ERROR = new EngineError('INTERNAL', 'The local server shut down before the job ran; submit it again', { reason: 'server_shutdown' });

export class LocalQueue {
  private readonly jobs = new Map<string, JobState>();
  private queue: JobState[] = [];
  /** Finished jobs, oldest first (a Map keeps insertion order). */
  private readonly finished = new Map<string, JobState>();
  private retainedBytes = 0;
  private pendingInputBytes = 0;
  private running = 0;
  private readonly counts = { completed: 0, failed: 0, retried: 0 };
  private readonly workerId: string;
  private readonly limits: typeof DEFAULT_LIMITS;
  private closed = false;

  constructor(
    private readonly handler: Handler,
    private readonly options: LocalQueueOptions,
  ) {
    this.workerId = options.workerId ?? 'local';
    this.limits = {
      retentionMs: options.retentionMs ?? DEFAULT_LIMITS.retentionMs,
      maxRetainedJobs: options.maxRetainedJobs ?? DEFAULT_LIMITS.maxRetainedJobs,
      maxRetainedBytes: options.maxRetainedBytes ?? DEFAULT_LIMITS.maxRetainedBytes,
      maxPendingInputBytes: options.maxPendingInputBytes ?? DEFAULT_LIMITS.maxPendingInputBytes,
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reserves room for `bytes` of input (a body being read); false when that would pass the limit. Release with releaseInput. */
  reserveInput(bytes: number): boolean {
    if (this.pendingInputBytes + bytes > this.limits.maxPendingInputBytes) return false;
    this.pendingInputBytes += bytes;
    return true;
  }

  releaseInput(bytes: number): void {
    this.pendingInputBytes = Math.max(0, this.pendingInputBytes - bytes);
  }

  /** Queues a job. `reservedBytes`: room reserved for its input with reserveInput, the job's from now until it starts. */
  submit(input: unknown, options: { sync?: boolean; executionTimeoutMs?: number; reservedBytes?: number } = {}): LocalJob {
    const inputBytes = options.reservedBytes ?? 0;
    if (this.closed) {
      this.releaseInput(inputBytes);
      throw new Error('the queue is closed');
    }
    const id = `${options.sync ? 'sync-' : ''}${randomUUID()}-local`;
    const job: JobState = {
      id,
      input,
      inputBytes,
      retainedBytes: 0,
      status: 'IN_QUEUE',
      createdAt: Date.now(),
      executionTimeoutMs: options.executionTimeoutMs ?? DEFAULT_EXECUTION_TIMEOUT_MS,
      retries: 0,
      waiters: new Set(),
    };
    this.jobs.set(id, job);
    this.queue.push(job);
    this.pump();
    return job;
  }

  get(id: string): LocalJob | undefined {
    this.forgetExpired();
    return this.jobs.get(id);
  }

  /** Whether the job still holds its input (for tests and memory checks). */
  holdsInput(id: string): boolean {
    return this.jobs.get(id)?.input !== undefined;
  }

  /** Resolves when the job is final or after ms, whichever comes first. */
  waitForFinal(id: string, ms: number): Promise<LocalJob | undefined> {
    const job = this.jobs.get(id);
    if (!job || FINAL_STATUSES.has(job.status) || ms <= 0) return Promise.resolve(job);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        job.waiters.delete(done);
        resolve(job);
      };
      const timer = setTimeout(done, ms);
      job.waiters.add(done);
    });
  }

  cancel(id: string): LocalJob | undefined {
    const job = this.jobs.get(id);
    if (!job || FINAL_STATUSES.has(job.status)) return job;
    if (job.status === 'IN_QUEUE') {
      this.queue = this.queue.filter((j) => j !== job);
      this.finish(job, 'CANCELLED');
    } else {
      job.controller?.abort(new Error('cancelled'));
    }
    return job;
  }

  /** Runs a FAILED or TIMED_OUT job again, as RunPod's /retry does; undefined if it cannot (or its input is no longer kept). */
  retry(id: string): LocalJob | undefined {
    const job = this.jobs.get(id);
    if (!job || (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') || job.input === undefined || this.closed) return undefined;
    this.unretain(job);
    this.pendingInputBytes += job.inputBytes;
    Object.assign(job, { status: 'IN_QUEUE', startedAt: undefined, finishedAt: undefined, output: undefined, error: undefined, retries: job.retries + 1 });
    this.counts.retried += 1;
    this.queue.push(job);
    this.pump();
    return job;
  }

  /** Removes every job still waiting in the queue; returns how many. */
  purge(): number {
    const removed = this.queue;
    this.queue = [];
    for (const job of removed) {
      this.releaseInput(job.inputBytes);
      job.input = undefined;
      this.jobs.delete(job.id);
      this.wake(job);
    }
    return removed.length;
  }

  health(): HealthCounts {
    const busy = this.running > 0 ? 1 : 0;
    return {
      jobs: { completed: this.counts.completed, failed: this.counts.failed, inProgress: this.running, inQueue: this.queue.length, retried: this.counts.retried },
      workers: { idle: 1 - busy, initializing: 0, ready: 1, running: busy, throttled: 0, unhealthy: 0 },
    };
  }

  /**
   * Stops accepting jobs and cancels the queued ones (their error says the server shut down);
   * the running ones get graceMs to finish, then are cancelled.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    const queued = this.queue;
    this.queue = [];
    for (const job of queued) {
      job.error = errorString(SHUTDOWN_ERROR, this.workerId);
      this.finish(job, 'CANCELLED');
    }
    const running = () => [...this.jobs.values()].filter((j) => j.status === 'IN_PROGRESS');
    await Promise.all(running().map((j) => this.waitForFinal(j.id, graceMs)));
    for (const job of running()) job.controller?.abort(new Error('server shutting down'));
    await Promise.all(running().map((j) => this.waitForFinal(j.id, 1000)));
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running += 1;
      void this.execute(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async execute(job: JobState): Promise<void> {
    // The run owns the input from here: the queue drops it unless the job fails (for /retry).
    const input = job.input;
    job.input = undefined;
    this.releaseInput(job.inputBytes);
    const outcome = await this.run(job, input);
    if (outcome.kind === 'output') {
      job.output = outcome.output;
      this.finish(job, 'COMPLETED');
    } else if (outcome.kind === 'error') {
      job.error = errorString(outcome.error, this.workerId, outcome.traceback);
      job.input = input;
      this.finish(job, 'FAILED');
    } else if ((outcome.reason as Error | undefined)?.message === 'execution timeout') {
      job.error = errorString(new EngineError('INTERNAL', `The job ran longer than its executionTimeout of ${job.executionTimeoutMs} ms`), this.workerId);
      job.input = input;
      this.finish(job, 'TIMED_OUT');
    } else {
      this.finish(job, 'CANCELLED');
    }
  }

  /** The handler's run, under the job's execution timeout and cancellation. */
  private async run(job: JobState, input: unknown): ReturnType<typeof runJob> {
    const log = this.options.log.forJob(job.id);
    const controller = new AbortController();
    job.controller = controller;
    job.status = 'IN_PROGRESS';
    job.startedAt = Date.now();
    const timer = setTimeout(() => controller.abort(new Error('execution timeout')), job.executionTimeoutMs);
    try {
      const outcome = await runJob(this.handler, { id: job.id, input }, { signal: controller.signal, log, isFatal: this.options.isFatal });
      if (outcome.kind === 'output' && outcome.refreshWorker) log.warn('the handler asked for refresh_worker; the local server keeps running');
      if (outcome.kind === 'error' && outcome.fatal) log.error('fatal error: on the platform this worker would be replaced (stopPod)', { code: outcome.error.code });
      return outcome;
    } finally {
      clearTimeout(timer);
      job.controller = undefined;
    }
  }

  private finish(job: JobState, status: JobStatus): void {
    if (job.status === 'IN_QUEUE') this.releaseInput(job.inputBytes);
    if (status === 'CANCELLED') job.input = undefined;
    job.status = status;
    job.finishedAt = Date.now();
    if (status === 'COMPLETED') this.counts.completed += 1;
    if (status === 'FAILED' || status === 'TIMED_OUT') this.counts.failed += 1;
    this.retain(job);
    this.wake(job);
  }

  private retain(job: JobState): void {
    const resultBytes = job.output === undefined ? 0 : Buffer.byteLength(JSON.stringify(job.output) ?? '');
    job.retainedBytes = resultBytes + (job.error?.length ?? 0) + (job.input === undefined ? 0 : job.inputBytes);
    this.finished.set(job.id, job);
    this.retainedBytes += job.retainedBytes;
    this.forgetExpired();
    const { maxRetainedJobs, maxRetainedBytes } = this.limits;
    for (const oldest of this.finished.values()) {
      if (this.finished.size <= maxRetainedJobs && this.retainedBytes <= maxRetainedBytes) break;
      this.forget(oldest);
    }
  }

  private unretain(job: JobState): void {
    if (!this.finished.delete(job.id)) return;
    this.retainedBytes -= job.retainedBytes;
    job.retainedBytes = 0;
  }

  private forget(job: JobState): void {
    this.unretain(job);
    job.input = undefined;
    if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
  }

  private forgetExpired(): void {
    const cutoff = Date.now() - this.limits.retentionMs;
    for (const oldest of this.finished.values()) {
      if (oldest.finishedAt! > cutoff) break;
      this.forget(oldest);
    }
  }

  private wake(job: JobState): void {
    for (const wake of [...job.waiters]) wake();
  }
}
