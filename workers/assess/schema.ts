// The assessment job's input (docs/api-contract.md): audio_uri or audio_base64,
// target_ipa or target_text, language, options {aligner: "ctc" | "mfa"}. Unknown keys are INVALID_INPUT.
import { z } from 'zod';
import { ALIGNERS, EngineError } from '../../lib/index.js';
import { invalidInput } from '../shared/invalid-input.js';
import { expectSchema } from './expect.js';

const AUDIO_URI_MESSAGE = 'audio_uri must be an https://, http://, s3:// or data: URI';
const LANGUAGE_MESSAGE = 'language must be a language tag such as "en-us"';

export const assessInputSchema = z.strictObject(
  {
    audio_uri: z.string({ error: AUDIO_URI_MESSAGE }).trim().min(1, AUDIO_URI_MESSAGE).optional(),
    audio_base64: z.string({ error: 'audio_base64 must be a string: the audio file, base64-encoded' }).min(1, 'audio_base64 must not be empty').optional(),
    target_ipa: z.string({ error: 'target_ipa must be a string of IPA, e.g. "hɛloʊ wɜrld"' }).trim().min(1, 'target_ipa must not be empty').optional(),
    target_text: z.string({ error: 'target_text must be a string, e.g. "hello world"' }).trim().min(1, 'target_text must not be empty').optional(),
    language: z.string({ error: LANGUAGE_MESSAGE }).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, LANGUAGE_MESSAGE).optional(),
    options: z
      .strictObject(
        { aligner: z.enum(ALIGNERS, { error: 'options.aligner must be "ctc" or "mfa"' }).optional() },
        { error: 'options must be an object: {"aligner": "ctc"} or {"aligner": "mfa"}' },
      )
      .optional(),
    expect: expectSchema.optional(),
  },
  { error: 'input must be a JSON object: {"audio_uri": "https://...", "target_ipa": "..."}' },
);

export type AssessRequest = z.infer<typeof assessInputSchema>;

const ACCEPTED = { '': Object.keys(assessInputSchema.shape), options: ['aligner'], expect: ['min_score', 'max_score', 'flags'] };
const EXAMPLE = '{"audio_uri": "https://host/rec.webm", "target_ipa": "hɛloʊ wɜrld", "language": "en-us"}';

export function parseAssessInput(input: unknown): AssessRequest {
  const parsed = assessInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, ACCEPTED, EXAMPLE);
  const request = parsed.data;
  if (request.audio_uri === undefined && request.audio_base64 === undefined) {
    throw new EngineError('INVALID_INPUT', 'No audio: give audio_uri (an https://, http://, s3:// or data: URI) or audio_base64 (the file, base64-encoded)', { field: 'audio_uri' });
  }
  if (request.audio_uri !== undefined && request.audio_base64 !== undefined) {
    throw new EngineError('INVALID_INPUT', 'Give audio_uri or audio_base64, not both', { field: 'audio_base64' });
  }
  if (request.target_ipa === undefined && request.target_text === undefined) {
    throw new EngineError('INVALID_INPUT', 'No target: give target_ipa (IPA, e.g. "hɛloʊ wɜrld") or target_text', { field: 'target_ipa' });
  }
  return request;
}
