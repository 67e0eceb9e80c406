// Job take: the long-poll GET that hands this worker its next job(s).
// Facts (runpod-python rp_job.py): GET the take URL + &job_in_progress=1|0; with more than one
// slot, /job-take/ -> /job-take-batch/ + &batch_size=N. 204 and 400 mean no job (400 is normal
// with FlashBoot), 429 means back off 5 s; other non-2xx are logged and polled again. An empty or
// non-JSON body is no job; a JSON object is one job, an array a batch. Client timeout 90 s.
import { authHeaders, withQuery, type PlatformConfig } from './config.js';
import { httpRequest, HttpTimeoutError } from './http.js';
import type { Job } from './types.js';

export const JOB_TAKE_TIMEOUT_MS = 90_000;

export type TakeResult =
  | { kind: 'jobs'; jobs: Job[]; malformed: unknown[] }
  | { kind: 'none' }
  | { kind: 'throttled' }
  | { kind: 'failed'; reason: string };

export interface TakeRequest {
  /** Free slots: how many jobs to ask for. */
  count: number;
  /** Ask through the batch endpoint (concurrency > 1). */
  batch: boolean;
  /** Whether any job is in flight on this worker. */
  jobInProgress: boolean;
}

export function jobTakeRequestUrl(config: PlatformConfig, request: TakeRequest): string {
  if (request.batch) {
    const url = config.jobTakeUrl.replace('/job-take/', '/job-take-batch/');
    return withQuery(url, { batch_size: request.count, job_in_progress: request.jobInProgress ? 1 : 0 });
  }
  return withQuery(config.jobTakeUrl, { job_in_progress: request.jobInProgress ? 1 : 0 });
}

/**
 * Parses a job-take response body into jobs. An entry with an id but no input is still a job (its
 * handler reports INVALID_INPUT, so it gets a result); an entry without an id cannot be answered
 * and is returned as malformed, to be logged.
 */
export function parseJobs(body: string): { jobs: Job[]; malformed: unknown[] } {
  if (body.trim() === '') return { jobs: [], malformed: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { jobs: [], malformed: [] };
  }
  const entries = Array.isArray(parsed) ? parsed : parsed !== null && typeof parsed === 'object' ? [parsed] : [];
  const jobs: Job[] = [];
  const malformed: unknown[] = [];
  for (const entry of entries) {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id !== '') {
      const { input, webhook } = entry as { input: unknown; webhook?: unknown };
      jobs.push({ id, input, ...(typeof webhook === 'string' ? { webhook } : {}) });
    } else {
      malformed.push(entry);
    }
  }
  return { jobs, malformed };
}

export async function takeJobs(config: PlatformConfig, request: TakeRequest, signal?: AbortSignal): Promise<TakeResult> {
  let response;
  try {
    response = await httpRequest({
      method: 'GET',
      url: jobTakeRequestUrl(config, request),
      headers: { ...authHeaders(config), accept: 'application/json' },
      timeoutMs: JOB_TAKE_TIMEOUT_MS,
      signal,
    });
  } catch (error) {
    if (error instanceof HttpTimeoutError) return { kind: 'none' };
    return { kind: 'failed', reason: (error as Error).message };
  }
  if (response.status === 204 || response.status === 400) return { kind: 'none' };
  if (response.status === 429) return { kind: 'throttled' };
  if (response.status < 200 || response.status >= 300) return { kind: 'failed', reason: `HTTP ${response.status}` };
  const { jobs, malformed } = parseJobs(response.body);
  return jobs.length === 0 && malformed.length === 0 ? { kind: 'none' } : { kind: 'jobs', jobs, malformed };
}
