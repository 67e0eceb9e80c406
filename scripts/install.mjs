// npm install hook: use the prebuilt binary (prebuilds/linux-x64, which needs nothing on the
// machine but glibc and libstdc++) or an existing build when one loads; otherwise build from
// source with cmake-js, which needs a compiler, CMake, pkg-config and the -dev packages
// (scripts/setup.sh installs them on Debian/Ubuntu).
// When the optional CUDA provider package is installed (com.github.asus4.onnxruntime.linux-x64-gpu,
// ONNX Runtime 1.29 for CUDA 13), its provider libraries are linked beside the addon's ONNX
// Runtime, which loads them from its own directory; after installing that package later, run
// `npm rebuild pronunciation-engine`.
import { execSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const CUDA_PROVIDER_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu';

/** The directory of the addon that loads, or null when none does. */
function loadableAddonDir() {
  try {
    const gyp = require('node-gyp-build');
    gyp(root);
    return dirname(gyp.resolve(root));
  } catch {
    return null;
  }
}

/**
 * Links each libonnxruntime_providers_*.so of `providerDir` into `addonDir` (where the addon's
 * libonnxruntime.so.1 is), replacing earlier links but never a real file. Returns the names linked.
 */
export function linkProviders(addonDir, providerDir) {
  const linked = [];
  for (const name of readdirSync(providerDir)) {
    if (!/^libonnxruntime_providers_(cuda|tensorrt)\.so$/.test(name)) continue;
    const link = join(addonDir, name);
    if (existsSync(link) || isLink(link)) {
      if (!isLink(link)) continue;
      unlinkSync(link);
    }
    symlinkSync(resolve(providerDir, name), link);
    linked.push(name);
  }
  return linked;
}

const isLink = (path) => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

function cudaProviderDir() {
  try {
    return join(dirname(require.resolve(`${CUDA_PROVIDER_PACKAGE}/package.json`, { paths: [root] })), 'Plugins', 'Linux', 'x64');
  } catch {
    return null;
  }
}

function buildFromSource() {
  const missing = ['cmake', 'pkg-config', 'c++'].filter((tool) => {
    try {
      execSync(`command -v ${tool}`, { stdio: 'ignore', shell: '/bin/sh' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    console.error(
      `pronunciation-engine: no prebuilt binary loads here, and building from source needs ${missing.join(', ')}.\n` +
        'On Debian/Ubuntu, scripts/setup.sh in the source repository installs the build tools and libraries ' +
        '(build-essential cmake pkg-config libsndfile1-dev libsoxr-dev libsentencepiece-dev libespeak-ng-dev).',
    );
    process.exit(1);
  }
  // cmake-js is a devDependency: a checkout has it, an installed package fetches it with npx.
  let cmakeJs = 'npx --yes cmake-js@8';
  try {
    require.resolve('cmake-js/package.json', { paths: [root] });
    cmakeJs = 'npx cmake-js';
  } catch {}
  execSync(`${cmakeJs} compile --CDCMAKE_BUILD_TYPE=Release`, { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fromSource = process.env.npm_config_build_from_source === 'true';
  let addonDir = fromSource ? null : loadableAddonDir();
  if (!addonDir) {
    buildFromSource();
    addonDir = loadableAddonDir();
  }
  const providerDir = cudaProviderDir();
  if (addonDir && providerDir && existsSync(providerDir)) {
    const linked = linkProviders(addonDir, providerDir);
    if (linked.length > 0) console.error(`pronunciation-engine: CUDA provider linked beside ONNX Runtime (${linked.join(', ')})`);
  }
}
