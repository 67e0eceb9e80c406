// Runs one job through the handler and says how it ended; never throws.
import { EngineError, toEngineError } from '../../lib/index.js';
import type { Logger } from './log.js';
import type { Handler, Job } from './types.js';

export type JobOutcome =
  | { kind: 'output'; output: unknown; refreshWorker: boolean }
  | { kind: 'error'; error: EngineError; fatal: boolean; traceback?: string }
  /** The job's signal was aborted (stopped, cancelled, timed out, shut down); reason is the abort reason. */
  | { kind: 'aborted'; reason: unknown };

export interface RunJobOptions {
  signal: AbortSignal;
  log: Logger;
  /** Errors after which this worker should be replaced (stopPod); default: MODEL_UNAVAILABLE. */
  isFatal?: (error: EngineError, raw: unknown) => boolean;
}

export function defaultIsFatal(error: EngineError, raw: unknown): boolean {
  return error.code === 'MODEL_UNAVAILABLE' || (raw as { refreshWorker?: unknown } | null)?.refreshWorker === true;
}

function outputOutcome(value: unknown): JobOutcome {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // As runpod-python: a non-object return is the output as is.
    return { kind: 'output', output: value, refreshWorker: false };
  }
  const { refresh_worker: refresh, error, ...output } = value as Record<string, unknown>;
  if (error !== undefined && error !== null && error !== false) {
    // runpod-python treats a returned "error" key as the job's error.
    const engineError =
      typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
        ? toEngineError(Object.assign(new Error((error as { message: string }).message), { code: (error as { code?: unknown }).code }))
        : new EngineError('INTERNAL', String(error));
    return { kind: 'error', error: engineError, fatal: refresh === true };
  }
  return { kind: 'output', output, refreshWorker: refresh === true };
}

export async function runJob(handler: Handler, job: Job, options: RunJobOptions): Promise<JobOutcome> {
  const { signal, log } = options;
  const isFatal = options.isFatal ?? defaultIsFatal;
  const aborted = new Promise<JobOutcome>((resolve) => {
    if (signal.aborted) resolve({ kind: 'aborted', reason: signal.reason });
    else signal.addEventListener('abort', () => resolve({ kind: 'aborted', reason: signal.reason }), { once: true });
  });
  const work = (async (): Promise<JobOutcome> => {
    try {
      return outputOutcome(await handler(job.input, { jobId: job.id, signal, log }));
    } catch (raw) {
      const error = toEngineError(raw);
      const traceback = error.code === 'INTERNAL' && raw instanceof Error ? raw.stack : undefined;
      return { kind: 'error', error, fatal: isFatal(error, raw), ...(traceback ? { traceback } : {}) };
    }
  })();
  const outcome = await Promise.race([work, aborted]);
  // A handler that failed because its signal was aborted ended by the abort, not by its own error.
  return signal.aborted ? { kind: 'aborted', reason: signal.reason } : outcome;
}
