// The one gateway to the native addon (lib/native.ts): every call lib makes into it goes through
// here, and every native rejection or throw comes out as an EngineError that keeps the addon's
// code (anything without a contract code becomes INTERNAL). Tests and benchmarks call the addon
// itself, to check it.
//
// An inference's log-probabilities stay in native memory (LogProbs): the CTC operations of an
// assessment read them in place, and JavaScript gets a copy only when it asks (toArray).
import { toEngineError, type EngineError } from './errors.js';
import {
  native,
  type CtcAlternatives,
  type DecodedAudio,
  type DecodeOptions,
  type EditCosts,
  type EditResult,
  type ForcedAlignment,
  type G2pLanguage,
  type G2pNativeResult,
  type GreedySegments,
  type InferenceTimings,
  type NativeLogProbs,
  type NativeModel,
  type NativeModelConfig,
  type SentencepieceModel,
  type TensorInfo,
} from './native.js';

async function settled<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toEngineError(error);
  }
}

function returned<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toEngineError(error);
  }
}

// ---------- audio ----------

export const decodeFile = (path: string, options: DecodeOptions): Promise<DecodedAudio> => settled(() => native().decodeFile(path, options));
export const decodeBuffer = (bytes: Uint8Array, options: DecodeOptions): Promise<DecodedAudio> =>
  settled(() => native().decodeBuffer(bytes, options));
/** Samples at any whole rate, judged like a decoded file's (see NativeAddon.decodeSamples). */
export const decodeSamples = (samples: Float32Array, sampleRate: number, options: DecodeOptions): Promise<DecodedAudio> =>
  settled(() => native().decodeSamples(samples, sampleRate, options));

// ---------- an inference's log-probabilities ----------

/**
 * Row-major numFrames x vocabSize log-probabilities in native memory, with the vocabulary's
 * blank, and the CTC operations on them. release() frees the matrix as soon as its user is
 * done (operations already started finish first); the garbage collector frees it otherwise.
 */
export class LogProbs {
  constructor(
    private readonly handle: NativeLogProbs,
    readonly blankId: number,
  ) {}

  /** A handle on a copy of `data` (tests, and callers holding a matrix of their own). */
  static fromArray(data: Float32Array, numFrames: number, vocabSize: number, blankId: number): LogProbs {
    return new LogProbs(
      returned(() => native().logProbsFromArray(data, numFrames, vocabSize)),
      blankId,
    );
  }

  get numFrames(): number {
    return this.handle.numFrames;
  }

  get vocabSize(): number {
    return this.handle.vocabSize;
  }

  /** A copy in JavaScript memory. */
  toArray(): Float32Array {
    return returned(() => this.handle.toFloat32Array());
  }

  release(): void {
    this.handle.release();
  }

  greedyDecode(): Promise<GreedySegments> {
    return settled(() => this.handle.greedyDecode(this.blankId));
  }

  /** The target's CTC forced alignment and each phone's goodness; AUDIO_TOO_SHORT when the frames cannot hold it. */
  forcedAlign(targets: Int32Array): Promise<ForcedAlignment> {
    return settled(() => this.handle.forcedAlign(this.blankId, targets));
  }

  /** Each label sequence's total CTC log-likelihood (forward algorithm); -Infinity where the frames cannot hold it. */
  logLikelihoods(sequences: Int32Array[]): Promise<Float64Array> {
    return settled(() => this.handle.logLikelihoods(this.blankId, sequences));
  }

  /** The target's log-likelihood with each phone substituted by each candidate, or deleted. */
  alternatives(targets: Int32Array, candidates: Int32Array): Promise<CtcAlternatives> {
    return settled(() => this.handle.alternatives(this.blankId, targets, candidates));
  }
}

/** One recording's model run. */
export interface Inference {
  logProbs: LogProbs;
  /** inferenceMs is the whole ONNX Runtime run, shared by the batchSize items it held. */
  timings: InferenceTimings;
}

/** A loaded ONNX model (one ONNX Runtime session), safe to call concurrently. */
export class ModelSession {
  private constructor(
    private readonly model: NativeModel,
    private readonly blankId: number,
  ) {}

  /** `blankId`: the vocabulary's blank, which the CTC operations on its results use. */
  static async load(config: NativeModelConfig, blankId: number): Promise<ModelSession> {
    return new ModelSession(await settled(() => native().loadModel(config)), blankId);
  }

  /** `inputs`: per-call values of constant int inputs by name (a manifest task's prefix and prompt). */
  async infer(samples: Float32Array, inputs?: Record<string, { shape: number[]; data: number[] }>): Promise<Inference> {
    const { logProbs, timings } = await settled(() => this.model.infer(samples, inputs));
    return { logProbs: new LogProbs(logProbs, this.blankId), timings };
  }

  /** One ONNX Runtime run for several recordings; an item that failed alone is its own EngineError. */
  async inferBatch(items: Float32Array[]): Promise<(Inference | EngineError)[]> {
    const outcomes = await settled(() => this.model.inferBatch(items));
    return outcomes.map((outcome) =>
      outcome instanceof Error ? toEngineError(outcome) : { logProbs: new LogProbs(outcome.logProbs, this.blankId), timings: outcome.timings },
    );
  }

  info(): { inputs: TensorInfo[]; outputs: TensorInfo[]; provider: string } {
    return returned(() => this.model.info());
  }
}

// ---------- edit distance ----------

export const editDistance = (target: Int32Array, actual: Int32Array, costs: EditCosts): Promise<EditResult> =>
  settled(() => native().editDistance(target, actual, costs));
/** For short sequences (a sentence's words), where a trip to the thread pool costs more than the DP. */
export const editDistanceSync = (target: Int32Array, actual: Int32Array, costs: EditCosts): EditResult =>
  returned(() => native().editDistanceSync(target, actual, costs));

// ---------- text: sentencepiece ----------

/** MODEL_UNAVAILABLE when the file cannot be read or is not a sentencepiece model. */
export const sentencepieceLoad = (path: string): Promise<SentencepieceModel> => settled(() => native().sentencepieceLoad(path));
export const sentencepieceEncode = (model: SentencepieceModel, text: string): Promise<string[]> =>
  settled(() => native().sentencepieceEncode(model, text));

// ---------- G2P: espeak-ng ----------

export const g2pLanguages = (): G2pLanguage[] => returned(() => native().g2pLanguages());
export const g2pTextToIpa = (text: string, language: string): Promise<G2pNativeResult> => settled(() => native().g2pTextToIpa(text, language));
