// What can be checked of the Docker images without a Docker engine: each image's CMD runs the
// compiled entry point that `npm run build:ts` makes; the build context keeps what the
// Dockerfiles copy; the RunPod Hub test inputs (.runpod/tests.json) complete through the real
// worker process; hub.json sets only variables the workers read.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractViolations } from '../helpers/contract.js';
import { ROOT, spawnWorker } from './spawn-worker.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The variables the workers and the runtime read (workers/shared/engine-from-env.ts, lib/fetch-audio.ts, workers/runtime/config.ts). */
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
  });

  it('copies only what the build context (.dockerignore) keeps', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/)).filter((s) => s !== '${MODEL_BUNDLE}');
    const expected = ['package.json', 'package-lock.json', 'CMakeLists.txt', 'tsconfig.json', 'tsconfig.build.json', 'cmake', 'native', 'lib', 'workers'];
    // The export stage copies the exporters and the self-check recording, re-included by "!" lines.
    // The runtime stage copies the example recording for the MFA smoke test.
    if (dockerfile === 'Dockerfile.assess') expected.push('tools/export', 'examples', 'examples/001040067.flac');
    expect(sources).toEqual(expected);
    const reincluded = (source: string) => ignored.some((l) => l === `!${source}` || l.startsWith(`!${source}/`));
    const excluded = (source: string) => source.split('/').some((_, i, parts) => ignored.includes(parts.slice(0, i + 1).join('/')));
    for (const source of [...sources, 'models']) {
      expect(!excluded(source) || reincluded(source), source).toBe(true);
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    expect(text).toMatch(/ARG MODEL_BUNDLE=models\/plumbing/);
    expect(existsSync(join(ROOT, 'models', 'plumbing', 'manifest.json'))).toBe(true);
  });

  it('limits glibc to 2 malloc arenas in the runtime image (more arenas hold more free memory apart; workers/README.md, Memory)', () => {
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ENV [^]*?^\s+MALLOC_ARENA_MAX=2 \\$/m);
  });

  it('builds against ORT_ROOT from the release named by a build arg, with a CUDA + cuDNN runtime base', () => {
    expect(text).toMatch(/^ARG ORT_URL=https:\/\/github\.com\/microsoft\/onnxruntime\/releases\/download\//m);
    expect(text).toMatch(/^ENV ORT_ROOT=\/opt\/onnxruntime$/m);
    expect(text).toMatch(/^ARG CUDA_IMAGE=nvidia\/cuda:[\d.]+-cudnn-runtime-ubuntu24\.04$/m);
    expect(text).toMatch(/libsndfile1 libsoxr0 libsentencepiece0 ffmpeg/);
    // The build stage links the addon against these (pkg-config in CMakeLists.txt).
    expect(text).toMatch(/libsndfile1-dev libsoxr-dev libsentencepiece-dev/);
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

  const hubTests: [string, { input: unknown; timeout: number }][] = tests.tests.map((t: { name: string; input: unknown; timeout: number }) => [t.name, t]);
  it.each(hubTests)('test input "%s" completes through the worker', async (_name, test) => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
    writeFileSync(join(dir, 'test_input.json'), JSON.stringify({ input: test.input }));
    const run = spawnWorker([], {}, { cwd: dir });
    expect(await run.exit).toBe(0);
    const printed = JSON.parse(run.stdout());
    expect(printed.status).toBe('COMPLETED');
    expect(contractViolations(printed.output)).toEqual([]);
    expect(test.timeout).toBeGreaterThanOrEqual(10_000);
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
