// The platform loop: take jobs while there are free slots, run each through the handler, post
// each result, ping, honour per-job stops, and on shutdown (SIGTERM or a fatal error) stop taking
// and give everything accepted one grace period: jobs finish and their results are posted within
// it, jobs still running near its end are reported failed, and results still unposted at its end
// are named in the log as lost; then return.
import { EngineError, toEngineError } from '../../lib/index.js';
import { DEFAULT_EXECUTION_TIMEOUT_MS, type PlatformConfig, type WorkerSettings } from './config.js';
import { startHeartbeat } from './heartbeat.js';
import { sleep } from './http.js';
import { postJobDone } from './job-done.js';
import { errorBody, successBody, type JobDoneBody } from './job-result.js';
import { runJob, type RunJobOptions } from './job-runner.js';
import { watchJobStops } from './job-stop.js';
import { takeJobs } from './job-take.js';
import type { Logger } from './log.js';
import type { Handler, Job } from './types.js';

export interface PlatformWorkerOptions {
  handler: Handler;
  config: PlatformConfig;
  settings: WorkerSettings;
  log: Logger;
  isFatal?: RunJobOptions['isFatal'];
  /** The first wait between job-done attempts (default 2 s; see job-done.ts). */
  firstRetryMs?: number;
}

interface InFlightJob {
  controller: AbortController;
  /** Stopped through job-stop: nothing is posted for it. */
  stoppedByPlatform: boolean;
  /** The handler has ended; its result is being posted. */
  posting: boolean;
  done: Promise<void>;
}

const THROTTLE_BACKOFF_MS = 5000;
const ERROR_BACKOFF_MS = 1000;
const EMPTY_TAKE_MIN_MS = 20;
const EMPTY_TAKE_PAUSE_MS = 100;
/** The end of a shutdown's grace kept for posting the failures of jobs still running then: at most 2 s, a quarter of the grace. */
const POST_RESERVE_MS = 2000;

export class PlatformWorker {
  private readonly inFlight = new Map<string, InFlightJob>();
  private readonly takeAbort = new AbortController();
  private readonly backgroundAbort = new AbortController();
  /** Aborted when a shutdown's grace is over: no result is posted after that. */
  private readonly postingAbort = new AbortController();
  private slotWaiters: (() => void)[] = [];
  private stopping = false;
  /** When the shutdown's grace ends (epoch ms). */
  private shutdownDeadline = Infinity;
  private graceTimer?: NodeJS.Timeout;
  private fatal = false;
  private finishedJobs = 0;
  private readonly undelivered: string[] = [];

  constructor(private readonly options: PlatformWorkerOptions) {}

  /** Ids of the jobs accepted and not yet reported (what pings list). */
  inFlightIds(): string[] {
    return [...this.inFlight.keys()];
  }

  /** Stops taking jobs; run() then drains and returns. Safe to call more than once. */
  shutdown(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    const grace = this.options.settings.shutdownGraceMs;
    this.shutdownDeadline = Date.now() + grace;
    this.graceTimer = setTimeout(() => this.postingAbort.abort(new Error('the shutdown grace period is over')), grace);
    this.options.log.info('shutting down: no more jobs are taken; accepted jobs finish or are reported', { reason, in_flight: this.inFlight.size, grace_ms: grace });
    this.takeAbort.abort(new Error(`shutdown: ${reason}`));
    this.wakeSlotWaiters();
  }

  /** Runs until shutdown; resolves with the process exit code (1 after a fatal error). */
  async run(): Promise<number> {
    const { config, settings, log } = this.options;
    log.info('worker started', { worker_id: config.workerId, concurrency: settings.concurrency, ping_interval_ms: config.pingIntervalMs });
    const heartbeat = startHeartbeat(config, () => this.inFlightIds(), log);
    const stopWatch = watchJobStops(config, (ids) => this.stopJobs(ids), this.backgroundAbort.signal, log);

    while (!this.stopping) {
      const free = settings.concurrency - this.inFlight.size;
      if (free <= 0) {
        await this.waitForSlot();
        continue;
      }
      const takeStarted = Date.now();
      const result = await takeJobs(
        config,
        { count: free, batch: settings.concurrency > 1, jobInProgress: this.inFlight.size > 0 },
        this.takeAbort.signal,
      );
      if (result.kind === 'jobs') {
        // Accepted: each one runs (and is reported) even if a shutdown began meanwhile.
        for (const entry of result.malformed) log.error('job-take returned an entry without an id; it cannot be answered', { entry: JSON.stringify(entry)?.slice(0, 300) });
        for (const job of result.jobs) this.start(job);
      } else if (result.kind === 'none') {
        // The platform holds the poll and the SDK polls again at once; a server that answers
        // "no job" instantly would make that a busy loop, so such answers are paced.
        if (Date.now() - takeStarted < EMPTY_TAKE_MIN_MS) await sleep(EMPTY_TAKE_PAUSE_MS, this.takeAbort.signal);
      } else if (result.kind === 'throttled') {
        log.debug('job-take throttled (429); backing off', { ms: THROTTLE_BACKOFF_MS });
        await sleep(THROTTLE_BACKOFF_MS, this.takeAbort.signal);
      } else if (!this.stopping) {
        log.warn('job-take failed', { problem: result.reason });
        await sleep(ERROR_BACKOFF_MS, this.takeAbort.signal);
      }
    }

    await this.drain();
    clearTimeout(this.graceTimer);
    heartbeat.stop();
    this.backgroundAbort.abort();
    await stopWatch;
    if (this.undelivered.length > 0) log.error('results that could not be delivered', { jobs: this.undelivered });
    log.info('worker stopped', { jobs: this.finishedJobs, fatal: this.fatal, undelivered: this.undelivered.length });
    return this.fatal ? 1 : 0;
  }

