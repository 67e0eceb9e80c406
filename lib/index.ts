// The package's API. Workers, the web page and other services import from here (or from
// pronunciation-engine/audio for fetching alone), never from lib's inner modules.
export { load, Engine, defaultModelDir, type LoadOptions, type BatchingOptions, type CudaOptions, type AssessInput, type CallOptions, type RecognizeOptions } from './engine.js';
export { EngineError, ERROR_CODES, toEngineError, type ErrorCode, type ContractError } from './errors.js';
export type { Inference, LogProbs } from './gateway.js';
export { parseTargetIpa, type ParsedIpa } from './phonetics/ipa.js';
export { loadManifest, type ModelManifest, type Vocabulary } from './model/manifest.js';
export { decodeAudio, type AudioInput, type LoadedAudio } from './audio/input.js';
export { pcm16Wav } from './audio/wav.js';
export * from './audio/index.js';
export { SAMPLE_RATE, ALIGNERS, STRICTNESS_LEVELS } from './types.js';
export type * from './types.js';
export { phoneDistance, substitutionMatrix, mapPhone } from './phonetics/index.js';
export { SubstitutionCosts } from './assessment/edit-costs.js';
export {
  generateIpa,
  g2pLanguages,
  CASING_MODES,
  type CasingMode,
  type G2pLanguage,
  type IpaGeneration,
  type IpaWord,
  type IpaCandidate,
  type GenerateIpaInput,
  type GenerateIpaOptions,
} from './g2p/generate-ipa.js';
export { mfaOptionsFromEnv, type MfaOptions } from './mfa/options.js';
export { MFA_FAILURE_REASONS, type MfaFailureReason } from './mfa/failure.js';
