// The npm package as published: what `npm pack` puts in it, its manifest, the README's library
// snippet compiled against the built declarations under tsc --strict, and the prebuilt-binary
// checker (scripts/check-prebuild.mjs) on a directory that must fail it and, when
// `npm run prebuilds` has made one, on the prebuilt directory. .ci/run installs the packed
// tarball into a fresh project (scripts/check-package.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without declarations
import { checkPrebuildDir } from '../scripts/check-prebuild.mjs';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('npm pack', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
  const files: string[] = packed.files.map((f: { path: string }) => f.path);

  it('holds what installing and running need: the install script, dist/, sources to build from, headers, licence, contract, bundled model', () => {
    for (const file of ['scripts/install.mjs', 'LICENSE', 'docs/api-contract.md', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/cli.js', 'CMakeLists.txt', 'cmake/FindOnnxRuntime.cmake', 'third_party/onnxruntime/include/onnxruntime_c_api.h', 'third_party/onnxruntime/LICENSE', 'models/default/manifest.json', 'models/default/model.onnx', 'examples/001040067.flac', 'native/src/g2p/helper/espeak_helper.cc']) {
      expect(files, file).toContain(file);
    }
  });

  it('holds no tests, no plumbing model, no source maps, no development tools', () => {
    const unwanted = files.filter((f) => /^(test|tools|bench|eval|native\/test|models\/plumbing)\//.test(f) || f.endsWith('.map') || f.endsWith('.test.js'));
    expect(unwanted).toEqual([]);
  });

  it('a package from a clean checkout builds dist/ on pack (prepack)', () => {
    expect(pkg.scripts.prepack).toMatch(/build:ts/);
    expect(pkg.scripts['build:ts']).toMatch(/rmSync\('dist'/);
  });
});

describe('package.json', () => {
  it('is Linux x64 only, with an exports map whose targets exist', () => {
    expect(pkg.os).toEqual(['linux']);
    expect(pkg.cpu).toEqual(['x64']);
    const targets = [...Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t))), pkg.bin['pronunciation-engine']];
    expect(targets.length).toBeGreaterThan(6);
    for (const target of targets) expect(existsSync(join(ROOT, target)), target).toBe(true);
  });

  it('pronunciation-engine/audio fetches and decodes data: URIs without loading the addon or ONNX Runtime', () => {
    const script = [
      "const audio = await import('pronunciation-engine/audio');",
      "const { bytes } = await audio.fetchAudio('data:audio/wav,RIFF%00');",
      "const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');",
      "console.log(JSON.stringify({ bytes: bytes.length, addon: /pronunciation_engine|onnxruntime/.test(maps), exports: Object.keys(audio).sort() }));",
    ].join('\n');
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(out).toMatchObject({ bytes: 5, addon: false });
    expect(out.exports).toEqual(expect.arrayContaining(['fetchAudio', 'decodeDataUri', 'decodeBase64Audio', 'classifyAddress', 'audioTooLarge', 'DEFAULT_MAX_AUDIO_BYTES']));
  });

  it('installs no all-platform ONNX Runtime, S3 SDK or build tool for its users: those are devDependencies or optional peers', () => {
    for (const name of ['com.github.asus4.onnxruntime', '@aws-sdk/client-s3', 'cmake-js']) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.devDependencies[name], name).toBeDefined();
    }
    for (const name of ['@aws-sdk/client-s3', 'com.github.asus4.onnxruntime.linux-x64-gpu']) {
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
    }
  });
});

describe('README library snippet', () => {
  it('compiles under tsc --strict against the package\'s own declarations', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /### Library\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
    const dir = join(ROOT, 'test', '.generated', 'readme-snippet');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'snippet.ts'), snippet);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], skipLibCheck: false }, files: ['snippet.ts'] }),
    );
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('scripts/check-prebuild.mjs', () => {
  it('fails a build linked against system libraries (build/Release), naming them', () => {
    const { problems } = checkPrebuildDir(join(ROOT, 'build', 'Release'));
    expect(problems.join('\n')).toMatch(/pronunciation_engine\.node needs libsndfile\.so\.1, which is neither a system library nor bundled/);
    expect(problems.join('\n')).toMatch(/libsoxr\.so\.0 resolves outside the directory/);
  });

  const prebuilt = join(ROOT, 'prebuilds', 'linux-x64');
  it.skipIf(!existsSync(prebuilt))(
    `passes the prebuilt directory (${existsSync(prebuilt) ? 'present' : 'SKIPPED: no prebuilds/linux-x64 here; npm run prebuilds makes it, and .ci/run checks it after making it'})`,
    () => {
      const { problems, newest } = checkPrebuildDir(prebuilt);
      expect(problems).toEqual([]);
      expect(newest.glibc).toMatch(/^2\.\d+$/);
    },
  );
});
