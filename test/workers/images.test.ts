// What can be checked of the Docker images without a Docker engine: each image's CMD runs the
// compiled entry point that `npm run build:ts` makes; the build context keeps what the
// Dockerfiles copy; the system packages they install are the ones CMake's pkg-config modules
// need (derived from CMakeLists.txt through pkg-config and dpkg on this machine, and resolved by
// `apt-get install --simulate`); the ONNX Runtime GPU release, CUDA base image and hub.json agree;
// the model guard refuses the plumbing bundle; the RunPod Hub test inputs (.runpod/tests.json)
// complete through the real worker process with the model the image bakes in, and their
// expectations fail a random-weight model; hub.json sets only variables the workers read.
// Not checked here (no Docker engine): that the images build, that the Ubuntu 24.04 package
// names resolve there (this machine's distribution is checked instead), the release's sha256.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractViolations } from '../helpers/contract.js';
import { ROOT, spawnWorker } from './spawn-worker.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DEFAULT_MODEL = join(ROOT, 'models', 'default');

/** The instruction lines of one stage (FROM ... AS name, or the last stage for null). */
function stage(dockerfile: string, name: string | null): string {
  const stages = dockerfile.split(/^(?=FROM )/m).filter((part) => part.startsWith('FROM '));
  const found = name === null ? stages.at(-1) : stages.find((part) => new RegExp(`^FROM \\S+ AS ${name}\\b`).test(part));
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** Packages of the apt-get install commands of a stage. */
function aptPackages(stageText: string): string[] {
  return [...stageText.matchAll(/apt-get install -y --no-install-recommends((?:[^&\\]|\\\n)+)/g)].flatMap((m) =>
    m[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean),
  );
}

const argDefault = (text: string, name: string) => new RegExp(`^ARG ${name}=(.*)$`, 'm').exec(text)?.[1];

/** The pkg-config modules CMakeLists.txt requires. */
const PKG_CONFIG_MODULES = [...read('CMakeLists.txt').matchAll(/pkg_check_modules\(\w+ REQUIRED IMPORTED_TARGET ([\w.-]+)\)/g)].map((m) => m[1]);

const hasDpkg = spawnSync('dpkg', ['--version']).status === 0 && spawnSync('pkg-config', ['--version']).status === 0;
const packageOf = (path: string) => execFileSync('dpkg', ['-S', resolve(path)], { encoding: 'utf8' }).split(':')[0];

/** Each module's -dev package (owner of its .pc file) and runtime package (owner of its shared library), on this machine. */
function derivedPackages(): { dev: string[]; runtime: string[] } {
  const dev: string[] = [];
  const runtime: string[] = [];
  for (const module of PKG_CONFIG_MODULES) {
    const pc = join(execFileSync('pkg-config', ['--variable=pcfiledir', module], { encoding: 'utf8' }).trim(), `${module}.pc`);
    dev.push(packageOf(pc));
    for (const flag of execFileSync('pkg-config', ['--libs-only-l', module], { encoding: 'utf8' }).trim().split(/\s+/)) {
      // The library the linker takes for -lname (the compiler knows the multiarch directories).
      const linked = execFileSync('c++', [`-print-file-name=lib${flag.slice(2)}.so`], { encoding: 'utf8' }).trim();
      const real = execFileSync('readlink', ['-f', linked], { encoding: 'utf8' }).trim();
      runtime.push(packageOf(real));
    }
  }
  return { dev: [...new Set(dev)].sort(), runtime: [...new Set(runtime)].sort() };
}

/** The variables the workers and the runtime read (workers/shared/engine-from-env.ts, workers/shared/audio-from-env.ts, workers/runtime/config.ts). */
const WORKER_ENV = new Set([
  'MODEL_DIR',
  'EXECUTION_PROVIDER',
  'ORT_INTRA_OP_THREADS',
  'WORKER_CONCURRENCY',
  'WORKER_SHUTDOWN_GRACE_MS',
  'AUDIO_MAX_BYTES',
  'AUDIO_MAX_DURATION_SEC',
  'AUDIO_FETCH_ALLOW_PRIVATE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'S3_ENDPOINT',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'S3_FORCE_PATH_STYLE',
  'RUNPOD_DEBUG_LEVEL',
  // lib/mfa/options.ts mfaOptionsFromEnv, workers/shared/engine-from-env.ts; MFA_ROOT_DIR is MFA's own
  'ALIGNER',
  'MFA_ACOUSTIC_MODEL',
  'MFA_PYTHON',
  'MFA_COMMAND',
  'MFA_PHONE_SET',
  'MFA_POOL_SIZE',
  'MFA_MAX_QUEUE',
  'MFA_TIMEOUT_MS',
  'MFA_STRICT',
  'MFA_ROOT_DIR',
]);

describe.each([
  ['Dockerfile.assess', 'dist/workers/assess/main.js'],
  ['Dockerfile.g2p', 'dist/workers/g2p/main.js'],
])('%s', (dockerfile, entry) => {
  const text = read(dockerfile);

  it(`runs ${entry}, which the TypeScript build makes`, () => {
    expect(text).toContain(`CMD ["node", "${entry}"]`);
    expect(existsSync(join(ROOT, entry))).toBe(true);
    // The build stage's own checks of the TypeScript build name files it makes.
    for (const [, built] of text.matchAll(/test -f (dist\/\S+)/g)) expect(existsSync(join(ROOT, built)), built).toBe(true);
  });

  it('copies only what the build context (.dockerignore) keeps', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    const expected = ['package.json', 'package-lock.json', 'CMakeLists.txt', 'tsconfig.json', 'tsconfig.build.json', 'cmake', 'native', 'lib', 'workers'];
    // The export stage copies the exporters and the self-check recording, re-included by "!" lines.
    // The model stage chooses the bundle from the context's models/; the runtime stage copies the
    // example recording for the MFA smoke test.
    if (dockerfile === 'Dockerfile.assess') expected.push('tools/export', 'examples', 'models', 'examples/001040067.flac');
    else expected.push('models');
    expect(sources).toEqual(expected);
    const reincluded = (source: string) => ignored.some((l) => l === `!${source}` || l.startsWith(`!${source}/`));
    const excluded = (source: string) => source.split('/').some((_, i, parts) => ignored.includes(parts.slice(0, i + 1).join('/')));
    for (const source of [...sources, 'models']) {
      expect(!excluded(source) || reincluded(source), source).toBe(true);
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    expect(argDefault(text, 'MODEL_BUNDLE')).toBe('models/default');
    expect(existsSync(join(DEFAULT_MODEL, 'manifest.json'))).toBe(true);
  });

  it('limits glibc to 2 malloc arenas in the runtime image (more arenas hold more free memory apart; workers/README.md, Memory)', () => {
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ENV [^]*?^\s+MALLOC_ARENA_MAX=2 \\$/m);
  });

  it('builds against ORT_ROOT from the pinned GPU release, with a CUDA + cuDNN runtime base of the same CUDA major as hub.json', () => {
    expect(text).toMatch(/^ENV ORT_ROOT=\/opt\/onnxruntime$/m);
    const version = argDefault(text, 'ORT_VERSION')!;
    const cudaMajor = argDefault(text, 'ORT_CUDA_MAJOR')!;
    // The committed headers' C API is the release's minor version (API 29 is ONNX Runtime 1.29).
    const api = /#define ORT_API_VERSION (\d+)/.exec(read('third_party/onnxruntime/include/onnxruntime_c_api.h'))![1];
    expect(version).toMatch(new RegExp(`^1\\.${api}\\.\\d+$`));
    expect(argDefault(text, 'ORT_ASSET')).toBe('onnxruntime-linux-x64-gpu_cuda${ORT_CUDA_MAJOR}-${ORT_VERSION}.tgz');
    expect(argDefault(text, 'ORT_URL')).toBe('https://github.com/microsoft/onnxruntime/releases/download/v${ORT_VERSION}/${ORT_ASSET}');
    expect(argDefault(text, 'ORT_SHA256')).toMatch(/^[0-9a-f]{64}$/);
    expect(text).toContain('echo "${ORT_SHA256}  /tmp/onnxruntime.tgz" | sha256sum -c -');
    const image = /^ARG CUDA_IMAGE=nvidia\/cuda:(\d+)\.(\d+)\.\d+-cudnn-runtime-ubuntu(\d+\.\d+)$/m.exec(text);
    expect(image, 'CUDA_IMAGE').not.toBeNull();
    expect(image![1]).toBe(cudaMajor);
    expect(argDefault(text, 'BUILD_IMAGE')).toBe(`ubuntu:${image![3]}`);
    // RunPod starts a worker only on a driver of one of these CUDA versions: each must run the
    // image's CUDA (same major, not older).
    const imageCuda = Number(image![1]) * 100 + Number(image![2]);
    for (const allowed of JSON.parse(read('.runpod/hub.json')).config.allowedCudaVersions as string[]) {
      const [major, minor] = allowed.split('.').map(Number);
      expect(String(major), allowed).toBe(cudaMajor);
      expect(major * 100 + minor, allowed).toBeGreaterThanOrEqual(imageCuda);
    }
  });

  it('pins the same ONNX Runtime release, bases and guard as the other image', () => {
    const other = read(dockerfile === 'Dockerfile.assess' ? 'Dockerfile.g2p' : 'Dockerfile.assess');
    for (const name of ['ORT_VERSION', 'ORT_CUDA_MAJOR', 'ORT_ASSET', 'ORT_SHA256', 'ORT_URL', 'CUDA_IMAGE', 'BUILD_IMAGE', 'NODE_IMAGE', 'MODEL_BUNDLE', 'ALLOW_PLUMBING_MODEL']) {
      expect(argDefault(text, name), name).toBe(argDefault(other, name));
    }
    expect(stage(text, 'model')).toBe(stage(other, 'model'));
  });

  it.skipIf(!hasDpkg)(
    'installs exactly the packages of CMake\'s pkg-config modules: -dev in the build stage, their libraries at run time (derived here with pkg-config and dpkg; skipped without them)',
    () => {
      expect(PKG_CONFIG_MODULES).toEqual(['sndfile', 'soxr', 'espeak-ng', 'sentencepiece']);
      const { dev, runtime } = derivedPackages();
      const build = aptPackages(stage(text, 'build'));
      const run = aptPackages(stage(text, null));
      expect(build.filter((p) => p.startsWith('lib')).sort()).toEqual(dev);
      expect(run.filter((p) => p.startsWith('lib')).sort()).toEqual(runtime);
      // Besides those: the toolchain in the build stage; ffmpeg (WebM/MP4) and TLS roots at run time.
      expect(build.filter((p) => !p.startsWith('lib'))).toEqual(['build-essential', 'cmake', 'pkg-config', 'python3', 'ca-certificates', 'curl']);
      expect(run.filter((p) => !p.startsWith('lib'))).toEqual(['ffmpeg', 'ca-certificates']);
    },
  );
});

