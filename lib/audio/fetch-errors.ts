// The errors the audio fetchers share (AUDIO_FETCH_FAILED) and how they name a URL.
import { EngineError } from '../errors.js';

export function fetchFailed(message: string, details?: Record<string, unknown>): EngineError {
  return new EngineError('AUDIO_FETCH_FAILED', message, details);
}

/** The URL without query, fragment or credentials: safe for messages (presigned URLs carry secrets). */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The error a fetch stopped by its AbortSignal rejects with: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : fetchFailed('The audio fetch was aborted');
}
