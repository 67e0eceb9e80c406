// npm install hook: use a prebuilt binary (prebuilds/) or an existing build when one
// loads; otherwise build from source with cmake-js.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const fromSource = process.env.npm_config_build_from_source === 'true';

function loads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

if (fromSource || !loads()) {
  execSync('npm run build:native', { cwd: root, stdio: 'inherit' });
}
