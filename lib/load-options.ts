// Engine load options and their validation (INVALID_INPUT naming each bad field). The addon
// checks the same values again; validating here gives one clear message for all of them.
import { z } from 'zod';
import { EngineError } from './errors.js';
import type { CudaOptions } from './native.js';
import { mfaOptionsSchema, type MfaOptions } from './mfa/options.js';
import { ALIGNERS, STRICTNESS_LEVELS, type AlignerName, type Strictness } from './types.js';

export type { CudaOptions } from './native.js';

export interface BatchingOptions {
  /** Most requests coalesced into one ONNX Runtime run (1: no batching). */
  maxBatch: number;
  /** Longest a request waits for batch-mates, counted from the first request of a batch. */
  maxWaitMs: number;
}

export interface LoadOptions {
  /** Execution provider; 'cuda' fails with MODEL_UNAVAILABLE where ONNX Runtime has no CUDA provider. */
  provider?: 'cpu' | 'cuda';
  deviceId?: number;
  /** CUDA execution provider settings (ignored by the CPU provider). */
  cuda?: CudaOptions;
  /** 'fp16' runs the manifest's model_fp16 (MODEL_UNAVAILABLE when it names none). Default 'fp32'. */
  precision?: 'fp32' | 'fp16';
  /** Run inference through ONNX Runtime IO binding (output bound to an allocator). */
  ioBinding?: boolean;
  /** Coalesce concurrent requests into batched runs; the bundle must be batchable (README). */
  batching?: BatchingOptions;
  /** ONNX Runtime intra-op threads per inference. */
  threads?: number;
  /** ffmpeg used for formats libsndfile cannot read (WebM, MP4/AAC); '' disables it. */
  ffmpegPath?: string;
  /** Longest audio accepted, in seconds (default: the manifest's limit, 60 s). */
  maxDurationSec?: number;
  /**
   * Margin of the target-aware verification of disputed regions, in nats per phone
   * (default VERIFY_MARGIN_NATS_PER_PHONE, lib/assessment/verify.ts); null turns verification off, so the
   * recognised phones are compared with the target as they are.
   */
  verifyMarginNatsPerPhone?: number | null;
  /**
   * The calibrated scorer (lib/assessment/scoring/scorer.ts): a scorer file to use instead of the one the
   * manifest names, or null to score without one (goodness and the edit distance).
   */
  scorer?: string | null;
  /**
   * How readily a phone is reported as an error, when a calibrated scorer is loaded: one of the
   * scorer's operating points (default 'balanced': fewest misses with at most 3 % of phones that
   * every expert scored perfect flagged, on held-out speakers). Ignored without a scorer.
   */
  strictness?: Strictness;
  /** A probability in (0, 1] that replaces the strictness level's threshold. */
  errorThreshold?: number;
  /**
   * The aligner of the assessment's spans: 'ctc' (default; the model's forced alignment) or 'mfa'
   * (the Montreal Forced Aligner, lib/mfa; its helpers start at load). assess() may override it.
   */
  aligner?: AlignerName;
  /** MFA settings (lib/mfa/options.ts); giving them makes aligner 'mfa' available per call. */
  mfa?: MfaOptions;
  /** load() rejects with ABORTED when this signal aborts (the session being created is then discarded). */
  signal?: AbortSignal;
  /** load() rejects with TIMEOUT after this many milliseconds. */
  timeoutMs?: number;
}

export const MAX_BATCH = 1024;

const cudaOptions = z.strictObject({
  memLimitBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  arenaExtendStrategy: z.enum(['next_power_of_two', 'same_as_requested']).optional(),
  cudnnConvAlgoSearch: z.enum(['exhaustive', 'heuristic', 'default']).optional(),
  copyInDefaultStream: z.boolean().optional(),
  useTf32: z.boolean().optional(),
});

// Not strict at the top level: callers may pass options meant for others.
const loadOptions = z.object({
  provider: z.enum(['cpu', 'cuda']).optional(),
  deviceId: z.number().int().min(0).max(1024).optional(),
  cuda: cudaOptions.optional(),
  precision: z.enum(['fp32', 'fp16']).optional(),
  ioBinding: z.boolean().optional(),
  batching: z
    .strictObject({
      maxBatch: z.number().int().min(1).max(MAX_BATCH),
      maxWaitMs: z.number().min(0).max(60_000),
    })
    .optional(),
  threads: z.number().int().min(1).max(1024).optional(),
  ffmpegPath: z.string().optional(),
  maxDurationSec: z.number().positive().optional(),
  verifyMarginNatsPerPhone: z.number().min(0).nullable().optional(),
  scorer: z.string().min(1).nullable().optional(),
  strictness: z.enum(STRICTNESS_LEVELS).optional(),
  errorThreshold: z.number().gt(0).max(1).optional(),
  aligner: z.enum(ALIGNERS).optional(),
  mfa: mfaOptionsSchema.optional(),
  signal: z.instanceof(AbortSignal).optional(),
  timeoutMs: z.number().positive().optional(),
});

/** The options unchanged when valid; INVALID_INPUT listing every bad field otherwise. */
export function validateLoadOptions(options: unknown): LoadOptions {
  const parsed = loadOptions.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new EngineError('INVALID_INPUT', `Invalid load options: ${issues}`);
  }
  return (options ?? {}) as LoadOptions;
}
