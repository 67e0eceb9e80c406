// Typed errors with the contract's codes (docs/api-contract.md).
// AUDIO_TOO_SHORT is an addition: audio with fewer frames than the target needs.
// ALIGNMENT_FAILED is an addition: the strict MFA option's error when MFA could not align (lib/mfa).

export const ERROR_CODES = [
  'INVALID_INPUT',
  'AUDIO_FETCH_FAILED',
  'AUDIO_TOO_LARGE',
  'AUDIO_TOO_LONG',
  'AUDIO_TOO_SHORT',
  'AUDIO_UNDECODABLE',
  'AUDIO_SILENT',
  'IPA_INVALID',
  'UNSUPPORTED_LANGUAGE',
  'MODEL_UNAVAILABLE',
  'ALIGNMENT_FAILED',
  'INTERNAL',
  // Additions to the contract: a call cancelled by its caller's AbortSignal, or over its timeoutMs.
  'ABORTED',
  'TIMEOUT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ContractError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }

  toJSON(): ContractError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Any thrown value as an EngineError: addon errors keep their code, the rest become INTERNAL. */
export function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return new EngineError(isErrorCode(code) ? code : 'INTERNAL', error.message);
  }
  return new EngineError('INTERNAL', String(error));
}
