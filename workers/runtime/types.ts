// The runtime's contract with a worker's handler, and the job shape the platform sends.
import type { Logger } from './log.js';

export interface JobContext {
  jobId: string;
  /** Aborted when the platform stops the job, the job times out, or the worker shuts down. */
  signal: AbortSignal;
  /** Logs JSON lines carrying the job id. */
  log: Logger;
}

/**
 * A worker's job handler. It returns the job's output object or throws; an EngineError's code,
 * message and details become the job's error. Output key `refresh_worker: true` asks, as in
 * runpod-python, for the worker to be replaced after this job (it is removed from the output).
 */
export type Handler = (input: unknown, ctx: JobContext) => Promise<object>;

/** A job as the platform's job-take returns it. */
export interface Job {
  id: string;
  input: unknown;
  webhook?: string;
}
