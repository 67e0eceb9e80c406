// npm run bench:model -- --model DIR [--provider cpu|cuda] [--batch 1,2,4,8,16,32] [--json out.json]
// npm run bench:gpu   (the same with provider cuda, fp16 where the bundle has it, H100 defaults)
//
// Times a model bundle end to end on real ~5 s speech clips:
//   - single-clip latency p50/p95 of assess() with a target (sequential calls), and the
//     real-time factor (p50 / clip length);
//   - the per-stage breakdown assessDetailed() returns (decode, features, inference, CTC
//     decode, alignment, DP), medians over the same calls;
//   - throughput in audio-seconds per second against batch size B: rounds x B concurrent
//     assess() calls on an engine loaded with batching { maxBatch: B };
//   - GPU memory (nvidia-smi) before and after, where a GPU exists;
//   - with --python, bench/pytorch_eager.py in the same run (same architecture, same weights
//     from weights.pt beside the ONNX) and the engine / PyTorch speed ratios side by side.
// Made for the random-weight bundle of bench/make_bench_model.py: the report says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { load, type Engine, type LoadOptions } from '../lib/engine.js';
import { arpabetToIpa } from '../lib/g2p/cmudict.js';
import type { StageTimings } from '../lib/types.js';
import {
  flacDurationSec,
  gpuGoals,
  lastJsonLine,
  parseModelBenchArgs,
  speedRatios,
  stageMedians,
  summarize,
  throughputPoint,
  type EagerResult,
  type ModelBenchArgs,
  type ThroughputPoint,
} from './model-report.js';
import { printTable } from './stats.js';

// BENCH_ROOT: the repository (examples/, bench/pytorch_eager.py) when this file runs bundled
// elsewhere (scripts/gpu-bench.sh); BENCH_SPEECH_DIR: a speechocean762-dev copy (audio/, text-phone).
const root = process.env.BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const SPEECHOCEAN = process.env.BENCH_SPEECH_DIR ?? join(root, '..', 'shared', 'data', 'speechocean762-dev');
const SPEECHOCEAN_TEXT = join(SPEECHOCEAN, 'text-phone');
const DEFAULT_BENCH_MODEL = '/work/data-bench/wav2vec2-large-random';

/** LoadOptions with the GPU/batching fields (lib/engine.ts gains them with the batching work). */
type BenchLoadOptions = LoadOptions & {
  precision?: 'fp32' | 'fp16';
  ioBinding?: boolean;
  batching?: { maxBatch: number; maxWaitMs: number };
};

export interface Clip {
  path: string;
  targetIpa: string;
  seconds: number;
}

function readHead(path: string, bytes = 64): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    readSync(fd, buf, 0, bytes, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The 5 s example, then speechocean762-dev utterances of 4.5-5.5 s (sorted ids), with canonical targets in IPA. */
export function selectClips(count: number): Clip[] {
  const clips: Clip[] = [{ path: join(root, 'examples', '001040067.flac'), targetIpa: 'leɪlə ɪz ɡʊd æt sɜːfɪŋ', seconds: 5 }];
  if (existsSync(SPEECHOCEAN_TEXT) && existsSync(join(SPEECHOCEAN, 'audio'))) {
    const words = new Map<string, string[]>();
    for (const line of readFileSync(SPEECHOCEAN_TEXT, 'utf8').split('\n')) {
      const [key, phones] = line.split('\t');
      if (!key || !phones) continue;
      const utt = key.split('.')[0];
      const ipa = arpabetToIpa(phones.split(/\s+/).map((p) => p.replace(/_[BIES]$/, '')).join(' ')).join('');
      words.set(utt, [...(words.get(utt) ?? []), ipa]);
    }
    for (const file of readdirSync(join(SPEECHOCEAN, 'audio')).sort()) {
      if (clips.length >= count) break;
      const utt = basename(file, '.flac');
      const path = join(SPEECHOCEAN, 'audio', file);
      const seconds = flacDurationSec(readHead(path));
      if (seconds === null || seconds < 4.5 || seconds > 5.5 || !words.has(utt) || path === clips[0].path) continue;
      clips.push({ path, targetIpa: words.get(utt)!.join(' '), seconds });
    }
  }
  return clips.slice(0, count);
}

interface GpuMemory {
  usedMiB: number;
  totalMiB: number;
}

function gpuMemory(): GpuMemory | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=memory.used,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
    const [used, total] = out.trim().split('\n')[0].split(',').map((s) => Number(s.trim()));
    return Number.isFinite(used) ? { usedMiB: used, totalMiB: total } : null;
  } catch {
    return null;
  }
}

