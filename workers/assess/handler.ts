// The assessment job: validate, resolve the target IPA, check it parses (before any download),
// get the audio, assess. Returns the contract's assessment JSON.
import { decodeBase64Audio, EngineError, parseTargetIpa, type Engine, type FetchedAudio } from '../../lib/index.js';
import type { Handler } from '../runtime/types.js';
import type { GenerateIpa } from '../g2p/generate-ipa.js';
import { checkExpectation } from './expect.js';
import { resolveTargetIpa } from './resolve-target-ipa.js';
import { parseAssessInput } from './schema.js';

export type AudioFetcher = (uri: string, options: { signal: AbortSignal }) => Promise<FetchedAudio>;

export interface AssessDeps {
  engine: Engine;
  fetchAudio: AudioFetcher;
  /** Size cap for audio_base64 (audio_uri's is the fetcher's). */
  maxBytes?: number;
  generateIpa: GenerateIpa;
}

export function createAssessHandler(deps: AssessDeps): Handler {
  const inventory = new Set(deps.engine.phones);
  return async (input, ctx) => {
    const request = parseAssessInput(input);
    const aligner = request.options?.aligner;
    if (aligner === 'mfa' && !deps.engine.mfaConfigured) {
      throw new EngineError(
        'INVALID_INPUT',
        'options.aligner "mfa" is not available on this worker: MFA is not configured (the image sets MFA_ACOUSTIC_MODEL where MFA is installed; ALIGNER=mfa makes it the default). Use "ctc"',
        { field: 'options.aligner' },
      );
    }
    const targetIpa = await resolveTargetIpa(request, deps);
    parseTargetIpa(targetIpa, inventory);
    const audio =
      request.audio_base64 !== undefined
        ? decodeBase64Audio(request.audio_base64, deps.maxBytes)
        : (await deps.fetchAudio(request.audio_uri!, { signal: ctx.signal })).bytes;
    ctx.signal.throwIfAborted();
    const result = await deps.engine.assess({ audio, targetIpa, aligner });
    checkExpectation(result, request.expect);
    return result;
  };
}
