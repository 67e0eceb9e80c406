// A small pool of warm MFA helpers: one request per helper at a time, a capped queue for the
// rest, a timeout per request, and a restart for a helper that crashed, hung or wrote garbage.
// A pool whose helpers cannot start (MFA's Python API missing, the model not found) says so once
// and refuses further requests with 'unavailable', so the aligner can use `mfa align_one` instead.
import { MfaFailure } from './failure.js';
import { HelperProcess, type HelperCommand } from './helper-process.js';
import type { AlignRequest, ReadyMessage, ResultMessage } from './protocol.js';

export interface PoolOptions extends HelperCommand {
  size: number;
  /** Requests waiting for a free helper beyond which new ones are refused ('queue_full'). */
  maxQueue: number;
  timeoutMs: number;
  startTimeoutMs: number;
  /** Consecutive failed starts after which the pool gives up (default 2). */
  maxStartFailures?: number;
  log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

/** A helper that lived this long (or served a request) is restarted as soon as it exits. */
const EAGER_RESTART_AFTER_MS = 5000;

interface Slot {
  helper?: HelperProcess;
  starting?: Promise<HelperProcess>;
  busy: boolean;
}

interface Job {
  request: Omit<AlignRequest, 'id' | 'type'>;
  resolve: (result: ResultMessage) => void;
  reject: (error: unknown) => void;
}

export class HelperPool {
  private readonly options: PoolOptions;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private startFailures = 0;
  private failure: MfaFailure | undefined;
  private closed = false;
  private readyMessage: ReadyMessage | undefined;
  /** Helpers started so far, restarts included (for logs and tests). */
  starts = 0;

  constructor(options: PoolOptions) {
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => ({ busy: false }));
  }

  /** Starts every helper; resolves with the first ready message, rejects with MfaFailure('unavailable') when none starts. */
  async warm(): Promise<ReadyMessage> {
    if (this.failure) throw this.failure;
    const started = await Promise.allSettled(this.slots.map((slot) => this.helperFor(slot)));
    const ok = started.find((s) => s.status === 'fulfilled');
    if (ok) return (ok as PromiseFulfilledResult<HelperProcess>).value.ready;
    throw (started[0] as PromiseRejectedResult).reason;
  }

  /** The ready message of the helpers (model name, phones), once one has started. */
  get ready(): ReadyMessage | undefined {
    return this.readyMessage;
  }

  /** The reason the pool gave up, if it did. */
  get unavailable(): MfaFailure | undefined {
    return this.failure;
  }

  run(request: Omit<AlignRequest, 'id' | 'type'>): Promise<ResultMessage> {
    if (this.closed) return Promise.reject(new MfaFailure('closed', 'the MFA aligner was closed'));
    if (this.failure) return Promise.reject(this.failure);
    const idle = this.slots.some((s) => !s.busy);
    if (!idle && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new MfaFailure('queue_full', `${this.queue.length} MFA requests are already waiting (limit ${this.options.maxQueue})`));
    }
    return new Promise<ResultMessage>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Stops every helper (stdin closed, then killed); queued requests fail with 'closed'. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new MfaFailure('closed', 'the MFA aligner was closed'));
    const helpers = this.slots.map((s) => s.helper).filter((h): h is HelperProcess => !!h);
    await Promise.all(
      helpers.map(
        (h) =>
          new Promise<void>((resolve) => {
            h.onceExit(() => resolve());
            h.close();
            setTimeout(() => h.kill(), 2000).unref();
          }),
      ),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const job = this.queue.shift()!;
      slot.busy = true;
      void this.runOn(slot, job).finally(() => {
        slot.busy = false;
        if (this.failure) for (const waiting of this.queue.splice(0)) waiting.reject(this.failure);
        else this.pump();
      });
    }
  }

  private async runOn(slot: Slot, job: Job): Promise<void> {
    try {
      // A failed start is tried once more at once, so a pool that cannot start gives up within this request.
      const helper = await this.helperFor(slot).catch((error: unknown) => {
        if (this.failure || this.closed) throw error;
        return this.helperFor(slot);
      });
      job.resolve(await helper.request({ type: 'align', id: this.nextId++, ...job.request }, this.options.timeoutMs));
    } catch (error) {
      job.reject(error);
    }
  }

  /** The slot's live helper, starting one when it has none. */
  private helperFor(slot: Slot): Promise<HelperProcess> {
    const current = slot.helper;
    if (current?.alive) return Promise.resolve(current);
    // Killed (a timeout, unusable output) but not yet gone: its replacement starts once it has
    // exited, so a slot never holds two helpers' memory and no request reaches the dying one.
    if (current) return new Promise<void>((resolve) => current.onceExit(() => resolve())).then(() => this.helperFor(slot));
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new MfaFailure('closed', 'the MFA aligner was closed'));
    if (!slot.starting) {
      const restart = this.starts > 0;
      this.starts += 1;
      slot.starting = HelperProcess.start(this.options, this.options.startTimeoutMs).then(
        (helper) => {
          slot.starting = undefined;
          slot.helper = helper;
          this.startFailures = 0;
          this.readyMessage ??= helper.ready;
          if (this.closed) helper.close();
          if (restart) this.options.log('info', 'MFA helper restarted', { acoustic_model: helper.ready.acoustic_model });
          const startedAt = Date.now();
          helper.onceExit((why) => {
            if (slot.helper === helper) slot.helper = undefined;
            if (this.closed) return;
            // Restarted at once, so the next request finds a warm helper; but a helper that died
            // without serving anything soon after starting is restarted only by the next request,
            // so a helper that cannot live is not restarted in a loop.
            const eager = helper.served > 0 || Date.now() - startedAt > EAGER_RESTART_AFTER_MS;
            this.options.log('warn', `MFA helper ${why}; ${eager ? 'starting a new one' : 'a new one starts with the next request'}`);
            if (eager) this.helperFor(slot).catch(() => {});
          });
          return helper;
        },
        (error: MfaFailure) => {
          slot.starting = undefined;
          this.startFailures += 1;
          if (this.startFailures >= (this.options.maxStartFailures ?? 2) && !this.failure) {
            this.failure = error;
            this.options.log('warn', 'MFA helpers cannot start; giving up on them', { problem: error.message });
          }
          throw error;
        },
      );
    }
    return slot.starting;
  }
}
