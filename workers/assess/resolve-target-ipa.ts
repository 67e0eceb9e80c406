// The target phones' IPA for an assessment: target_ipa as given, or target_text turned into IPA
// as the ipa-generation endpoint would (its generateIpa).
import { EngineError, type Engine } from '../../lib/index.js';
import type { GenerateIpa } from '../g2p/generate-ipa.js';
import type { AssessRequest } from './schema.js';

export interface ResolveTargetDeps {
  generateIpa: GenerateIpa;
  engine?: Engine;
}

export async function resolveTargetIpa(request: Pick<AssessRequest, 'target_ipa' | 'target_text' | 'language'>, deps: ResolveTargetDeps): Promise<string> {
  if (request.target_ipa !== undefined) return request.target_ipa;
  if (request.target_text === undefined) throw new EngineError('INVALID_INPUT', 'No target: give target_ipa (IPA, e.g. "hɛloʊ wɜrld") or target_text');
  // The learner's audio is deliberately not passed: the target is the expected pronunciation,
  // which must not bend towards what was said.
  const { ipa_phonemes } = await deps.generateIpa({ text: request.target_text, language: request.language }, { engine: deps.engine });
  return ipa_phonemes;
}
