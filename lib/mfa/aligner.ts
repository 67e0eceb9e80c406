// The MFA aligner the engine uses: target phones + 16 kHz samples -> a span per target phone, or
// the reason there is none. Warm helpers when they start (pool.ts), else `mfa align_one` per
// request (align-one.ts), said once in the logs. A beam failure is retried once with the wider
// beam. align() never throws: the engine decides what a failure means (CTC spans, or strict).
import { performance } from 'node:perf_hooks';
import { SAMPLE_RATE, type MfaAlignmentInfo, type SampleSpan } from '../types.js';
import { runAlignOne } from './align-one.js';
import { alignmentTiers, MfaOutputError, type MfaAlignmentTiers } from './alignment-tiers.js';
import { MfaFailure } from './failure.js';
import { parseAlignmentJson } from './json-alignment.js';
import { helperScriptPath, resolveMfaOptions, type MfaOptions, type ResolvedMfaOptions } from './options.js';
import { MfaPhoneMappingError, PhoneMapper, phoneSetOfModel } from './phone-tables.js';
import { HelperPool } from './pool.js';
import { withRequestFiles, type RequestFiles } from './request-files.js';
import { TextGridParseError } from './textgrid.js';
import { dictionaryText, mfaTarget, transcriptText, type MfaTarget } from './target-words.js';
import { insertionSpan, targetSpansFromMfa } from './span-mapping.js';

/** MFA needs at least 13 frames of 10 ms (MFA #226). */
export const MIN_MFA_SAMPLES = 13 * 160;

export interface MfaAlignInput {
  samples: Float32Array;
  targetPhones: readonly string[];
  /** Word index of each target phone. */
  wordOfPhone: readonly number[];
}


export type MfaOutcome =
  | { ok: true; spans: SampleSpan[]; insertionSpan: (position: number) => SampleSpan; info: MfaAlignmentInfo }
  | { ok: false; failure: MfaFailure; ms: number };

type Runner = { kind: 'helper' } | { kind: 'align_one' };

export class MfaAligner {
  readonly options: ResolvedMfaOptions;
  private readonly pool: HelperPool;
  private fallbackLogged = false;
  private closed = false;

  constructor(options: MfaOptions = {}) {
    this.options = resolveMfaOptions(options);
    const o = this.options;
    this.pool = new HelperPool({
      command: o.helperCommand ?? [o.python, helperScriptPath(), '--acoustic-model', o.acousticModel],
      env: o.env,
      tempDir: o.tempDir,
      size: o.poolSize,
      maxQueue: o.maxQueue,
      timeoutMs: o.timeoutMs,
      startTimeoutMs: o.startTimeoutMs,
      log: o.log,
    });
  }

  /** Starts the helpers now instead of with the first request. Never throws (a failure is logged and the fallback used). */
  async warm(): Promise<void> {
    await this.runner().catch(() => undefined);
  }

  /** Helper processes started so far, restarts included. */
  get helperStarts(): number {
    return this.pool.starts;
  }

  async align(input: MfaAlignInput): Promise<MfaOutcome> {
    const started = performance.now();
    try {
      if (this.closed) throw new MfaFailure('closed', 'the MFA aligner was closed');
      if (input.samples.length < MIN_MFA_SAMPLES) {
        throw new MfaFailure('audio_too_short', `${(input.samples.length / SAMPLE_RATE).toFixed(3)} s of audio; MFA needs at least 13 frames (0.13 s)`);
      }
      const runner = await this.runner();
      try {
        return await this.attempt(runner, input, started);
      } catch (error) {
        // Helpers that died and cannot be started again: this request goes to align_one too.
        const handOver = runner.kind === 'helper' && error instanceof MfaFailure && error.reason === 'unavailable' && this.pool.unavailable && this.options.alignOneCommand;
        if (!handOver) throw error;
        return await this.attempt(await this.runner(), input, started);
      }
    } catch (error) {
      return { ok: false, failure: asFailure(error), ms: performance.now() - started };
    }
  }

  /** Maps the target, runs MFA (with the beam retry) and maps its output onto the target phones. */
  private async attempt(runner: Runner, input: MfaAlignInput, started: number): Promise<MfaOutcome> {
    const { mapper, acousticModel } = this.mapperFor(runner);
    let target: MfaTarget;
    try {
      target = mfaTarget(input.targetPhones, input.wordOfPhone, mapper);
    } catch (error) {
      if (error instanceof MfaPhoneMappingError) throw new MfaFailure('unmapped_phone', error.message, { phone: error.phone, phone_set: error.phoneSet });
      throw error;
    }
    const files = { samples: input.samples, dictionary: dictionaryText(target), transcript: transcriptText(target) };
    const { tiers, beam, retryBeam } = await withRequestFiles(this.options.tempDir, files, (f) => this.alignWithRetry(runner, f, files.transcript.trim()));
    const spans = targetSpansFromMfa(target, tiers, input.targetPhones.length, input.samples.length);
    const info: MfaAlignmentInfo = {
      acoustic_model: acousticModel,
      phone_set: mapper.phoneSet,
      runner: runner.kind,
      beam,
      retry_beam: retryBeam,
      ms: performance.now() - started,
    };
    if (target.nearest.length > 0) info.nearest_phones = target.nearest;
    return { ok: true, spans, insertionSpan: (position) => insertionSpan(position, spans, input.samples.length), info };
  }

