export { load, Engine, defaultModelDir, type LoadOptions, type BatchingOptions, type CudaOptions, type AssessInput } from './engine.js';
export { EngineError, ERROR_CODES, type ErrorCode, type ContractError } from './errors.js';
export { parseTargetIpa, type ParsedIpa } from './ipa.js';
export { loadManifest, type ModelManifest, type Vocabulary } from './manifest.js';
export type { AudioInput } from './audio-input.js';
export type * from './types.js';
export { phoneDistance, substitutionMatrix, mapPhone } from './phonetics/index.js';
export { SubstitutionCosts } from './edit-costs.js';
export { generateIpa, g2pLanguages, type IpaGeneration, type IpaWord, type IpaCandidate, type GenerateIpaInput, type GenerateIpaOptions } from './g2p.js';
