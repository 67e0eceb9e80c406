// Fetches the audio a request names into memory: http(s) URLs, s3:// objects and data: URIs.
//
// Safety rules (all enforced here, before the bytes reach the decoder):
// - size: at most maxBytes (default 25 MB); a declared Content-Length over it is refused before
//   reading, and the body is counted while it streams, the connection closed at the first byte over.
// - duration: not checked here; the worker loads the engine with maxDurationSec (default 60 s), so
//   the decoder refuses longer audio (AUDIO_TOO_LONG) from its header before decoding all of it.
// - time: connect timeout, read (idle) timeout, and a deadline for the whole fetch.
// - addresses: loopback, private, link-local, CGNAT, unique-local, multicast, reserved and cloud
//   metadata addresses (IPv4 and IPv6, IPv4-mapped and other IPv6 forms that embed an IPv4 address)
//   are refused unless allowPrivate (or AUDIO_FETCH_ALLOW_PRIVATE=1) allows them. Against DNS
//   rebinding, each hop's host is resolved once, every resolved address is checked, and the socket
//   is connected to those checked addresses through a custom lookup (no second resolution).
// - redirects: at most 3, each hop checked again.
// s3:// objects are read with the AWS SDK from the endpoint and credentials in the environment
// (operator-controlled, so not address-checked): AWS, Cloudflare R2 and MinIO alike. The SDK is
// loaded on the first s3:// URI only (it costs ~200 ms and ~20 MB at start otherwise).
import { lookup as systemLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import ipaddr from 'ipaddr.js';
import { EngineError } from './errors.js';

export const DEFAULT_MAX_AUDIO_BYTES = 25_000_000;
export const DEFAULT_MAX_AUDIO_DURATION_SEC = 60;
export const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_READ_TIMEOUT_MS = 20_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, dns.lookup). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

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
  /**
   * Allows non-public addresses: true for all (tests, local use), or a predicate per resolved
   * address. Default: true when the environment has AUDIO_FETCH_ALLOW_PRIVATE=1, else false.
   */
  allowPrivate?: boolean | ((address: string, url: URL) => boolean);
  signal?: AbortSignal;
  /** Host name resolution (tests inject one); the answer is checked, then connected to as is. */
  resolve?: Resolver;
  /** Environment read for AUDIO_FETCH_ALLOW_PRIVATE and the S3 settings (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** S3 client to use for s3:// URIs (default: one built from the environment, cached). */
  s3Client?: S3Client;
}

export interface FetchedAudio {
  bytes: Uint8Array;
  /** The Content-Type the source declared, if any. */
  contentType?: string;
}

// ---------------------------------------------------------------------------------------------
// Address classification

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'invalid';

/** Cloud instance-metadata and host-agent addresses outside the ranges refused anyway. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, Oracle, DigitalOcean IMDS (also link-local)
  '169.254.170.2', // AWS ECS task metadata (also link-local)
  '168.63.129.16', // Azure WireServer: a public address, so listed explicitly
  '100.100.100.200', // Alibaba Cloud metadata (also CGNAT)
  'fd00:ec2::254', // AWS IMDS over IPv6 (also unique-local)
]);

const IPV6_RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
};

const IPV4_RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'cgnat',
  unspecified: 'unspecified',
  broadcast: 'reserved',
  multicast: 'multicast',
};

function ipv4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

/** The IPv4 address an IPv6 address carries, for the forms that route to one (mapped, NAT64, 6to4, ::/96). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = v6.toByteArray();
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return ipv4FromBytes(bytes.slice(12));
  if (range === '6to4') return ipv4FromBytes(bytes.slice(2, 6));
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
  if (bytes.slice(0, 12).every((b) => b === 0)) return ipv4FromBytes(bytes.slice(12));
  return undefined;
}

/** Classifies an IP address; only 'public' addresses are fetched without allowPrivate. */
export function classifyAddress(text: string): AddressClass {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare) === 0) return 'invalid';
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(bare);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.range() === 'unspecified' || v6.range() === 'loopback') return IPV6_RANGE_CLASS[v6.range()];
    if (METADATA_ADDRESSES.has(v6.toString())) return 'metadata';
    const v4 = embeddedIPv4(v6);
    if (v4) address = v4;
    else return IPV6_RANGE_CLASS[v6.range()] ?? 'reserved';
  }
  const v4 = address as ipaddr.IPv4;
  if (METADATA_ADDRESSES.has(v4.toString())) return 'metadata';
  return IPV4_RANGE_CLASS[v4.range()] ?? 'reserved';
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the sources

function fetchFailed(message: string, details?: Record<string, unknown>): EngineError {
  return new EngineError('AUDIO_FETCH_FAILED', message, details);
}

/** AUDIO_TOO_LARGE for audio over maxBytes (also used by the web page's server for its request bodies). */
export function tooLarge(maxBytes: number, details?: Record<string, unknown>): EngineError {
  return new EngineError(
    'AUDIO_TOO_LARGE',
    `The audio is larger than ${formatBytes(maxBytes)}; send a shorter or more compressed recording (e.g. Opus or MP3)`,
    { max_bytes: maxBytes, ...details },
  );
}

