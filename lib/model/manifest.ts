// The model manifest: one JSON file (manifest.json) beside an ONNX CTC phone recogniser
// that says how to feed it and how to read it. Documented in README ("Model manifest").
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.js';
import { resolveTasks, tasksSchema, type ModelTasks } from './tasks.js';
import { SAMPLE_RATE } from '../types.js';
import type { FrontendConfig, ModelInputBinding, NativeModelConfig } from '../native.js';

const positiveInt = z.number().int().positive();

const waveformFrontend = z.strictObject({
  type: z.literal('waveform'),
  normalize: z.boolean().default(true),
  epsilon: z.number().positive().default(1e-7),
});

const espnetLogMelFrontend = z.strictObject({
  type: z.literal('espnet_logmel'),
  n_fft: positiveInt.default(512),
  win_length: positiveInt.default(400),
  hop_length: positiveInt.default(160),
  n_mels: positiveInt.default(80),
  fmin: z.number().min(0).default(0),
  fmax: z.number().positive().default(8000),
  center: z.boolean().default(true),
  log_floor: z.number().positive().default(1e-10),
  /** JSON file {"mean": number[], "std": number[]} relative to the manifest (GlobalMVN). */
  global_mvn: z.string().optional(),
});

const kaldiFbankFrontend = z.strictObject({
  type: z.literal('kaldi_fbank'),
  num_mel_bins: positiveInt.default(80),
  frame_length_ms: z.number().positive().default(25),
  frame_shift_ms: z.number().positive().default(10),
  dither: z.literal(0).default(0),
  preemphasis: z.number().min(0).max(1).default(0.97),
  preemphasis_scope: z.enum(['frame', 'signal']).default('frame'),
  remove_dc_offset: z.boolean().default(true),
  window: z.enum(['povey', 'hann', 'hamming']).default('povey'),
  snip_edges: z.boolean().default(true),
  low_freq: z.number().min(0).default(20),
  high_freq: z.number().default(0),
  log_floor: z.number().positive().default(1.1920928955078125e-7),
});

const inputBinding = z.strictObject({
  name: z.string().min(1),
  source: z.enum(['features', 'feature_length', 'sample_length', 'features_mask', 'constant']),
  dtype: z.enum(['float32', 'int64', 'int32']).default('float32'),
  shape: z.array(z.number().int().nonnegative()).optional(),
  data: z.array(z.number()).optional(),
});

const selfCheckSchema = z.strictObject({
  passed: z.boolean(),
  max_abs_diff: z.number().nonnegative(),
  tolerance: z.number().positive(),
  /** The recording the check ran on. */
  audio: z.string().min(1),
  /** What the engine was compared with, e.g. "transformers 4.46 Wav2Vec2ForCTC + Wav2Vec2FeatureExtractor". */
  reference: z.string().min(1),
  /** ISO 8601 time of the check. */
  checked_at: z.string().min(1),
  /** Why the check could not compare (e.g. a frame-count mismatch). */
  detail: z.string().optional(),
});

const manifestSchema = z.strictObject({
  format_version: z.literal(1),
  name: z.string().min(1),
  description: z.string().default(''),
  model: z.string().min(1),
  /** The same network in float16 with float32 inputs/outputs; LoadOptions.precision 'fp16' runs it. */
  model_fp16: z.string().min(1).optional(),
  sample_rate: z.literal(SAMPLE_RATE),
  frontend: z.discriminatedUnion('type', [waveformFrontend, espnetLogMelFrontend, kaldiFbankFrontend]),
  inputs: z.array(inputBinding).min(1),
  output: z.strictObject({
    name: z.string().min(1),
    kind: z.enum(['logits', 'log_probs', 'probs']),
    skip_frames: z.number().int().nonnegative().default(0),
    /** An int64/int32 [B] output holding each item's number of output frames (skip_frames included); needed to batch. */
    lengths: z.string().min(1).optional(),
  }),
  frames: z.strictObject({
    shift_samples: positiveInt,
    offset_samples: z.number().int().default(0),
  }),
  vocabulary: z.strictObject({
    /** Inline tokens in id order, or a file (one token per line, optionally "token id"). */
    tokens: z.array(z.string()).optional(),
    file: z.string().optional(),
    blank_id: z.number().int().nonnegative(),
    token_format: z.enum(['plain', 'slash']).default('plain'),
    /** Tokens that are not phones (besides blank and any "<...>" token), e.g. "|". */
    non_phone_tokens: z.array(z.string()).default([]),
  }),
  limits: z
    .strictObject({ max_duration_sec: z.number().positive().default(60) })
    .default({ max_duration_sec: 60 }),
  /** Task prefix and text prompt (POWSM-CTC): lib/model/tasks.ts. */
  tasks: tasksSchema.optional(),
  /** Written by the exporters (tools/export): the engine's log-probs against the original model's. */
  self_check: selfCheckSchema.optional(),
  /** The calibrated scorer trained for this model (tools/scorer), relative to the manifest. */
  scorer: z.string().min(1).optional(),
  /** The same check for model_fp16 (the engine in fp16 against the original model in fp16). */
  self_check_fp16: selfCheckSchema.optional(),
});

