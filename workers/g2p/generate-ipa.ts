// The text-to-IPA function the handlers are given: lib/g2p/generate-ipa.ts's generateIpa, injected so the
// handlers can be tested with a stand-in that returns only the IPA.
import type { GenerateIpaInput, GenerateIpaOptions, IpaGeneration } from '../../lib/index.js';

export type GenerateIpaResult = Pick<IpaGeneration, 'ipa_phonemes' | 'phonemes'>;

export type GenerateIpa = (input: GenerateIpaInput, options?: Pick<GenerateIpaOptions, 'engine' | 'casing'>) => Promise<GenerateIpaResult>;
