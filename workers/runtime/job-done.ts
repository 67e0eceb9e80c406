// Job done: POST a job's result to the platform.
// Facts (runpod-python rp_http.py): POST the job-done URL ($ID -> job id) + &isStream=false; the
// body is JSON text sent with Content-Type application/x-www-form-urlencoded, a `charset: utf-8`
// header and X-Request-ID: <job id>. 3 attempts on HTTP >= 500, waiting 2 s then 3 s; a 4xx is
// final. Unlike runpod-python, a connection error (no HTTP answer) is retried the same way as a
// 5xx: a result is worth a possible duplicate report more than its silent loss.
import { authHeaders, jobDoneUrl, type PlatformConfig } from './config.js';
import { httpRequest, sleep } from './http.js';
import { serializeJobDone, type JobDoneBody } from './job-result.js';
import type { Logger } from './log.js';

export const JOB_DONE_RETRY_DELAYS_MS = [2000, 3000];
const JOB_DONE_TIMEOUT_MS = 30_000;

export interface PostOptions {
  log: Logger;
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

/** Posts the result; true when the platform accepted it. Never throws. */
export async function postJobDone(config: PlatformConfig, jobId: string, body: JobDoneBody, options: PostOptions): Promise<boolean> {
  const { log } = options;
  const delays = options.retryDelaysMs ?? JOB_DONE_RETRY_DELAYS_MS;
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
        timeoutMs: options.timeoutMs ?? JOB_DONE_TIMEOUT_MS,
      });
      if (response.status >= 200 && response.status < 300) {
        log.debug('job result posted', { attempt, status: response.status });
        return true;
      }
      if (response.status < 500) {
        log.error('job result refused by the platform; it is lost', { status: response.status, body: response.body.slice(0, 500), bytes: text.length });
        return false;
      }
      problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    if (attempt > delays.length) {
      log.error('job result could not be posted; it is lost', { attempts: attempt, problem });
      return false;
    }
    log.warn('posting the job result failed; retrying', { attempt, problem, retry_in_ms: delays[attempt - 1] });
    await sleep(delays[attempt - 1]);
  }
}
