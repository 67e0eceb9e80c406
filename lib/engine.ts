// The engine: one loaded model, reused across concurrent calls.
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cancellable, validateCallOptions, type CallOptions } from './abort.js';
import { decodeAudio, type AudioInput, type LoadedAudio } from './audio/input.js';
import { buildAssessment, phoneStatuses, wordRanges, type CalibratedScores } from './assessment/result.js';
import { Batcher } from './model/batcher.js';
import { EngineError, toEngineError } from './errors.js';
import { SubstitutionCosts } from './assessment/edit-costs.js';
import { parseTargetIpa, type ParsedIpa } from './phonetics/ipa.js';
import { validateLoadOptions, type LoadOptions } from './load-options.js';
import { loadManifest, type ModelManifest } from './model/manifest.js';
import type { InputOverrides } from './model/tasks.js';
import { editDistance, ModelSession, type Inference, type LogProbs } from './gateway.js';
import { EditOpType, type EditCosts, type EditResult, type ForcedAlignment, type InferenceResult } from './native.js';
import { measureSpeech, type SpeechActivity } from './audio/speech-activity.js';
import { alignedPhoneSpans, framesToSamples, type FrameGeometry } from './assessment/timeline.js';
import { MfaAligner, type MfaOutcome } from './mfa/aligner.js';
import { chooseSpans } from './mfa/span-source.js';
import { applyAccepted, disputedRegions, verifyRegions, VERIFY_MARGIN_NATS_PER_PHONE } from './assessment/verify.js';
import { calibrate } from './assessment/scoring/calibrate.js';
import { phoneFeatureNames, phoneFeatures, type PhoneFeatures } from './assessment/scoring/features.js';
import { fluencyFeatures, fluencyResult } from './assessment/scoring/fluency.js';
import { Scorer, type FluencyFeatures } from './assessment/scoring/scorer.js';
import { SAMPLE_RATE } from './types.js';
import type { AlignerName, Strictness, AssessmentResult, Recognition, RecognizedPhone, SampleSpan, ScoringInfo, StageTimings } from './types.js';

export type { LoadOptions, BatchingOptions, CudaOptions } from './load-options.js';
export type { CallOptions } from './abort.js';

/** recognize()'s options: a call's cancellation, and per-call model inputs. */
export interface RecognizeOptions extends CallOptions {
  /** Per-call values of constant inputs (a manifest task's prefix and prompt, lib/model/tasks.ts); such a call runs alone, never batched. */
  inputs?: InputOverrides;
}

export interface AssessInput {
  audio: AudioInput;
  targetIpa: string;
  /** Overrides LoadOptions.aligner for this call; 'mfa' needs an engine loaded with MFA (aligner 'mfa' or mfa options). */
  aligner?: AlignerName;
}

/** Less speech than this, or a peak below -60 dBFS, is AUDIO_SILENT. */
const MIN_SPEECH_SEC = 0.15;
const SILENT_PEAK_DB = -60;
/** Target phones per second of audio beyond which the audio cannot hold the target. */
const MAX_PHONES_PER_AUDIO_SEC = 30;
/** Below this many target phones per second of speech (given > 3 s of speech), the audio holds far more than the target. */
const MIN_PHONES_PER_SPEECH_SEC = 0.5;

/** Cost of each edit operation as the DP counted it: substitution from the matrix, others from the scalars. */
function operationCosts(edits: EditResult, target: Int32Array, actual: Int32Array, costs: EditCosts): number[] {
  return Array.from(edits.types, (type, k) => {
    if (type === EditOpType.Match) return 0;
    if (type === EditOpType.Delete) return costs.deletion;
    if (type === EditOpType.Insert) return costs.insertion;
    const t = target[edits.targetIndices[k]];
    const a = actual[edits.actualIndices[k]];
    return costs.substitution ? costs.substitution[t * costs.numSymbols + a] : 1;
  });
}

/** models/default beside the package, where the bundled model lives. */
export function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'models', 'default');
}

