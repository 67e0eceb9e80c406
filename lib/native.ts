// The addon's JavaScript surface, typed. Everything heavy returns a Promise and runs
// on the libuv thread pool; the *Sync variants exist for small inputs and benchmarks.
// Errors thrown or rejected by the addon are Error objects with a contract `code`.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SAMPLE_RATE } from './types.js';

// ---------- audio ----------
export interface DecodeOptions {
  /** Refuse audio longer than this (AUDIO_TOO_LONG), checked before decoding all of it. */
  maxDurationSec: number;
  /** ffmpeg executable used when libsndfile cannot read the input (WebM, MP4/AAC). Empty disables. */
  ffmpegPath?: string;
}
export interface DecodedAudio {
  /** 16 kHz mono float32 in [-1, 1]. */
  samples: Float32Array;
  sampleRate: typeof SAMPLE_RATE;
  originalSampleRate: number;
  originalChannels: number;
  originalDurationSec: number;
  /** raw: samples given by the caller (decodeSamples). */
  decoder: 'libsndfile' | 'ffmpeg' | 'raw';
}

// ---------- features ----------
export interface WaveformFrontend {
  type: 'waveform';
  /** Per-utterance (x - mean) / sqrt(var + epsilon), as the wav2vec2 feature extractor does. */
  normalize: boolean;
  epsilon: number;
}
export interface EspnetLogMelFrontend {
  type: 'espnet_logmel';
  nFft: number;
  winLength: number;
  hopLength: number;
  nMels: number;
  fmin: number;
  fmax: number;
  /** center=True with reflect padding: frames = floor(N / hop) + 1. */
  center: boolean;
  /** log(max(power_mel, logFloor)). */
  logFloor: number;
  /** GlobalMVN; both present or both absent, length nMels. */
  mean?: Float32Array;
  std?: Float32Array;
}
export interface KaldiFbankFrontend {
  type: 'kaldi_fbank';
  numMelBins: number;
  frameLengthMs: number;
  frameShiftMs: number;
  /** Dither amplitude; must be 0 (the engine is deterministic). */
  dither: number;
  preemphasis: number;
  /** 'frame': Kaldi applies pre-emphasis inside each frame; 'signal': lhotse-style, once over the whole signal. */
  preemphasisScope: 'frame' | 'signal';
  removeDcOffset: boolean;
  window: 'povey' | 'hann' | 'hamming';
  snipEdges: boolean;
  lowFreq: number;
  /** <= 0 means Nyquist + highFreq, as in Kaldi. */
  highFreq: number;
  /** log(max(energy, logFloor)). */
  logFloor: number;
}
export type FrontendConfig = WaveformFrontend | EspnetLogMelFrontend | KaldiFbankFrontend;
export interface Features {
  /** Row-major numFrames x dim (dim = 1 for the waveform frontend, one row per sample). */
  data: Float32Array;
  numFrames: number;
  dim: number;
}

// ---------- model ----------
export type TensorDType = 'float32' | 'int64' | 'int32';
export interface ModelInputBinding {
  name: string;
  /**
   * features: [B, T, F] (or [B, N] for waveform); feature_length: [B] frames; sample_length: [B] samples;
   * features_mask: [B, T] 1 on each item's frames, 0 on padding; constant: data/shape. B is 1 unbatched.
   */
  source: 'features' | 'feature_length' | 'sample_length' | 'features_mask' | 'constant';
  dtype: TensorDType;
  shape?: number[];
  data?: number[];
}
/** OrtCUDAProviderOptionsV2 settings; unset fields keep ONNX Runtime's defaults. */
export interface CudaOptions {
  /** gpu_mem_limit: the CUDA memory arena's limit in bytes. */
  memLimitBytes?: number;
  /** arena_extend_strategy. */
  arenaExtendStrategy?: 'next_power_of_two' | 'same_as_requested';
  /** cudnn_conv_algo_search. */
  cudnnConvAlgoSearch?: 'exhaustive' | 'heuristic' | 'default';
  /** do_copy_in_default_stream. */
  copyInDefaultStream?: boolean;
  /** use_tf32. */
  useTf32?: boolean;
}
export interface NativeModelConfig {
  onnxPath: string;
  provider: 'cpu' | 'cuda';
  deviceId?: number;
  intraOpThreads?: number;
  cuda?: CudaOptions;
  /** Run through OrtIoBinding instead of OrtApi::Run. */
  ioBinding?: boolean;
  /** > 1: inferBatch takes up to this many items (the bundle must be batchable). Default 1. */
  maxBatch?: number;
  frontend: FrontendConfig;
  inputs: ModelInputBinding[];
  output: {
    name: string;
    /** What the output holds; the engine always returns log-probabilities (log-softmax over the last axis). */
    kind: 'logits' | 'log_probs' | 'probs';
    /** Leading output frames that are not audio (e.g. POWSM-CTC's 2 prefix frames). */
    skipFrames: number;
    /** int64/int32 [B] output with each item's output frame count (needed to batch). */
    lengths?: string;
  };
}
/** What the public API hands out for a recording: its log-probabilities as a JS array. */
export interface InferenceResult {
  /** Row-major numFrames x vocabSize log-probabilities. */
  logProbs: Float32Array;
  numFrames: number;
  vocabSize: number;
  /** inferenceMs is the whole ONNX Runtime run, shared by the batchSize items it held. */
  timings: InferenceTimings;
}
export interface InferenceTimings {
  featuresMs: number;
  inferenceMs: number;
  batchSize?: number;
}
/** A model run as the addon returns it: the log-probabilities stay in native memory. */
export interface NativeInference {
  logProbs: NativeLogProbs;
  /** inferenceMs is the whole ONNX Runtime run, shared by the batchSize items it held. */
  timings: InferenceTimings;
}
export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
}
export interface NativeModel {
  /**
   * `inputs` gives per-call values of `constant` int64/int32 inputs by name (e.g. POWSM-CTC's
   * prefix and text prompt), replacing the config's data and shape for this call; INVALID_INPUT
   * when a name is not such an input, the data does not fill the shape, or the rank differs
   * from the graph's.
   */
  infer(samples: Float32Array, inputs?: Record<string, { shape: number[]; data: number[] }>): Promise<NativeInference>;
  /** One ONNX Runtime run for up to maxBatch items; an item that fails alone gets an Error with its code. */
  inferBatch(items: Float32Array[]): Promise<(NativeInference | (Error & { code?: string }))[]>;
  info(): { inputs: TensorInfo[]; outputs: TensorInfo[]; provider: string };
}

