// npm run demo: assess the bundled example recording with the bundled model.
// Until a trained model is bundled in models/default, it runs the plumbing bundle and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const trained = join(root, 'models', 'default');
const plumbing = join(root, 'models', 'plumbing');
const model = existsSync(join(trained, 'manifest.json')) ? trained : plumbing;
if (model === plumbing) {
  console.error('NOTE: no trained model is bundled yet; running models/plumbing (fixed random weights,');
  console.error('NOT a phone recogniser). The table below shows the pipeline working, not a real assessment.\n');
}
const recording = join(root, 'examples', '001040067.flac');
const target = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ'; // "Layla is good at surfing"
console.error(`assess ${recording}\n  --target "${target}" --model ${model}\n`);
const run = spawnSync(process.execPath, [join(root, 'dist', 'lib', 'cli.js'), 'assess', recording, '--target', target, '--model', model, '--pretty'], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
