// s3:// audio, read with the AWS SDK (AWS, Cloudflare R2 and MinIO alike) from the endpoint and
// credentials the caller gives (operator-controlled, so not address-checked; the workers read
// them from the environment). The SDK is an optional peer dependency, loaded on the first s3://
// URI only: it costs ~200 ms and ~20 MB at start otherwise.
import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { EngineError } from '../errors.js';
import { abortError, fetchFailed } from './fetch-errors.js';
import { audioTooLarge, FETCH_DEFAULTS, remaining, type FetchLimits } from './limits.js';

export interface S3FetchOptions {
  /** Where and as whom to read (default: region us-east-1 and the SDK's default credential chain). */
  s3?: S3Settings;
  /** A client of the caller's own, used as is. */
  s3Client?: S3Client;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  signal?: AbortSignal;
}

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
  /** Endpoint for S3-compatible stores (R2, MinIO); absent: AWS. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (MinIO). */
  forcePathStyle: boolean;
  /** Absent: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function s3ClientConfig(settings: S3Settings, timeouts: { connectTimeoutMs?: number; readTimeoutMs?: number } = {}): S3ClientConfig {
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
      requestTimeout: timeouts.readTimeoutMs ?? FETCH_DEFAULTS.readTimeoutMs,
    },
  };
}

const s3Clients = new Map<string, S3Client>();

const DEFAULT_S3_SETTINGS: S3Settings = { region: 'us-east-1', forcePathStyle: false };

async function s3ClientFor(options: S3FetchOptions, sdk: typeof import('@aws-sdk/client-s3')): Promise<S3Client> {
  if (options.s3Client) return options.s3Client;
  const config = s3ClientConfig(options.s3 ?? DEFAULT_S3_SETTINGS, options);
  const key = JSON.stringify(config);
  let client = s3Clients.get(key);
  if (!client) {
    client = new sdk.S3Client(config);
    s3Clients.set(key, client);
  }
  return client;
}

export async function fetchS3(uri: string, options: S3FetchOptions, limits: FetchLimits): Promise<{ bytes: Uint8Array; contentType?: string }> {
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
      throw audioTooLarge(limits.maxBytes, { content_length: response.ContentLength });
    }
    if (!body) throw fetchFailed(`${where} has no body`);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of body) {
        total += (chunk as Buffer).length;
        if (total > limits.maxBytes) {
          body.destroy();
          throw audioTooLarge(limits.maxBytes, { received_bytes: total });
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
