// The caps every audio source is held to: bytes, connect/read/total time, redirects.
import { EngineError } from '../errors.js';

/** The caps of a fetch whose options leave them out. */
export const FETCH_DEFAULTS = { maxBytes: 25_000_000, maxRedirects: 3, connectTimeoutMs: 10_000, readTimeoutMs: 20_000, totalTimeoutMs: 120_000 } as const;
export const DEFAULT_MAX_AUDIO_BYTES = FETCH_DEFAULTS.maxBytes;

/** One fetch's caps; `deadline` is a Date.now() time. */
export interface FetchLimits {
  maxBytes: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  deadline: number;
}

/** Milliseconds left before the fetch's deadline (0 once past it). */
export function remaining(limits: FetchLimits): number {
  return Math.max(0, limits.deadline - Date.now());
}

/** AUDIO_TOO_LARGE for audio over maxBytes (the web page's server uses it for its request bodies too). */
export function audioTooLarge(maxBytes: number, details?: Record<string, unknown>): EngineError {
  return new EngineError(
    'AUDIO_TOO_LARGE',
    `The audio is larger than ${formatBytes(maxBytes)}; send a shorter or more compressed recording (e.g. Opus or MP3)`,
    { max_bytes: maxBytes, ...details },
  );
}

function formatBytes(n: number): string {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(1)} MB` : `${n} bytes`;
}
