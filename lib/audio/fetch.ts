// Fetches the audio a request names into memory: http(s) URLs, s3:// objects and data: URIs,
// each under the same caps (limits.ts). Duration is not checked here: the engine's decoder
// refuses audio longer than its maxDurationSec from the header, before decoding all of it.
//
//   http(s)  fetch-http.ts, from public addresses only unless allowPrivate (address-policy.ts)
//   s3://    fetch-s3.ts, with the S3 settings the caller gives
//   data:    data-uri.ts, the decoder the library's own audio input uses too
//
// Nothing here reads the environment: the workers turn theirs into these options
// (workers/shared/audio-from-env.ts).
import type { S3Client } from '@aws-sdk/client-s3';
import { EngineError } from '../errors.js';
import type { AllowPrivate, Resolver } from './address-policy.js';
import { decodeDataUri } from './data-uri.js';
import { abortError } from './fetch-errors.js';
import { fetchHttp } from './fetch-http.js';
import { fetchS3, type S3Settings } from './fetch-s3.js';
import { FETCH_DEFAULTS, type FetchLimits } from './limits.js';

export interface FetchAudioOptions {
  /** Largest body accepted, in bytes (default 25 MB). */
  maxBytes?: number;
  /** Time allowed to connect (TCP, and TLS for https), in ms. */
  connectTimeoutMs?: number;
  /** Longest wait for the next bytes (response headers or body), in ms. */
  readTimeoutMs?: number;
  /** Deadline for the whole fetch, redirects included, in ms. */
  totalTimeoutMs?: number;
  maxRedirects?: number;
  /** Allows non-public addresses: true for all (tests, local use), or a predicate per resolved address. Default false. */
  allowPrivate?: AllowPrivate;
  signal?: AbortSignal;
  /** Host name resolution (tests inject one); the answer is checked, then connected to as is. */
  resolve?: Resolver;
  /** Endpoint, region and credentials for s3:// URIs (default: AWS us-east-1, the SDK's default credential chain). */
  s3?: S3Settings;
  /** S3 client to use for s3:// URIs instead (default: one built from `s3`, cached). */
  s3Client?: S3Client;
}

export interface FetchedAudio {
  bytes: Uint8Array;
  /** The Content-Type the source declared, if any. */
  contentType?: string;
}

/** Fetches http(s), s3:// or data: audio into memory under the size cap and timeouts. */
export async function fetchAudio(uri: string, options: FetchAudioOptions = {}): Promise<FetchedAudio> {
  const limits: FetchLimits = {
    maxBytes: options.maxBytes ?? FETCH_DEFAULTS.maxBytes,
    connectTimeoutMs: options.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
    readTimeoutMs: options.readTimeoutMs ?? FETCH_DEFAULTS.readTimeoutMs,
    deadline: Date.now() + (options.totalTimeoutMs ?? FETCH_DEFAULTS.totalTimeoutMs),
  };
  if (typeof uri !== 'string' || uri.trim() === '') throw new EngineError('INVALID_INPUT', 'audio_uri must be a non-empty https://, http://, s3:// or data: URI');
  if (options.signal?.aborted) throw abortError(options.signal);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'data') return decodeDataUri(uri, limits.maxBytes);
  if (scheme === 's3') return fetchS3(uri, options, limits);
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new EngineError('INVALID_INPUT', `audio_uri is not a valid URL: "${uri.slice(0, 200)}"`);
    }
    const { allowPrivate = false, maxRedirects = FETCH_DEFAULTS.maxRedirects, resolve, signal } = options;
    return fetchHttp(url, { allowPrivate, maxRedirects, resolve, signal }, limits);
  }
  throw new EngineError('INVALID_INPUT', `audio_uri scheme "${scheme ?? uri.slice(0, 20)}" is not supported; use https://, http://, s3:// or data:`);
}