// ---------- CTC ----------
export interface GreedySegments {
  tokens: Int32Array;
  /** Frame spans [start, end). */
  startFrames: Int32Array;
  endFrames: Int32Array;
  /** Mean log-probability of the token over its frames. */
  meanLogProbs: Float32Array;
}
export interface ForcedAlignment {
  startFrames: Int32Array;
  endFrames: Int32Array;
  meanLogProbs: Float32Array;
  /**
   * Goodness per target: mean over its aligned frames of log P(target) minus the log-probability
   * of the best competing non-blank token (log posterior ratio, Hu et al. 2015).
   */
  logPosteriorRatios: Float32Array;
  /** Log-probability of the best path. */
  pathLogProb: number;
}

/** ctcAlternatives: the target's log-likelihood with each phone edited (see native/src/ctc/alternatives.h). */
export interface CtcAlternatives {
  /** log P(target | frames). */
  logLikelihood: number;
  /** deletion[i]: log P(target without phone i | frames). */
  deletion: Float64Array;
  /** substitution[i * numCandidates + c]: log P(target with phone i replaced by candidates[c] | frames). */
  substitution: Float64Array;
  numCandidates: number;
}

/**
 * Row-major numFrames x vocabSize log-probabilities kept in native memory (a model's output, or
 * logProbsFromArray's copy). The CTC operations read them in place on the thread pool, instead of
 * copying the matrix from JavaScript for each call (ctcGreedyDecode and the other module
 * functions copy it once per call). release() frees the matrix now (operations already started
 * keep their own reference); otherwise it is freed when the handle is collected. Any method but
 * the dimensions throws INVALID_INPUT after release().
 */
export interface NativeLogProbs {
  readonly numFrames: number;
  readonly vocabSize: number;
  /** A copy as a Float32Array. */
  toFloat32Array(): Float32Array;
  release(): void;
  greedyDecode(blankId: number): Promise<GreedySegments>;
  forcedAlign(blankId: number, targets: Int32Array): Promise<ForcedAlignment>;
  /** As ctcLogLikelihoods. */
  logLikelihoods(blankId: number, sequences: Int32Array[]): Promise<Float64Array>;
  /** As ctcAlternatives. */
  alternatives(blankId: number, targets: Int32Array, candidates: Int32Array): Promise<CtcAlternatives>;
}

// ---------- edit distance ----------
/** Codes in EditResult.types. */
export const EditOpType = { Match: 0, Substitute: 1, Delete: 2, Insert: 3 } as const;
export interface EditCosts {
  /** Number of distinct symbol ids; every id in target/actual must be < numSymbols. */
  numSymbols: number;
  /** numSymbols x numSymbols substitution costs (diagonal ignored: identical symbols match at 0). Absent: 1 everywhere. */
  substitution?: Float32Array;
  insertion: number;
  deletion: number;
}
export interface EditResult {
  distance: number;
  types: Uint8Array;
  /** For insert: the target index before which the extra symbol occurred. */
  targetIndices: Int32Array;
  /** For delete: the actual index at which the missing symbol would have been. */
  actualIndices: Int32Array;
}

