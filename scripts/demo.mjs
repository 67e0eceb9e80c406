// npm run demo: assess the bundled example recording with the bundled default model.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const recording = join(root, 'examples', '001040067.flac');
const target = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ'; // "Layla is good at surfing"
console.error(`assess ${recording} --target "${target}" (bundled model models/default)\n`);
const run = spawnSync(process.execPath, [join(root, 'dist', 'lib', 'cli.js'), 'assess', recording, '--target', target, '--pretty'], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
