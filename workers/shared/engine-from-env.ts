// Loads the engine once at worker start from the environment:
//   MODEL_DIR (default: ./models/default when present, else the package's bundled model dir),
//   EXECUTION_PROVIDER cpu|cuda (default cpu), ORT_INTRA_OP_THREADS (optional),
//   AUDIO_MAX_DURATION_SEC (default 60; the decoder refuses longer audio), AUDIO_MAX_BYTES (default 25 MB),
//   ALIGNER ctc|mfa (default ctc; mfa starts the MFA helpers at load), MFA_ACOUSTIC_MODEL and the
//   other MFA_* variables (lib/mfa/options.ts mfaOptionsFromEnv): MFA is configured when either is set,
//   SCORING_STRICTNESS lenient|balanced|strict (default balanced: the calibrated scorer's error threshold).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALIGNERS, defaultModelDir, EngineError, load, loadManifest, mfaOptionsFromEnv, STRICTNESS_LEVELS, type AlignerName, type Engine, type Strictness } from '../../lib/index.js';
import { audioLimitsFromEnv } from './audio-from-env.js';
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

export function alignerFromEnv(env: NodeJS.ProcessEnv): AlignerName {
  const value = (env.ALIGNER ?? 'ctc').trim().toLowerCase() as AlignerName;
  if (!ALIGNERS.includes(value)) throw new EngineError('INVALID_INPUT', `ALIGNER must be ctc or mfa, not "${env.ALIGNER}"`);
  return value;
}

export function strictnessFromEnv(env: NodeJS.ProcessEnv): Strictness | undefined {
  if (env.SCORING_STRICTNESS === undefined || env.SCORING_STRICTNESS.trim() === '') return undefined;
  const value = env.SCORING_STRICTNESS.trim().toLowerCase() as Strictness;
  if (!STRICTNESS_LEVELS.includes(value)) {
    throw new EngineError('INVALID_INPUT', `SCORING_STRICTNESS must be lenient, balanced or strict, not "${env.SCORING_STRICTNESS}"`);
  }
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
  const aligner = alignerFromEnv(env);
  let mfa;
  try {
    mfa = mfaOptionsFromEnv(env, aligner === 'mfa');
  } catch (error) {
    throw new EngineError('INVALID_INPUT', (error as Error).message);
  }
  if (mfa) mfa.log = (level, message, fields) => log[level](message, fields);
  const strictness = strictnessFromEnv(env);
  const engine = await load(modelDir, { provider, threads, maxDurationSec, aligner, mfa, strictness });
  log.info('model loaded', {
    model_dir: modelDir,
    model: manifest.name,
    provider,
    max_duration_sec: maxDurationSec,
    max_bytes: limits.maxBytes,
    aligner,
    mfa: mfa ? mfa.acousticModel : 'not configured',
    strictness: strictness ?? 'balanced',
  });
  return { engine, maxBytes: limits.maxBytes, maxDurationSec };
}