describe('image package names', () => {
  const names = [...new Set(['Dockerfile.assess', 'Dockerfile.g2p'].flatMap((f) => [...aptPackages(stage(read(f), 'build')), ...aptPackages(stage(read(f), null))]))];
  // apt-get --simulate needs package lists (apt-get update); CI has run it.
  const policy = spawnSync('apt-cache', ['policy', 'libsndfile1'], { encoding: 'utf8' });
  const hasLists = policy.status === 0 && /Candidate: (?!\(none\))/.test(policy.stdout);
  it.skipIf(!hasLists)(
    `resolve together with apt-get install --simulate on this machine's distribution (${hasLists ? 'apt lists present' : 'SKIPPED: no apt package lists here; run apt-get update'}; Ubuntu 24.04's own lists are checked only by an image build)`,
    () => {
      const run = spawnSync('apt-get', ['install', '--simulate', '--no-install-recommends', ...names], { encoding: 'utf8' });
      expect(run.status, run.stderr + run.stdout.slice(-2000)).toBe(0);
    },
  );
});

describe('the model stage', () => {
  const guard = /^RUN (set -e;[\s\S]*?\/model\/)$/m.exec(stage(read('Dockerfile.assess'), 'model'))![1].replace(/\\\n/g, '\n');
  /** Runs the stage's RUN script in a copy of the build context's models/, as the image build does. */
  function runGuard(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'model-stage-'));
    symlinkSync(join(ROOT, 'models'), join(dir, 'models'));
    cpSync(join(ROOT, 'models', 'plumbing'), join(dir, 'renamed-plumbing'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'renamed-plumbing', 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'renamed-plumbing', 'manifest.json'), JSON.stringify({ ...manifest, name: 'my-model' }));
    const out = join(dir, 'out');
    const script = guard.replaceAll(' /model', ` ${out}`);
    const run = spawnSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH!, MODEL_BUNDLE: 'models/default', ALLOW_PLUMBING_MODEL: '', ...env } });
    return { status: run.status, stderr: run.stderr, baked: existsSync(join(out, 'manifest.json')) ? JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).name : null };
  }

  it('bakes in the bundled recogniser by default', () => {
    expect(runGuard({})).toMatchObject({ status: 0, baked: 'default-en-phone-ctc' });
  });

  it('fails the build for the plumbing bundle, by name or by its weights, unless ALLOW_PLUMBING_MODEL=1', () => {
    for (const bundle of ['models/plumbing', 'renamed-plumbing']) {
      const refused = runGuard({ MODEL_BUNDLE: bundle });
      expect(refused.status, bundle).not.toBe(0);
      expect(refused.stderr).toMatch(/plumbing bundle: random weights/);
      expect(refused.baked).toBeNull();
    }
    expect(runGuard({ MODEL_BUNDLE: 'models/plumbing', ALLOW_PLUMBING_MODEL: '1' })).toMatchObject({ status: 0, baked: 'plumbing' });
  });

  it('fails the build without a model bundle', () => {
    for (const bundle of ['', 'models/none']) {
      const refused = runGuard({ MODEL_BUNDLE: bundle });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/MODEL_BUNDLE must name a model bundle/);
    }
  });
});

