// Heartbeat: GET the ping URL every RUNPOD_PING_INTERVAL ms with the in-flight job ids
// (facts: runpod-python rp_ping.py: job_id=<comma-separated ids> omitted when none,
// runpod_version=<ver>, raw key auth, retried on 429/5xx; the platform kills a worker whose pings stop).
// It runs on its own timer on the event loop. Job work never blocks that loop: the handler awaits
// the addon, whose decoding and inference run on the libuv thread pool, and the platform host's
// address comes from dns-cache.ts, so a ping never waits for a pool thread either.
import { authHeaders, PROTOCOL_VERSION, withQuery, type PlatformConfig } from './config.js';
import { httpRequest, sleep } from './http.js';
import type { Logger } from './log.js';

export interface Heartbeat {
  stop(): void;
}

export function startHeartbeat(config: PlatformConfig, inFlightIds: () => string[], log: Logger): Heartbeat {
  const url = config.pingUrl;
  if (!url) {
    log.info('no pings: RUNPOD_WEBHOOK_PING, RUNPOD_POD_ID and RUNPOD_AI_API_KEY are not all set');
    return { stop() {} };
  }
  const interval = config.pingIntervalMs;
  const stopped = new AbortController();
  let busy = false;
  const ping = async () => {
    if (busy || stopped.signal.aborted) return;
    busy = true;
    try {
      for (let attempt = 1; attempt <= 2 && !stopped.signal.aborted; attempt++) {
        const ids = inFlightIds();
        const response = await httpRequest({
          method: 'GET',
          url: withQuery(url, { job_id: ids.length > 0 ? ids.join(',') : undefined, runpod_version: PROTOCOL_VERSION }),
          headers: authHeaders(config),
          timeoutMs: Math.max(2 * interval, 1000),
          signal: stopped.signal,
        });
        if (response.status !== 429 && response.status < 500) {
          if (response.status >= 300) log.warn('ping refused', { status: response.status });
          break;
        }
        log.warn('ping failed; retrying', { status: response.status, attempt });
        await sleep(Math.min(interval / 2, 1000), stopped.signal);
      }
    } catch (error) {
      if (!stopped.signal.aborted) log.warn('ping failed', { problem: (error as Error).message });
    } finally {
      busy = false;
    }
  };
  void ping();
  const timer = setInterval(() => void ping(), interval);
  return {
    stop() {
      clearInterval(timer);
      stopped.abort();
    },
  };
}
