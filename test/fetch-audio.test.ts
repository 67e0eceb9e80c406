// Audio fetching against real servers on loopback (allowed only through the explicit option), a
// loopback stand-in for an S3 endpoint, and the address classifier on a table of addresses.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../lib/errors.js';
import { classifyAddress, decodeBase64Audio, fetchAudio, parseS3Uri, s3ClientConfig, type FetchAudioOptions } from '../lib/audio/index.js';
import { fetchOptionsFromEnv, s3SettingsFromEnv } from '../workers/shared/audio-from-env.js';
import { startLoopbackServer, type LoopbackServer } from './helpers/loopback-server.js';
import { uncaughtDuring } from './helpers/outcomes.js';

const RECORDING = readFileSync(join(__dirname, '..', 'examples', '001040067.flac'));
const ALLOW: FetchAudioOptions = { allowPrivate: true };

const servers: LoopbackServer[] = [];
async function serve(handler: Parameters<typeof startLoopbackServer>[0], host?: string): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler, host);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::', 'private'],
    ['2001::1', 'reserved'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('data: URIs and base64', () => {
  it('decodes base64 and percent-encoded data: URIs', async () => {
    const uri = `data:audio/flac;base64,${RECORDING.toString('base64')}`;
    const fetched = await fetchAudio(uri);
    expect(Buffer.from(fetched.bytes).equals(RECORDING)).toBe(true);
    expect(fetched.contentType).toBe('audio/flac');
    expect(Buffer.from((await fetchAudio('data:,RIFF%00%01')).bytes)).toEqual(Buffer.from('RIFF\x00\x01', 'latin1'));
  });

  it('refuses a data: URI over the size cap before decoding it, and malformed ones', async () => {
    const uri = `data:audio/flac;base64,${RECORDING.toString('base64')}`;
    const tooLarge = await failure(fetchAudio(uri, { maxBytes: 10_000 }));
    expect(tooLarge.code).toBe('AUDIO_TOO_LARGE');
    expect(tooLarge.message).toMatch(/larger than 10000 bytes/);
    expect((await failure(fetchAudio('data:audio/wav;base64'))).code).toBe('INVALID_INPUT');
    expect((await failure(fetchAudio('data:audio/wav;base64,@@@not base64@@@'))).code).toBe('INVALID_INPUT');
    expect(() => decodeBase64Audio('', 100)).toThrow(/empty/);
    expect(() => decodeBase64Audio('A'.repeat(200), 100)).toThrow(EngineError);
  });

  it('refuses unsupported schemes', async () => {
    for (const uri of ['ftp://host/a.wav', 'file:///etc/passwd', '/tmp/a.wav', 'gopher://x']) {
      const error = await failure(fetchAudio(uri));
      expect(error.code).toBe('INVALID_INPUT');
    }
  });
});

describe('http(s) fetching', () => {
  it('fetches a recording when private addresses are allowed (option, or the workers\' AUDIO_FETCH_ALLOW_PRIVATE=1)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/flac', 'content-length': RECORDING.length });
      res.end(RECORDING);
    });
    const viaOption = await fetchAudio(`${server.origin}/rec.flac`, ALLOW);
    expect(Buffer.from(viaOption.bytes).equals(RECORDING)).toBe(true);
    expect(viaOption.contentType).toBe('audio/flac');
    const viaEnv = await fetchAudio(`${server.origin}/rec.flac`, fetchOptionsFromEnv({ AUDIO_FETCH_ALLOW_PRIVATE: '1' }));
    expect(viaEnv.bytes.length).toBe(RECORDING.length);
    expect(fetchOptionsFromEnv({}).allowPrivate).toBe(false);
    expect(fetchOptionsFromEnv({ AUDIO_FETCH_ALLOW_PRIVATE: '0' }).allowPrivate).toBe(false);
  });

  it('refuses loopback hosts by default, in every spelling, before connecting', async () => {
    const server = await serve((_req, res) => res.end('x'));
    const port = server.port;
    for (const url of [
      `http://127.0.0.1:${port}/a.wav`,
      `http://localhost:${port}/a.wav`,
      `http://[::1]:${port}/a.wav`,
      `http://[::ffff:127.0.0.1]:${port}/a.wav`,
      `http://2130706433:${port}/a.wav`,
      `http://0x7f.1:${port}/a.wav`,
      `http://127.1:${port}/a.wav?X-Amz-Signature=s3cr3t`,
    ]) {
      const error = await failure(fetchAudio(url));
      expect(error.code, url).toBe('AUDIO_FETCH_FAILED');
      expect(error.details?.address_class, url).toBe('loopback');
      expect(error.message).not.toContain('s3cr3t');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('stops reading at the size cap while streaming from a server that sends endlessly', async () => {
    let sent = 0;
    let closed!: () => void;
    const serverClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) sent += chunk.length;
        sent += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', closed);
      pump();
    });
    const started = Date.now();
    const error = await failure(fetchAudio(`${server.origin}/endless`, { ...ALLOW, maxBytes: 1_000_000 }));
    expect(error.code).toBe('AUDIO_TOO_LARGE');
    expect(error.details?.received_bytes).toBeGreaterThan(1_000_000);
    expect(Date.now() - started).toBeLessThan(5000);
    await serverClosed;
    // The connection was closed early: the server could only fill the socket buffers past the cap.
    expect(sent).toBeLessThan(16_000_000);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100_000_000 });
      res.write(Buffer.alloc(1000));
    });
    const error = await failure(fetchAudio(`${server.origin}/huge`, { ...ALLOW, maxBytes: 25_000_000 }));
    expect(error.code).toBe('AUDIO_TOO_LARGE');
    expect(error.details?.content_length).toBe(100_000_000);
  });

  it('times out a server that stops sending (read timeout), before and after the headers', async () => {
    const stalled = await serve((req, res) => {
      if (req.url === '/after-headers') {
        res.writeHead(200, { 'content-length': 10_000 });
        res.write(Buffer.alloc(100));
      }
      // Otherwise: never answer.
    });
    for (const path of ['/no-headers', '/after-headers']) {
      const started = Date.now();
      const error = await failure(fetchAudio(`${stalled.origin}${path}`, { ...ALLOW, readTimeoutMs: 300 }));
      expect(error.code).toBe('AUDIO_FETCH_FAILED');
      expect(error.details?.reason).toBe('read_timeout');
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('times out a connection that never completes (connect timeout, TLS handshake unanswered)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await failure(fetchAudio(`https://127.0.0.1:${port}/a.wav`, { ...ALLOW, connectTimeoutMs: 300 }));
      expect(error.code).toBe('AUDIO_FETCH_FAILED');
      expect(error.details?.reason).toBe('connect_timeout');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('reports HTTP errors with the status', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404);
      res.end('no');
    });
    const error = await failure(fetchAudio(`${server.origin}/missing.wav`, ALLOW));
    expect(error.code).toBe('AUDIO_FETCH_FAILED');
    expect(error.details?.status).toBe(404);
  });

  it('follows at most 3 redirects', async () => {
    const server = await serve((req, res) => {
      const hops = Number(/^\/hop\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      if (hops > 0) {
        res.writeHead(302, { location: `/hop/${hops - 1}` });
        return res.end();
      }
      res.writeHead(200, { 'content-length': RECORDING.length });
      res.end(RECORDING);
    });
    const three = await fetchAudio(`${server.origin}/hop/3`, ALLOW);
    expect(three.bytes.length).toBe(RECORDING.length);
    const error = await failure(fetchAudio(`${server.origin}/hop/4`, ALLOW));
    expect(error.details?.reason).toBe('too_many_redirects');
  });

  it('checks every redirect hop: a redirect to a private, metadata or non-http address is refused', async () => {
    const other = await serve((_req, res) => res.end('secret'), '127.0.0.2');
    const server = await serve((req, res) => {
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('to')!;
      res.writeHead(307, { location: target });
      res.end();
    });
    // Only the first server's address is allowed; everything else is judged as in production.
    const onlyFirst: FetchAudioOptions = { allowPrivate: (address) => address === '127.0.0.1' };
    for (const [target, kind] of [
      [`${other.origin}/x`, 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', 'metadata'],
      ['http://10.0.0.7/a.wav', 'private'],
      ['http://[fd00:ec2::254]/latest', 'metadata'],
      ['http://[::ffff:192.168.1.1]/a.wav', 'private'],
    ]) {
      const error = await failure(fetchAudio(`${server.origin}/r?to=${encodeURIComponent(target)}`, onlyFirst));
      expect(error.code, target).toBe('AUDIO_FETCH_FAILED');
      expect(error.details?.address_class, target).toBe(kind);
    }
    expect(other.requests).toHaveLength(0);
    const fileRedirect = await failure(fetchAudio(`${server.origin}/r?to=${encodeURIComponent('file:///etc/passwd')}`, onlyFirst));
    expect(fileRedirect.details?.reason).toBe('bad_redirect');
  });

  it('resolves a host once, checks every address, and connects to the checked one (DNS rebinding)', async () => {
    const server = await serve((_req, res) => res.end(RECORDING));
    let calls = 0;
    // A rebinding resolver: the first answer is the allowed address, later answers another one.
    const rebinding = async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 as const }] : [{ address: '127.0.0.2', family: 4 as const }]);
    const allowFirst: FetchAudioOptions = { resolve: rebinding, allowPrivate: (address) => address === '127.0.0.1' };
    const fetched = await fetchAudio(`http://audio.test:${server.port}/rec.flac`, allowFirst);
    expect(fetched.bytes.length).toBe(RECORDING.length);
    expect(calls).toBe(1);
    expect(server.requests[0].headers.host).toBe(`audio.test:${server.port}`);

    // One refused address among the answers refuses the host, whatever the others are.
    const mixed = async () => [
      { address: '127.0.0.1', family: 4 as const },
      { address: '127.0.0.2', family: 4 as const },
    ];
    const error = await failure(fetchAudio(`http://audio.test:${server.port}/rec.flac`, { ...allowFirst, resolve: mixed }));
    expect(error.details?.address).toBe('127.0.0.2');
    expect(server.requests).toHaveLength(1);
  });

  it('stops when its signal aborts', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new EngineError('INTERNAL', 'stopped')), 100);
    const error = await failure(fetchAudio(`${server.origin}/slow`, { ...ALLOW, signal: controller.signal }));
    expect(error.message).toBe('stopped');
  });

  it('stops when its signal aborts while the host resolves: no request is sent, nothing is thrown later', async () => {
    const server = await serve((_req, res) => res.end(RECORDING));
    const controller = new AbortController();
    const resolveThenAbort = async () => {
      controller.abort(new EngineError('INTERNAL', 'stopped while resolving'));
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    const uncaught = await uncaughtDuring(async () => {
      const error = await failure(fetchAudio(`http://audio.test:${server.port}/rec.flac`, { ...ALLOW, resolve: resolveThenAbort, signal: controller.signal }));
      expect(error.message).toBe('stopped while resolving');
    });
    expect(uncaught).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('s3://', () => {
  it('parses s3 URIs', () => {
    expect(parseS3Uri('s3://bucket/key.wav')).toEqual({ bucket: 'bucket', key: 'key.wav' });
    expect(parseS3Uri('s3://my.bucket-1/a/b c/%20d.webm')).toEqual({ bucket: 'my.bucket-1', key: 'a/b c/%20d.webm' });
    for (const bad of ['s3://bucket', 's3://bucket/', 's3:///key', 's3://b/key']) expect(() => parseS3Uri(bad), bad).toThrow(/expected s3:\/\/bucket\/key/);
  });

  it('builds the client settings from the workers\' environment (AWS, R2, MinIO)', () => {
    expect(s3SettingsFromEnv({})).toEqual({ endpoint: undefined, region: 'us-east-1', forcePathStyle: false, credentials: undefined });
    const r2 = s3SettingsFromEnv({
      AWS_ENDPOINT_URL: 'https://acct.r2.cloudflarestorage.com',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: '0',
    });
    expect(r2).toEqual({ endpoint: 'https://acct.r2.cloudflarestorage.com', region: 'auto', forcePathStyle: false, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
    const minio = s3SettingsFromEnv({ S3_ENDPOINT: 'http://minio:9000', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 't' });
    expect(minio).toMatchObject({ endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true, credentials: { sessionToken: 't' } });
    expect(s3SettingsFromEnv({ AWS_ENDPOINT_URL_S3: 'http://a', AWS_ENDPOINT_URL: 'http://b' }).endpoint).toBe('http://a');
    const config = s3ClientConfig(minio, { connectTimeoutMs: 1000, readTimeoutMs: 2000 });
    expect(config).toMatchObject({ endpoint: 'http://minio:9000', forcePathStyle: true, region: 'eu-west-1', requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } });
  });

  it('reads an object through the AWS SDK from an S3-compatible endpoint (a loopback stand-in)', async () => {
    const store = await serve((req, res) => {
      if (req.url?.startsWith('/bucket/rec/001040067.flac')) {
        res.writeHead(200, { 'content-type': 'audio/flac', 'content-length': RECORDING.length, etag: '"x"' });
        return res.end(RECORDING);
      }
      if (req.url?.startsWith('/bucket/huge.wav')) {
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': 50_000_000 });
        return res.write(Buffer.alloc(1000));
      }
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    });
    const s3 = s3SettingsFromEnv({ AWS_ENDPOINT_URL: store.origin, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'not-a-secret' });
    const fetched = await fetchAudio('s3://bucket/rec/001040067.flac', { s3 });
    expect(Buffer.from(fetched.bytes).equals(RECORDING)).toBe(true);
    const signed = store.requests[0];
    expect(signed.method).toBe('GET');
    expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/auto\/s3\/aws4_request/);

    const tooLarge = await failure(fetchAudio('s3://bucket/huge.wav', { s3, maxBytes: 1_000_000 }));
    expect(tooLarge.code).toBe('AUDIO_TOO_LARGE');
    const missing = await failure(fetchAudio('s3://bucket/nope.wav', { s3 }));
    expect(missing.code).toBe('AUDIO_FETCH_FAILED');
    expect(missing.message).toMatch(/NoSuchKey/);
  });
});
