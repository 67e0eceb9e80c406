// The JSON-lines protocol between the Node side and an MFA helper process (lib/mfa/mfa_helper.py,
// whose docstring is the other half of this description). One object per line each way.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

export const readyMessage = z.object({
  type: z.literal('ready'),
  protocol: z.literal(PROTOCOL_VERSION),
  acoustic_model: z.string(),
  /** The acoustic model's non-silence phones. */
  phones: z.array(z.string()),
  position_dependent_phones: z.boolean().optional(),
  versions: z.record(z.string(), z.string()).optional(),
});

export const fatalMessage = z.object({ type: z.literal('fatal'), message: z.string() });

export const HELPER_ERROR_KINDS = ['beam', 'unknown_phone', 'too_short', 'bad_request', 'failed'] as const;
export type HelperErrorKind = (typeof HELPER_ERROR_KINDS)[number];

export const resultMessage = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), alignment: z.unknown(), ms: z.number().optional() }),
  z.object({
    type: z.literal('result'),
    id: z.number().int().nullable(),
    ok: z.literal(false),
    error: z.object({ kind: z.enum(HELPER_ERROR_KINDS), message: z.string() }),
  }),
]);

export const helperMessage = z.union([readyMessage, fatalMessage, resultMessage]);

export type ReadyMessage = z.infer<typeof readyMessage>;
export type ResultMessage = z.infer<typeof resultMessage>;
export type HelperMessage = z.infer<typeof helperMessage>;

export interface AlignRequest {
  type: 'align';
  id: number;
  /** 16 kHz mono WAV. */
  audio: string;
  /** MFA dictionary: `token<TAB>phones`, one line per word. */
  dictionary: string;
  /** The tokens, space-separated. */
  transcript: string;
  beam: number;
  retry_beam: number;
}

/** One line of helper output as a message; undefined when it is not one (garbage). */
export function parseHelperLine(line: string): HelperMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = helperMessage.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