export type ManifestJson = z.output<typeof manifestSchema>;

export interface Vocabulary {
  /** Raw tokens by id, as the model emits them. */
  tokens: string[];
  blankId: number;
  /** Phone symbol for each id (slashes removed), or null for blank and non-phone tokens. */
  phoneById: (string | null)[];
  /** Phone symbol -> id. */
  idByPhone: Map<string, number>;
}

export interface ModelManifest {
  name: string;
  description: string;
  directory: string;
  onnxPath: string;
  /** The float16 model, when the manifest names one (model_fp16). */
  onnxPathFp16?: string;
  /** Why model_fp16 must not run: its exporter self-check (self_check_fp16) failed. */
  fp16Refusal?: string;
  sampleRate: 16000;
  frameShiftSamples: number;
  frameOffsetSamples: number;
  maxDurationSec: number;
  vocabulary: Vocabulary;
  /** The manifest's `tasks` (phone recognition's prefix is already in nativeConfig's constant inputs). */
  tasks?: ModelTasks;
  /** The calibrated scorer file (lib/assessment/scoring/scorer.ts), when the manifest names one. */
  scorerPath?: string;
  /** Everything the native model needs except provider choice. */
  nativeConfig: Omit<NativeModelConfig, 'provider' | 'deviceId' | 'intraOpThreads' | 'cuda' | 'ioBinding' | 'maxBatch'>;
}