describe('Dockerfile.assess export stage and the Hub\'s Dockerfile', () => {
  const text = read('Dockerfile.assess');
  it('exports hub models only when EXPORT_MODELS asks, and says what it downloads', () => {
    expect(argDefault(text, 'EXPORT_MODELS')).toBe('""');
    expect(text).toMatch(/Network: the\s+#\s+export stage downloads/);
    expect(text).toMatch(/huggingface\.co/);
  });

  it('./Dockerfile, which the RunPod Hub builds, is Dockerfile.assess', () => {
    expect(read('Dockerfile'), 'cp Dockerfile.assess Dockerfile').toBe(text);
  });
});

describe('MFA in the images', () => {
  const assess = read('Dockerfile.assess');
  const g2p = read('Dockerfile.g2p');
  const ROOT_ENV = new Set(['NODE_ENV', 'UV_THREADPOOL_SIZE', 'MALLOC_ARENA_MAX', 'DEBIAN_FRONTEND', 'ORT_ROOT']);

  it('Dockerfile.assess installs MFA with micromamba from conda-forge in its own environment and downloads its models at build time', () => {
    expect(assess).toMatch(/^ARG MFA_VERSION=\d+\.\d+\.\d+$/m);
    expect(assess).toMatch(/micromamba create -y -p \/opt\/mfa -c conda-forge --override-channels "montreal-forced-aligner=\$\{MFA_VERSION\}"/);
    expect(assess).toMatch(/mfa model download acoustic "\$\{MFA_ACOUSTIC_MODEL\}"/);
    expect(assess).toMatch(/mfa model download dictionary "\$\{MFA_DICTIONARY\}"/);
    expect(assess).toContain('COPY --from=build /app/lib/mfa/mfa_helper.py ./lib/mfa/mfa_helper.py');
    expect(existsSync(join(ROOT, 'lib', 'mfa', 'mfa_helper.py'))).toBe(true);
  });

  it('runs as a non-root user, and the MFA smoke test runs as that user before CMD', () => {
    const user = assess.indexOf('\nUSER app\n');
    const smoke = assess.indexOf('RUN node dist/workers/assess/mfa-smoke-test.js helper align_one');
    expect(user).toBeGreaterThan(0);
    expect(smoke).toBeGreaterThan(user);
    expect(assess.indexOf('CMD [')).toBeGreaterThan(smoke);
    expect(existsSync(join(ROOT, 'dist', 'workers', 'assess', 'mfa-smoke-test.js'))).toBe(true);
  });

  it('the runtime stage sets only variables the worker or MFA reads', () => {
    const runtime = assess.slice(assess.lastIndexOf('\nFROM '));
    const env = [...runtime.matchAll(/^(?:ENV |\s+)([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(env).toEqual(expect.arrayContaining(['ALIGNER', 'MFA_PYTHON', 'MFA_COMMAND', 'MFA_ACOUSTIC_MODEL', 'MFA_ROOT_DIR']));
    for (const key of env) expect(WORKER_ENV.has(key) || ROOT_ENV.has(key), key).toBe(true);
  });

  it('Dockerfile.g2p stays without MFA', () => {
    expect(g2p).not.toMatch(/mfa|micromamba|montreal/i);
  });
});

describe('.runpod', () => {
  const hub = JSON.parse(read('.runpod/hub.json'));
  const tests = JSON.parse(read('.runpod/tests.json'));

  it('hub.json describes a GPU serverless endpoint and sets only variables the worker reads', () => {
    expect(hub).toMatchObject({ type: 'serverless', category: 'audio', config: { runsOn: 'GPU', gpuCount: 1 } });
    for (const { key } of hub.config.env) expect(WORKER_ENV.has(key), key).toBe(true);
    for (const { key } of tests.config.env) expect(WORKER_ENV.has(key), key).toBe(true);
    expect(tests.config).toMatchObject({ gpuCount: 1, allowedCudaVersions: hub.config.allowedCudaVersions });
  });

  const hubTests: [string, { input: { expect?: unknown }; timeout: number }][] = tests.tests.map((t: { name: string; input: { expect?: unknown }; timeout: number }) => [t.name, t]);
  const runHubTest = async (input: unknown, modelDir: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
    writeFileSync(join(dir, 'test_input.json'), JSON.stringify({ input }));
    const run = spawnWorker([], { MODEL_DIR: modelDir }, { cwd: dir });
    const exit = await run.exit;
    const printed = JSON.parse(run.stdout());
    expect(exit).toBe(printed.status === 'COMPLETED' ? 0 : 1);
    return printed;
  };

  it.each(hubTests)('test input "%s" completes through the worker with the model the image bakes in, meeting its expect', async (_name, test) => {
    expect(test.input.expect, 'every Hub test states what a sensible result is').toBeDefined();
    const printed = await runHubTest(test.input, DEFAULT_MODEL);
    expect(printed.status, JSON.stringify(printed.error)).toBe('COMPLETED');
    expect(contractViolations(printed.output)).toEqual([]);
    expect(test.timeout).toBeGreaterThanOrEqual(10_000);
  });

  it('the tests recognise a model that scores everything alike: with the random-weight plumbing bundle the other-sentence test fails', async () => {
    const other = tests.tests.find((t: { name: string }) => t.name === 'another_sentence_scores_low');
    const printed = await runHubTest(other.input, join(ROOT, 'models', 'plumbing'));
    expect(printed.status).toBe('FAILED');
    expect(String(printed.error)).toMatch(/max_score|DIFFERENT_SENTENCE/);
  });
});

describe('execution provider', () => {
  it('fails at start with MODEL_UNAVAILABLE where ONNX Runtime has no CUDA provider (this machine)', async () => {
    const run = spawnWorker(['--test-input', '{"input": {}}'], { EXECUTION_PROVIDER: 'cuda' });
    expect(await run.exit).toBe(1);
    expect(run.logs.find((l) => l.message === 'worker failed to start')?.code).toBe('MODEL_UNAVAILABLE');
    const bad = spawnWorker(['--test-input', '{"input": {}}'], { EXECUTION_PROVIDER: 'tpu' });
    expect(await bad.exit).toBe(1);
    expect(String(bad.logs.find((l) => l.message === 'worker failed to start')?.problem)).toMatch(/cpu or cuda/);
  });
});
