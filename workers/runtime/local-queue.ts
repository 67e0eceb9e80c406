// The local server's in-process queue: jobs in RunPod's states, run through the same handler and
// job runner as on the platform, at most `concurrency` at a time, kept 30 minutes after they end.
import { randomUUID } from 'node:crypto';
import { EngineError } from '../../lib/errors.js';
import { DEFAULT_EXECUTION_TIMEOUT_MS } from './config.js';
import { errorString } from './job-result.js';
import { runJob, type RunJobOptions } from './job-runner.js';
import type { Logger } from './log.js';
import type { Handler } from './types.js';

export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);


export interface LocalJob {
  id: string;
  input: unknown;
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
  controller?: AbortController;
  waiters: Set<() => void>;
}

export interface LocalQueueOptions {
  concurrency: number;
  log: Logger;
  workerId?: string;
  isFatal?: RunJobOptions['isFatal'];
  /** How long finished jobs stay queryable (RunPod keeps results 30 min). */
  retentionMs?: number;
}

export interface HealthCounts {
  jobs: { completed: number; failed: number; inProgress: number; inQueue: number; retried: number };
  workers: { idle: number; initializing: number; ready: number; running: number; throttled: number; unhealthy: number };
}

export class LocalQueue {
  private readonly jobs = new Map<string, JobState>();
  private queue: JobState[] = [];
  private running = 0;
  private readonly counts = { completed: 0, failed: 0, retried: 0 };
  private readonly workerId: string;
  private closed = false;

  constructor(
    private readonly handler: Handler,
    private readonly options: LocalQueueOptions,
  ) {
    this.workerId = options.workerId ?? 'local';
  }

  submit(input: unknown, options: { sync?: boolean; executionTimeoutMs?: number } = {}): LocalJob {
    if (this.closed) throw new Error('the queue is closed');
    const id = `${options.sync ? 'sync-' : ''}${randomUUID()}-local`;
    const job: JobState = {
      id,
      input,
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
    return this.jobs.get(id);
  }

  /** Resolves when the job is final or after ms, whichever comes first. */
  waitForFinal(id: string, ms: number): Promise<LocalJob | undefined> {
    const job = this.jobs.get(id);
    if (!job || FINAL_STATUSES.has(job.status) || ms <= 0) return Promise.resolve(job);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        job.waiters.delete(done);
        resolve(this.jobs.get(id));
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

  /** Runs a FAILED or TIMED_OUT job again, as RunPod's /retry does; undefined if it cannot. */
  retry(id: string): LocalJob | undefined {
    const job = this.jobs.get(id);
    if (!job || (job.status !== 'FAILED' && job.status !== 'TIMED_OUT')) return undefined;
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

  /** Stops accepting jobs, cancels the queued ones, and gives the running ones graceMs to finish before cancelling them. */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    for (const job of this.queue) this.finish(job, 'CANCELLED');
    this.queue = [];
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
    const log = this.options.log.forJob(job.id);
    const controller = new AbortController();
    job.controller = controller;
    job.status = 'IN_PROGRESS';
    job.startedAt = Date.now();
    const timer = setTimeout(() => controller.abort(new Error('execution timeout')), job.executionTimeoutMs);
    const outcome = await runJob(this.handler, { id: job.id, input: job.input }, { signal: controller.signal, log, isFatal: this.options.isFatal });
    clearTimeout(timer);
    job.controller = undefined;
    if (outcome.kind === 'output') {
      job.output = outcome.output;
      if (outcome.refreshWorker) log.warn('the handler asked for refresh_worker; the local server keeps running');
      this.finish(job, 'COMPLETED');
    } else if (outcome.kind === 'error') {
      job.error = errorString(outcome.error, this.workerId, outcome.traceback);
      if (outcome.fatal) log.error('fatal error: on the platform this worker would be replaced (stopPod)', { code: outcome.error.code });
      this.finish(job, 'FAILED');
    } else if ((outcome.reason as Error | undefined)?.message === 'execution timeout') {
      job.error = errorString(new EngineError('INTERNAL', `The job ran longer than its executionTimeout of ${job.executionTimeoutMs} ms`), this.workerId);
      this.finish(job, 'TIMED_OUT');
    } else {
      this.finish(job, 'CANCELLED');
    }
  }

  private finish(job: JobState, status: JobStatus): void {
    job.status = status;
    job.finishedAt = Date.now();
    if (status === 'COMPLETED') this.counts.completed += 1;
    if (status === 'FAILED' || status === 'TIMED_OUT') this.counts.failed += 1;
    this.wake(job);
    const retention = this.options.retentionMs ?? 30 * 60_000;
    setTimeout(() => {
      if (this.jobs.get(job.id) === job && FINAL_STATUSES.has(job.status)) this.jobs.delete(job.id);
    }, retention).unref();
  }

  private wake(job: JobState): void {
    for (const wake of [...job.waiters]) wake();
  }
}
