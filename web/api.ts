// The page's JSON API over the engine the workers use. Inputs are the workers' own (their zod
// schemas, caps and typed errors), except that the recording travels in the request as
// audio_base64: this server fetches no URIs.
//   info()    the model, its phones, the caps, the G2P languages
//   ipa()     {text, language}               -> generateIpa's output (the g2p worker's job)
//   target()  {target_ipa}                   -> the model phones it parses to, or IPA_INVALID {symbol, offset}
//   assess()  {audio_base64, target_ipa | target_text, language?}
//             -> {assessment: <contract JSON>, audio: {sample_rate, wav_base64}}: the decoded 16 kHz
//                audio the spans refer to, for the page to draw and play
import { decodeAudio, decodeBase64Audio, EngineError, g2pLanguages, parseTargetIpa, pcm16Wav, SAMPLE_RATE, type AssessmentResult, type Engine } from '../lib/index.js';
import { resolveTargetIpa } from '../workers/assess/resolve-target-ipa.js';
import { assessInputSchema, parseAssessInput } from '../workers/assess/schema.js';
import type { GenerateIpa, GenerateIpaResult } from '../workers/g2p/generate-ipa.js';
import { parseG2pInput } from '../workers/g2p/handler.js';
import { invalidInput } from '../workers/shared/invalid-input.js';

export interface WebApiOptions {
  engine: Engine;
  generateIpa: GenerateIpa;
  /** Largest recording accepted, in bytes (decoded from audio_base64). */
  maxBytes: number;
  /** Longest recording accepted, in seconds. */
  maxDurationSec: number;
  /** ffmpeg for WebM/MP4 uploads (MediaRecorder's WebM/Opus); default "ffmpeg". */
  ffmpegPath?: string;
}

export interface WebAssessment {
  assessment: AssessmentResult;
  audio: { sample_rate: typeof SAMPLE_RATE; wav_base64: string };
}

export interface WebTarget {
  /** The target as the model's phones, space-separated (what an assessment's target_ipa will be). */
  target_ipa: string;
  phones: string[];
  /** For each phone, the index of its word. */
  word_of_phone: number[];
}

const targetSchema = assessInputSchema.pick({ target_ipa: true }).required();
const TARGET_EXAMPLE = '{"target_ipa": "hɛloʊ wɜrld"}';

function noUri(field: string): EngineError {
  return new EngineError('INVALID_INPUT', `This server takes the recording itself (audio_base64) and fetches no ${field}`, { field });
}

export function createWebApi(options: WebApiOptions) {
  const { engine, generateIpa } = options;
  const inventory = new Set(engine.phones);

  return {
    info() {
      return {
        model: engine.manifest.name,
        phones: engine.phones,
        sample_rate: SAMPLE_RATE,
        max_bytes: options.maxBytes,
        max_duration_sec: options.maxDurationSec,
        languages: g2pLanguages().map(({ language, name }) => ({ language, name })),
      };
    },

    async ipa(body: unknown): Promise<GenerateIpaResult> {
      const request = parseG2pInput(body);
      if (request.audio_uri !== undefined) throw noUri('audio_uri');
      return generateIpa({ text: request.text, language: request.language }, request.casing ? { casing: request.casing } : {});
    },

    target(body: unknown): WebTarget {
      const parsed = targetSchema.safeParse(body);
      if (!parsed.success) throw invalidInput(parsed.error, { '': ['target_ipa'] }, TARGET_EXAMPLE);
      const { phones, wordOfPhone } = parseTargetIpa(parsed.data.target_ipa, inventory);
      return { target_ipa: phones.join(' '), phones, word_of_phone: wordOfPhone };
    },

    async assess(body: unknown): Promise<WebAssessment> {
      const request = parseAssessInput(body);
      if (request.audio_uri !== undefined) throw noUri('audio_uri');
      const targetIpa = await resolveTargetIpa(request, { generateIpa, engine });
      // A target the model cannot express fails before the audio is decoded, as in the worker.
      parseTargetIpa(targetIpa, inventory);
      const bytes = decodeBase64Audio(request.audio_base64!, options.maxBytes);
      const decoded = await decodeAudio(bytes, { maxDurationSec: options.maxDurationSec, ffmpegPath: options.ffmpegPath ?? 'ffmpeg' });
      const assessment = await engine.assess({ audio: { samples: decoded.samples, sampleRate: decoded.sampleRate }, targetIpa });
      return { assessment, audio: { sample_rate: SAMPLE_RATE, wav_base64: pcm16Wav(decoded.samples, SAMPLE_RATE).toString('base64') } };
    },
  };
}

export type WebApi = ReturnType<typeof createWebApi>;