export class Engine {
  readonly manifest: ModelManifest;
  /** The ONNX Runtime session; null once dispose() has released it. */
  private model: ModelSession | null;
  /** Calls not yet settled, which dispose() waits for. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private disposing: Promise<void> | undefined;
  private readonly options: Required<Pick<LoadOptions, 'ffmpegPath' | 'maxDurationSec'>>;
  private readonly inventory: ReadonlySet<string>;
  private readonly substitutionCosts: SubstitutionCosts;
  /** Coalesces concurrent inferences when LoadOptions.batching allows more than one per run. */
  private readonly batcher: Batcher<Float32Array, Inference> | undefined;
  private readonly verifyMargin: number | null;
  /** The calibrated scorer and its error threshold, when one is loaded. */
  private readonly scoring: { scorer: Scorer; threshold: number; info: ScoringInfo } | undefined;
  /** Every phone id of the vocabulary: the alternatives each target phone is weighed against. */
  private readonly phoneIds: Int32Array;
  private readonly defaultAligner: AlignerName;
  /** The MFA aligner, when the engine was loaded with MFA (lib/mfa). */
  private readonly mfa: MfaAligner | undefined;

  private constructor(manifest: ModelManifest, model: ModelSession, options: LoadOptions, scorer: Scorer | undefined) {
    this.manifest = manifest;
    this.model = model;
    this.phoneIds = Int32Array.from(manifest.vocabulary.idByPhone.values()).sort();
    if (scorer) {
      const strictness: Strictness = options.strictness ?? 'balanced';
      const threshold = options.errorThreshold ?? scorer.thresholds[strictness];
      this.scoring = {
        scorer,
        threshold,
        info: { method: 'calibrated', scorer: scorer.name, strictness: options.errorThreshold === undefined ? strictness : 'custom', error_threshold: threshold },
      };
    }
    const batching = options.batching;
    this.batcher =
      batching && batching.maxBatch > 1
        ? new Batcher<Float32Array, Inference>(batching, (items) => this.session().inferBatch(items), (samples) => this.session().infer(samples))
        : undefined;
    this.options = {
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
      maxDurationSec: options.maxDurationSec ?? manifest.maxDurationSec,
    };
    this.inventory = new Set(manifest.vocabulary.idByPhone.keys());
    this.substitutionCosts = new SubstitutionCosts(manifest.vocabulary.phoneById);
    // Validated by validateLoadOptions (a finite number >= 0, or null).
    const margin = options.verifyMarginNatsPerPhone;
    this.verifyMargin = margin === undefined ? VERIFY_MARGIN_NATS_PER_PHONE : margin;
    this.defaultAligner = options.aligner ?? 'ctc';
    this.mfa = options.aligner === 'mfa' || options.mfa ? new MfaAligner(options.mfa) : undefined;
    // Helpers load MFA's acoustic model for seconds: start them now when MFA is the default.
    if (this.defaultAligner === 'mfa') void this.mfa!.warm();
  }

  /** Whether assess() can be asked for aligner 'mfa'. */
  get mfaConfigured(): boolean {
    return this.mfa !== undefined;
  }

  /** Stops the MFA helpers, if any, and keeps the model (dispose() does both). The helpers do not keep a process alive. */
  async close(): Promise<void> {
    await this.mfa?.close();
  }

  static async load(modelDir: string, options: LoadOptions = {}): Promise<Engine> {
    validateLoadOptions(options);
    return cancellable(`load(${modelDir})`, { signal: options.signal, timeoutMs: options.timeoutMs }, () => Engine.loadNow(modelDir, options));
  }

  private static async loadNow(modelDir: string, options: LoadOptions): Promise<Engine> {    const manifest = await loadManifest(modelDir);
    const onnxPath = options.precision === 'fp16' ? manifest.onnxPathFp16 : manifest.onnxPath;
    if (options.precision === 'fp16' && manifest.fp16Refusal) throw new EngineError('MODEL_UNAVAILABLE', manifest.fp16Refusal);
    if (!onnxPath) {
      throw new EngineError(
        'MODEL_UNAVAILABLE',
        `Model "${manifest.name}" has no fp16 variant (its manifest names no "model_fp16"); load it with precision 'fp32'`,
      );
    }
    const scorerPath = options.scorer === null ? undefined : (options.scorer ?? manifest.scorerPath);
    const scorer = scorerPath ? await Scorer.load(scorerPath, phoneFeatureNames(manifest.vocabulary.tokens)) : undefined;
    const model = await ModelSession.load(
      {
        ...manifest.nativeConfig,
        onnxPath,
        provider: options.provider ?? 'cpu',
        deviceId: options.deviceId,
        intraOpThreads: options.threads,
        cuda: options.cuda,
        ioBinding: options.ioBinding,
        maxBatch: options.batching?.maxBatch,
      },
      manifest.vocabulary.blankId,
    );
    return new Engine(manifest, model, options, scorer);
  }