  /** Stops the helpers; later calls fail with 'closed'. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }

  /** Helpers when they start (the first call starts them), else align_one when configured. */
  private async runner(): Promise<Runner> {
    while (!this.pool.ready && !this.pool.unavailable && !this.closed) {
      await this.pool.warm().catch(() => undefined);
    }
    if (this.closed) throw new MfaFailure('closed', 'the MFA aligner was closed');
    // Helpers that started once but cannot be restarted any more also hand over to align_one.
    if (this.pool.ready && !this.pool.unavailable) return { kind: 'helper' };
    const why = this.pool.unavailable!;
    if (!this.options.alignOneCommand) throw why;
    if (!this.fallbackLogged) {
      this.fallbackLogged = true;
      this.options.log('warn', 'MFA helpers cannot start; aligning with `mfa align_one`, one process per request (seconds per call)', {
        problem: why.message,
        command: this.options.alignOneCommand.join(' '),
      });
    }
    return { kind: 'align_one' };
  }

  private mapperFor(runner: Runner): { mapper: PhoneMapper; acousticModel: string } {
    const ready = runner.kind === 'helper' ? this.pool.ready : undefined;
    const acousticModel = ready?.acoustic_model ?? this.options.acousticModel;
    const phoneSet = this.options.phoneSet ?? phoneSetOfModel(acousticModel, ready?.phones);
    if (!phoneSet) {
      throw new MfaFailure('unavailable', `cannot tell the phone set of acoustic model "${acousticModel}"; set the MFA option phoneSet (english_mfa or english_us_arpa)`);
    }
    // A helper that reports no phones leaves the published inventory in force.
    return { mapper: new PhoneMapper(phoneSet, ready?.phones.length ? ready.phones : undefined), acousticModel };
  }

  /** One alignment; after a beam failure, once more with the wider beam. */
  private async alignWithRetry(runner: Runner, files: RequestFiles, transcript: string): Promise<{ tiers: MfaAlignmentTiers; beam: number; retryBeam: number }> {
    const o = this.options;
    try {
      return { tiers: await this.alignOnce(runner, files, transcript, o.beam, o.retryBeam), beam: o.beam, retryBeam: o.retryBeam };
    } catch (error) {
      if (!(error instanceof MfaFailure) || error.reason !== 'beam') throw error;
      o.log('info', 'MFA found no alignment within its beam; retrying with the wider beam', { beam: o.wideBeam, retry_beam: o.wideRetryBeam });
      return { tiers: await this.alignOnce(runner, files, transcript, o.wideBeam, o.wideRetryBeam), beam: o.wideBeam, retryBeam: o.wideRetryBeam };
    }
  }

  private async alignOnce(runner: Runner, files: RequestFiles, transcript: string, beam: number, retryBeam: number): Promise<MfaAlignmentTiers> {
    const o = this.options;
    let document: unknown;
    if (runner.kind === 'helper') {
      const result = await this.pool.run({ audio: files.audio, dictionary: files.dictionary, transcript, beam, retry_beam: retryBeam });
      if (!result.ok) throw new MfaFailure(helperErrorReason(result.error.kind), `MFA: ${result.error.message}`);
      document = result.alignment;
    } else {
      document = await runAlignOne(files, { command: o.alignOneCommand!, acousticModel: o.acousticModel, beam, retryBeam, timeoutMs: o.timeoutMs, env: o.env });
    }
    const tiers = alignmentTiers(parseAlignmentJson(document));
    if (tiers.words.length === 0) throw new MfaFailure('beam', `MFA returned no aligned words (beam ${beam}, retry beam ${retryBeam})`);
    return tiers;
  }
}

function helperErrorReason(kind: string): MfaFailure['reason'] {
  if (kind === 'beam') return 'beam';
  if (kind === 'unknown_phone') return 'unmapped_phone';
  if (kind === 'too_short') return 'audio_too_short';
  return 'failed';
}

function asFailure(error: unknown): MfaFailure {
  if (error instanceof MfaFailure) return error;
  if (error instanceof TextGridParseError || error instanceof MfaOutputError) return new MfaFailure('unusable_output', `MFA's output is not an alignment of the target: ${error.message}`);
  return new MfaFailure('failed', error instanceof Error ? error.message : String(error));
}
