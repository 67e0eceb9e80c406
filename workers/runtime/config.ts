// Worker settings from the environment, as the RunPod platform sets them (facts: runpod-python
// v1.12.0 rp_job.py, rp_http.py, rp_ping.py, http_client.py), plus this runtime's own.
import { randomUUID } from 'node:crypto';

/** Sent as runpod_version on pings: the runpod-python protocol level this runtime implements. */
export const PROTOCOL_VERSION = '1.12.0';

export interface PlatformConfig {
  /** RUNPOD_POD_ID, or a random id (then no pings are sent, as in runpod-python). */
  workerId: string;
  /** RUNPOD_AI_API_KEY: the raw Authorization header value (no "Bearer"). */
  apiKey?: string;
  /** RUNPOD_WEBHOOK_GET_JOB with $ID replaced by the worker id. */
  jobTakeUrl: string;
  /** RUNPOD_WEBHOOK_POST_OUTPUT with $RUNPOD_POD_ID replaced; $ID is replaced per job. */
  jobDoneTemplate: string;
  /** The job-take URL with /job-take/ -> /job-stop/ (per-job stop long poll), if it has that path. */
  jobStopUrl?: string;
  /** RUNPOD_WEBHOOK_PING with $RUNPOD_POD_ID replaced; set only when the pod id and key are set. */
  pingUrl?: string;
  /** RUNPOD_PING_INTERVAL, ms (default 10000). */
  pingIntervalMs: number;
}

/** RunPod's default policy.executionTimeout: after it the platform has given up on a job. */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 600_000;

export interface WorkerSettings {
  /** Jobs run at once: --concurrency or WORKER_CONCURRENCY (default 1). */
  concurrency: number;
  /**
   * After SIGTERM, the time for everything accepted: jobs finish and their results are posted
   * within it (jobs still running near its end are reported failed): WORKER_SHUTDOWN_GRACE_MS (default 8000).
   */
  shutdownGraceMs: number;
  /** One job-done attempt's limit: WORKER_JOB_DONE_TIMEOUT_MS (default 30000). */
  jobDoneTimeoutMs: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv, concurrencyFlag?: string): WorkerSettings {
  return {
    concurrency: positiveInt(concurrencyFlag !== undefined ? '--concurrency' : 'WORKER_CONCURRENCY', concurrencyFlag ?? env.WORKER_CONCURRENCY, 1),
    shutdownGraceMs: positiveInt('WORKER_SHUTDOWN_GRACE_MS', env.WORKER_SHUTDOWN_GRACE_MS, 8000),
    jobDoneTimeoutMs: positiveInt('WORKER_JOB_DONE_TIMEOUT_MS', env.WORKER_JOB_DONE_TIMEOUT_MS, 30_000),
  };
}

/** The platform's URLs and credentials, or undefined when RUNPOD_WEBHOOK_GET_JOB is unset (local mode). */
export function platformConfigFromEnv(env: NodeJS.ProcessEnv): PlatformConfig | undefined {
  const takeTemplate = env.RUNPOD_WEBHOOK_GET_JOB;
  if (!takeTemplate) return undefined;
  const doneTemplate = env.RUNPOD_WEBHOOK_POST_OUTPUT;
  if (!doneTemplate) throw new Error('RUNPOD_WEBHOOK_GET_JOB is set but RUNPOD_WEBHOOK_POST_OUTPUT is not: results could not be reported');
  const podId = env.RUNPOD_POD_ID || undefined;
  const workerId = podId ?? randomUUID();
  const apiKey = env.RUNPOD_AI_API_KEY || undefined;
  const jobTakeUrl = takeTemplate.replaceAll('$RUNPOD_POD_ID', workerId).replaceAll('$ID', workerId);
  const pingTemplate = env.RUNPOD_WEBHOOK_PING;
  return {
    workerId,
    apiKey,
    jobTakeUrl,
    jobDoneTemplate: doneTemplate.replaceAll('$RUNPOD_POD_ID', workerId),
    jobStopUrl: jobTakeUrl.includes('/job-take/') ? jobTakeUrl.replace('/job-take/', '/job-stop/') : undefined,
    pingUrl: pingTemplate && podId && apiKey ? pingTemplate.replaceAll('$RUNPOD_POD_ID', workerId) : undefined,
    pingIntervalMs: positiveInt('RUNPOD_PING_INTERVAL', env.RUNPOD_PING_INTERVAL, 10_000),
  };
}

/** Appends query parameters: with & when the template already has a query (the platform's do). */
export function withQuery(url: string, params: Record<string, string | number | undefined>): string {
  const query = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  if (!query) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

export function jobDoneUrl(config: PlatformConfig, jobId: string, isStream = false): string {
  return withQuery(config.jobDoneTemplate.replaceAll('$ID', encodeURIComponent(jobId)), { isStream: String(isStream) });
}

/** Standard headers on every platform request: the raw key as Authorization. */
export function authHeaders(config: PlatformConfig): Record<string, string> {
  return config.apiKey ? { authorization: config.apiKey } : {};
}