  /** The phones this model can recognise (its inventory). */
  get phones(): string[] {
    return [...this.inventory];
  }

  /**
   * The recognised phones. `options`: an AbortSignal and/or a timeout (ABORTED, TIMEOUT), and
   * per-call model inputs (a manifest task, e.g. POWSM-CTC's G2P: lib/g2p/model-g2p.ts).
   */
  recognize(audio: AudioInput, options?: RecognizeOptions): Promise<Recognition> {
    return this.call('recognize()', options, async (checkpoint) => {
      const { recognition, inference } = await this.recognizeDetailed(audio, checkpoint, options?.inputs);
      inference.logProbs.release();
      return recognition;
    });
  }

  /** The assessment (the contract's result). `options`: an AbortSignal and/or a timeout (ABORTED, TIMEOUT). */
  assess(input: AssessInput, options?: CallOptions): Promise<AssessmentResult> {
    return this.call('assess()', options, async (checkpoint) => (await this.assessDetailed(input, {}, checkpoint)).result);
  }

  /**
   * Releases the ONNX Runtime session (and stops the MFA helpers) once the calls already made have settled; later calls
   * reject with MODEL_UNAVAILABLE. The native session is freed when the addon's model object is
   * collected, which nothing of this engine keeps alive after dispose().
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      await this.mfa?.close();
      this.model = null;
    })();
    return this.disposing;
  }

  /** True once dispose() was called. */
  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  private session(): ModelSession {
    if (this.model === null) throw disposedError();
    return this.model;
  }

