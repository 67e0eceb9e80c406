// Text-only G2P throughput (words per second) over the speechocean762 dev transcripts (1,258
// sentences, 6,757 words), or the built-in synthetic-data sentences where ../shared is absent.
// Each figure is one pass after a warm-up pass (the first call starts the espeak-ng helper).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateIpa } from '../lib/g2p/generate-ipa.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface G2pFigures {
  source: string;
  sentences: number;
  words: number;
  /** generateIpa per sentence, one at a time, default options (English candidates: en-gb + CMUdict). */
  wordsPerSec: number;
  /** The same with candidates off (espeak-ng in the requested language only). */
  wordsPerSecEspeakOnly: number;
  /** Candidates off, all sentences in flight at once (espeak-ng serialises them in one helper). */
  wordsPerSecConcurrent: number;
  /** Candidates off, the transcripts joined into texts of up to 10,000 characters (one call each). */
  wordsPerSecLongText: number;
}

function loadSentences(): { source: string; sentences: string[] } {
  const transcripts = join(root, '..', 'shared', 'data', 'speechocean762-dev', 'text');
  if (existsSync(transcripts)) {
    const sentences = readFileSync(transcripts, 'utf8')
      .split('\n')
      .map((line) => line.split('\t')[1]?.trim().toLowerCase())
      .filter((s): s is string => Boolean(s));
    return { source: 'speechocean762-dev transcripts', sentences };
  }
  const builtin = readFileSync(join(root, 'tools', 'synth', 'sentences_en.txt'), 'utf8').split('\n').filter(Boolean);
  return { source: 'tools/synth/sentences_en.txt', sentences: builtin };
}

async function wordsPerSec(words: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const t = performance.now();
  await run();
  return words / ((performance.now() - t) / 1000);
}

/** Text-only G2P throughput in words per second; the headline figure is `wordsPerSec`. */
export async function benchG2p(): Promise<G2pFigures> {
  const { source, sentences } = loadSentences();
  const words = sentences.reduce((n, s) => n + s.split(/\s+/u).filter(Boolean).length, 0);
  const chunks: string[] = [''];
  for (const s of sentences) {
    if (chunks[chunks.length - 1].length + s.length + 2 > 10000) chunks.push('');
    chunks[chunks.length - 1] += `${s}. `;
  }
  const sequential = (candidates: boolean) => async () => {
    for (const text of sentences) await generateIpa({ text }, { candidates });
  };
  return {
    source,
    sentences: sentences.length,
    words,
    wordsPerSec: await wordsPerSec(words, sequential(true)),
    wordsPerSecEspeakOnly: await wordsPerSec(words, sequential(false)),
    wordsPerSecConcurrent: await wordsPerSec(words, () => Promise.all(sentences.map((text) => generateIpa({ text }, { candidates: false })))),
    wordsPerSecLongText: await wordsPerSec(words, () => Promise.all(chunks.map((text) => generateIpa({ text }, { candidates: false })))),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await benchG2p());
}