function invalid(path: string, message: string): EngineError {
  return new EngineError('MODEL_UNAVAILABLE', `Model manifest ${path}: ${message}`);
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EngineError('MODEL_UNAVAILABLE', `Cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EngineError('MODEL_UNAVAILABLE', `${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses a tokens file: one token per line, or "token id" per line (ids must then be 0..n-1). */
export function parseTokenList(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const withIds = lines.every((line) => /^\S+\s+\d+$/.test(line));
  if (!withIds) return lines;
  const tokens: string[] = [];
  for (const line of lines) {
    const [token, id] = line.split(/\s+/);
    tokens[Number(id)] = token;
  }
  if (tokens.length !== lines.length || tokens.some((t) => t === undefined)) {
    throw new Error('token ids are not exactly 0..n-1');
  }
  return tokens;
}

function phoneOf(token: string, format: 'plain' | 'slash'): string | null {
  if (/^<.*>$/.test(token)) return null;
  if (format === 'slash') {
    const match = /^\/(.+)\/$/.exec(token);
    return match ? match[1] : null;
  }
  return token;
}

export function buildVocabulary(tokens: string[], blankId: number, format: 'plain' | 'slash', nonPhone: string[]): Vocabulary {
  const skip = new Set(nonPhone);
  const phoneById = tokens.map((token, id) => (id === blankId || skip.has(token) ? null : phoneOf(token, format)));
  const idByPhone = new Map<string, number>();
  phoneById.forEach((phone, id) => {
    if (phone !== null && !idByPhone.has(phone)) idByPhone.set(phone, id);
  });
  return { tokens, blankId, phoneById, idByPhone };
}

async function loadFrontend(json: ManifestJson['frontend'], dir: string, path: string): Promise<FrontendConfig> {
  switch (json.type) {
    case 'waveform':
      return { type: 'waveform', normalize: json.normalize, epsilon: json.epsilon };
    case 'espnet_logmel': {
      const config: FrontendConfig = {
        type: 'espnet_logmel',
        nFft: json.n_fft,
        winLength: json.win_length,
        hopLength: json.hop_length,
        nMels: json.n_mels,
        fmin: json.fmin,
        fmax: json.fmax,
        center: json.center,
        logFloor: json.log_floor,
      };
      if (json.global_mvn) {
        const stats = (await readJson(join(dir, json.global_mvn), 'GlobalMVN stats')) as { mean?: unknown; std?: unknown };
        const ok = (v: unknown): v is number[] => Array.isArray(v) && v.length === json.n_mels && v.every((x) => Number.isFinite(x));
        if (!ok(stats.mean) || !ok(stats.std)) {
          throw invalid(path, `global_mvn needs "mean" and "std" arrays of ${json.n_mels} finite numbers`);
        }
        config.mean = Float32Array.from(stats.mean);
        config.std = Float32Array.from(stats.std);
      }
      return config;
    }
    case 'kaldi_fbank':
      return {
        type: 'kaldi_fbank',
        numMelBins: json.num_mel_bins,
        frameLengthMs: json.frame_length_ms,
        frameShiftMs: json.frame_shift_ms,
        dither: json.dither,
        preemphasis: json.preemphasis,
        preemphasisScope: json.preemphasis_scope,
        removeDcOffset: json.remove_dc_offset,
        window: json.window,
        snipEdges: json.snip_edges,
        lowFreq: json.low_freq,
        highFreq: json.high_freq,
        logFloor: json.log_floor,
      };
  }
}

/** Reads and validates <modelDir>/manifest.json (or a path to a manifest file). */
export async function loadManifest(modelDirOrFile: string): Promise<ModelManifest> {
  const path = resolve(modelDirOrFile.endsWith('.json') ? modelDirOrFile : join(modelDirOrFile, 'manifest.json'));
  const dir = dirname(path);
  const parsed = manifestSchema.safeParse(await readJson(path, 'model manifest'));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw invalid(path, issues);
  }
  const json = parsed.data;
  const check = json.self_check;
  if (check && !check.passed) {
    throw invalid(
      path,
      `the exporter's self-check failed (${check.detail ?? `max abs diff of log-probs ${check.max_abs_diff} > tolerance ${check.tolerance}`}, ` +
        `audio ${check.audio}, reference ${check.reference}): the exported model does not reproduce the original; re-export it`,
    );
  }

  const checkFp16 = json.self_check_fp16;
  const fp16Refusal =
    checkFp16 && !checkFp16.passed
      ? `Model manifest ${path}: the exporter's fp16 self-check failed (${checkFp16.detail ?? `max abs diff of log-probs ${checkFp16.max_abs_diff} > tolerance ${checkFp16.tolerance}`}, ` +
        `audio ${checkFp16.audio}, reference ${checkFp16.reference}): model_fp16 does not reproduce the original in fp16; load with precision 'fp32' or re-export it`
      : undefined;

  let tokens = json.vocabulary.tokens;
  if (!tokens === !json.vocabulary.file) throw invalid(path, 'vocabulary needs exactly one of "tokens" or "file"');
  if (json.vocabulary.file) {
    const tokensPath = join(dir, json.vocabulary.file);
    let text: string;
    try {
      text = await readFile(tokensPath, 'utf8');
    } catch (error) {
      throw invalid(path, `cannot read vocabulary file ${tokensPath}: ${(error as Error).message}`);
    }
    try {
      tokens = parseTokenList(text);
    } catch (error) {
      throw invalid(path, `vocabulary file ${tokensPath}: ${(error as Error).message}`);
    }
  }
  if (!tokens || json.vocabulary.blank_id >= tokens.length) throw invalid(path, 'vocabulary.blank_id is outside the vocabulary');
  const vocabulary = buildVocabulary(tokens, json.vocabulary.blank_id, json.vocabulary.token_format, json.vocabulary.non_phone_tokens);
  if (vocabulary.idByPhone.size === 0) throw invalid(path, 'the vocabulary has no phone tokens');

  const inputs: ModelInputBinding[] = json.inputs.map((input) => ({ ...input }));
  if (inputs.filter((i) => i.source === 'features').length !== 1) throw invalid(path, 'exactly one input must have source "features"');
  for (const input of inputs) {
    if (input.source === 'constant' && (!input.data || !input.shape)) throw invalid(path, `constant input ${input.name} needs "shape" and "data"`);
  }

  let tasks: ModelTasks | undefined;
  if (json.tasks) {
    tasks = await resolveTasks(json.tasks, tokens, inputs, dir, (message) => invalid(path, message));
    const pr = tasks.phoneRecognition;
    if (pr) {
      // Phone recognition (every call without a task) runs with this task's prefix.
      const prefix = inputs.find((i) => i.name === pr.prefixInput)!;
      prefix.shape = [1, pr.prefixIds.length];
      prefix.data = [...pr.prefixIds];
    }
  }

  const resolveModel = (file: string): string => (isAbsolute(file) ? file : join(dir, file));
  const onnxPath = resolveModel(json.model);
  return {
    name: json.name,
    description: json.description,
    directory: dir,
    onnxPath,
    ...(json.model_fp16 ? { onnxPathFp16: resolveModel(json.model_fp16) } : {}),
    ...(fp16Refusal ? { fp16Refusal } : {}),
    sampleRate: 16000,
    frameShiftSamples: json.frames.shift_samples,
    frameOffsetSamples: json.frames.offset_samples,
    maxDurationSec: json.limits.max_duration_sec,
    vocabulary,
    ...(tasks ? { tasks } : {}),
    ...(json.scorer ? { scorerPath: resolveModel(json.scorer) } : {}),
    nativeConfig: {
      onnxPath,
      frontend: await loadFrontend(json.frontend, dir, path),
      inputs,
      output: {
        name: json.output.name,
        kind: json.output.kind,
        skipFrames: json.output.skip_frames,
        ...(json.output.lengths ? { lengths: json.output.lengths } : {}),
      },
    },
  };
}
