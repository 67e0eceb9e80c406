// The one HTTP client the runtime uses to talk to the platform: node:http(s) with keep-alive,
// a deadline per request, abort signals, and the cached lookup (dns-cache.ts).
import http from 'node:http';
import https from 'node:https';
import { createCachedLookup } from './dns-cache.js';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

const lookup = createCachedLookup();
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, lookup } as http.AgentOptions),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, lookup } as https.AgentOptions),
};

export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    // Before any request exists: a request destroyed before its error listener is attached
    // emits an error nothing catches, and the process dies.
    if (request.signal?.aborted) return reject(abortReason(request.signal));
    const url = new URL(request.url);
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = transport.request(url, { method: request.method, headers, agent, lookup });
    req.on('error', (error) => settle(error));
    let settled = false;
    const settle = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve(response!);
      }
    };
    const timer = setTimeout(() => settle(new HttpTimeoutError(`${request.method} ${url.pathname} timed out after ${request.timeoutMs} ms`)), request.timeoutMs);
    const onAbort = () => settle(abortReason(request.signal!));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => settle(error));
    });
    req.end(request.body);
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Sleeps for ms, or until the signal aborts (then resolves early). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
