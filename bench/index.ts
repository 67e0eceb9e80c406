// npm run bench: per-stage timings for a 5 s recording, and the native DP and forced
// alignment against straightforward TypeScript implementations, measured in the same run.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCtcAndDp } from './ctc-dp.js';
import { benchG2p } from './g2p.js';
import { printLoadTest, runLoadTest } from './load.js';
import { benchLogProbHandle } from './log-probs.js';
import { benchPipeline } from './pipeline.js';
import { printTable } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const trained = join(root, 'models', 'default');
const modelDir = existsSync(join(trained, 'manifest.json')) ? trained : join(root, 'models', 'plumbing');
const recording = join(root, 'examples', '001040067.flac');
const target = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

console.log(`pronunciation-engine benchmark on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}`);
console.log('CPU figures from a shared development machine: compare ratios within one run, not absolute times.');

const pipeline = await benchPipeline(modelDir, recording, target);
printTable(`Pipeline stages, ${pipeline.audioSec.toFixed(2)} s recording, model "${pipeline.model}" (median ms)`, [
  ...Object.entries(pipeline.stagesMs).map(([k, v]): [string, string] => [k, v.toFixed(3)]),
  ['assess() end to end', pipeline.assessMs.toFixed(3)],
  ['real-time factor', pipeline.realTimeFactor.toFixed(4)],
]);
if (pipeline.model === 'plumbing') {
  console.log('  (model "plumbing" is a small random-weight graph, not a phone recogniser: its inference time says little about real models)');
}

const ratios = await benchCtcAndDp();
printTable('Native vs straightforward TypeScript, same algorithms, same inputs', Object.entries(ratios).map(([k, v]): [string, string] => [k, typeof v === 'number' ? v.toFixed(3) : v]));

// POWSM-CTC's size: a vocabulary of about 40,000 tokens (~6,000 of them phones), 25 frames per second.
printTable(
  'Log-probabilities kept native (LogProbs handle) vs copied per CTC operation, 20 s at POWSM-CTC size, synthetic matrix (median ms)',
  await benchLogProbHandle({ numFrames: 500, vocabSize: 40_000, targetPhones: 60, candidates: 40 }),
);

const g2p = await benchG2p();
printTable('Text-only G2P (espeak-ng in its helper process)', Object.entries(g2p).map(([k, v]): [string, string] => [k, typeof v === 'number' ? v.toFixed(1) : String(v)]));

printLoadTest(await runLoadTest());