function formatBytes(n: number): string {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(1)} MB` : `${n} bytes`;
}

/** The URL without query, fragment or credentials: safe for messages (presigned URLs carry secrets). */
function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : fetchFailed('The audio fetch was aborted');
}

// ---------------------------------------------------------------------------------------------
// data: URIs and base64

/** Bytes a base64 text decodes to (ignoring whitespace), without decoding it. */
function base64DecodedLength(text: string): number {
  const compact = text.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

/** Decodes base64 audio (the audio_base64 field or a data: URI's payload) under the size cap. */
export function decodeBase64Audio(text: string, maxBytes: number = DEFAULT_MAX_AUDIO_BYTES, field = 'audio_base64'): Uint8Array {
  if (base64DecodedLength(text) > maxBytes) throw tooLarge(maxBytes);
  if (!/^[A-Za-z0-9+/_\-\s]*={0,2}\s*$/.test(text)) {
    throw new EngineError('INVALID_INPUT', `${field} is not valid base64; send the encoded audio file (WAV, FLAC, OGG, MP3, WebM, MP4) as standard or URL-safe base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new EngineError('INVALID_INPUT', `${field} is empty; send the encoded audio file as base64`);
  return bytes;
}

function fetchDataUri(uri: string, maxBytes: number): FetchedAudio {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(uri);
  if (!match) throw new EngineError('INVALID_INPUT', 'Malformed data: URI; expected data:audio/<type>;base64,<data>');
  const contentType = match[1] || undefined;
  if (match[2]) return { bytes: decodeBase64Audio(match[3], maxBytes, 'The data: URI'), contentType };
  // Percent-encoded payload: its decoded size is at most its length.
  if (match[3].length > 3 * maxBytes) throw tooLarge(maxBytes);
  let text: string;
  try {
    text = decodeURIComponent(match[3]);
  } catch {
    throw new EngineError('INVALID_INPUT', 'The data: URI has invalid percent-encoding; use ;base64 for binary audio');
  }
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  return { bytes, contentType };
}

// ---------------------------------------------------------------------------------------------
// http(s)

const systemResolver: Resolver = async (hostname) => {
  const answers = await systemLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

interface Limits {
  maxBytes: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  deadline: number;
}

function remaining(limits: Limits): number {
  return Math.max(0, limits.deadline - Date.now());
}

/** Resolves the URL's host once and checks every address; returns the addresses to connect to. */
async function resolveChecked(url: URL, options: FetchAudioOptions, allowPrivate: FetchAudioOptions['allowPrivate']): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const family = isIP(host);
  if (family !== 0) {
    addresses = [{ address: host, family: family as 4 | 6 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (error) {
      throw fetchFailed(`Could not resolve the host ${host} of audio_uri ${describeUrl(url)}`, {
        host,
        reason: (error as { code?: string }).code ?? String(error),
      });
    }
    if (addresses.length === 0) throw fetchFailed(`The host ${host} of audio_uri ${describeUrl(url)} has no address`, { host });
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'public') continue;
    const allowed = typeof allowPrivate === 'function' ? allowPrivate(address, url) : allowPrivate === true;
    if (!allowed || kind === 'invalid') {
      throw fetchFailed(
        `audio_uri ${describeUrl(url)} resolves to a ${kind} address (${address}), which is not fetched; use a public http(s) URL, an s3:// URI or a data: URI`,
        { host, address, address_class: kind },
      );
    }
  }
  return addresses;
}

/** A lookup that answers with the already checked addresses: the socket connects to exactly those. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = usable.length > 0 ? usable : addresses;
    if (options.all) (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0].address, list[0].family);
  };
}

/** Sends one GET and resolves with the response once its headers arrived. */
function openRequest(url: URL, addresses: ResolvedAddress[], limits: Limits, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
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
    if (signal?.aborted) return fail(abortError(signal));
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
function readBody(response: http.IncomingMessage, url: URL, limits: Limits, signal?: AbortSignal): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge(limits.maxBytes, { content_length: declared }));
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
      if (total > limits.maxBytes) return finish(tooLarge(limits.maxBytes, { received_bytes: total }));
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

async function fetchHttp(start: URL, options: FetchAudioOptions, limits: Limits): Promise<FetchedAudio> {
  const env = options.env ?? process.env;
  const allowPrivate = options.allowPrivate ?? envFlag(env.AUDIO_FETCH_ALLOW_PRIVATE) ?? false;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let url = start;
  for (let redirects = 0; ; redirects++) {
    if (remaining(limits) <= 0) throw fetchFailed(`Fetching audio_uri ${describeUrl(start)} took too long`, { reason: 'total_timeout' });
    const addresses = await resolveChecked(url, options, allowPrivate);
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

// ---------------------------------------------------------------------------------------------
// s3://

/** Splits s3://bucket/key (the key as written, like the AWS CLI: no percent-decoding). */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/?#]+)\/(.+)$/s.exec(uri);
  const bucket = match?.[1] ?? '';
  if (!match || !/^[a-z0-9][a-z0-9.\-_]{1,254}$/i.test(bucket)) {
    throw new EngineError('INVALID_INPUT', `Malformed s3 URI "${uri.slice(0, 200)}"; expected s3://bucket/key`);
  }
  return { bucket, key: match[2] };
}

export interface S3Settings {
  /** Endpoint for S3-compatible stores (R2, MinIO): AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or S3_ENDPOINT. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (MinIO): S3_FORCE_PATH_STYLE; default on when a custom endpoint is set. */
  forcePathStyle: boolean;
  /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || env.S3_ENDPOINT || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'auto' : 'us-east-1');
  const forcePathStyle = envFlag(env.S3_FORCE_PATH_STYLE) ?? endpoint !== undefined;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  return { endpoint, region, forcePathStyle, credentials };
}

export function s3ClientConfig(settings: S3Settings, timeouts: { connectTimeoutMs?: number; readTimeoutMs?: number } = {}): S3ClientConfig {
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeout: timeouts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    },
  };
}