// ---------- text: sentencepiece (libsentencepiece) ----------
/** A loaded sentencepiece model (opaque). */
export type SentencepieceModel = unknown;

// ---------- G2P: text to IPA with espeak-ng (native/src/g2p; espeak-ng runs in a helper process) ----------
export interface G2pLanguage {
  /** Language code to pass as `language`, e.g. "en-us" (lower case). */
  language: string;
  /** espeak-ng voice file chosen for it, e.g. "gmw/en-US". */
  voice: string;
  name: string;
}
export interface G2pNativeWord {
  /** The input word (whitespace-delimited, punctuation included). */
  text: string;
  /** Its index among the whitespace-delimited words of the text. */
  index: number;
  /** espeak-ng's IPA phones, stress marks removed, length marks kept. */
  phones: string[];
  /** False when the text was too irregular to align and the word was translated alone. */
  inContext: boolean;
}
export interface G2pNativeResult {
  language: string;
  voice: string;
  /** Words with at least one phone, in order. */
  words: G2pNativeWord[];
}

// ---------- the addon: every function it exports ----------
export interface NativeAddon {
  decodeFile(path: string, options: DecodeOptions): Promise<DecodedAudio>;
  decodeBuffer(data: Uint8Array, options: DecodeOptions): Promise<DecodedAudio>;
  /**
   * Mono samples at any whole sample rate, treated as a decoded file's: AUDIO_TOO_LONG, AUDIO_UNDECODABLE
   * when empty, non-finite samples 0, resampled to 16 kHz, clamped to [-1, 1].
   */
  decodeSamples(samples: Float32Array, sampleRate: number, options: DecodeOptions): Promise<DecodedAudio>;
  resample(samples: Float32Array, fromRate: number, toRate: number): Promise<Float32Array>;
  computeFeatures(samples: Float32Array, frontend: FrontendConfig): Promise<Features>;
  loadModel(config: NativeModelConfig): Promise<NativeModel>;
  availableProviders(): string[];
  /** A LogProbs handle on a copy of the matrix. */
  logProbsFromArray(logProbs: Float32Array, numFrames: number, vocabSize: number): NativeLogProbs;
  ctcGreedyDecode(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number): Promise<GreedySegments>;
  ctcForcedAlign(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, targets: Int32Array): Promise<ForcedAlignment>;
  ctcForcedAlignSync(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, targets: Int32Array): ForcedAlignment;
  /**
   * Total CTC log-likelihood log P(sequence | frames) of each label sequence (forward algorithm,
   * summed over all alignments; -Infinity when the frames cannot hold it; an empty sequence is
   * all blank). INVALID_INPUT for a label that is the blank or outside the vocabulary.
   */
  ctcLogLikelihoods(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, sequences: Int32Array[]): Promise<Float64Array>;
  ctcLogLikelihoodsSync(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, sequences: Int32Array[]): Float64Array;
  /**
   * For each target phone, the total CTC log-likelihood with that phone replaced by each
   * candidate, and with it deleted (-Infinity where the frames cannot hold the sequence).
   * INVALID_INPUT for empty targets, or a target or candidate that is the blank or outside the vocabulary.
   */
  ctcAlternatives(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, targets: Int32Array, candidates: Int32Array): Promise<CtcAlternatives>;
  ctcAlternativesSync(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number, targets: Int32Array, candidates: Int32Array): CtcAlternatives;
  editDistance(target: Int32Array, actual: Int32Array, costs: EditCosts): Promise<EditResult>;
  editDistanceSync(target: Int32Array, actual: Int32Array, costs: EditCosts): EditResult;
  /** MODEL_UNAVAILABLE when the file cannot be read or is not a sentencepiece model. */
  sentencepieceLoad(path: string): Promise<SentencepieceModel>;
  /** The text's pieces as strings ("▁" marks a word start), not sentencepiece's ids. */
  sentencepieceEncode(model: SentencepieceModel, text: string): Promise<string[]>;
  /** Every language code espeak-ng has a voice for (MBROLA voices excluded), sorted. */
  g2pLanguages(): G2pLanguage[];
  g2pInfo(): { espeakVersion: string; dataPath: string };
  /** INVALID_INPUT (empty, > 10,000 characters, a word > 128 characters, not pronounceable, espeak-ng failed), UNSUPPORTED_LANGUAGE. */
  g2pTextToIpa(text: string, language: string): Promise<G2pNativeResult>;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('pronunciation-engine: package root not found');
    dir = parent;
  }
  return dir;
}

let addon: NativeAddon | undefined;

/** Loads the addon once: a prebuilt binary from prebuilds/, else build/Release. */
export function native(): NativeAddon {
  if (!addon) {
    const require = createRequire(import.meta.url);
    const override = process.env.PRONUNCIATION_ENGINE_ADDON;
    addon = (override ? require(override) : require('node-gyp-build')(packageRoot())) as NativeAddon;
  }
  return addon;
}
