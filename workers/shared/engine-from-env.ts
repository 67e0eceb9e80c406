// Loads the engine once at worker start from the environment:
//   MODEL_DIR (default: ./models/default when present, else the package's bundled model dir),
//   EXECUTION_PROVIDER cpu|cuda (default cpu), ORT_INTRA_OP_THREADS (optional),
//   AUDIO_MAX_DURATION_SEC (default 60; the decoder refuses longer audio), AUDIO_MAX_BYTES (default 25 MB).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultModelDir, load, type Engine } from '../../lib/engine.js';
import { EngineError } from '../../lib/errors.js';
import { audioLimitsFromEnv } from '../../lib/fetch-audio.js';
import { loadManifest } from '../../lib/manifest.js';
import type { Logger } from '../runtime/log.js';

export function modelDirFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.MODEL_DIR) return resolve(env.MODEL_DIR);
  const local = resolve('models', 'default');
  return existsSync(local) ? local : defaultModelDir();
}

export function providerFromEnv(env: NodeJS.ProcessEnv): 'cpu' | 'cuda' {
  const value = (env.EXECUTION_PROVIDER ?? 'cpu').trim().toLowerCase();
  if (value !== 'cpu' && value !== 'cuda') throw new EngineError('INVALID_INPUT', `EXECUTION_PROVIDER must be cpu or cuda, not "${env.EXECUTION_PROVIDER}"`);
  return value;
}

export interface LoadedEngine {
  engine: Engine;
  maxBytes: number;
  maxDurationSec: number;
}

export async function loadEngineFromEnv(env: NodeJS.ProcessEnv, log: Logger): Promise<LoadedEngine> {
  const modelDir = modelDirFromEnv(env);
  const provider = providerFromEnv(env);
  const limits = audioLimitsFromEnv(env);
  const threads = env.ORT_INTRA_OP_THREADS ? Number(env.ORT_INTRA_OP_THREADS) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new EngineError('INVALID_INPUT', 'ORT_INTRA_OP_THREADS must be a positive integer');
  // The duration cap is the smaller of the worker's and the model's own limit.
  const manifest = await loadManifest(modelDir);
  const maxDurationSec = Math.min(limits.maxDurationSec, manifest.maxDurationSec);
  const engine = await load(modelDir, { provider, threads, maxDurationSec });
  log.info('model loaded', { model_dir: modelDir, model: manifest.name, provider, max_duration_sec: maxDurationSec, max_bytes: limits.maxBytes });
  return { engine, maxBytes: limits.maxBytes, maxDurationSec };
}