const s3Clients = new Map<string, S3Client>();

async function s3ClientFor(options: FetchAudioOptions, sdk: typeof import('@aws-sdk/client-s3')): Promise<S3Client> {
  if (options.s3Client) return options.s3Client;
  const config = s3ClientConfig(s3SettingsFromEnv(options.env ?? process.env), options);
  const key = JSON.stringify(config);
  let client = s3Clients.get(key);
  if (!client) {
    client = new sdk.S3Client(config);
    s3Clients.set(key, client);
  }
  return client;
}

async function fetchS3(uri: string, options: FetchAudioOptions, limits: Limits): Promise<FetchedAudio> {
  const { bucket, key } = parseS3Uri(uri);
  const where = `s3://${bucket}/${key}`;
  const abort = new AbortController();
  const onAbort = () => abort.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => abort.abort(fetchFailed(`Fetching ${where} took too long`, { reason: 'total_timeout' })), remaining(limits));
  try {
    // An optional peer dependency: only s3:// URIs need it (the worker images install it).
    const sdk = await import('@aws-sdk/client-s3').catch(() => {
      throw fetchFailed(`Fetching ${where} needs the optional package @aws-sdk/client-s3: npm install @aws-sdk/client-s3`, { reason: 'sdk_missing' });
    });
    let response;
    try {
      const client = await s3ClientFor(options, sdk);
      response = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: abort.signal });
    } catch (error) {
      if (abort.signal.aborted) throw abortError(abort.signal);
      const name = (error as { name?: string }).name ?? 'Error';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      throw fetchFailed(`Could not read ${where}: ${name}${status ? ` (HTTP ${status})` : ''}; check the bucket, key and the worker's S3 credentials and endpoint`, {
        reason: name,
        ...(status ? { status } : {}),
      });
    }
    const body = response.Body as Readable | undefined;
    if (response.ContentLength !== undefined && response.ContentLength > limits.maxBytes) {
      body?.destroy();
      throw tooLarge(limits.maxBytes, { content_length: response.ContentLength });
    }
    if (!body) throw fetchFailed(`${where} has no body`);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of body) {
        total += (chunk as Buffer).length;
        if (total > limits.maxBytes) {
          body.destroy();
          throw tooLarge(limits.maxBytes, { received_bytes: total });
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (abort.signal.aborted) throw abortError(abort.signal);
      throw fetchFailed(`Reading ${where} failed: ${(error as Error).message}`, { reason: 'read_error' });
    }
    return { bytes: Buffer.concat(chunks, total), contentType: response.ContentType };
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

// ---------------------------------------------------------------------------------------------

/** Fetches http(s), s3:// or data: audio into memory under the size cap and timeouts. */
export async function fetchAudio(uri: string, options: FetchAudioOptions = {}): Promise<FetchedAudio> {
  const limits: Limits = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    deadline: Date.now() + (options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS),
  };
  if (typeof uri !== 'string' || uri.trim() === '') throw new EngineError('INVALID_INPUT', 'audio_uri must be a non-empty https://, http://, s3:// or data: URI');
  if (options.signal?.aborted) throw abortError(options.signal);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'data') return fetchDataUri(uri, limits.maxBytes);
  if (scheme === 's3') return fetchS3(uri, options, limits);
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new EngineError('INVALID_INPUT', `audio_uri is not a valid URL: "${uri.slice(0, 200)}"`);
    }
    return fetchHttp(url, options, limits);
  }
  throw new EngineError('INVALID_INPUT', `audio_uri scheme "${scheme ?? uri.slice(0, 20)}" is not supported; use https://, http://, s3:// or data:`);
}

/** Size and duration caps from the environment: AUDIO_MAX_BYTES, AUDIO_MAX_DURATION_SEC. */
export function audioLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): { maxBytes: number; maxDurationSec: number } {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!(Number.isFinite(value) && value > 0)) throw new EngineError('INVALID_INPUT', `${name} must be a positive number, not "${raw}"`);
    return value;
  };
  return { maxBytes: number('AUDIO_MAX_BYTES', DEFAULT_MAX_AUDIO_BYTES), maxDurationSec: number('AUDIO_MAX_DURATION_SEC', DEFAULT_MAX_AUDIO_DURATION_SEC) };
}
