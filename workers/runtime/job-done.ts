// Job done: POST a job's result to the platform, retrying until it is accepted or there is no
// point any more.
// Facts (runpod-python rp_http.py): POST the job-done URL ($ID -> job id) + &isStream=false; the
// body is JSON text sent with Content-Type application/x-www-form-urlencoded, a `charset: utf-8`
// header and X-Request-ID: <job id>. runpod-python makes 3 attempts on HTTP >= 500 (waiting 2 s,
// then 3 s) and drops the result after that or on a connection error; a 4xx is final.
// Here a 5xx, a 408 or 429, a timeout and a connection error are all retried, waiting 2 s, 3 s,
// 4.5 s, ... (x1.5, at most 30 s), until the job's own deadline (its execution timeout: after
// it the platform has given up on the job) or until the caller's signal aborts (a shutdown's
// grace is over). A result is worth a possible duplicate report more than its silent loss: when
// the platform recorded a post but its answer was lost, the retry reports the job a second time.
import { authHeaders, jobDoneUrl, type PlatformConfig } from './config.js';
import { httpRequest, sleep } from './http.js';
import { serializeJobDone, type JobDoneBody } from './job-result.js';
import type { Logger } from './log.js';

export const JOB_DONE_FIRST_RETRY_MS = 2000;
const RETRY_GROWTH = 1.5;
const MAX_RETRY_DELAY_MS = 30_000;
export const JOB_DONE_ATTEMPT_TIMEOUT_MS = 30_000;

export interface PostOptions {
  log: Logger;
  /** Epoch ms after which no attempt starts: the job's own execution deadline. */
  deadline: number;
  /** Aborted when the result may no longer be posted (the end of a shutdown's grace). */
  signal?: AbortSignal;
  /** One attempt's limit (default 30 s), cut to the time left. */
  attemptTimeoutMs?: number;
  /** The first wait between attempts (default 2 s); each next one is 1.5 times longer, at most 30 s. */
  firstRetryMs?: number;
}

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(attempt: number, firstRetryMs = JOB_DONE_FIRST_RETRY_MS): number {
  return Math.min(MAX_RETRY_DELAY_MS, firstRetryMs * RETRY_GROWTH ** (attempt - 1));
}

/** Statuses after which the same post may succeed later. */
function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Posts the result; true when the platform accepted it. Never throws. */
export async function postJobDone(config: PlatformConfig, jobId: string, body: JobDoneBody, options: PostOptions): Promise<boolean> {
  const { log, deadline, signal } = options;
  const text = serializeJobDone(body, config.workerId);
  const url = jobDoneUrl(config, jobId);
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const response = await httpRequest({
        method: 'POST',
        url,
        headers: {
          ...authHeaders(config),
          'content-type': 'application/x-www-form-urlencoded',
          charset: 'utf-8',
          'x-request-id': jobId,
        },
        body: text,
        timeoutMs: Math.max(1, Math.min(options.attemptTimeoutMs ?? JOB_DONE_ATTEMPT_TIMEOUT_MS, deadline - Date.now())),
        signal,
      });
      if (response.status >= 200 && response.status < 300) {
        log.debug('job result posted', { attempt, status: response.status });
        return true;
      }
      if (!retryable(response.status)) {
        log.error('job result refused by the platform; it is lost', { status: response.status, body: response.body.slice(0, 500), bytes: text.length });
        return false;
      }
      problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    const wait = retryDelayMs(attempt, options.firstRetryMs);
    if (signal?.aborted || Date.now() + wait >= deadline) {
      const why = signal?.aborted ? 'the worker is shutting down' : "the job's deadline has passed";
      log.error(`job result could not be posted (${why}); it is lost`, { attempts: attempt, problem });
      return false;
    }
    log.warn('posting the job result failed; retrying', { attempt, problem, retry_in_ms: Math.round(wait) });
    await sleep(wait, signal);
  }
}