function manifestHasFp16(model: string): boolean {
  const path = model.endsWith('.json') ? model : join(model, 'manifest.json');
  try {
    return typeof (JSON.parse(readFileSync(path, 'utf8')) as { model_fp16?: unknown }).model_fp16 === 'string';
  } catch {
    return false;
  }
}

function loadOptions(args: ModelBenchArgs, maxBatch: number): BenchLoadOptions {
  const options: BenchLoadOptions = { provider: args.provider, precision: args.precision, batching: { maxBatch, maxWaitMs: args.maxWaitMs } };
  if (args.threads) options.threads = args.threads;
  if (args.ioBinding) options.ioBinding = true;
  return options;
}

async function closeEngine(engine: Engine): Promise<void> {
  const closable = engine as unknown as { close?: () => unknown; dispose?: () => unknown };
  await (closable.close ?? closable.dispose)?.call(engine);
}

export interface ModelBenchReport {
  note: string;
  machine: string;
  node: string;
  model: string;
  modelDir: string;
  description: string;
  provider: string;
  precision: string;
  threads: number | null;
  clips: { path: string; seconds: number }[];
  loadMs: number;
  single: ReturnType<typeof summarize> & { realTimeFactor: number; stagesMs: Record<string, number> };
  throughput: ThroughputPoint[];
  gpuMemory: { before: GpuMemory | null; afterLoad: GpuMemory | null; afterRuns: GpuMemory | null };
  pytorch?: EagerResult | { error: string };
  speed?: ReturnType<typeof speedRatios>;
  /** With --library: the bundle's model.onnx in ONNX Runtime's Python API behind the same Python pipeline. */
  onnxruntimePython?: EagerResult | { error: string };
  speedVsOnnxruntimePython?: ReturnType<typeof speedRatios>;
  goals: [string, string][];
}

