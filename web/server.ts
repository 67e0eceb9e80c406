// The local web page's HTTP server: the page's static files and its JSON API (api.ts).
//   GET  /, /<file>      web/static (index.html, app.js, style.css), from the installed package
//   GET  /api/info       the model, its phones, the caps, the languages
//   POST /api/ipa        {text, language}
//   POST /api/target     {target_ipa}
//   POST /api/assess     {audio_base64, target_ipa | target_text, language?}
// Errors are {"error": {code, message, details?}} with the contract's codes and an HTTP status.
// On a loopback address (the default) only loopback Host names are answered, so a web site
// cannot reach the engine through DNS rebinding; POSTs must be application/json, which a page
// from another origin cannot send without a CORS preflight this server never grants.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { audioTooLarge, EngineError, toEngineError, type ErrorCode } from '../lib/index.js';
import type { Logger } from '../workers/runtime/log.js';
import { createWebApi, type WebApiOptions } from './api.js';

/** Bodies of the small JSON routes (text is at most 2,000 characters). */
const SMALL_BODY_BYTES = 64 * 1024;

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  IPA_INVALID: 400,
  UNSUPPORTED_LANGUAGE: 400,
  AUDIO_TOO_LARGE: 413,
  AUDIO_FETCH_FAILED: 422,
  AUDIO_TOO_LONG: 422,
  AUDIO_TOO_SHORT: 422,
  AUDIO_UNDECODABLE: 422,
  AUDIO_SILENT: 422,
  MODEL_UNAVAILABLE: 503,
  // the strict MFA option's failure (lib/mfa): the aligner, a dependency, could not do its part
  ALIGNMENT_FAILED: 502,
  INTERNAL: 500,
  ABORTED: 499,
  TIMEOUT: 504,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Everything the page loads comes from this server; recordings are played from blob: URLs. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "media-src 'self' blob:",
  // The page's own blob: URLs (a reviewer's or a test's script may read back what a span played).
  "connect-src 'self' blob:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface WebServerOptions extends WebApiOptions {
  /** The address listened on; the Host check applies when it is a loopback one. */
  host: string;
  /** Folder of the page's files (default: web/static in the package). */
  staticDir?: string;
  log?: Logger;
}

/** web/static beside the package root (found from this file, compiled or not). */
export function defaultStaticDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'web', 'static');
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTNAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface StaticFile {
  body: Buffer;
  type: string;
}

/** The page's files, read once: a fixed set of names, so no request path reaches the file system. */
function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
  }
  const index = files.get('/index.html');
  if (!index) throw new EngineError('INTERNAL', `The page's files are missing: no index.html in ${dir}`);
  files.set('/', index);
  return files;
}

class HttpError extends EngineError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** The request body, up to maxBytes; past that the rest is read and dropped, so the error response still reaches the client. */
function readBody(req: http.IncomingMessage, maxBytes: number, overLimit: () => EngineError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      req.removeAllListeners('data');
      req.resume();
      reject(overLimit());
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return refuse();
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) refuse();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, total)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'The request body must be JSON, e.g. {"text": "hello world", "language": "en-us"}');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

export function createWebServer(options: WebServerOptions): http.Server {
  const api = createWebApi(options);
  const files = loadStaticFiles(options.staticDir ?? defaultStaticDir());
  const checkHost = isLoopbackHost(options.host);
  // Base64 is 4 characters per 3 bytes; the rest of an assessment request is small.
  const assessBodyBytes = Math.ceil(options.maxBytes / 3) * 4 + SMALL_BODY_BYTES;

  const postRoutes: Record<string, { maxBytes: number; overLimit: () => EngineError; run: (body: unknown) => unknown }> = {
    '/api/ipa': { maxBytes: SMALL_BODY_BYTES, overLimit: () => bodyTooLarge(SMALL_BODY_BYTES), run: (body) => api.ipa(body) },
    '/api/target': { maxBytes: SMALL_BODY_BYTES, overLimit: () => bodyTooLarge(SMALL_BODY_BYTES), run: (body) => api.target(body) },
    '/api/assess': { maxBytes: assessBodyBytes, overLimit: () => audioTooLarge(options.maxBytes), run: (body) => api.assess(body) },
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    if (checkHost) {
      const hostname = new URL(`http://${req.headers.host ?? ''}`).hostname;
      if (!isLoopbackHost(hostname)) {
        throw new HttpError(403, 'INVALID_INPUT', `This server answers only to loopback names (localhost, 127.0.0.1), not "${req.headers.host ?? ''}"`);
      }
    }
    const post = postRoutes[url.pathname];
    if (post) {
      if (method !== 'POST') throw new HttpError(405, 'INVALID_INPUT', `${url.pathname} takes POST with a JSON body`);
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        throw new HttpError(415, 'INVALID_INPUT', `${url.pathname} takes a JSON body (content-type: application/json)`);
      }
      const body = parseJson(await readBody(req, post.maxBytes, post.overLimit));
      return sendJson(res, 200, await post.run(body));
    }
    if (url.pathname === '/api/info') {
      if (method !== 'GET') throw new HttpError(405, 'INVALID_INPUT', '/api/info takes GET');
      return sendJson(res, 200, api.info());
    }
    const file = files.get(url.pathname);
    if (file && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(method === 'HEAD' ? undefined : file.body);
      return;
    }
    throw new HttpError(404, 'INVALID_INPUT', `Not found: ${method} ${url.pathname}; the page is at /, the API at /api/info, /api/ipa, /api/target, /api/assess`);
  };

  return http.createServer((req, res) => {
    const started = performance.now();
    route(req, res).catch((error: unknown) => {
      const engineError = toEngineError(error);
      const status = error instanceof HttpError ? error.status : STATUS_BY_CODE[engineError.code];
      if (engineError.code === 'INTERNAL') options.log?.error('request failed', { path: req.url, message: engineError.message });
      if (!res.headersSent) sendJson(res, status, { error: engineError.toJSON() });
      else res.destroy();
    }).finally(() => {
      if (req.url?.startsWith('/api/')) options.log?.info('request', { method: req.method, path: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) });
    });
  });
}

function bodyTooLarge(maxBytes: number): EngineError {
  return new HttpError(413, 'INVALID_INPUT', `The request body is over ${maxBytes} bytes`);
}

export interface RunningWebServer {
  server: http.Server;
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}

/** Starts the server on host:port (port 0: any free port). */
export async function startWebServer(options: WebServerOptions & { port: number }): Promise<RunningWebServer> {
  const server = createWebServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${hostPart}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
