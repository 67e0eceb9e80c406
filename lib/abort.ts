// Cancellation of a call: an AbortSignal and/or a time limit. The native work a call has
// started runs to its end on the thread pool (ONNX Runtime runs cannot be interrupted); the
// call rejects at once with ABORTED or TIMEOUT, later stages are not started, and the result
// is discarded when it arrives.
import { EngineError } from './errors.js';

export interface CallOptions {
  /** Rejects the call with ABORTED when this signal aborts (and at once if it already has). */
  signal?: AbortSignal;
  /** Rejects the call with TIMEOUT when it has not finished after this many milliseconds. */
  timeoutMs?: number;
}

/** INVALID_INPUT unless `options` is undefined or a CallOptions with valid fields. */
export function validateCallOptions(options: unknown, what: string): CallOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new EngineError('INVALID_INPUT', `${what}: options must be an object`);
  const { signal, timeoutMs } = options as CallOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new EngineError('INVALID_INPUT', `${what}: signal must be an AbortSignal`);
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new EngineError('INVALID_INPUT', `${what}: timeoutMs must be a positive number of milliseconds`);
  }
  return { signal, timeoutMs };
}

/**
 * Runs `work` under `options`. `work` gets `checkpoint`, which throws the abort or timeout
 * error once either has happened: call it between stages so that no further work starts.
 */
export async function cancellable<T>(what: string, options: CallOptions, work: (checkpoint: () => void) => Promise<T>): Promise<T> {
  const { signal, timeoutMs } = options;
  if (!signal && timeoutMs === undefined) return work(() => {});
  let stopped: EngineError | undefined;
  const abortError = () =>
    new EngineError('ABORTED', `${what} was aborted`, signal?.reason === undefined ? undefined : { reason: String(signal.reason) });
  if (signal?.aborted) throw abortError();
  const checkpoint = () => {
    if (stopped) throw stopped;
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      const stop = (error: EngineError) => {
        stopped ??= error;
        reject(stopped);
      };
      onAbort = () => stop(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => stop(new EngineError('TIMEOUT', `${what} did not finish within ${timeoutMs} ms`, { timeout_ms: timeoutMs })), timeoutMs);
      }
      work(checkpoint).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