export async function runModelBench(args: ModelBenchArgs): Promise<ModelBenchReport> {
  if (args.precision === 'fp16' && !manifestHasFp16(args.model)) {
    console.log('  (the bundle has no model_fp16: running fp32)');
    args.precision = 'fp32';
  }
  const clips = selectClips(args.clips);
  const meanClipSec = clips.reduce((a, c) => a + c.seconds, 0) / clips.length;
  const before = gpuMemory();

  // Single clips, sequential, on an engine with maxBatch 1.
  let t = performance.now();
  const engine = await load(args.model, loadOptions(args, 1) as LoadOptions);
  const loadMs = performance.now() - t;
  const afterLoad = gpuMemory();
  console.log(`loaded "${engine.manifest.name}" in ${(loadMs / 1000).toFixed(1)} s; ${clips.length} clips, mean ${meanClipSec.toFixed(2)} s`);
  for (let i = 0; i < args.warmup; i++) await engine.assess({ audio: clips[i % clips.length].path, targetIpa: clips[i % clips.length].targetIpa });
  const latencies: number[] = [];
  const stages: Record<string, number>[] = [];
  for (let i = 0; i < args.runs; i++) {
    const clip = clips[i % clips.length];
    t = performance.now();
    const { timings } = await engine.assessDetailed({ audio: clip.path, targetIpa: clip.targetIpa });
    latencies.push(performance.now() - t);
    stages.push(stageRecord(timings));
  }
  const single = { ...summarize(latencies), realTimeFactor: 0, stagesMs: stageMedians(stages) };
  single.realTimeFactor = single.p50Ms / 1000 / meanClipSec;
  const { name, description } = engine.manifest;
  await closeEngine(engine);

  // Throughput: rounds x B concurrent calls on an engine with maxBatch B.
  const throughput: ThroughputPoint[] = [];
  if (!args.latencyOnly) {
    for (const batch of args.batches) {
      const batched = await load(args.model, loadOptions(args, batch) as LoadOptions);
      const fire = async (n: number) =>
        Promise.all(Array.from({ length: n }, (_, k) => clips[k % clips.length]).map((c) => batched.assess({ audio: c.path, targetIpa: c.targetIpa })));
      await fire(batch); // warm-up round
      const n = batch * args.rounds;
      t = performance.now();
      await fire(n);
      const wallSec = (performance.now() - t) / 1000;
      const point = throughputPoint(batch, Array.from({ length: n }, (_, k) => clips[k % clips.length].seconds), wallSec);
      throughput.push(point);
      console.log(`  batch ${batch}: ${n} clips in ${wallSec.toFixed(2)} s = ${point.audioSecPerSec.toFixed(1)} audio-s/s`);
      await closeEngine(batched);
    }
  }
  const afterRuns = gpuMemory();

  const report: ModelBenchReport = {
    note: 'RANDOM WEIGHTS: the model recognises nothing; the figures time the architecture, not accuracy.',
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
    node: process.version,
    model: name,
    modelDir: resolve(args.model),
    description,
    provider: args.provider,
    precision: args.precision,
    threads: args.threads ?? null,
    clips: clips.map((c) => ({ path: c.path, seconds: c.seconds })),
    loadMs,
    single,
    throughput,
    gpuMemory: { before, afterLoad, afterRuns },
    goals: [],
  };

  if (args.library) {
    report.note = 'RANDOM WEIGHTS (tools/export/random_snapshot.py: the real architecture from its published config): timing only.';
    report.pytorch = runLibrary(args, clips, 'pytorch');
    if (!('error' in report.pytorch)) report.speed = speedRatios(single.p50Ms, throughput, report.pytorch);
    report.onnxruntimePython = runLibrary(args, clips, 'onnxruntime');
    if (!('error' in report.onnxruntimePython)) {
      report.speedVsOnnxruntimePython = speedRatios(single.p50Ms, throughput, report.onnxruntimePython);
    }
  } else if (args.python) {
    report.pytorch = runEager(args, clips);
    if (!('error' in report.pytorch)) report.speed = speedRatios(single.p50Ms, throughput, report.pytorch);
  }
  const speedup = report.speed?.[0]?.speedup ?? null;
  report.goals = args.provider === 'cuda' ? gpuGoals(single.p50Ms, throughput, speedup) : gpuGoals(null, [], null);
  return report;
}

function stageRecord(t: StageTimings): Record<string, number> {
  return {
    'decode audio': t.decodeMs,
    features: t.featuresMs,
    inference: t.inferenceMs,
    'CTC greedy decode': t.ctcMs,
    'forced alignment': t.alignmentMs,
    'edit-distance DP': t.dpMs,
    'verification (CTC forward)': t.verifyMs,
    'total (engine stages)': t.totalMs,
  };
}

/** bench/library_eager.py with one backend: the real model through its library, or the bundle's ONNX in ONNX Runtime's Python API. */
function runLibrary(args: ModelBenchArgs, clips: Clip[], backend: 'pytorch' | 'onnxruntime'): EagerResult | { error: string } {
  const options = ['--kind', args.library!, '--snapshot', args.snapshot!, '--bundle', bundleDir(args), '--backend', backend];
  return runPython(args, clips, 'library_eager.py', options, backend, `library_eager.py --backend ${backend}`);
}

/** bench/pytorch_eager.py: the same architecture and weights (weights.pt beside the ONNX) in PyTorch eager. */
function runEager(args: ModelBenchArgs, clips: Clip[]): EagerResult | { error: string } {
  const options = ['--model', bundleDir(args), '--device', args.provider === 'cuda' ? 'cuda' : 'cpu', '--dtype', args.precision];
  return runPython(args, clips, 'pytorch_eager.py', options, 'PyTorch eager', 'pytorch_eager.py');
}

function bundleDir(args: ModelBenchArgs): string {
  return args.model.endsWith('.json') ? dirname(args.model) : args.model;
}

