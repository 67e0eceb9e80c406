// The text-to-IPA function this worker serves, and where it comes from.
// It is lib/g2p.ts's generateIpa, written in parallel; until that module is in the build, the
// g2p worker cannot start and the assess worker answers target_text with INVALID_INPUT.
// The module is imported by a computed specifier so this tree compiles without it; once
// lib/g2p.ts lands, a static `import { generateIpa } from '../../lib/g2p.js'` can replace this.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AudioInput } from '../../lib/audio-input.js';
import type { Engine } from '../../lib/engine.js';

export interface GenerateIpaInput {
  text: string;
  language?: string;
  audio?: AudioInput;
}

export interface GenerateIpaResult {
  ipa_phonemes: string;
  phonemes: string[];
}

export type GenerateIpa = (input: GenerateIpaInput, options?: { engine?: Engine }) => Promise<GenerateIpaResult>;

const G2P_MODULE = '../../lib/g2p.js';

/** lib/g2p's generateIpa, or undefined when that module is not in this build. */
export async function loadGenerateIpa(): Promise<GenerateIpa | undefined> {
  const url = new URL(G2P_MODULE, import.meta.url);
  const path = fileURLToPath(url);
  // Compiled: dist/lib/g2p.js; from source (tsx, vitest): lib/g2p.ts.
  if (!existsSync(path) && !existsSync(path.replace(/\.js$/, '.ts'))) return undefined;
  const module = (await import(url.href)) as { generateIpa?: unknown };
  return typeof module.generateIpa === 'function' ? (module.generateIpa as GenerateIpa) : undefined;
}
