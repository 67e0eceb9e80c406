// The ipa-generation job: validates {text, language, audio_uri?, casing?} and calls generateIpa,
// which is injected (see generate-ipa.ts).
import { z } from 'zod';
import { CASING_MODES, type Engine, type FetchedAudio } from '../../lib/index.js';
import type { Handler } from '../runtime/types.js';
import { invalidInput } from '../shared/invalid-input.js';
import type { GenerateIpa } from './generate-ipa.js';

export const MAX_TEXT_CHARS = 2000;

const LANGUAGE_MESSAGE = 'language must be a language tag such as "en-us"';

export const g2pInputSchema = z.strictObject(
  {
    text: z
      .string({ error: 'text must be a string: the sentence to transcribe, e.g. "hello world"' })
      .trim()
      .min(1, 'text must not be empty')
      .max(MAX_TEXT_CHARS, `text must be at most ${MAX_TEXT_CHARS} characters`),
    language: z.string({ error: LANGUAGE_MESSAGE }).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, LANGUAGE_MESSAGE),
    audio_uri: z.string({ error: 'audio_uri must be an https://, http://, s3:// or data: URI' }).trim().min(1, 'audio_uri must not be empty').optional(),
    /** How words in capitals are read (lib/g2p/casing.ts); default "auto". */
    casing: z.enum(CASING_MODES, { error: `casing must be one of ${CASING_MODES.map((m) => `"${m}"`).join(', ')}` }).optional(),
  },
  { error: 'input must be a JSON object: {"text": "hello world", "language": "en-us"}' },
);

export type G2pInput = z.infer<typeof g2pInputSchema>;

const ACCEPTED = { '': Object.keys(g2pInputSchema.shape) };
const EXAMPLE = '{"text": "hello world", "language": "en-us"}';

export function parseG2pInput(input: unknown): G2pInput {
  const parsed = g2pInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, ACCEPTED, EXAMPLE);
  return parsed.data;
}

export interface G2pDeps {
  generateIpa: GenerateIpa;
  engine?: Engine;
  fetchAudio: (uri: string, options: { signal: AbortSignal }) => Promise<FetchedAudio>;
}

export function createG2pHandler(deps: G2pDeps): Handler {
  return async (input, ctx) => {
    const request = parseG2pInput(input);
    const audio = request.audio_uri ? (await deps.fetchAudio(request.audio_uri, { signal: ctx.signal })).bytes : undefined;
    ctx.signal.throwIfAborted();
    return deps.generateIpa({ text: request.text, language: request.language, ...(audio ? { audio } : {}) }, { engine: deps.engine, ...(request.casing ? { casing: request.casing } : {}) });
  };
}
