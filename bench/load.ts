// Load on the local RunPod-compatible server: N concurrent /runsync requests (default 200) from
// the official runpod-sdk client, each assessing the 5 s example recording sent as a data: URI.
// The server runs in this process, built as `--serve` builds it (same queue, same handler), on
// 127.0.0.1. Returns throughput and latency percentiles; run directly to print them:
//   node --import tsx bench/load.ts [requests] [concurrency]
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import runpodSdk from 'runpod-sdk';
import { load } from '../lib/engine.js';
import { fetchAudio } from '../lib/audio/index.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { createAssessHandler } from '../workers/assess/handler.js';
import { LocalQueue } from '../workers/runtime/local-queue.js';
import { createLocalServer } from '../workers/runtime/local-server.js';
import { createLogger } from '../workers/runtime/log.js';
import { percentile, printTable } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface LoadTestOptions {
  /** Concurrent /runsync requests, all sent at once (default 200). */
  requests?: number;
  /** The server's job concurrency (WORKER_CONCURRENCY; default 4). */
  concurrency?: number;
  /** Model bundle (default models/default when present, else models/plumbing). */
  modelDir?: string;
  recording?: string;
  targetIpa?: string;
}

export interface LoadTestResult {
  model: string;
  requests: number;
  concurrency: number;
  completed: number;
  failed: number;
  wallSec: number;
  /** Completed requests per second of wall time. */
  throughputPerSec: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export async function runLoadTest(options: LoadTestOptions = {}): Promise<LoadTestResult> {
  const requests = options.requests ?? 200;
  const concurrency = options.concurrency ?? 4;
  const trained = join(root, 'models', 'default');
  const modelDir = options.modelDir ?? (existsSync(join(trained, 'manifest.json')) ? trained : join(root, 'models', 'plumbing'));
  const recording = readFileSync(options.recording ?? join(root, 'examples', '001040067.flac'));
  const targetIpa = options.targetIpa ?? 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

  const engine = await load(modelDir);
  const handler = createAssessHandler({ engine, generateIpa, fetchAudio: (uri, { signal }) => fetchAudio(uri, { signal }) });
  const log = createLogger({ level: 'WARN' });
  const queue = new LocalQueue(handler, { concurrency, log });
  const server = createLocalServer(queue, log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = runpodSdk('load-test', { baseUrl: `http://127.0.0.1:${port}/v2` }).endpoint('assess')!;
  const input = { audio_uri: `data:audio/flac;base64,${recording.toString('base64')}`, target_ipa: targetIpa };

  try {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: requests }, async () => {
        const t = performance.now();
        try {
          const result = await endpoint.runSync({ input }, 300_000);
          return { ok: result.status === 'COMPLETED', ms: performance.now() - t };
        } catch {
          return { ok: false, ms: performance.now() - t };
        }
      }),
    );
    const wallSec = (performance.now() - started) / 1000;
    const latencies = outcomes.map((o) => o.ms);
    const completed = outcomes.filter((o) => o.ok).length;
    return {
      model: engine.manifest.name,
      requests,
      concurrency,
      completed,
      failed: requests - completed,
      wallSec,
      throughputPerSec: completed / wallSec,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(...latencies),
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await queue.close();
  }
}

export function printLoadTest(result: LoadTestResult): void {
  printTable(`Local server: ${result.requests} concurrent /runsync (runpod-sdk), job concurrency ${result.concurrency}, model "${result.model}"`, [
    ['completed', `${result.completed} of ${result.requests}`],
    ['throughput', `${result.throughputPerSec.toFixed(1)} requests/s`],
    ['latency p50', `${result.p50Ms.toFixed(0)} ms`],
    ['latency p95', `${result.p95Ms.toFixed(0)} ms`],
    ['latency max', `${result.maxMs.toFixed(0)} ms`],
    ['wall', `${result.wallSec.toFixed(2)} s`],
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [requests, concurrency] = process.argv.slice(2).map(Number);
  printLoadTest(await runLoadTest({ requests: requests || undefined, concurrency: concurrency || undefined }));
}
