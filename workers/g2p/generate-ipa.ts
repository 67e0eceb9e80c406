// The shape of the text-to-IPA function (lib/g2p.ts generateIpa) that the handlers are given:
// injected, so the handlers can be tested with any implementation of it.
import type { AudioInput } from '../../lib/audio-input.js';
import type { Engine } from '../../lib/engine.js';
import type { CasingMode } from '../../lib/g2p/casing.js';

export interface GenerateIpaInput {
  text: string;
  language?: string;
  audio?: AudioInput;
}

export interface GenerateIpaResult {
  ipa_phonemes: string;
  phonemes: string[];
}

export type GenerateIpa = (input: GenerateIpaInput, options?: { engine?: Engine; casing?: CasingMode }) => Promise<GenerateIpaResult>;
