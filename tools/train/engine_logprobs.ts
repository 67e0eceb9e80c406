// Runs a model bundle through the engine's own native pipeline (frontend + ONNX Runtime) on raw
// float32 sample files and writes the log-probabilities the engine computes.
//
//   node --import tsx tools/train/engine_logprobs.ts BUNDLE_DIR LIST_FILE
//
// LIST_FILE: one "input.f32 output.f32" pair per line (16 kHz float32 little-endian samples in;
// row-major frames x vocab float32 log-probabilities out). Prints one JSON line per pair:
// {"input", "numFrames", "vocabSize"}. Used by export.py to compare with PyTorch.
import { readFile, writeFile } from 'node:fs/promises';
import { loadManifest } from '../../lib/model/manifest.js';
import { native } from '../../lib/native.js';

const [bundle, list] = process.argv.slice(2);
if (!bundle || !list) {
  console.error('usage: engine_logprobs.ts BUNDLE_DIR LIST_FILE');
  process.exit(2);
}
const manifest = await loadManifest(bundle);
const model = await native().loadModel({ ...manifest.nativeConfig, provider: 'cpu', intraOpThreads: 1 });
for (const line of (await readFile(list, 'utf8')).split('\n')) {
  if (!line.trim()) continue;
  const [input, output] = line.trim().split(/\s+/);
  const bytes = await readFile(input);
  const samples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const { logProbs } = await model.infer(samples);
  const values = logProbs.toFloat32Array();
  await writeFile(output, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  console.log(JSON.stringify({ input, numFrames: logProbs.numFrames, vocabSize: logProbs.vocabSize }));
}
