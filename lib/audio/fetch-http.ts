// http(s) audio: one GET per hop, at most maxRedirects redirects (each hop's host checked again by
// the address policy), a declared Content-Length over the cap refused before reading, the body
// counted while it streams and the connection closed at the first byte over, and connect, read
// (idle) and total timeouts.
import http from 'node:http';
import https from 'node:https';
import { EngineError } from '../errors.js';
import { pinnedLookup, resolveChecked, type AllowPrivate, type ResolvedAddress, type Resolver } from './address-policy.js';
import { abortError, describeUrl, fetchFailed } from './fetch-errors.js';
import { audioTooLarge, remaining, type FetchLimits } from './limits.js';

export interface HttpFetchOptions {
  allowPrivate: AllowPrivate;
  maxRedirects: number;
  resolve?: Resolver;
  signal?: AbortSignal;
}

export interface HttpAudio {
  bytes: Uint8Array;
  contentType?: string;
}

/** Sends one GET and resolves with the response once its headers arrived. */
function openRequest(url: URL, addresses: ResolvedAddress[], limits: FetchLimits, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    // Before any request exists: one destroyed before its error listener is attached emits an
    // error nothing catches (the signal can abort while the host resolves).
    if (signal?.aborted) return reject(abortError(signal));
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'GET',
      agent: false,
      lookup: pinnedLookup(addresses),
      headers: {
        'user-agent': 'pronunciation-engine-audio-fetch/1',
        accept: 'audio/*, video/webm, video/mp4, application/octet-stream;q=0.9, */*;q=0.5',
        'accept-encoding': 'identity',
      },
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(readTimer);
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });

    const connectTimer = setTimeout(
      () => fail(fetchFailed(`Timed out connecting to ${url.host} for audio_uri ${describeUrl(url)} (${limits.connectTimeoutMs} ms)`, { reason: 'connect_timeout' })),
      Math.min(limits.connectTimeoutMs, remaining(limits)),
    );
    let readTimer: NodeJS.Timeout | undefined;
    const onConnected = () => {
      clearTimeout(connectTimer);
      readTimer = setTimeout(
        () => fail(fetchFailed(`No response from ${url.host} for audio_uri ${describeUrl(url)} within ${limits.readTimeoutMs} ms`, { reason: 'read_timeout' })),
        Math.min(limits.readTimeoutMs, remaining(limits)),
      );
    };
    // agent: false, so every request has a fresh socket that has yet to connect.
    request.on('socket', (socket) => socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', onConnected));
    request.on('response', (response) => {
      if (settled) return void response.destroy();
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(readTimer);
      signal?.removeEventListener('abort', onAbort);
      resolvePromise(response);
    });
    request.on('error', (error) =>
      fail(
        error instanceof EngineError
          ? error
          : fetchFailed(`Could not fetch audio_uri ${describeUrl(url)}: ${error.message}`, { reason: (error as { code?: string }).code ?? 'error' }),
      ),
    );
    request.end();
  });
}

/** Reads a response body under the size cap and the read and total timeouts. */
function readBody(response: http.IncomingMessage, url: URL, limits: FetchLimits, signal?: AbortSignal): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    response.destroy();
    return Promise.reject(audioTooLarge(limits.maxBytes, { content_length: declared }));
  }
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      clearTimeout(deadlineTimer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        response.destroy();
        reject(error);
      } else {
        resolvePromise(Buffer.concat(chunks, total));
      }
    };
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => finish(fetchFailed(`The server stopped sending audio_uri ${describeUrl(url)} (no data for ${limits.readTimeoutMs} ms)`, { reason: 'read_timeout', received_bytes: total })),
        limits.readTimeoutMs,
      );
    };
    const deadlineTimer = setTimeout(
      () => finish(fetchFailed(`Fetching audio_uri ${describeUrl(url)} took too long`, { reason: 'total_timeout', received_bytes: total })),
      remaining(limits),
    );
    const onAbort = () => finish(abortError(signal!));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    armIdle();
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes) return finish(audioTooLarge(limits.maxBytes, { received_bytes: total }));
      chunks.push(chunk);
      armIdle();
    });
    response.on('end', () => {
      if (!response.complete) finish(fetchFailed(`The connection closed before the whole of audio_uri ${describeUrl(url)} arrived`, { reason: 'incomplete' }));
      else finish();
    });
    response.on('error', (error) => finish(fetchFailed(`Reading audio_uri ${describeUrl(url)} failed: ${error.message}`, { reason: 'read_error' })));
    response.on('close', () => {
      if (!response.complete) finish(fetchFailed(`The connection closed before the whole of audio_uri ${describeUrl(url)} arrived`, { reason: 'incomplete' }));
    });
  });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export async function fetchHttp(start: URL, options: HttpFetchOptions, limits: FetchLimits): Promise<HttpAudio> {
  const { allowPrivate, maxRedirects } = options;
  let url = start;
  for (let redirects = 0; ; redirects++) {
    if (remaining(limits) <= 0) throw fetchFailed(`Fetching audio_uri ${describeUrl(start)} took too long`, { reason: 'total_timeout' });
    const addresses = await resolveChecked(url, allowPrivate, options.resolve);
    const response = await openRequest(url, addresses, limits, options.signal);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status) && response.headers.location) {
      response.destroy();
      if (redirects >= maxRedirects) {
        throw fetchFailed(`audio_uri ${describeUrl(start)} redirects more than ${maxRedirects} times; link the audio file directly`, { reason: 'too_many_redirects' });
      }
      let next: URL;
      try {
        next = new URL(response.headers.location, url);
      } catch {
        throw fetchFailed(`audio_uri ${describeUrl(url)} redirects to an invalid URL`, { reason: 'bad_redirect' });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw fetchFailed(`audio_uri ${describeUrl(url)} redirects to a ${next.protocol} URL; only http and https redirects are followed`, { reason: 'bad_redirect' });
      }
      url = next;
      continue;
    }
    if (status < 200 || status >= 300) {
      response.destroy();
      throw fetchFailed(`Fetching audio_uri ${describeUrl(url)} returned HTTP ${status}; the URL must serve the audio file (HTTP 200)`, { status });
    }
    const bytes = await readBody(response, url, limits, options.signal);
    const contentType = response.headers['content-type'];
    return { bytes, contentType };
  }
}
