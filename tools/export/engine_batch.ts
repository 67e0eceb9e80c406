// The exporters' batch check: each recording's log-probabilities from the engine run alone, and
// again with all recordings submitted at once to an engine that batches them into one ONNX
// Runtime run (padded to the longest, the graph's lengths input and output). Prints one JSON line:
// {"items":[{"audio","num_frames","max_abs_diff"}], "batch_sizes":[...], "max_abs_diff"}.
//
//   node --import tsx tools/export/engine_batch.ts BUNDLE_DIR [--precision fp32|fp16] AUDIO...
import { parseArgs } from 'node:util';
import { load } from '../../lib/engine.js';
import type { InferenceResult } from '../../lib/native.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { precision: { type: 'string', default: 'fp32' } },
});
const [bundle, ...audio] = positionals;
if (!bundle || audio.length < 2) {
  process.stderr.write('usage: engine_batch.ts BUNDLE_DIR [--precision fp32|fp16] AUDIO AUDIO...\n');
  process.exit(2);
}
const precision = values.precision === 'fp16' ? 'fp16' : 'fp32';

const single = await load(bundle, { precision });
const alone: InferenceResult[] = [];
for (const file of audio) alone.push(await single.logProbs(file));

const batched = await load(bundle, { precision, batching: { maxBatch: audio.length, maxWaitMs: 1000 } });
const together = await Promise.all(audio.map((file) => batched.logProbs(file)));

const items = audio.map((file, i) => {
  const a = alone[i];
  const b = together[i];
  if (a.numFrames !== b.numFrames || a.vocabSize !== b.vocabSize) {
    return { audio: file, num_frames: [a.numFrames, b.numFrames], max_abs_diff: null };
  }
  let diff = 0;
  for (let k = 0; k < a.logProbs.length; k++) diff = Math.max(diff, Math.abs(a.logProbs[k] - b.logProbs[k]));
  return { audio: file, num_frames: a.numFrames, max_abs_diff: diff };
});
const diffs = items.map((i) => i.max_abs_diff);
process.stdout.write(
  `${JSON.stringify({
    items,
    batch_sizes: together.map((r) => r.timings.batchSize ?? 1),
    max_abs_diff: diffs.includes(null) ? null : Math.max(...(diffs as number[])),
  })}\n`,
);
