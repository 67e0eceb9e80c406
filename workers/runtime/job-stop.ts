// Per-job stop: a long-poll GET on the job-take URL with /job-take/ -> /job-stop/
// (facts: runpod-python v1.10+). 204: nothing to stop; 200 {"jobsToStop": [ids]}: abort those
// jobs and post nothing for them; 429: back off 5 s.
import { authHeaders, type PlatformConfig } from './config.js';
import { httpRequest, HttpTimeoutError, sleep } from './http.js';
import type { Logger } from './log.js';

const JOB_STOP_TIMEOUT_MS = 90_000;

export function parseJobsToStop(body: string): string[] {
  try {
    const ids = (JSON.parse(body) as { jobsToStop?: unknown })?.jobsToStop;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Polls until the signal aborts, calling onStop with each batch of job ids to stop. */
export async function watchJobStops(config: PlatformConfig, onStop: (ids: string[]) => void, signal: AbortSignal, log: Logger): Promise<void> {
  const url = config.jobStopUrl;
  if (!url) return;
  let warnedMissing = false;
  while (!signal.aborted) {
    let backoffMs = 0;
    try {
      const response = await httpRequest({ method: 'GET', url, headers: authHeaders(config), timeoutMs: JOB_STOP_TIMEOUT_MS, signal });
      if (response.status === 200) {
        const ids = parseJobsToStop(response.body);
        if (ids.length > 0) onStop(ids);
      } else if (response.status === 429) {
        backoffMs = 5000;
      } else if (response.status === 404 || response.status === 405) {
        if (!warnedMissing) log.warn('the platform has no job-stop endpoint; per-job stop is off', { status: response.status });
        warnedMissing = true;
        backoffMs = 60_000;
      } else if (response.status !== 204) {
        backoffMs = 1000;
      }
    } catch (error) {
      if (signal.aborted) break;
      if (!(error instanceof HttpTimeoutError)) {
        log.debug('job-stop poll failed', { problem: (error as Error).message });
        backoffMs = 1000;
      }
    }
    if (backoffMs > 0) await sleep(backoffMs, signal);
  }
}