/** bench/SCRIPT with its own options and the timing options both scripts take; its last JSON line. */
function runPython(args: ModelBenchArgs, clips: Clip[], script: string, options: string[], what: string, name: string): EagerResult | { error: string } {
  const clipsFile = join(tmpdir(), `bench-clips-${process.pid}.json`);
  writeFileSync(clipsFile, JSON.stringify(clips));
  const pyArgs = [
    join(root, 'bench', script),
    ...options,
    '--clips', clipsFile,
    '--runs', String(args.pythonRuns ?? args.runs),
    '--warmup', String(args.warmup),
    '--batch', args.latencyOnly ? '' : (args.pythonBatches ?? args.batches).join(','),
    '--rounds', String(args.rounds),
  ];
  if (args.threads) pyArgs.push('--threads', String(args.threads));
  console.log(`running ${what}: ${args.python} ${pyArgs.map((a) => (a === '' ? "''" : a)).join(' ')}`);
  const run = spawnSync(args.python!, pyArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (run.status !== 0) return { error: `${name} exited with ${run.status ?? run.signal}` };
  try {
    return lastJsonLine<EagerResult>(run.stdout);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function printModelBench(r: ModelBenchReport): void {
  console.log(`\n${r.note}`);
  console.log(`model "${r.model}" (${r.modelDir}), provider ${r.provider}, ${r.precision}, threads ${r.threads ?? 'default'}; ${r.machine}, Node ${r.node}`);
  printTable(`Single clips (assess() with a target, sequential, ${r.single.n} calls)`, [
    ['p50', `${r.single.p50Ms.toFixed(1)} ms`],
    ['p95', `${r.single.p95Ms.toFixed(1)} ms`],
    ['real-time factor (p50 / clip length)', r.single.realTimeFactor.toFixed(4)],
    ['model load', `${(r.loadMs / 1000).toFixed(1)} s`],
  ]);
  printTable('Per-stage medians (ms)', Object.entries(r.single.stagesMs).map(([k, v]): [string, string] => [k, v.toFixed(2)]));
  if (r.throughput.length) {
    printTable('Throughput (rounds x B concurrent clips, batching maxBatch = B)', r.throughput.map((p): [string, string] => [
      `batch ${p.batch}`, `${p.audioSecPerSec.toFixed(1)} audio-s/s (${p.clips} clips, ${p.wallSec.toFixed(2)} s)`,
    ]));
  }
  const mem = r.gpuMemory;
  if (mem.before) {
    printTable('GPU memory used (nvidia-smi, whole GPU)', [
      ['before load', `${mem.before.usedMiB} MiB of ${mem.before.totalMiB}`],
      ['after load', `${mem.afterLoad?.usedMiB ?? '?'} MiB`],
      ['after the runs', `${mem.afterRuns?.usedMiB ?? '?'} MiB`],
    ]);
  }
  if (r.pytorch) printEagerSide('PyTorch eager', r.pytorch, r.speed);
  if (r.onnxruntimePython) printEagerSide('ONNX Runtime Python API (same model.onnx)', r.onnxruntimePython, r.speedVsOnnxruntimePython);
  printTable('GPU goals', r.goals);
}

function printEagerSide(label: string, side: EagerResult | { error: string }, speed: ModelBenchReport['speed']): void {
  if ('error' in side) {
    console.log(`\n${label}: ${side.error}`);
    return;
  }
  console.log(`\n${label} (${side.impl}, audio via ${side.loader}, ${side.device}, ${side.dtype}, torch ${side.torch})`);
  printTable(`${label}: single clip p50 / p95, per-stage medians (ms)`, [
    ['p50 / p95', `${side.single.p50Ms.toFixed(1)} / ${side.single.p95Ms.toFixed(1)}`],
    ...Object.entries(side.single.stagesMs).map(([k, v]): [string, string] => [k, v.toFixed(2)]),
  ]);
  printTable(`Engine vs ${label} (same weights, same clips, same run)`, (speed ?? []).map((row): [string, string] => [
    row.what, `engine ${row.engine.toFixed(1)}, other ${row.pytorch.toFixed(1)}: engine ${row.speedup.toFixed(2)}x`,
  ]));
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const argv = process.argv.slice(2);
  const gpu = argv[0] === '--gpu';
  let args: ModelBenchArgs;
  try {
    args = parseModelBenchArgs(
      gpu ? argv.slice(1) : argv,
      gpu
        ? { provider: 'cuda', precision: 'fp16', runs: 50, warmup: 5, clips: 16, rounds: 4, model: process.env.BENCH_MODEL ?? DEFAULT_BENCH_MODEL, python: process.env.BENCH_PYTHON ?? 'python3' }
        : {},
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const report = await runModelBench(args);
  printModelBench(report);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(report, null, 2));
    console.log(`\nwrote ${args.json}`);
  }
}