  /** Runs a public call: refused after dispose(), cancellable, and tracked for dispose(). */
  private call<T>(what: string, options: CallOptions | undefined, work: (checkpoint: () => void) => Promise<T>): Promise<T> {
    const run = (async () => {
      const callOptions = validateCallOptions(options, what);
      if (this.disposing) throw disposedError();
      return cancellable(what, callOptions, work);
    })();
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /**
   * The model's frame log-probabilities for a recording, after the same checks as assess().
   * `inputs`: per-call values of constant inputs (a manifest task's prefix and prompt,
   * lib/model/tasks.ts); such a call runs alone, never batched.
   */
  logProbs(audio: AudioInput, inputs?: InputOverrides, options?: CallOptions): Promise<InferenceResult> {
    return this.call('logProbs()', options, async (checkpoint) => {
      const { logProbs, timings } = await this.inferenceOf(audio, inputs, checkpoint);
      try {
        return { logProbs: logProbs.toArray(), numFrames: logProbs.numFrames, vocabSize: logProbs.vocabSize, timings };
      } finally {
        logProbs.release();
      }
    });
  }

  /**
   * The model's run over a recording with its log-probabilities kept native (LogProbs: forced
   * alignment, likelihoods and greedy decoding read them in place), after the same checks as
   * assess(). Call `logProbs.release()` when done with them (lib/g2p scores its candidates so).
   */
  inference(audio: AudioInput, options?: RecognizeOptions): Promise<Inference> {
    return this.call('inference()', options, (checkpoint) => this.inferenceOf(audio, options?.inputs, checkpoint));
  }

  private async inferenceOf(audio: AudioInput, inputs: InputOverrides | undefined, checkpoint: () => void): Promise<Inference> {
    const { decoded } = await this.decode(audio);
    checkpoint();
    return this.infer(decoded.samples, inputs);
  }

  /** assess() plus per-stage timings (used by the benchmark) and the scorer's inputs (tools/scorer). */
  async assessDetailed(
    input: AssessInput,
    options: { scoringInputs?: boolean } = {},
    checkpoint: () => void = () => {},
  ): Promise<{ result: AssessmentResult; timings: StageTimings; scoringInputs?: ScoringInputs }> {
    if (!input || typeof input !== 'object') throw new EngineError('INVALID_INPUT', 'assess() takes {audio, targetIpa}');
    if (typeof input.targetIpa !== 'string' || input.targetIpa.trim() === '') {
      throw new EngineError('INVALID_INPUT', 'targetIpa must be a non-empty IPA string, e.g. "hɛloʊ wɜrld"');
    }
    const aligner = this.alignerFor(input.aligner);
    const target = parseTargetIpa(input.targetIpa, this.inventory);
    const { recognition, inference, geometry, timings, speech, samples } = await this.recognizeDetailed(input.audio, checkpoint);
    const { logProbs } = inference;
    try {
      checkpoint();
      checkLengthFitsTarget(speech, geometry.durationSamples / SAMPLE_RATE, target.phones.length);
      // MFA runs in its own process while the CTC alignment, comparison, verification and scoring run here.
      const mfaRun: Promise<MfaOutcome> | undefined =
        aligner === 'mfa' ? this.mfa!.align({ samples, targetPhones: target.phones, wordOfPhone: target.wordOfPhone }) : undefined;
      const { vocabulary } = this.manifest;
      let t = performance.now();
      const targetIds = Int32Array.from(target.phones, (p) => vocabulary.idByPhone.get(p)!);
      const alignment = await logProbs.forcedAlign(targetIds);
      checkpoint();
      const targetSpans = alignedPhoneSpans(alignment.startFrames, alignment.endFrames, logProbs.numFrames, geometry);
      timings.alignmentMs = performance.now() - t;

      t = performance.now();
      const compareWith = async (phones: readonly RecognizedPhone[]) => {
        const actualIds = Int32Array.from(phones, (p) => vocabulary.idByPhone.get(p.phone)!);
        const comparison = this.substitutionCosts.compare(targetIds, actualIds);
        const edits = await editDistance(comparison.target, comparison.actual, comparison.costs);
        return { actualIds, comparison, edits };
      };
      // The recognised phones against the target, then each disputed region verified against
      // the audio; where the target is judged spoken the comparison is redone, so operations,
      // errors, score and actual_ipa all describe the phones judged spoken.
      let judged = recognition.phones;
      let compared = await compareWith(judged);
      if (this.verifyMargin !== null) {
        const verifyStart = performance.now();
        const verified = await verifyRegions({
          logProbs,
          targetIds,
          actualIds: compared.actualIds,
          regions: disputedRegions(compared.edits.types),
          marginNatsPerPhone: this.verifyMargin,
        });
        timings.verifyMs = performance.now() - verifyStart;
        if (verified.some((r) => r.acceptTarget)) {
          judged = applyAccepted(judged, (i) => ({ phone: target.phones[i], ...targetSpans[i], score: Math.exp(alignment.meanLogProbs[i]) }), verified);
          compared = await compareWith(judged);
        }
      }
      timings.dpMs = performance.now() - t - timings.verifyMs;
      const recognizedErrorRate = countNonMatches(compared.edits.types) / target.phones.length;

      // What the scorer sees: the alternatives to each target phone and the recogniser's verdict.
      t = performance.now();
      const scoringInputs = this.scoring || options.scoringInputs ? await this.scoringInputs(logProbs, target, alignment, targetIds, compared.edits, targetSpans, speech, geometry.durationSamples / SAMPLE_RATE) : undefined;
      let calibrated: CalibratedScores | undefined;
      if (this.scoring && scoringInputs) {
        const decided = calibrate({
          ...this.scoring,
          ...scoringInputs,
          targetPhones: target.phones,
          targetSpans,
          alignment,
          phoneById: vocabulary.phoneById,
          recognized: judged,
          recognizerEdits: compared.edits,
        });
        calibrated = decided.scores;
        judged = decided.judged;
        compared = await compareWith(judged);
      }
      timings.scoringMs = performance.now() - t;
      const { edits, comparison } = compared;
      // The scorer was calibrated on CTC spans and keeps them; the result's spans may be MFA's.
      const spans = chooseSpans(aligner, targetSpans, await mfaRun, this.mfa?.options.strict ?? false);

      const result = buildAssessment({
        targetPhones: target.phones,
        wordOfPhone: target.wordOfPhone,
        recognized: judged,
        recognizedIpa: recognition.ipa,
        targetSpans: spans.targetSpans,
        alignment,
        edits,
        opCosts: operationCosts(edits, comparison.target, comparison.actual, comparison.costs),
        durationSamples: geometry.durationSamples,
        recognizedErrorRate,
        fluency: fluencyResult(scoringInputs?.fluency ?? fluencyFeatures(speech, target.phones.length)),
        calibrated,
        spanSource: spans.alignment,
        insertionSpan: spans.insertionSpan,
      });
      timings.totalMs += timings.alignmentMs + timings.dpMs + timings.verifyMs + timings.scoringMs;
      return { result, timings, scoringInputs };
    } catch (error) {
      throw toEngineError(error);
    } finally {
      logProbs.release();
    }
  }

  /** The scorer's inputs: each target phone's features (with its alternatives), fluency, words. */
  private async scoringInputs(
    logProbs: LogProbs,
    target: ParsedIpa,
    alignment: ForcedAlignment,
    targetIds: Int32Array,
    recognizerEdits: EditResult,
    targetSpans: SampleSpan[],
    speech: SpeechActivity,
    durationSec: number,
  ): Promise<ScoringInputs> {
    const alternatives = await logProbs.alternatives(targetIds, this.phoneIds);
    const features = phoneFeatures({
      // The per-phone posterior vectors are read in JavaScript: the matrix's one copy out of native memory.
      logProbs: logProbs.toArray(),
      numFrames: logProbs.numFrames,
      vocabSize: logProbs.vocabSize,
      tokens: this.manifest.vocabulary.tokens,
      targetIds,
      alignment,
      alternatives,
      candidateIds: this.phoneIds,
      recognizerStatus: phoneStatuses(recognizerEdits, target.phones.length),
      spans: targetSpans,
      wordOfPhone: target.wordOfPhone,
      durationSec,
    });
    return { features, fluency: fluencyFeatures(speech, target.phones.length), words: wordRanges(target.wordOfPhone) };
  }

  private alignerFor(requested: AlignerName | undefined): AlignerName {
    const aligner = requested ?? this.defaultAligner;
    if (aligner !== 'ctc' && aligner !== 'mfa') throw new EngineError('INVALID_INPUT', `aligner must be "ctc" or "mfa", not ${JSON.stringify(aligner)}`);
    if (aligner === 'mfa' && !this.mfa) {
      throw new EngineError('INVALID_INPUT', 'aligner "mfa" needs an engine loaded with MFA: load(dir, { aligner: "mfa" }) or load(dir, { mfa: {...} })', { field: 'aligner' });
    }
    return aligner;
  }

  /** One recording's inference: through the batcher when batching is on, else its own run. */
  /** Per-call model inputs (a task's prompt) are never batched. */
  private infer(samples: Float32Array, inputs?: InputOverrides): Promise<Inference> {
    if (inputs) return this.session().infer(samples, inputs);
    return this.batcher ? this.batcher.submit(samples) : this.session().infer(samples);
  }

  private async decode(audio: AudioInput): Promise<{ decoded: LoadedAudio; speech: SpeechActivity }> {
    const decoded = await decodeAudio(audio, { maxDurationSec: this.options.maxDurationSec, ffmpegPath: this.options.ffmpegPath });
    const speech = measureSpeech(decoded.samples);
    if (speech.peakDb < SILENT_PEAK_DB || speech.speechSec < MIN_SPEECH_SEC) {
      throw new EngineError(
        'AUDIO_SILENT',
        `The recording holds no speech (${speech.speechSec.toFixed(2)} s above the noise floor, peak ${speech.peakDb.toFixed(0)} dBFS); record the sentence again`,
        { speech_sec: speech.speechSec, peak_db: speech.peakDb },
      );
    }
    return { decoded, speech };
  }

  /** The recognised phones and the inference they come from, whose log-probabilities the caller releases. */
  private async recognizeDetailed(audio: AudioInput, checkpoint: () => void = () => {}, inputs?: InputOverrides): Promise<{
    recognition: Recognition;
    inference: Inference;
    geometry: FrameGeometry;
    timings: StageTimings;
    speech: SpeechActivity;
    samples: Float32Array;
  }> {
    try {
      let t = performance.now();
      const { decoded, speech } = await this.decode(audio);
      const decodeMs = performance.now() - t;
      checkpoint();

      const inference = await this.infer(decoded.samples, inputs);
      t = performance.now();
      let greedy;
      try {
        checkpoint();
        greedy = await inference.logProbs.greedyDecode();
      } catch (error) {
        inference.logProbs.release();
        throw error;
      }
      const ctcMs = performance.now() - t;
      const { vocabulary } = this.manifest;

      const geometry: FrameGeometry = {
        shiftSamples: this.manifest.frameShiftSamples,
        offsetSamples: this.manifest.frameOffsetSamples,
        durationSamples: decoded.samples.length,
      };
      const phones: RecognizedPhone[] = [];
      for (let k = 0; k < greedy.tokens.length; k++) {
        const phone = vocabulary.phoneById[greedy.tokens[k]];
        if (phone === null || phone === undefined) continue;
        phones.push({ phone, ...framesToSamples(greedy.startFrames[k], greedy.endFrames[k], geometry), score: Math.exp(greedy.meanLogProbs[k]) });
      }
      const timings: StageTimings = {
        decodeMs,
        featuresMs: inference.timings.featuresMs,
        inferenceMs: inference.timings.inferenceMs,
        ctcMs,
        alignmentMs: 0,
        dpMs: 0,
        verifyMs: 0,
        scoringMs: 0,
        totalMs: decodeMs + inference.timings.featuresMs + inference.timings.inferenceMs + ctcMs,
        batchSize: inference.timings.batchSize ?? 1,
      };
      const recognition: Recognition = { ipa: phones.map((p) => p.phone).join(' '), phones, sample_rate: SAMPLE_RATE, duration_samples: decoded.samples.length };
      return { recognition, inference, geometry, timings, speech, samples: decoded.samples };
    } catch (error) {
      throw toEngineError(error);
    }
  }
}

/** What the calibrated scorer is computed from (tools/scorer/extract.ts records it for training). */
export interface ScoringInputs {
  features: PhoneFeatures;
  fluency: FluencyFeatures;
  /** Each word's target phones [first, last + 1). */
  words: [number, number][];
}

function countNonMatches(types: Uint8Array): number {
  return types.reduce((n, type) => n + (type === EditOpType.Match ? 0 : 1), 0);
}

/** Abstains when the speech in the recording is far too short or far too long for the target. */
function checkLengthFitsTarget(speech: SpeechActivity, audioSec: number, targetPhones: number): void {
  const rate = targetPhones / Math.max(speech.speechSec, 1e-3);
  const details = { audio_sec: audioSec, speech_sec: speech.speechSec, target_phones: targetPhones };
  if (targetPhones / audioSec > MAX_PHONES_PER_AUDIO_SEC) {
    throw new EngineError(
      'AUDIO_TOO_SHORT',
      `The recording is ${audioSec.toFixed(2)} s long, too short for a target of ${targetPhones} phones; record the whole sentence`,
      details,
    );
  }
  if (speech.speechSec > 3 && rate < MIN_PHONES_PER_SPEECH_SEC) {
    throw new EngineError(
      'AUDIO_TOO_LONG',
      `The recording has ${speech.speechSec.toFixed(1)} s of speech, far too long for a target of ${targetPhones} phones; record only the target`,
      details,
    );
  }
}

function disposedError(): EngineError {
  return new EngineError('MODEL_UNAVAILABLE', 'This engine was disposed (engine.dispose()); load the model again');
}

/** Loads a model bundle (a directory with manifest.json); defaults to the bundled model. */
export function load(modelDir: string = defaultModelDir(), options: LoadOptions = {}): Promise<Engine> {
  return Engine.load(modelDir, options);
}