  private start(job: Job): void {
    const { handler, config, settings, log: rootLog, isFatal, firstRetryMs } = this.options;
    if (this.inFlight.has(job.id)) {
      rootLog.warn('job-take returned a job already running here; ignoring the duplicate', { requestId: job.id });
      return;
    }
    const log = rootLog.forJob(job.id);
    const controller = new AbortController();
    const entry: InFlightJob = { controller, stoppedByPlatform: false, posting: false, done: Promise.resolve() };
    this.inFlight.set(job.id, entry);
    // After its execution timeout the platform has given up on the job: no point posting later.
    const deadline = Date.now() + DEFAULT_EXECUTION_TIMEOUT_MS;
    entry.done = (async () => {
      const started = performance.now();
      log.info('job started');
      const outcome = await runJob(handler, job, { signal: controller.signal, log, isFatal });
      if (outcome.kind === 'aborted' && entry.stoppedByPlatform) {
        log.info('job stopped by the platform; no result is posted');
        return;
      }
      let body: JobDoneBody;
      let replaceWorker = false;
      if (outcome.kind === 'output') {
        replaceWorker = outcome.refreshWorker;
        body = successBody(outcome.output, replaceWorker);
      } else if (outcome.kind === 'error') {
        replaceWorker = outcome.fatal;
        body = errorBody(outcome.error, config.workerId, { stopPod: replaceWorker, traceback: outcome.traceback });
      } else {
        body = errorBody(toEngineError(outcome.reason), config.workerId);
      }
      const ms = Math.round(performance.now() - started);
      if (outcome.kind === 'output') log.info('job completed', { ms });
      else log.warn('job failed', { ms, code: outcome.kind === 'error' ? outcome.error.code : 'INTERNAL', message: outcome.kind === 'error' ? outcome.error.message : String(outcome.reason) });
      entry.posting = true;
      const posted = await postJobDone(config, job.id, body, { log, deadline, signal: this.postingAbort.signal, attemptTimeoutMs: settings.jobDoneTimeoutMs, firstRetryMs });
      if (!posted) this.undelivered.push(job.id);
      if (replaceWorker) {
        this.fatal = true;
        log.error('the worker is to be replaced (refresh_worker / stopPod) after this job');
        this.shutdown('refresh_worker');
      }
    })().finally(() => {
      this.inFlight.delete(job.id);
      this.finishedJobs += 1;
      this.wakeSlotWaiters();
    });
  }

  private stopJobs(ids: string[]): void {
    for (const id of ids) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      entry.stoppedByPlatform = true;
      entry.controller.abort(new Error('stopped by the platform'));
    }
  }

  private waitForSlot(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Lets accepted jobs finish and post within the grace period. Jobs still running when only the
   * posting reserve is left are aborted and reported failed; at the end of the grace, posts still
   * under way are abandoned (postingAbort) and their jobs listed as undelivered.
   */
  private async drain(): Promise<void> {
    const { settings, log } = this.options;
    if (this.inFlight.size === 0) return;
    const all = () => Promise.allSettled([...this.inFlight.values()].map((e) => e.done));
    const reserve = Math.min(POST_RESERVE_MS, settings.shutdownGraceMs / 4);
    const allDone = new AbortController();
    void all().then(() => allDone.abort());
    await sleep(this.shutdownDeadline - reserve - Date.now(), allDone.signal);
    const running = [...this.inFlight.entries()].filter(([, e]) => !e.posting && !e.controller.signal.aborted);
    if (running.length > 0) {
      log.warn('shutdown grace period nearly over; reporting the unfinished jobs as failed', { jobs: running.map(([id]) => id), grace_ms: settings.shutdownGraceMs });
      const reason = new EngineError('INTERNAL', 'The worker shut down before the job finished; submit the job again', { reason: 'worker_shutdown' });
      for (const [, entry] of running) entry.controller.abort(reason);
    }
    // Every post ends by the deadline: postingAbort cuts the ones still under way then.
    await all();
  }
}
